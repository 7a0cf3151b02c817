"""electra-correct-eval: score a model on SIGHAN-style test sets.

    electra-correct-eval /path/sighan15_test.tsv --model data/electra_models --threshold 0.5

Prints, per data file, the metrics table (see metrics.py for the definitions), the speed, and a
signature line that pins down what was measured (signature.py). --json prints the same as one
JSON object. --errors FILE appears only when every data file has been scored (atomically).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from electra_corrector.base.errors import describe
from electra_corrector.document.argtypes import int_at_least
from electra_corrector.document.console import USAGE_ERROR, say
from electra_corrector.document.options import add_model_options, load_corrector
from electra_corrector.evaluation.datasets import (
    DATASET_FORMATS,
    Dataset,
    DatasetError,
    load_dataset,
)
from electra_corrector.evaluation.funnel import Funnel, funnel
from electra_corrector.evaluation.metrics import Metrics, format_table
from electra_corrector.evaluation.runner import evaluate
from electra_corrector.evaluation.signature import signature
from electra_corrector.textio.files import open_output

PROG = "electra-correct-eval"
REJECTED_SHOWN = 10  # a badly broken file should not flood the terminal


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Score a spelling corrector.")
    parser.add_argument("data", nargs="+", metavar="DATA", help=".sgml, .tsv or .jsonl test data")
    parser.add_argument(
        "--format",
        choices=("auto", *DATASET_FORMATS),
        default="auto",
        help="data format (default: from the file extension)",
    )
    parser.add_argument(
        "--t2s",
        action="store_true",
        help="convert traditional characters to simplified first (needs: pip install opencc)",
    )
    add_model_options(parser)
    parser.add_argument(
        "--limit", type=int_at_least(1), help="score only the first N pairs of each"
    )
    parser.add_argument(
        "--funnel",
        action="store_true",
        help="also show where the gold edits are lost: not in the confusion table, not flagged, "
        "not among the candidates, rejected by the accept rule, or accepted (with examples)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument(
        "--errors", metavar="FILE", help="write every sentence the model got wrong here, as JSONL"
    )
    return parser


def fail(message: object) -> int:
    say(PROG, f"error: {message}")
    return USAGE_ERROR


def report_rejected(dataset: Dataset) -> None:
    if not dataset.rejected:
        return
    total = len(dataset.pairs) + len(dataset.rejected)
    print(f"{dataset.name}: left out {len(dataset.rejected)} of {total} pairs:", file=sys.stderr)
    for message in dataset.rejected[:REJECTED_SHOWN]:
        print(f"  {message}", file=sys.stderr)
    if len(dataset.rejected) > REJECTED_SHOWN:
        print(f"  ... and {len(dataset.rejected) - REJECTED_SHOWN} more", file=sys.stderr)


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

    from electra_corrector.base.errors import CorrectorError

    try:  # a temporary file beside it now, so that a bad path fails at once; FILE stays as it
        # is until every data file has been scored
        errors = open_output(Path(args.errors)) if args.errors else None
    except OSError as e:
        return fail(describe(e, f"cannot write {args.errors}"))
    try:
        corrector = load_corrector(args)
        runs = [run_one(corrector, dataset, args) for dataset in datasets]
        if errors is not None:
            try:
                for run in runs:
                    errors.stream.writelines(run.wrong_lines())
                errors.commit()
            except OSError as e:
                return fail(describe(e, f"cannot write {args.errors}"))
    except CorrectorError as e:
        return fail(e)
    finally:
        if errors is not None:
            errors.discard()  # removes the temporary file; after a commit there is none

    if args.json:
        print(
            json.dumps({"results": [run.to_json() for run in runs]}, ensure_ascii=False, indent=2)
        )
    else:
        print("\n\n".join(run.describe() for run in runs))
    return 0


class Run(NamedTuple):
    dataset: Dataset
    pairs: list[tuple[str, str]]
    predictions: list  # one Correction per pair
    seconds: float
    metrics: Metrics
    signature: str
    funnel: Funnel | None = None

    @property
    def sentences(self) -> int:
        return len(self.pairs)

    def wrong_lines(self) -> Iterator[bytes]:
        """A JSON line for each sentence the model got wrong."""
        for index, ((source, target), prediction) in enumerate(
            zip(self.pairs, self.predictions, strict=True)
        ):
            if prediction.text != target:
                record = {
                    "dataset": self.dataset.name,
                    "index": index,
                    "source": source,
                    "target": target,
                    "prediction": prediction.text,
                    "edits": [edit.to_json() for edit in prediction.edits],
                }
                yield (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")

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
            **({"funnel": self.funnel.to_dict()} if self.funnel else {}),
        }

    def describe(self) -> str:
        return "\n".join(
            [
                f"{self.dataset.path}: {self.sentences} sentences",
                format_table(self.metrics),
                *([self.funnel.describe()] if self.funnel else []),
                f"speed: {self.speed:.1f} sentences/s ({self.seconds:.1f} s)",
                f"signature: {self.signature}",
            ]
        )


def run_one(corrector, dataset: Dataset, args: argparse.Namespace) -> Run:
    pairs = dataset.pairs[: args.limit]
    started = time.perf_counter()
    found = [] if args.funnel else None
    metrics, predictions = evaluate(corrector, pairs, args.batch_size, True, found)
    seconds = time.perf_counter() - started
    sig = signature(corrector, dataset, len(pairs), args.t2s)
    lost = None
    if found is not None:
        texts = [p.text for p in predictions]
        lost = funnel(pairs, found, texts, corrector.plausible)
    return Run(dataset, pairs, predictions, seconds, metrics, sig, lost)


if __name__ == "__main__":
    sys.exit(main())
