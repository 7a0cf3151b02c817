"""Run a corrector over (source, target) pairs and score it; shared by the CLI and scripts."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from electra_corrector.evaluation.metrics import Metrics, compute_metrics


def evaluate(
    corrector,
    pairs: Sequence[tuple[str, str]],
    batch_size: int = 32,
    progress: bool = False,
    proposals: list | None = None,
) -> tuple[Metrics, list]:
    """Correct every source in batches; return the metrics and one Correction per pair.

    `corrector` needs only `correct_batch(list[str]) -> list[Correction]`. `progress` shows a tqdm
    bar on stderr. Given a `proposals` list, each source's proposals are appended to it too (the
    funnel report reads them): then the corrector's `propose` and `decide` are used, the two
    halves of correct_batch, so the corrections are the same (the second pass's proposals,
    if it has one, are not kept).
    """
    from tqdm import tqdm

    sources = [source for source, _ in pairs]
    predictions = []
    with tqdm(
        total=len(sources), unit="sent", file=sys.stderr, disable=not progress, leave=False
    ) as bar:
        for start in range(0, len(sources), batch_size):
            batch = sources[start : start + batch_size]
            if proposals is None:
                predictions.extend(corrector.correct_batch(batch))
            else:
                found = corrector.propose(batch)
                proposals.extend(found)
                predictions.extend(corrector.decide(batch, found))
            bar.update(len(batch))
    metrics = compute_metrics(
        sources, [target for _, target in pairs], [p.text for p in predictions]
    )
    return metrics, predictions
