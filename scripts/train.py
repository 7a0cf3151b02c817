"""Train the default discriminator + generator pair for electra-correct.

Clean sentences from every corpus file (at most --genre-chars characters each, so no register
dominates) get realistic typos: characters swapped for confusable ones from the shipped
confusion table, or whole words for same-pinyin words of the lexicon; real pairs (SIGHAN
training files and SHARED/pairs) are mixed into every batch. Nothing the fixed held-out rule
(electra_corrector/training/splits.py) reserves for dev, and no sentence of the SIGHAN-15 test
set (sighan/sighan15_train_test_overlap.txt), is trained on. The discriminator learns to flag
replaced characters; the generator reads the sentence as written and learns which of the
written character and its confusables was meant (or, with --g-objective vocab, the intended
character among the whole vocabulary).

Examples:
    # the default model: about an hour on 2 CPU cores
    python scripts/train.py --minutes 60 --name long --out runs/long/final
    # a quick smoke run
    python scripts/train.py --steps 50 --name smoke --out runs/smoke/final
    # fine-tune HFL's released small models (a folder holding both HFL folders)
    python scripts/train.py --init ~/models/hfl --minutes 30 --name hfl --out runs/hfl/final
    # continue an interrupted run from runs/long/ckpt/last.pt
    python scripts/train.py --minutes 60 --name long --out runs/long/final --resume
    # the compressed training text for a GPU machine (scripts/gpu_train.sh)
    python scripts/train.py --save-sample runs/gpu_sample
    # export the latest checkpoint of a run (e.g. while it is still training)
    python scripts/train.py --name long --export-only --out data/electra_models

Runs are reproducible from --seed when bounded by --steps (with --minutes the stopping point
follows the clock). The dev split (never the SIGHAN test files) goes to runs/dev.tsv and
runs/dev_clean.tsv, for scripts/tune.py.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import fields
from pathlib import Path

from shared_data import SHARED_DATA


def optional_path(text: str) -> Path | None:
    return Path(text) if text else None


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    data = p.add_argument_group("data")
    data.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        default=None,
        help="plain-text files of clean Chinese (default: SHARED/corpus/*.txt)",
    )
    data.add_argument(
        "--genre-chars",
        type=int,
        default=3_000_000,
        help="characters of training text taken from each corpus file at most (a fixed sample)",
    )
    data.add_argument(
        "--sighan",
        type=optional_path,
        default=SHARED_DATA / "sighan",
        help="folder with sighan15_train.tsv, train14.sgml, train15.sgml ('' for none)",
    )
    data.add_argument(
        "--pairs",
        type=optional_path,
        default=SHARED_DATA / "pairs",
        help="folder of more real source<TAB>target pairs, *.tsv ('' for none)",
    )
    data.add_argument(
        "--lexicon",
        type=optional_path,
        default=SHARED_DATA / "lexicon" / "jieba_dict.txt",
        help="'word freq' lexicon for whole-word same-pinyin typos ('' for none)",
    )
    data.add_argument(
        "--word-share",
        type=float,
        default=0.2,
        help="share of injected typos that replace a whole word",
    )
    data.add_argument(
        "--typo-kinds",
        type=kind_weights,
        default=None,
        metavar="KIND=W,...",
        help="how much each kind of confusion weighs when a typo is drawn; kinds not named "
        "weigh 0 (default: corruption.DEFAULT_KIND_WEIGHTS). seen=1,listed=1 draws only "
        "substitutions real writers were seen to make and the old table's pairs",
    )
    data.add_argument(
        "--sample",
        type=Path,
        default=None,
        help="read the training text from a folder written by --save-sample, not SHARED",
    )
    data.add_argument(
        "--save-sample",
        type=Path,
        default=None,
        help="no training: write the training text (dev rules and caps applied) and the word "
        "table to this folder, xz-compressed, for machines without SHARED (scripts/gpu_train.sh)",
    )
    data.add_argument(
        "--dev-out",
        type=Path,
        default=Path("runs/dev.tsv"),
        help="where the held-out dev split is written (source<TAB>target): SIGHAN pairs and "
        "error-free learner sentences here, clean corpus sentences beside it in *_clean.tsv",
    )
    model = p.add_argument_group("model")
    model.add_argument(
        "--init",
        type=Path,
        default=None,
        help="start from pretrained models: a folder with discriminator/ + generator/ "
        "or HFL's chinese_electra_small_{discriminator,generator}_pytorch/",
    )
    model.add_argument(
        "--d-shape",
        default="4,256,4,1024",
        help="discriminator layers,hidden,heads,intermediate (embedding 128)",
    )
    model.add_argument("--g-shape", default="4,256,4,1024", help="generator shape, same format")
    run = p.add_argument_group("run")
    add_settings(run)
    run.add_argument(
        "--name", default="default", help="run name: logs and checkpoints in runs/NAME/"
    )
    run.add_argument("--resume", action="store_true", help="continue from runs/NAME/ckpt/last.pt")
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where the trained pair is exported (fp16): OUT/discriminator, OUT/generator",
    )
    run.add_argument(
        "--export-only",
        action="store_true",
        help="no training: export runs/NAME/ckpt/last.pt to --out",
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    if args.export_only and not args.out:
        p.error("--export-only needs --out")
    if args.minutes is None and args.steps is None and not (args.export_only or args.save_sample):
        p.error("give --minutes or --steps")
    return args


def add_settings(group) -> None:
    """One option per TrainSettings field (but the run folder and the progress bar), with the
    field's default and help: the defaults have one home."""
    from electra_corrector.training.trainer import TrainSettings

    for setting in fields(TrainSettings):
        if "help" not in setting.metadata:
            continue
        extra = {k: v for k, v in setting.metadata.items() if k != "help"}
        kind = extra.pop("type", type(setting.default))
        group.add_argument(
            "--" + setting.name.replace("_", "-"),
            type=kind,
            default=setting.default,
            help=setting.metadata["help"],
            **extra,
        )


