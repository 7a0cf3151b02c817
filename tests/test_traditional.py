"""Traditional text: read through its simplified view, corrected in its own script."""

from __future__ import annotations

import pytest

from electra_corrector import Corrector
from electra_corrector.engine.confusion import ConfusionTable
from electra_corrector.models.testing import write_tiny_pair
from tests.handset import handset_pair

TABLE = ConfusionTable.from_text(
    "#kinds\tvariant\tseen\n"
    "#shared\t出\n"
    "#phrase_forms\t瞭了 藉借\n"
    "們\t们\n門\t门\n髮\t发\n發\t发\n齣\t出\n國\t国\n"
    "门\t\t们\n"
)


def test_the_view_maps_each_traditional_form_to_its_simplified_character():
    assert TABLE.simplified_view("我門去美國") == "我门去美国"
    # a text that does not lean traditional has no view, nor one with a single traditional
    # character (a slip in simplified text, as script_allows has it)
    assert TABLE.simplified_view("我门去美国") is None
    assert TABLE.simplified_view("我去美") is None
    assert TABLE.simplified_view("我門去美国") is None
    # 出 is a form of 齣, but traditional text writes it too: it says nothing of the script
    assert TABLE.script_lean("出國") == -1


def test_simplified_forms():
    assert TABLE.simplified_form("們") == "们" and TABLE.simplified_form("门") == "门"


def test_a_traditional_pair_is_plausible_through_its_simplified_forms(handset_dir):
    corrector = Corrector(handset_dir, confusion=TABLE, **RULE)
    assert corrector.plausible("门", "们") and corrector.plausible("門", "們")
    assert not corrector.plausible("門", "國")


def test_a_substitute_is_written_back_in_traditional_script_when_that_is_one_character():
    assert TABLE.traditional_form("们") == "們"
    assert TABLE.traditional_form("友") == "友"  # no traditional form: the same in both
    assert TABLE.traditional_form("出") == "出"  # shared by both scripts
    assert TABLE.traditional_form("发") is None  # 發 or 髮: only the context could say


def test_phrase_forms_are_read_from_the_table():
    assert TABLE.is_phrase_form("瞭", "了") and TABLE.is_phrase_form("藉", "借")
    assert not TABLE.is_phrase_form("了", "瞭")
    # the user's confusions keep the script lines
    assert TABLE.extended([("门", "闷")]).is_phrase_form("瞭", "了")
    assert TABLE.extended([("门", "闷")]).simplified_view("我門國") == "我门国"


@pytest.fixture(scope="module")
def handset_dir(tmp_path_factory):
    """D flags 门 and 瞭 (simplified 门 only: 門 reaches the models through the view); G
    prefers 们, and 了 next."""
    from electra_corrector.models.loading import bundled_tokenizer

    disc, gen = handset_pair(
        bundled_tokenizer(), flagged="门瞭", preferred="们", extra_bias={"了": 7.0}
    )
    return write_tiny_pair(tmp_path_factory.mktemp("trad"), discriminator=disc, generator=gen)


# gain 0 (a candidate G has no preference for) falls short; 们 and 了 pass
RULE = {"word_knowledge": False, "min_gain": 3.0, "detection_weight": 1.0}


def test_traditional_text_is_corrected_in_traditional_script(handset_dir):
    corrector = Corrector(handset_dir, **RULE)
    found = corrector.correct("我門去公園散步。")
    assert found.text == "我們去公園散步。"
    (edit,) = found.edits
    assert (edit.offset, edit.wrong, edit.right) == (1, "門", "們")
    # the same sentence in simplified script: corrected in simplified script
    assert corrector.correct("我门去公园散步。").text == "我们去公园散步。"


def test_a_traditional_word_form_is_no_typo_in_traditional_text(handset_dir):
    corrector = Corrector(handset_dir, **RULE)
    # 瞭解 is how traditional text writes 了解: left alone there
    assert corrector.correct("我們很瞭解這個問題。").edits == ()
    # in simplified text 瞭解 is a slip for 了解
    assert corrector.correct("我们很瞭解这个问题。").text == "我们很了解这个问题。"
