"""Chinese spelling check scores: sentence level (SIGHAN) and character level.

Every sentence comes as three strings of equal length: the `source` (as written), the gold `target`
and the model's `prediction`. Positions are compared character by character, so an edit is a
substitution; a length mismatch is an error (ValueError), never silently realigned.

    gold(i)    = {j : source[i][j] != target[i][j]}       the gold error positions of sentence i
    changed(i) = {j : source[i][j] != prediction[i][j]}   the positions the model changed

Sentence level, the SIGHAN Bake-off definitions as used by pycorrector and most CSC papers:

    detection TP  : changed(i) is non-empty and changed(i) == gold(i)
    correction TP : changed(i) is non-empty and prediction[i] == target[i]
    predicted     : sentences with changed(i) non-empty        (precision = TP / predicted)
    gold          : sentences with gold(i) non-empty           (recall    = TP / gold)
    accuracy      : (TP + error-free sentences left unchanged) / all sentences
    false-positive rate : error-free sentences the model changed / error-free sentences

pycorrector's sentence metric (pycorrector/utils/evaluate_utils.py), for a number that can stand
beside its README table: a wrongly corrected erroneous sentence is only a miss, not a false
positive, so its precision runs higher than the standard one:

    TP : gold(i) non-empty and prediction[i] == target[i]
    FP : gold(i) empty and changed(i) non-empty
    FN : gold(i) non-empty and prediction[i] != target[i]
    precision = TP / (TP + FP), recall = TP / (TP + FN)

Character level, pooled over all sentences:

    detection  : predicted = {(i, j) : j in changed(i)},  gold = {(i, j) : j in gold(i)}
    correction : predicted = {(i, j, prediction[i][j]) : j in changed(i)},
                 gold      = {(i, j, target[i][j])     : j in gold(i)}
    TP = |predicted & gold|, precision = TP / |predicted|, recall = TP / |gold|

An edit at a gold position with the wrong character is thus a detection hit and a correction miss;
an edit at an error-free position is a false positive for both.

F1 = 2PR / (P + R). By convention a ratio with a zero denominator is 0: precision is 0 when the
model changed nothing, recall is 0 when there are no gold errors, F1 is 0 when P + R is 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np


def ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator, 0.0 for an empty denominator (see the module docstring)."""
    return numerator / denominator if denominator else 0.0


@dataclass(frozen=True)
class Scores:
    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return ratio(self.tp, self.predicted)

    @property
    def recall(self) -> float:
        return ratio(self.tp, self.gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            **asdict(self),
        }


@dataclass(frozen=True)
class Metrics:
    sentences: int
    sentences_with_errors: int
    # error-free sentences the model changed: the numerator of the false-positive rate
    false_positives: int
    sentence_detection: Scores
    sentence_correction: Scores
    char_detection: Scores
    char_correction: Scores

    @property
    def pycorrector(self) -> Scores:
        """pycorrector's sentence metric (see the module docstring)."""
        tp = self.sentence_correction.tp
        return Scores(tp, tp + self.false_positives, self.sentences_with_errors)

    @property
    def error_free(self) -> int:
        return self.sentences - self.sentences_with_errors

    @property
    def false_positive_rate(self) -> float:
        return ratio(self.false_positives, self.error_free)

    def accuracy(self, scores: Scores) -> float:
        """Sentence accuracy for `sentence_detection` or `sentence_correction`."""
        left_alone = self.error_free - self.false_positives
        return ratio(scores.tp + left_alone, self.sentences)

    def to_dict(self) -> dict:
        return {
            "sentences": self.sentences,
            "sentences_with_errors": self.sentences_with_errors,
            "error_free": self.error_free,
            "false_positives": self.false_positives,
            "false_positive_rate": self.false_positive_rate,
            "sentence_detection": {
                **self.sentence_detection.to_dict(),
                "accuracy": self.accuracy(self.sentence_detection),
            },
            "sentence_correction": {
                **self.sentence_correction.to_dict(),
                "accuracy": self.accuracy(self.sentence_correction),
            },
            "char_detection": self.char_detection.to_dict(),
            "char_correction": self.char_correction.to_dict(),
            "pycorrector_sentence": self.pycorrector.to_dict(),
        }


def changed_positions(before: str, after: str) -> set[int]:
    return {j for j, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}