def kind_weights(text: str) -> dict[str, float]:
    from electra_corrector.engine.confusion import KINDS

    weights = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind not in KINDS:
            raise argparse.ArgumentTypeError(
                f"{kind!r} is no kind of confusion ({', '.join(KINDS)})"
            )
        try:
            weights[kind] = float(weight)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r}: the weight is no number") from None
    return {kind: weights.get(kind, 0.0) for kind in KINDS}


def shape(text: str) -> dict:
    layers, hidden, heads, intermediate = (int(x) for x in text.split(","))
    return dict(layers=layers, hidden=hidden, heads=heads, intermediate=intermediate)


def corpus_files(args: argparse.Namespace) -> list[Path]:
    return args.corpus or sorted((SHARED_DATA / "corpus").glob("*.txt"))


def text_splits(args: argparse.Namespace):
    from electra_corrector.training import dataset

    if args.sample:
        from electra_corrector.training.sample import read_sample

        return read_sample(args.sample)[0]
    return dataset.text_splits(corpus_files(args), args.sighan, args.pairs, args.genre_chars)


def word_table(args: argparse.Namespace, vocab: dict[str, int]):
    """Same-pinyin word alternatives for word-level typos, or None."""
    if args.word_share <= 0:
        return None
    if args.sample:
        from electra_corrector.training.sample import read_sample

        return read_sample(args.sample)[1] or None
    if not args.lexicon:
        return None
    from electra_corrector.training.word_confusion import cached_word_table

    return cached_word_table(args.lexicon, vocab, Path("runs"))


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.export_only:
        return export_checkpoint(args)

    from electra_corrector.engine.confusion import default_table
    from electra_corrector.models.loading import bundled_tokenizer
    from electra_corrector.training import dataset, models
    from electra_corrector.training.batches import BatchSampler
    from electra_corrector.training.corruption import DEFAULT_KIND_WEIGHTS, Corruptor, cjk_counts
    from electra_corrector.training.trainer import Trainer, TrainSettings, settings_dict

    run_dir = Path("runs") / args.name
    started = time.time()
    tokenizer = bundled_tokenizer()
    vocab = tokenizer.get_vocab()
    text = text_splits(args)
    print(f"text: {json.dumps(text.stats, ensure_ascii=False)}", flush=True)
    words = word_table(args, vocab)
    print(f"word table: {len(words or ())} words with same-pinyin alternatives", flush=True)
    if args.save_sample:
        from electra_corrector.training.sample import write_sample

        write_sample(args.save_sample, text, words)
        size = sum(f.stat().st_size for f in args.save_sample.iterdir()) / 2**20
        print(f"sample: {args.save_sample} ({size:.1f} MB)", flush=True)
        return {}
    counts = cjk_counts(text.train_sentences)
    typo_kinds = args.typo_kinds or DEFAULT_KIND_WEIGHTS
    data, corruptor = dataset.build(
        tokenizer,
        text,
        lambda _: Corruptor(
            vocab,
            default_table(),
            counts,
            words=words,
            word_share=args.word_share,
            kind_weights=typo_kinds,
        ),
        dev_out=args.dev_out,
    )
    print(
        f"data: {len(data.clean)} clean sentences "
        f"({sum(map(len, data.clean_text))} chars), {len(data.pairs)} real pairs, "
        f"{len(data.dev)} dev rows ({time.time() - started:.0f}s)",
        flush=True,
    )

    if args.init:
        discriminator, generator = models.pretrained_pair(args.init)
    else:
        discriminator, generator = models.fresh_pair(
            models.shape_config(**shape(args.d_shape)),
            models.shape_config(**shape(args.g_shape)),
            args.seed,
        )
    print(
        f"models: discriminator {models.size_mb(discriminator):.1f} MB, "
        f"generator {models.size_mb(generator):.1f} MB in fp16",
        flush=True,
    )

    names = [f.name for f in fields(TrainSettings) if "help" in f.metadata]
    chosen = {name: getattr(args, name) for name in names}
    settings = TrainSettings(run_dir=run_dir, progress=not args.no_progress, **chosen)
    sampler = BatchSampler(
        data.clean,
        data.pairs,
        corruptor,
        settings.batch_tokens,
        settings.pair_fraction,
        settings.seed,
    )
    candidates = None
    if args.g_objective == "candidates":
        from electra_corrector.training.candidate_loss import candidate_table

        candidates = candidate_table(vocab, default_table(), counts)
    trainer = Trainer(settings, discriminator, generator, sampler, candidates)
    if args.resume and trainer.checkpoint_path().is_file():
        trainer.load_checkpoint(trainer.checkpoint_path())
        print(f"resumed at step {trainer.step}", flush=True)
    result = trainer.run(data.dev)
    print(json.dumps(result), flush=True)
    if args.out:
        trained = {
            "steps": trainer.step,
            "minutes": round(trainer.elapsed / 60, 1),
            "seed": args.seed,
            "init": str(args.init) if args.init else None,
            "dev": result,
            "settings": settings_dict(settings),
            "typo_kinds": typo_kinds,
        }
        from electra_corrector.training.export import export_model

        export_model(trainer.d, trainer.g, args.out, trained, data.pair_text, args.g_objective)
        print(f"saved to {args.out}", flush=True)
    return result


def export_checkpoint(args: argparse.Namespace) -> dict:
    """Export runs/NAME/ckpt/last.pt, with the run's last dev line, without training."""
    from electra_corrector.training import models

    run_dir = Path("runs") / args.name
    discriminator, generator, state = models.pair_from_checkpoint(run_dir / "ckpt" / "last.pt")
    log = run_dir / "train_log.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines() if log.is_file() else []
    trained = {
        "steps": state["step"],
        "minutes": round(state["elapsed"] / 60, 1),
        "dev": json.loads(lines[-1]) if lines else None,
    }
    from electra_corrector.training.export import export_model

    pairs = text_splits(args).train_pairs
    export_model(discriminator, generator, args.out, trained, pairs, args.g_objective)
    print(f"saved to {args.out}", flush=True)
    return trained


if __name__ == "__main__":
    main()
