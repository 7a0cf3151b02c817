"""Pick a trained model's decoding settings on the dev split, and save them.

Scores a grid of decoding settings on the dev split that scripts/train.py holds out (never a
SIGHAN test file): runs/dev.tsv, SIGHAN training pairs plus error-free learner sentences, and
runs/dev_clean.tsv, clean corpus sentences. It keeps the setting with the best sentence-level
correction F1 on dev.tsv among those that change at most --max-fpr of the error-free sentences
in each file. The choice is written into the model's corrector_config.json.

The models run once per typo_prior and generator_input, at the lowest threshold; every threshold,
min_gain and detection_weight is then tried on those proposals (Corrector.propose / apply), so a
grid of hundreds of settings costs about as much as a few evaluations.

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
    p.add_argument(
        "--clean",
        type=Path,
        default=Path("runs/dev_clean.tsv"),
        help="clean sentences that must stay unchanged, source<TAB>target ('' for none)",
    )
    p.add_argument(
        "--thresholds", type=float, nargs="+", default=[0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5]
    )
    p.add_argument("--min-gains", type=float, nargs="+", default=[x / 2 for x in range(-4, 11)])
    p.add_argument(
        "--detection-weights", type=float, nargs="+", default=[0.0, 0.25, 0.5, 0.75, 1.0]
    )
    p.add_argument(
        "--typo-priors",
        type=float,
        nargs="+",
        default=[0.0, 0.5, 1.0],
        help="weights of the typo_counts.tsv prior to try",
    )
    p.add_argument(
        "--generator-inputs",
        nargs="+",
        default=["as_written"],
        choices=["as_written", "masked"],
        help="how the generator reads flagged characters",
    )
    p.add_argument(
        "--max-fpr", type=float, default=0.08, help="false-positive rate ceiling, in each file"
    )
    p.add_argument(
        "--f1-tolerance",
        type=float,
        default=0.005,
        help="F1 this close to the best ties; the highest threshold (fastest) of those wins",
    )
    p.add_argument("--limit", type=int, default=0, help="use an even sample of this many dev pairs")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--verbose", action="store_true", help="print every setting's scores")
    p.add_argument("--save", action="store_true", help="write the choice to corrector_config.json")
    return p.parse_args(argv)


def choose(results: list[dict], max_fpr: float, tolerance: float) -> dict:
    """Best F1 within the false-positive ceiling; the lowest false-positive rate if none is.

    Settings within `tolerance` of the best F1 tie, and the highest threshold among them wins:
    each flag costs a generator call, so it is the fastest of equals.
    """
    allowed = [r for r in results if max(r["fpr"], r["fpr_clean"]) <= max_fpr]
    if not allowed:
        return min(results, key=lambda r: (max(r["fpr"], r["fpr_clean"]), -r["f1"]))
    top = max(r["f1"] for r in allowed)
    tied = [r for r in allowed if r["f1"] >= top - tolerance]
    return max(tied, key=lambda r: (r["threshold"], r["f1"], -r["fpr"]))


def main(argv=None) -> dict:
    args = parse_args(argv)

    from electra_corrector import Corrector
    from electra_corrector.evaluation.datasets import load_dataset
    from electra_corrector.evaluation.metrics import compute_metrics
    from electra_corrector.options import SETTINGS_FILE, CorrectorOptions

    dataset = load_dataset(args.dev, format="tsv")
    pairs = dataset.pairs
    if args.limit and len(pairs) > args.limit:
        pairs = [pairs[i * len(pairs) // args.limit] for i in range(args.limit)]
    sources = [source for source, _ in pairs]
    targets = [target for _, target in pairs]
    clean_set = load_dataset(args.clean, format="tsv") if str(args.clean) else None
    clean = [source for source, _ in clean_set.pairs] if clean_set else []
    base = CorrectorOptions.load(args.model)
    results = []
    for typo_prior, generator_input in product(args.typo_priors, args.generator_inputs):
        corrector = Corrector(
            model=str(args.model),
            batch_size=args.batch_size,
            options=base.updated(
                threshold=min(args.thresholds),
                typo_prior=typo_prior,
                generator_input=generator_input,
            ),
        )
        proposals = corrector.propose(sources + clean)
        grid = product(args.thresholds, args.min_gains, args.detection_weights)
        for threshold, min_gain, detection_weight in grid:
            options = corrector.options.updated(
                threshold=threshold, min_gain=min_gain, detection_weight=detection_weight
            )
            predictions = [
                corrector.apply(source, found, options).text
                for source, found in zip(sources + clean, proposals, strict=True)
            ]
            metrics = compute_metrics(sources, targets, predictions[: len(sources)])
            changed = sum(p != s for p, s in zip(predictions[len(sources) :], clean, strict=True))
            result = {
                "threshold": threshold,
                "min_gain": min_gain,
                "detection_weight": detection_weight,
                "typo_prior": typo_prior,
                "generator_input": generator_input,
                "f1": round(metrics.sentence_correction.f1, 4),
                "precision": round(metrics.sentence_correction.precision, 4),
                "recall": round(metrics.sentence_correction.recall, 4),
                "fpr": round(metrics.false_positive_rate, 4),
                "fpr_clean": round(changed / len(clean), 4) if clean else 0.0,
            }
            results.append(result)
            if args.verbose:
                print(json.dumps(result), flush=True)
    best = choose(results, args.max_fpr, args.f1_tolerance)
    print("chosen:", json.dumps(best), flush=True)
    plain = [r for r in results if r["detection_weight"] == 0]
    if 0 < len(plain) < len(results):  # what the accept rule's discriminator term buys
        plain_best = choose(plain, args.max_fpr, args.f1_tolerance)
        print("chosen with detection_weight 0:", json.dumps(plain_best), flush=True)

    if args.save:
        saved = json.loads((args.model / SETTINGS_FILE).read_text(encoding="utf-8"))
        extra = {k: v for k, v in saved.items() if k not in CorrectorOptions.__dataclass_fields__}
        extra["tuned"] = {
            "dev": str(args.dev),
            "dev_sha1": dataset.sha1,
            "clean": str(args.clean),
            "clean_sha1": clean_set.sha1 if clean_set else None,
            "pairs": len(pairs),
            "max_fpr": args.max_fpr,
            "f1_tolerance": args.f1_tolerance,
            "chosen": best,
        }
        settings = ("threshold", "min_gain", "detection_weight", "typo_prior", "generator_input")
        chosen = {k: best[k] for k in settings}
        base.updated(**chosen).save(args.model, **extra)
        print(f"saved to {args.model / SETTINGS_FILE}", flush=True)
    return best


if __name__ == "__main__":
    main()
