"""The metrics on the whole SIGHAN-15 test set, checked against a naive re-computation."""

from collections import Counter

import pytest
from shared_data import SHARED_DATA

from electra_corrector.evaluation import compute_metrics, load_dataset

SIGHAN15_TEST = SHARED_DATA / "sighan" / "sighan15_test.tsv"

pytestmark = pytest.mark.skipif(not SIGHAN15_TEST.is_file(), reason="shared data not present")


def read_pairs_plainly():
    lines = SIGHAN15_TEST.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line]


def replaced(text, position, avoid):
    """`text` with the character at `position` swapped for one that differs from both."""
    new = next(ch for ch in "错误的" if ch not in (text[position], avoid[position]))
    return text[:position] + new + text[position + 1 :]


def synthetic_prediction(i, source, target):
    """A deterministic mix of every outcome a model can produce."""
    gold = [j for j in range(len(source)) if source[j] != target[j]]
    kind = i % 6
    if kind == 0:
        return target  # perfect
    if kind == 1:
        return source  # nothing changed
    if kind == 2:  # over-correction somewhere, on top of the right answer
        return replaced(target, (i * 7) % len(source), source)
    if kind == 3 and gold:  # only the first error fixed
        return source[: gold[0]] + target[gold[0]] + source[gold[0] + 1 :]
    if kind == 4 and gold:  # every error found, every one given the wrong character
        prediction = target
        for j in gold:
            prediction = replaced(prediction, j, target)
        return prediction
    return replaced(source, (i * 3) % len(source), target)  # a change, maybe at an error


def naive_scores(sources, targets, predictions):
    """The definitions read literally, one sentence and one character at a time."""
    counts = Counter()
    for source, target, prediction in zip(sources, targets, predictions, strict=True):
        gold_positions = []
        changed_positions = []
        for j in range(len(source)):
            if source[j] != target[j]:
                gold_positions.append(j)
            if source[j] != prediction[j]:
                changed_positions.append(j)
        if gold_positions:
            counts["s_gold"] += 1
        else:
            counts["clean"] += 1
        if changed_positions:
            counts["s_pred"] += 1
            if not gold_positions:
                counts["fp"] += 1
            if changed_positions == gold_positions:
                counts["s_det_tp"] += 1
            if prediction == target:
                counts["s_cor_tp"] += 1
        counts["c_gold"] += len(gold_positions)
        counts["c_pred"] += len(changed_positions)
        for j in changed_positions:
            if j in gold_positions:
                counts["c_det_tp"] += 1
                if prediction[j] == target[j]:
                    counts["c_cor_tp"] += 1
    return counts


def prf(tp, predicted, gold):
    p = tp / predicted if predicted > 0 else 0.0
    r = tp / gold if gold > 0 else 0.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return pytest.approx((p, r, f))


def test_sighan15_test_scores_match_a_naive_recomputation():
    pairs = read_pairs_plainly()
    assert load_dataset(SIGHAN15_TEST).pairs == pairs
    sources = [s for s, _ in pairs]
    targets = [t for _, t in pairs]
    predictions = [synthetic_prediction(i, s, t) for i, (s, t) in enumerate(pairs)]

    m = compute_metrics(sources, targets, predictions)
    n = naive_scores(sources, targets, predictions)

    assert (m.sentences, m.sentences_with_errors) == (1100, 543)
    assert m.char_detection.gold == 706
    assert m.false_positives == n["fp"] > 0
    assert m.false_positive_rate == pytest.approx(n["fp"] / n["clean"])
    expected = {
        "sentence_detection": (n["s_det_tp"], n["s_pred"], n["s_gold"]),
        "sentence_correction": (n["s_cor_tp"], n["s_pred"], n["s_gold"]),
        "char_detection": (n["c_det_tp"], n["c_pred"], n["c_gold"]),
        "char_correction": (n["c_cor_tp"], n["c_pred"], n["c_gold"]),
    }
    for name, (tp, predicted, gold) in expected.items():
        scores = getattr(m, name)
        assert (scores.tp, scores.predicted, scores.gold) == (tp, predicted, gold), name
        assert (scores.precision, scores.recall, scores.f1) == prf(tp, predicted, gold), name
        assert 0 < tp < predicted, name  # the mix really exercises hits and misses
    left_alone = n["clean"] - n["fp"]
    assert m.accuracy(m.sentence_detection) == pytest.approx((n["s_det_tp"] + left_alone) / 1100)
