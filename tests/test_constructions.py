"""Grammar constructions (knowledge/constructions.py): where they match, what they leave alone,
and how the corrector and the vectorised accept rule take their substitutes."""

import pytest

from electra_corrector import Corrector
from electra_corrector.engine.options import CorrectorOptions
from electra_corrector.engine.proposal_table import ProposalTable
from electra_corrector.engine.result import Proposal
from electra_corrector.knowledge.constructions import matches
from electra_corrector.knowledge.words import WordList
from electra_corrector.models.testing import write_tiny_pair
from tests.handset import handset_pair

WORDS = WordList({"现在": 100, "不在": 100, "再也": 100})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我们一定要在试一次", [(5, "再", "再+V+一次")]),
        ("请在读一遍课文", [(1, "再", "再+V+一次")]),
        ("你在说一下", [(1, "再", "再+V+一次")]),
        ("我发誓在也不来了", [(3, "再", "再也不")]),
        ("以后在也没见过他", [(2, "再", "再也不")]),
    ],
)
def test_a_construction_names_the_right_character(text, expected):
    assert matches(text, WORDS) == expected


@pytest.mark.parametrize(
    "text",
    [
        "现在试一下就知道了",  # 在 ends the word 现在
        "他不在也不要紧",  # ...不在
        "好在也不是我买的",  # ...好在, which the word list lacks
        "他在看一下午的书",  # 一下午: a duration, 在 is right
        "餐厅在用一次性餐具",  # 一次性: an adjective
        "他在第一次会议上发言",  # 第 is no verb
        "我们要再试一次",  # already right
        "在",
        "",
    ],
)
def test_a_construction_leaves_right_text_alone(text):
    assert matches(text, WORDS) == []


@pytest.fixture(scope="module")
def blind_dir(tmp_path_factory):
    """D flags nothing; G prefers 友 (never 再)."""
    from electra_corrector.models.loading import bundled_tokenizer

    disc, gen = handset_pair(bundled_tokenizer(), flagged="", preferred="友")
    return write_tiny_pair(tmp_path_factory.mktemp("blind"), discriminator=disc, generator=gen)


@pytest.mark.parametrize("text", ["我们一定要在试一次。", "我們一定要在試一次。"])
def test_the_corrector_takes_a_construction_where_the_models_see_nothing(blind_dir, text):
    on = Corrector(str(blind_dir), threshold=0.5, constructions=True).correct(text)
    (edit,) = on.edits
    assert (edit.offset, edit.wrong, edit.right) == (5, "在", "再")
    assert edit.evidence.rule == "再+V+一次"
    assert edit.to_json()["evidence"]["rule"] == "再+V+一次"
    assert on.text == text[:5] + "再" + text[6:] and len(on.text) == len(text)
    off = Corrector(str(blind_dir), threshold=0.5, constructions=False).correct(text)
    assert off.edits == ()


def test_a_protected_term_and_short_text_keep_their_character(blind_dir):
    corrector = Corrector(
        str(blind_dir), threshold=0.5, constructions=True, extra_protect=["在试一次"]
    )
    assert corrector.correct("我们一定要在试一次").edits == ()
    short = Corrector(str(blind_dir), threshold=0.5, constructions=True, min_context=6)
    assert short.correct("在试一次").edits == ()


def test_a_construction_replaces_the_models_other_substitutes_there(blind_dir):
    corrector = Corrector(str(blind_dir), threshold=0.0, constructions=True, lm_flag=None)
    text = "我们一定要在试一次"
    (found,) = corrector.propose([text])
    at = [p for p in found if p.offset == 5]
    assert [(p.right, p.rule) for p in at] == [("再", "再+V+一次")]
    assert all(not p.rule for p in found if p.offset != 5)


def test_the_vectorised_rule_takes_a_construction_as_apply_does():
    text = "我们一定要在试一次"
    rule = Proposal(5, "在", "再", 0.0, 0.0, 1.0, lm=-9.0, rule="再+V+一次")
    weak = Proposal(2, "一", "以", 0.0, 0.0, 0.1)
    options = CorrectorOptions(threshold=0.5, min_gain=50.0, max_lm_loss=1.0)
    table = ProposalTable([text], [[weak, rule]])
    assert table.chosen(options).tolist() == [False, True]
    assert [options.accepts(p.evidence) for _, p in table.rows] == [False, True]
