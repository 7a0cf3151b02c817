"""Training steps per second in fp32 and in bf16 autocast, alternated in one run.

On a CPU with AVX512-BF16 (AMD Zen 4, Intel Sapphire Rapids) `train.py --precision bf16` can
train the default model's shapes much faster than fp32; elsewhere it may be slower. This times
the real Trainer (scripts/train.py's) on the same batches, so the ratio it prints says which to
pick on the machine at hand:

    python -m scripts.benchmark.training --data runs/dev/learner.tsv --steps 8 --rounds 3

The batches are the learner sentences of --data (source side) with the training typos; the
models start from --model (default: the shipped pair), each precision from its own copy.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--data", type=Path, required=True, help="text lines (TSV: the first column)")
    p.add_argument("--model", type=Path, default=Path("data/electra_models"))
    p.add_argument("--steps", type=int, default=8, help="timed steps per precision and round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--batch-tokens", type=int, default=4096)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--precisions", nargs="+", default=["fp32", "bf16"])
    return p.parse_args(argv)


def trainers(args: argparse.Namespace, run_dir: Path) -> dict:
    """One Trainer per precision, each with its own copy of the models and the same batches."""
    from electra_corrector.engine.confusion import default_table
    from electra_corrector.models.loading import bundled_tokenizer
    from electra_corrector.training import models
    from electra_corrector.training.batches import BatchSampler
    from electra_corrector.training.candidate_loss import candidate_table
    from electra_corrector.training.corruption import Corruptor
    from electra_corrector.training.dataset import encode
    from electra_corrector.training.trainer import Trainer, TrainSettings

    tokenizer = bundled_tokenizer()
    vocab = tokenizer.get_vocab()
    lines = args.data.read_text(encoding="utf-8").splitlines()
    texts = [line.split("\t")[0] for line in lines if line.strip()]
    clean = encode(tokenizer, texts)
    table = default_table()
    corruptor = Corruptor(vocab, table, Counter())
    candidates = candidate_table(vocab, table, Counter())
    discriminator, generator = models.pretrained_pair(args.model)
    # batches depend only on (seed, step): one sampler serves every trainer
    sampler = BatchSampler(clean, [], corruptor, args.batch_tokens, 0.0, seed=0)
    found = {}
    for precision in args.precisions:
        settings = TrainSettings(
            run_dir=run_dir / precision,
            steps=10**9,
            batch_tokens=args.batch_tokens,
            threads=args.threads,
            precision=precision,
            progress=False,
        )
        found[precision] = Trainer(
            settings, copy.deepcopy(discriminator), copy.deepcopy(generator), sampler, candidates
        )
    return found


def main(argv=None) -> dict:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as run_dir:
        found = trainers(args, Path(run_dir))
        for trainer in found.values():  # warm-up: first calls allocate and pick kernels
            trainer.train_step()
        seconds = {precision: [] for precision in found}
        tokens = {precision: 0 for precision in found}
        for _ in range(args.rounds):
            for precision, trainer in found.items():
                started = time.perf_counter()
                for _ in range(args.steps):
                    tokens[precision] += trainer.train_step()[2]
                seconds[precision].append(time.perf_counter() - started)
    first = args.precisions[0]
    rates = {p: args.steps / statistics.median(s) for p, s in seconds.items()}
    print(f"| precision | steps/s | tokens/s | vs {first} |")
    print("|---|---:|---:|---:|")
    for precision, rate in rates.items():
        per_step = tokens[precision] / (args.steps * args.rounds)
        print(f"| {precision} | {rate:.2f} | {rate * per_step:,.0f} | {rate / rates[first]:.2f}x |")
    return rates


if __name__ == "__main__":
    main()
