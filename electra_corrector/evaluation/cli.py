"""electra-correct-eval: score a model on SIGHAN-style test sets.

    electra-correct-eval /path/sighan15_test.tsv --model data/electra_models --threshold 0.5

Prints, per data file, the metrics table (see metrics.py for the definitions), the speed, and a
signature line that pins down what was measured: package version, model, decoding options, data
file name, size and SHA-1. --json prints the same as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import nullcontext
from dataclasses import asdict
from typing import NamedTuple, TextIO

from electra_corrector import __version__
from electra_corrector.argtypes import int_at_least, probability
from electra_corrector.evaluation.datasets import FORMATS, Dataset, DatasetError, load_dataset
from electra_corrector.evaluation.metrics import Metrics, format_table
from electra_corrector.evaluation.runner import evaluate
from electra_corrector.precision import PRECISIONS

PROG = "electra-correct-eval"
REJECTED_SHOWN = 10  # a badly broken file should not flood the terminal


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Score a spelling corrector.")
    parser.add_argument("data", nargs="+", metavar="DATA", help=".sgml, .tsv or .jsonl test data")
    parser.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="data format (default: from the file extension)",
    )
    parser.add_argument(
        "--t2s",
        action="store_true",
        help="convert traditional characters to simplified first (needs: pip install opencc)",
    )
    parser.add_argument("--model", help="model folder or hub id (default: the bundled model)")
    parser.add_argument("--threshold", type=probability, help="detection threshold override")
    parser.add_argument("--batch-size", type=int_at_least(1), default=32)
    parser.add_argument("--device", help="torch device, e.g. cpu or cuda (default: cpu)")
    parser.add_argument(
        "--precision", choices=PRECISIONS, default="auto", help="as electra-correct"
    )
    parser.add_argument(
        "--limit", type=int_at_least(1), help="score only the first N pairs of each"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument(
        "--errors", metavar="FILE", help="write every sentence the model got wrong here, as JSONL"
    )
    return parser


def fail(message: object) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def report_rejected(dataset: Dataset) -> None:
    if not dataset.rejected:
        return
    total = len(dataset.pairs) + len(dataset.rejected)
    print(f"{dataset.name}: left out {len(dataset.rejected)} of {total} pairs:", file=sys.stderr)
    for message in dataset.rejected[:REJECTED_SHOWN]:
        print(f"  {message}", file=sys.stderr)
    if len(dataset.rejected) > REJECTED_SHOWN:
        print(f"  ... and {len(dataset.rejected) - REJECTED_SHOWN} more", file=sys.stderr)


def open_for_writing(path: str) -> TextIO:
    return open(path, "w", encoding="utf-8")  # the caller's `with` closes it


def signature(corrector, dataset: Dataset, size: int, t2s: bool) -> str:
    fields = {
        "electra-correct": __version__,
        "model": corrector.model_id,
        "precision": corrector.precision,
        **asdict(corrector.options),
        "data": dataset.name,
        "format": dataset.format,
        "t2s": "yes" if t2s else "no",
        "n": size,
        "sha1": dataset.sha1,
    }
    return "|".join(f"{key}:{value}" for key, value in fields.items())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        datasets = [load_dataset(path, args.format, args.t2s) for path in args.data]
    except DatasetError as e:
        return fail(e)
    for dataset in datasets:
        report_rejected(dataset)
        if not dataset.pairs:
            return fail(f"{dataset.path}: no usable pairs")

    from electra_corrector import Corrector
    from electra_corrector.errors import CorrectorError

    try:  # opened before the long run, so that a bad path fails at once
        errors_file = open_for_writing(args.errors) if args.errors else nullcontext()
    except OSError as e:
        return fail(f"cannot write {args.errors}: {e.strerror or e}")
    with errors_file as errors:
        try:
            corrector = Corrector(
                model=args.model,
                device=args.device,
                threshold=args.threshold,
                batch_size=args.batch_size,
                precision=args.precision,
            )
            runs = [run_one(corrector, dataset, args, errors) for dataset in datasets]
        except CorrectorError as e:
            return fail(e)

    if args.json:
        print(
            json.dumps({"results": [run.to_json() for run in runs]}, ensure_ascii=False, indent=2)
        )
    else:
        print("\n\n".join(run.describe() for run in runs))
    return 0


class Run(NamedTuple):
    dataset: Dataset
    sentences: int
    seconds: float
    metrics: Metrics
    signature: str

    @property
    def speed(self) -> float:
        return self.sentences / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict:
        return {
            "dataset": str(self.dataset.path),
            "sha1": self.dataset.sha1,
            "sentences": self.sentences,
            "rejected": self.dataset.rejected,
            "seconds": round(self.seconds, 3),
            "sentences_per_second": round(self.speed, 2),
            "signature": self.signature,
            "metrics": self.metrics.to_dict(),
        }

    def describe(self) -> str:
        return "\n".join(
            [
                f"{self.dataset.path}: {self.sentences} sentences",
                format_table(self.metrics),
                f"speed: {self.speed:.1f} sentences/s ({self.seconds:.1f} s)",
                f"signature: {self.signature}",
            ]
        )


def run_one(corrector, dataset: Dataset, args: argparse.Namespace, errors: TextIO | None) -> Run:
    pairs = dataset.pairs[: args.limit]
    started = time.perf_counter()
    metrics, predictions = evaluate(corrector, pairs, args.batch_size, progress=True)
    seconds = time.perf_counter() - started
    if errors:
        for index, ((source, target), prediction) in enumerate(
            zip(pairs, predictions, strict=True)
        ):
            if prediction.text != target:
                record = {
                    "dataset": dataset.name,
                    "index": index,
                    "source": source,
                    "target": target,
                    "prediction": prediction.text,
                    "edits": [edit.to_json() for edit in prediction.edits],
                }
                errors.write(json.dumps(record, ensure_ascii=False) + "\n")
    return Run(
        dataset, len(pairs), seconds, metrics, signature(corrector, dataset, len(pairs), args.t2s)
    )


if __name__ == "__main__":
    sys.exit(main())
