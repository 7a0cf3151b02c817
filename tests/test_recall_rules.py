"""The recall rules on hand-made cases: detection by the language model (lm_flag) and the
second pass (second_pass)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from electra_corrector import Corrector
from electra_corrector.engine.alignment import Span
from electra_corrector.engine.confusion import ConfusionTable
from electra_corrector.engine.corrector import merge_passes
from electra_corrector.engine.detection import ContextFlags
from electra_corrector.engine.options import CorrectorOptions
from electra_corrector.engine.result import Correction, Edit, Evidence, Proposal
from electra_corrector.knowledge.charlm import CharNgrams, char_ids, windows
from electra_corrector.models.testing import write_tiny_pair
from tests.handset import handset_pair

SENTENCE = "下个星期，我跟我朋唷打算去法国玩儿。"  # 唷 -> 友 completes 朋友


@pytest.fixture(scope="module")
def blind_discriminator_dir(tmp_path_factory):
    """D flags nothing (P = 0.05 everywhere); G prefers 友."""
    from electra_corrector.models.loading import bundled_tokenizer

    disc, gen = handset_pair(bundled_tokenizer(), flagged="", preferred="友")
    return write_tiny_pair(tmp_path_factory.mktemp("blind"), discriminator=disc, generator=gen)


@pytest.fixture(scope="module")
def two_errors_dir(tmp_path_factory):
    """D flags 彭 and 唷; G is sure of 唷 -> 友 (gain 14) and weakly prefers 朋 (gain 3)."""
    from electra_corrector.models.loading import bundled_tokenizer

    disc, gen = handset_pair(
        bundled_tokenizer(), flagged="彭唷", preferred="友", extra_bias={"友": 14.0, "朋": 3.0}
    )
    return write_tiny_pair(tmp_path_factory.mktemp("two"), discriminator=disc, generator=gen)


@pytest.fixture(scope="module")
def unknown_flagged_dir(tmp_path_factory):
    """D flags [UNK] (玈, like every character outside the vocabulary, is one); G prefers 旅."""
    from electra_corrector.models.loading import bundled_tokenizer

    disc, gen = handset_pair(bundled_tokenizer(), flagged="玈", preferred="旅")
    return write_tiny_pair(tmp_path_factory.mktemp("unknown"), discriminator=disc, generator=gen)


@pytest.fixture(scope="module")
def tiny_lm():
    """Trigrams of a three-sentence corpus, and a table where 园 and 圆, 们 and 门 are confused."""
    ids = char_ids()
    corpus = ["我们去公园散步", "我们去学校上课", "他们去公园玩"] * 5
    model = CharNgrams.count([[ids[c] for c in s] for s in corpus], 21128)
    return ContextFlags(ConfusionTable({"园": "圆", "圆": "园", "们": "门", "门": "们"}), model)


def test_the_language_model_flags_a_confusable_that_fits_its_context(tiny_lm):
    text = "我门去公圆散步"
    rise = tiny_lm.best_rise(windows(text, np.arange(len(text))))
    # 门 -> 们 and 圆 -> 园 fit the context; characters without confusables have no rise.
    assert rise[1] > 3 and rise[4] > 3
    assert np.isneginf(rise[[0, 2, 3, 5, 6]]).all()
    # a correct text: the confusables fit worse
    right = "我们去公园散步"
    assert (tiny_lm.best_rise(windows(right, np.arange(len(right)))) < 0).all()


def test_the_language_model_tries_only_the_kinds_it_is_given(tiny_lm):
    # 门 -> 们 is a pinyin confusion here, 圆 -> 园 a listed one
    table = ConfusionTable.from_text("#kinds\tlisted\tpinyin\n门\t\t们\n圆\t园\n")
    text = "我门去公圆散步"
    cut = windows(text, np.arange(len(text)))
    every = ContextFlags(table, tiny_lm.ngrams).best_rise(cut)
    listed = ContextFlags(table, tiny_lm.ngrams, ("listed", "seen")).best_rise(cut)
    assert every[1] > 3 and every[4] > 3
    assert np.isneginf(listed[1]) and listed[4] == pytest.approx(every[4])
    assert np.isneginf(ContextFlags(table, tiny_lm.ngrams, ("near",)).best_rise(cut)).all()


def test_context_flags_only_add_positions_under_the_threshold(tiny_lm):
    text = "我门去公圆散步"
    # tokens: [CLS] the 7 characters [SEP]; the discriminator is sure of 门 only
    span = Span(0, list(range(9)), [-1, 0, 1, 2, 3, 4, 5, 6, -1])
    probs = torch.full((1, 9), 0.01)
    probs[0, 2] = 0.9
    assert tiny_lm.flag([span], [text], probs, 0.5, 3.0) == [(0, 5, pytest.approx(0.01))]
    assert tiny_lm.flag([span], [text], probs, 0.5, 1000.0) == []


@pytest.mark.slow
def test_lm_flag_finds_an_error_the_discriminator_missed(blind_discriminator_dir):
    assert Corrector(blind_discriminator_dir).correct(SENTENCE).edits == ()
    # 唷 -> 友 is a `listed` confusion in the shipped table: tried when every kind is
    found = Corrector(blind_discriminator_dir, lm_flag=3.0, lm_flag_kinds=()).correct(SENTENCE)
    assert found.text == "下个星期，我跟我朋友打算去法国玩儿。"
    assert found.edits[0].evidence.probability < 0.5  # under the threshold, flagged by the LM
    assert found.edits[0].evidence.kind == "listed"
    # ...or when its kind is named, and not by the default kinds (variant, seen, user)
    named = Corrector(blind_discriminator_dir, lm_flag=3.0, lm_flag_kinds=("listed",))
    assert named.correct(SENTENCE).text == found.text
    assert Corrector(blind_discriminator_dir, lm_flag=3.0).correct(SENTENCE).edits == ()
    # a wider margin than this substitute's rise: not flagged
    wide = Corrector(blind_discriminator_dir, lm_flag=1000.0, lm_flag_kinds=())
    assert wide.correct(SENTENCE).edits == ()
    # without word knowledge there is no language model to flag with
    blind = Corrector(blind_discriminator_dir, lm_flag=3.0, lm_flag_kinds=(), word_knowledge=False)
    assert blind.correct(SENTENCE).edits == ()


def test_a_character_outside_the_vocabulary_can_be_corrected(unknown_flagged_dir):
    # 玈 -> 旅 is in the shipped table; the models read 玈 as [UNK]
    rule = {"word_knowledge": False, "min_gain": 0.0, "detection_weight": 1.0}
    found = Corrector(unknown_flagged_dir, **rule).correct("我想去荷兰玈行。")
    assert found.text == "我想去荷兰旅行。"
    (edit,) = found.edits
    assert (edit.offset, edit.wrong, edit.right) == (5, "玈", "旅")
    assert edit.evidence.gain <= 0.0  # a log-probability among the confusables
    # a character outside the vocabulary with no confusable of the vocabulary stays
    assert Corrector(unknown_flagged_dir, **rule).correct("我想去荷兰𠀋行。").edits == ()
    # unflagged (a discriminator that flags nothing), it stays too
    strict = Corrector(unknown_flagged_dir, **rule, threshold=0.99)
    assert strict.correct("我想去荷兰玈行。").edits == ()


@pytest.mark.parametrize(
    ("lm", "frequency", "lm_flag", "accepted"),
    [
        (9.0, 2.0, None, False),  # off: under the threshold is never taken
        (9.0, 2.0, 5.0, True),  # rise 7 > 5
        (9.0, 5.0, 5.0, False),  # rise 4: a frequent character's advantage does not count
        (9.0, 2.0, 8.0, False),
    ],
)
def test_the_accept_rule_takes_an_lm_flagged_substitute(lm, frequency, lm_flag, accepted):
    options = CorrectorOptions(threshold=0.5, min_gain=1.0, lm_flag=lm_flag)
    evidence = Evidence(0.1, 3.0, lm=lm, frequency=frequency, kind="seen")
    assert options.accepts(evidence) is accepted
    # the value must still clear min_gain
    assert not options.updated(min_gain=100.0).accepts(evidence)


@pytest.mark.parametrize(
    ("kind", "kinds", "accepted"),
    [
        ("seen", ("variant", "seen", "user"), True),
        ("listed", ("variant", "seen", "user"), False),  # not a kind it tries
        ("pinyin", (), True),  # empty: every kind
        ("", ("listed",), False),  # no kind is no kind it tries
    ],
)
def test_the_language_model_flags_only_the_kinds_it_tries(kind, kinds, accepted):
    options = CorrectorOptions(threshold=0.5, min_gain=1.0, lm_flag=5.0, lm_flag_kinds=kinds)
    evidence = Evidence(0.1, 3.0, lm=9.0, frequency=2.0, kind=kind)
    assert options.accepts(evidence) is accepted
    # over the threshold the discriminator flags it whatever its kind
    assert options.accepts(evidence._replace(probability=0.9))


@pytest.mark.parametrize("bad", [("pinyn",), ("listed", "typo")])
def test_lm_flag_kinds_are_validated(bad):
    with pytest.raises(ValueError, match="lm_flag_kinds names unknown kinds"):
        CorrectorOptions(lm_flag_kinds=bad)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), "3", True])
def test_lm_flag_is_validated(bad):
    with pytest.raises((TypeError, ValueError), match="lm_flag"):
        CorrectorOptions(lm_flag=bad)


def test_second_pass_is_validated():
    with pytest.raises(ValueError, match="second_pass"):
        CorrectorOptions(second_pass="twice")


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("off", "他是我的好彭友，我们常见面。"),
        # once 唷 -> 友 is made, 朋友 is a word: the second pass sees it
        ("take", "他是我的好朋友，我们常见面。"),
        # the second pass kept the first's edit; its own new one is not agreed by the first
        ("agree", "他是我的好彭友，我们常见面。"),
    ],
)
def test_second_pass_on_a_sentence_with_two_errors(two_errors_dir, mode, expected):
    corrector = Corrector(two_errors_dir, min_gain=10.0, word_weight=1.0, second_pass=mode)
    source = "他是我的好彭唷，我们常见面。"
    result = corrector.correct(source)
    assert result.text == expected
    assert all(source[e.offset] == e.wrong and expected[e.offset] == e.right for e in result.edits)
    # decide() on proposals made earlier gives the same (the evaluation's path)
    assert corrector.decide([source], corrector.propose([source])) == [result]


def _edit(offset, wrong, right, score=0.5):
    return Edit(offset, wrong, right, score, Evidence(0.9, 1.0))


def test_merging_passes_undoes_changes_and_agrees():
    source = "甲乙丙丁"
    first = Correction(source, "子乙寅丁", (_edit(0, "甲", "子"), _edit(2, "丙", "寅")))
    # the second pass undoes 甲 -> 子, changes 寅 to 卯 and adds 丁 -> 辰
    second = Correction(
        "子乙寅丁",
        "甲乙卯辰",
        (_edit(0, "子", "甲"), _edit(2, "寅", "卯"), _edit(3, "丁", "辰", 0.9)),
    )
    taken = merge_passes(first, second, "take")
    assert taken.text == "甲乙卯辰"
    assert [(e.offset, e.wrong, e.right) for e in taken.edits] == [(2, "丙", "卯"), (3, "丁", "辰")]
    assert merge_passes(first, second, "take", max_edits=1).text == "甲乙丙辰"
    agreed = merge_passes(first, second, "agree")
    assert agreed.text == source and agreed.edits == ()
    kept = Correction("子乙寅丁", "子乙寅辰", (_edit(3, "丁", "辰"),))
    assert merge_passes(first, kept, "agree") == first


def test_the_funnel_counts_an_edit_the_second_pass_made_as_accepted():
    from electra_corrector.evaluation.funnel import funnel

    pairs = [("好彭唷", "好朋友")]
    first_pass = [[Proposal(2, "唷", "友", probability=0.9, gain=1.0, score=0.5)]]
    counts = funnel(pairs, first_pass, ["好朋友"], lambda w, r: True).counts
    assert counts["accepted"] == 2 and counts["not flagged"] == 0
    assert funnel(pairs, first_pass, ["好彭友"], lambda w, r: True).counts["not flagged"] == 1


def test_the_shipped_model_puts_a_common_particle_right():
    """The first misses a new user met, fixed by the shipped model with its own settings: 再 for
    在 (the trigram's 在家里 carries it), and 在 for 再 before a verb and 一次 (a construction:
    no model sees that clue), while the right sentences stay as they are."""
    from electra_corrector import Corrector

    corrector = Corrector()
    assert corrector.correct("他再家里看书。").text == "他在家里看书。"
    assert corrector.correct("他在家里看书。").edits == ()
    assert corrector.correct("我们一定要在试一次").text == "我们一定要再试一次"
    assert corrector.correct("我们一定要再试一次").edits == ()
    assert corrector.correct("现在试一下就知道了。").edits == ()
