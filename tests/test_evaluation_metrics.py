"""Hand-checked scores for the cases that distinguish the metric definitions."""

import pytest

from electra_corrector.evaluation.metrics import Scores, compute_metrics, format_table

# (source, target, prediction), one case per kind of outcome
OVER_CORRECTED = ("今天天气很好", "今天天气很好", "今天天汽很好")
WRONG_CHAR = ("我跟我朋唷打算", "我跟我朋友打算", "我跟我朋有打算")
PARTIAL = ("敬祝身体建慷", "敬祝身体健康", "敬祝身体健慷")
FIXED = ("对不气", "对不起", "对不起")
LEFT_ALONE = ("我很高兴", "我很高兴", "我很高兴")


def score(*cases):
    sources, targets, predictions = zip(*cases, strict=True) if cases else ((), (), ())
    return compute_metrics(sources, targets, predictions)


def test_over_correction_of_a_correct_sentence_is_a_false_positive():
    m = score(OVER_CORRECTED)
    assert (m.sentences, m.sentences_with_errors, m.false_positives) == (1, 0, 1)
    assert m.false_positive_rate == 1.0
    assert m.sentence_detection == Scores(tp=0, predicted=1, gold=0)
    assert m.sentence_correction == Scores(tp=0, predicted=1, gold=0)
    assert m.char_detection == Scores(tp=0, predicted=1, gold=0)
    assert m.char_correction == Scores(tp=0, predicted=1, gold=0)
    assert m.sentence_detection.precision == m.sentence_detection.recall == 0.0
    assert m.accuracy(m.sentence_detection) == 0.0


def test_right_position_wrong_character_detects_but_does_not_correct():
    m = score(WRONG_CHAR)
    assert m.sentence_detection == Scores(tp=1, predicted=1, gold=1)
    assert m.sentence_correction == Scores(tp=0, predicted=1, gold=1)
    assert m.char_detection == Scores(tp=1, predicted=1, gold=1)
    assert m.char_correction == Scores(tp=0, predicted=1, gold=1)
    assert m.sentence_detection.f1 == 1.0
    assert m.sentence_correction.f1 == 0.0
    assert m.false_positives == 0


def test_partial_correction_of_two_errors_counts_per_character_only():
    m = score(PARTIAL)
    # the changed positions {4} differ from the gold {4, 5}: no sentence-level credit
    assert m.sentence_detection == Scores(tp=0, predicted=1, gold=1)
    assert m.sentence_correction == Scores(tp=0, predicted=1, gold=1)
    assert m.char_detection == Scores(tp=1, predicted=1, gold=2)
    assert m.char_correction == Scores(tp=1, predicted=1, gold=2)
    assert m.char_correction.precision == 1.0
    assert m.char_correction.recall == 0.5
    assert m.char_correction.f1 == pytest.approx(2 / 3)


def test_perfect_run_scores_one_everywhere():
    m = score(FIXED, PARTIAL[:2] + PARTIAL[1:2], LEFT_ALONE)
    for s in (m.sentence_detection, m.sentence_correction, m.char_detection, m.char_correction):
        assert s.precision == s.recall == s.f1 == 1.0
    assert m.char_correction == Scores(tp=3, predicted=3, gold=3)
    assert m.false_positive_rate == 0.0
    assert m.accuracy(m.sentence_correction) == 1.0


def test_no_predictions_gives_zero_precision_not_a_division_error():
    m = score(*((s, t, s) for s, t, _ in (WRONG_CHAR, PARTIAL, LEFT_ALONE)))
    for s in (m.sentence_detection, m.sentence_correction, m.char_detection, m.char_correction):
        assert s.predicted == s.tp == 0
        assert s.precision == s.recall == s.f1 == 0.0
    assert m.false_positive_rate == 0.0
    assert m.accuracy(m.sentence_detection) == pytest.approx(1 / 3)  # the error-free one


def test_empty_data_set_scores_zero():
    m = score()
    assert m.sentences == 0
    assert m.false_positive_rate == m.accuracy(m.sentence_correction) == 0.0
    assert m.char_detection.f1 == 0.0


def test_mixed_run_pools_all_outcomes():
    m = score(OVER_CORRECTED, WRONG_CHAR, PARTIAL, FIXED, LEFT_ALONE)
    assert (m.sentences, m.sentences_with_errors, m.error_free) == (5, 3, 2)
    assert m.sentence_detection == Scores(tp=2, predicted=4, gold=3)  # WRONG_CHAR, FIXED
    assert m.sentence_correction == Scores(tp=1, predicted=4, gold=3)  # FIXED
    assert m.char_detection == Scores(tp=3, predicted=4, gold=4)
    assert m.char_correction == Scores(tp=2, predicted=4, gold=4)
    assert m.false_positive_rate == 0.5
    assert m.accuracy(m.sentence_detection) == pytest.approx(3 / 5)
    assert m.accuracy(m.sentence_correction) == pytest.approx(2 / 5)
    assert m.sentence_detection.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))

    rows = {line[:20].strip(): line[20:].split() for line in format_table(m).splitlines()[1:5]}
    assert rows["sentence detection"] == ["50.00", "66.67", "57.14", "60.00", "2", "4", "3"]
    assert rows["char correction"] == ["50.00", "50.00", "50.00", "2", "4", "4"]
    assert m.to_dict()["sentence_correction"]["accuracy"] == pytest.approx(0.4)


def test_unaligned_prediction_is_refused():
    with pytest.raises(ValueError, match="sentence 0"):
        compute_metrics(["对不气"], ["对不起"], ["对不起啊"])
    with pytest.raises(ValueError, match="as many"):
        compute_metrics(["对不气"], ["对不起"], [])
