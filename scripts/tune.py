"""Pick a trained model's decoding settings on the dev split, and save them.

Runs the Corrector over runs/dev.tsv (held out by scripts/train.py: never a SIGHAN test file)
for a small grid of threshold, min_gain, typo_prior and generator_input, and keeps the setting
with the best sentence-level correction F1 among those whose false-positive rate (error-free
sentences changed) is at most --max-fpr. The choice is written into the model's
corrector_config.json.

    python scripts/tune.py --model data/electra_models --dev runs/dev.tsv --save
"""

from __future__ import annotations

import argparse
import json
from itertools import product
from pathlib import Path


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--model", type=Path, default=Path("data/electra_models"))
    p.add_argument("--dev", type=Path, default=Path("runs/dev.tsv"), help="source<TAB>target")
    p.add_argument("--thresholds", type=float, nargs="+", default=[0.05, 0.1, 0.15, 0.2, 0.3, 0.5])
    p.add_argument("--min-gains", type=float, nargs="+", default=[-2.0, -1.0, 0.0, 1.0])
    p.add_argument(
        "--typo-priors",
        type=float,
        nargs="+",
        default=[0.0],
        help="weights of the typo_counts.tsv prior to try",
    )
    p.add_argument(
        "--generator-inputs",
        nargs="+",
        default=["as_written"],
        choices=["as_written", "masked"],
        help="how the generator reads flagged characters",
    )
    p.add_argument("--max-fpr", type=float, default=0.08, help="false-positive rate ceiling")
    p.add_argument("--limit", type=int, default=0, help="use an even sample of this many dev pairs")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--save", action="store_true", help="write the choice to corrector_config.json")
    return p.parse_args(argv)


def choose(results: list[dict], max_fpr: float) -> dict:
    """Best F1 within the false-positive ceiling; the lowest false-positive rate if none is."""
    allowed = [r for r in results if r["fpr"] <= max_fpr]
    if allowed:
        return max(allowed, key=lambda r: (r["f1"], -r["fpr"]))
    return min(results, key=lambda r: (r["fpr"], -r["f1"]))


def main(argv=None) -> dict:
    args = parse_args(argv)

    from electra_corrector import Corrector
    from electra_corrector.evaluation.datasets import load_dataset
    from electra_corrector.evaluation.runner import evaluate
    from electra_corrector.options import SETTINGS_FILE, CorrectorOptions

    dataset = load_dataset(args.dev, format="tsv")
    pairs = dataset.pairs
    if args.limit and len(pairs) > args.limit:
        pairs = [pairs[i * len(pairs) // args.limit] for i in range(args.limit)]
    base = CorrectorOptions.load(args.model)
    results = []
    grid = product(args.thresholds, args.min_gains, args.typo_priors, args.generator_inputs)
    for threshold, min_gain, typo_prior, generator_input in grid:
        options = base.updated(
            threshold=threshold,
            min_gain=min_gain,
            typo_prior=typo_prior,
            generator_input=generator_input,
        )
        corrector = Corrector(model=str(args.model), options=options)
        metrics, _ = evaluate(corrector, pairs, batch_size=args.batch_size)
        result = {
            "threshold": threshold,
            "min_gain": min_gain,
            "typo_prior": typo_prior,
            "generator_input": generator_input,
            "f1": round(metrics.sentence_correction.f1, 4),
            "precision": round(metrics.sentence_correction.precision, 4),
            "recall": round(metrics.sentence_correction.recall, 4),
            "fpr": round(metrics.false_positive_rate, 4),
        }
        results.append(result)
        print(json.dumps(result), flush=True)
    best = choose(results, args.max_fpr)
    print("chosen:", json.dumps(best), flush=True)

    if args.save:
        saved = json.loads((args.model / SETTINGS_FILE).read_text(encoding="utf-8"))
        extra = {k: v for k, v in saved.items() if k not in CorrectorOptions.__dataclass_fields__}
        extra["tuned"] = {
            "dev": str(args.dev),
            "dev_sha1": dataset.sha1,
            "pairs": len(pairs),
            "max_fpr": args.max_fpr,
            "chosen": best,
        }
        chosen = {k: best[k] for k in ("threshold", "min_gain", "typo_prior", "generator_input")}
        base.updated(**chosen).save(args.model, **extra)
        print(f"saved to {args.model / SETTINGS_FILE}", flush=True)
    return best


if __name__ == "__main__":
    main()
