"""How far each precision's decisions stray from fp32's, and what that does to the scores.

Usage:
    python scripts/agreement.py DEV.tsv [--last 500] [--model DIR] [--precisions int8 bf16]

Runs the model in fp32 and in each other precision over the sources of a `source<TAB>target`
file (use held-out dev data, never a test set) and prints, per precision: the share of sentences
whose edits (offset and character) equal fp32's, sentence correction P/R/F1, the false-positive
rate on error-free sentences, the wall time of one pass (all in one process, one after the
other, with --threads torch threads: compare times within one run only), and how many of the
last --alone sentences come out the same corrected one at a time as batched. `auto` may choose
a precision only where the share is at least precision.AGREEMENT and batching changes nothing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from electra_corrector import Corrector
from electra_corrector.base.errors import CorrectorError
from electra_corrector.engine.precision import AGREEMENT, PRECISIONS, unavailable
from electra_corrector.evaluation import compute_metrics, load_dataset


def edits_of(corrections) -> list[list[tuple[int, str]]]:
    return [[(e.offset, e.right) for e in c.edits] for c in corrections]


def measure(model, precision: str, pairs, batch_size: int, alone: int) -> dict:
    corrector = Corrector(model, precision=precision, batch_size=batch_size)
    sources = [source for source, _ in pairs]
    start = time.perf_counter()
    corrections = corrector.correct_batch(sources)
    seconds = time.perf_counter() - start
    metrics = compute_metrics(sources, [t for _, t in pairs], [c.text for c in corrections])
    # The last `alone` sentences once more, one at a time: batching must not change a result.
    tail = list(zip(sources, corrections, strict=True))[len(sources) - alone :]
    unchanged = sum(corrector.correct(source) == batched for source, batched in tail)
    return {
        "edits": edits_of(corrections),
        "metrics": metrics,
        "seconds": seconds,
        "batching": (unchanged, len(tail)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="source<TAB>target dev file")
    parser.add_argument("--last", type=int, help="use only the last N pairs")
    parser.add_argument("--model", help="model folder or hub id (default: the model search)")
    parser.add_argument(
        "--precisions", nargs="+", choices=PRECISIONS[2:], default=["int8", "bf16", "fp16"]
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default: 1)")
    parser.add_argument(
        "--alone",
        type=int,
        default=400,
        help="check that the last N sentences come out the same corrected one at a time",
    )
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    pairs = load_dataset(args.data, format="tsv").pairs
    if args.last:
        pairs = pairs[-args.last :]
    try:
        reference = measure(args.model, "fp32", pairs, args.batch_size, args.alone)
    except CorrectorError as e:
        raise SystemExit(f"agreement: {e}") from None
    print(f"{len(pairs)} sentences of {args.data}; {args.threads} torch thread(s)\n")
    print(
        "| precision | edits agree with fp32 | correction P / R / F1 | FPR | time "
        "| batched = one at a time | auto may use |"
    )
    print("|---|---:|---|---:|---:|---:|---|")
    rows = [("fp32", reference, 1.0)]
    for precision in args.precisions:
        reason = unavailable(precision, torch.device("cpu"))
        if reason:
            print(f"| {precision} | cannot run here: {reason} | | | | | |")
            continue
        found = measure(args.model, precision, pairs, args.batch_size, args.alone)
        same = sum(a == b for a, b in zip(reference["edits"], found["edits"], strict=True))
        rows.append((precision, found, same / len(pairs)))
    for precision, found, agreed in rows:
        m, sc = found["metrics"], found["metrics"].sentence_correction
        unchanged, checked = found["batching"]
        allowed = agreed >= AGREEMENT and unchanged == checked
        verdict = "(the reference)" if precision == "fp32" else "yes" if allowed else "no"
        print(
            f"| {precision} | {agreed:.2%} | {sc.precision:.1%} / {sc.recall:.1%} / {sc.f1:.1%} "
            f"| {m.false_positive_rate:.1%} | {found['seconds']:.2f} s "
            f"| {unchanged} of {checked} | {verdict} |"
        )


if __name__ == "__main__":
    main()