@dataclass(frozen=True)
class SentenceCounts:
    """What each sentence contributes to the scores, one array entry per sentence: computed once
    (sentence_counts, or from proposals by tuning), aggregated over any selection (metrics_of),
    as sacrebleu keeps sentence statistics apart from the corpus score."""

    gold: np.ndarray  # gold error positions
    changed: np.ndarray  # positions the prediction changed
    detected: np.ndarray  # changed positions that are gold positions
    right: np.ndarray  # changed positions given the gold character


def sentence_counts(
    sources: Sequence[str], targets: Sequence[str], predictions: Sequence[str]
) -> SentenceCounts:
    if not len(sources) == len(targets) == len(predictions):
        raise ValueError(
            f"need as many targets and predictions as sources, got {len(sources)} sources, "
            f"{len(targets)} targets, {len(predictions)} predictions"
        )
    rows = []
    for i, (source, target, prediction) in enumerate(
        zip(sources, targets, predictions, strict=True)
    ):
        if not len(source) == len(target) == len(prediction):
            raise ValueError(
                f"sentence {i}: source, target and prediction differ in length "
                f"({len(source)}, {len(target)}, {len(prediction)})"
            )
        gold = changed_positions(source, target)
        changed = changed_positions(source, prediction)
        hits = changed & gold
        rows.append(
            (len(gold), len(changed), len(hits), sum(prediction[j] == target[j] for j in hits))
        )
    columns = np.array(rows, dtype=np.int64).reshape(-1, 4).T
    return SentenceCounts(*columns)


def metrics_of(counts: SentenceCounts, selected: np.ndarray | None = None) -> Metrics:
    """The scores of the sentences `selected` (a boolean mask; default all)."""
    c = counts
    if selected is not None:
        c = SentenceCounts(*(a[selected] for a in (c.gold, c.changed, c.detected, c.right)))
    with_errors, edited = c.gold > 0, c.changed > 0
    # exact: every change at a gold position (with the gold character), every gold position changed
    detected = edited & (c.detected == c.changed) & (c.detected == c.gold)
    corrected = edited & (c.right == c.changed) & (c.right == c.gold)
    sentences, predicted = len(c.gold), int(edited.sum())
    return Metrics(
        sentences=sentences,
        sentences_with_errors=int(with_errors.sum()),
        false_positives=int((edited & ~with_errors).sum()),
        sentence_detection=Scores(int(detected.sum()), predicted, int(with_errors.sum())),
        sentence_correction=Scores(int(corrected.sum()), predicted, int(with_errors.sum())),
        char_detection=Scores(int(c.detected.sum()), int(c.changed.sum()), int(c.gold.sum())),
        char_correction=Scores(int(c.right.sum()), int(c.changed.sum()), int(c.gold.sum())),
    )


def compute_metrics(
    sources: Sequence[str], targets: Sequence[str], predictions: Sequence[str]
) -> Metrics:
    return metrics_of(sentence_counts(sources, targets, predictions))


def format_table(metrics: Metrics) -> str:
    """A plain-text table of the scores, in percent, with the counts they come from."""
    m = metrics
    rows = [
        ("sentence detection", m.sentence_detection, m.accuracy(m.sentence_detection)),
        ("sentence correction", m.sentence_correction, m.accuracy(m.sentence_correction)),
        ("char detection", m.char_detection, None),
        ("char correction", m.char_correction, None),
    ]
    header = (
        f"{'':<20} {'P%':>6} {'R%':>6} {'F1%':>6} {'acc%':>6} {'TP':>6} {'pred':>6} {'gold':>6}"
    )
    lines = [header]
    for name, s, acc in rows:
        acc_text = f"{100 * acc:6.2f}" if acc is not None else f"{'':>6}"
        lines.append(
            f"{name:<20} {100 * s.precision:6.2f} {100 * s.recall:6.2f} {100 * s.f1:6.2f} "
            f"{acc_text} {s.tp:6d} {s.predicted:6d} {s.gold:6d}"
        )
    py = m.pycorrector
    lines.append(
        f"{'pycorrector metric':<20} {100 * py.precision:6.2f} {100 * py.recall:6.2f} "
        f"{100 * py.f1:6.2f} {'':>6} {py.tp:6d} {py.predicted:6d} {py.gold:6d}"
    )
    lines.append(
        f"false-positive rate {100 * m.false_positive_rate:.2f}% "
        f"({m.false_positives} of {m.error_free} error-free sentences changed); "
        f"{m.sentences} sentences, {m.sentences_with_errors} with errors"
    )
    return "\n".join(lines)
