"""Kinds of confusion: the table names each pair's kind, the evidence carries it, the accept rule
can trust each kind its own (kind_cost), and a substitute never changes the text's script."""

from __future__ import annotations

import json

import pytest

from electra_corrector import Corrector
from electra_corrector.base.errors import SettingsError
from electra_corrector.engine.confusion import ConfusionTable
from electra_corrector.engine.options import MODEL_SETTINGS_FILE, CorrectorOptions
from electra_corrector.engine.result import Evidence
from electra_corrector.models.testing import write_tiny_pair
from tests.handset import handset_pair

# variant, seen, listed, pinyin, shape, near
TABLE = "\n".join(
    [
        "# a hand-made table",
        "#kinds\tvariant\tseen\tlisted\tpinyin\tshape\tnear",
        "頭\t头\t\t\t投",
        "們\t们",
        "门\t\t们\t\t闷",
        "们\t\t门",
        "天\t\t\t\t\t夫\t添",
        "",
    ]
)


@pytest.fixture(scope="module")
def table() -> ConfusionTable:
    return ConfusionTable.from_text(TABLE)


def test_each_pair_has_the_kind_of_its_column(table):
    assert table.kind("頭", "头") == "variant"
    assert table.kind("頭", "投") == "pinyin"
    assert table.kind("门", "们") == "seen"
    assert table.kind("天", "夫") == "shape" and table.kind("天", "添") == "near"
    assert table.kind("头", "頭") is None  # variants go one way: to the simplified form
    assert table.confusables("天") == {"夫", "添"} and table.alternatives("门", {"们"}) == ["们"]
    assert not table.is_confusable("天", "门")
    # read the other way (what may be written for a character), as training corrupts text
    typos = table.typos(set("頭們门们天"))
    assert typos["头"] == ["頭"] and typos["们"] == ["們", "门"] and typos["门"] == ["们"]
    assert "頭" not in typos  # no one writes the simplified form for the traditional one here


def test_a_table_without_kinds_is_listed_and_user_confusions_are_the_users():
    old = ConfusionTable.from_text("# the format before kinds\n门\t们闷\n")
    assert old.kind("门", "闷") == "listed" and old.kind("闷", "门") is None
    extended = old.extended([("期代", "期待"), ("门", "闷")])
    assert extended.kind("代", "待") == "user" and extended.kind("待", "代") == "user"
    assert extended.kind("门", "闷") == "listed"  # already there: its kind is kept
    assert extended.kind("闷", "门") == "user"


def test_the_script_guard_keeps_simplified_and_traditional_text_in_their_script(table):
    # A stray traditional form in simplified (or neutral) text is fixed ...
    assert table.script_allows("我的頭很痛", 2, "头")
    assert table.script_allows("我们的頭很痛", 3, "头")
    # ... but traditional text is not made simplified, nor simplified text traditional.
    assert not table.script_allows("我們的頭很痛", 3, "头")
    assert not table.script_allows("我们的门", 3, "們") and not table.script_allows(
        "我的门", 2, "們"
    )
    assert table.script_allows("我們的門", 3, "們")
    assert table.script_allows("我們的頭很痛", 3, "投")  # a character of both scripts: any text
    # A table without variants knows no script: nothing is held back.
    assert ConfusionTable.from_text("门\t們\n").script_allows("我们的门", 3, "們")


def test_kind_cost_takes_off_value_for_its_kind_only():
    evidence = Evidence(0.9, 5.0, kind="near")
    plain = CorrectorOptions(min_gain=2.0, word_knowledge=False)
    costly = plain.updated(kind_cost=(("near", 4.0),))
    assert costly.value(evidence) == pytest.approx(plain.value(evidence) - 4.0)
    assert plain.accepts(evidence) and not costly.accepts(evidence)
    assert costly.value(evidence._replace(kind="pinyin")) == plain.value(evidence)
    assert costly.value(evidence._replace(kind="")) == plain.value(evidence)  # no kind: as before
    with pytest.raises(ValueError, match="unknown kinds"):
        CorrectorOptions(kind_cost=(("sound", 1.0),))
    with pytest.raises(TypeError, match="kind_cost"):
        CorrectorOptions(kind_cost=(("near", "much"),))


def test_kind_cost_is_read_from_and_written_to_the_settings_file(tmp_path):
    (tmp_path / MODEL_SETTINGS_FILE).write_text(
        json.dumps({"kind_cost": {"near": 2.5, "seen": -1}})
    )
    options = CorrectorOptions.load(tmp_path)
    assert options.kind_cost == (("near", 2.5), ("seen", -1))
    assert json.loads(options.to_json())["kind_cost"] == {"near": 2.5, "seen": -1}
    (tmp_path / MODEL_SETTINGS_FILE).write_text(json.dumps({"kind_cost": {"nearby": 1}}))
    with pytest.raises(SettingsError, match="unknown kinds"):
        CorrectorOptions.load(tmp_path)


def test_the_kind_is_shown_with_the_evidence_only_when_known():
    assert Evidence(0.5, 1.0, kind="shape").to_json()["kind"] == "shape"
    assert "kind" not in Evidence(0.5, 1.0).to_json()


@pytest.fixture(scope="module")
def variant_dir(tmp_path_factory):
    from electra_corrector.models.loading import bundled_tokenizer

    disc, gen = handset_pair(bundled_tokenizer(), flagged="頭", preferred="头")
    return write_tiny_pair(tmp_path_factory.mktemp("variant"), discriminator=disc, generator=gen)


def test_the_engine_carries_the_kind_and_weighs_it(variant_dir, table):
    corrector = Corrector(variant_dir, confusion=table, word_knowledge=False)
    kinds = {p.right: p.kind for p in corrector.propose(["我的頭很痛。"])[0]}
    assert kinds == {"头": "variant", "投": "pinyin"}
    (edit,) = corrector.correct("我的頭很痛。").edits
    assert edit.right == "头" and edit.evidence.kind == "variant"
    # traditional text keeps its traditional form: its simplified one is not even proposed
    assert "头" not in {p.right for p in corrector.propose(["我們的頭很痛。"])[0]}
    assert corrector.correct("我們的頭很痛。").edits == ()
    distrusted = Corrector(
        variant_dir, confusion=table, word_knowledge=False, kind_cost=(("variant", 50.0),)
    )
    assert distrusted.correct("我的頭很痛。").edits == ()


def test_candidate_gains_are_the_full_output_layers_differences():
    # best() scores only each row's own candidates; rows of very different lengths must give
    # the numbers the whole output layer gives.
    import torch

    from electra_corrector.engine.candidates import CandidatePicker
    from electra_corrector.models.loading import bundled_tokenizer
    from electra_corrector.models.testing import build_tiny_models

    tokenizer = bundled_tokenizer()
    vocab = tokenizer.get_vocab()
    table = ConfusionTable({"在": "再载", "的": "地得德底", "一": "已以衣医依"})
    _, generator = build_tiny_models(seed=3)
    head = generator.generator_lm_head
    # top_k the whole vocabulary, as the shipped model has it: no ranking, only the candidates
    picker = CandidatePicker(tokenizer, CorrectorOptions(top_k=head.out_features), table)
    originals = [vocab[c] for c in "在的一在"]
    states = torch.randn(len(originals), head.in_features)
    found = picker.best(list("在的一在"), originals, states, head, n=10)
    with torch.no_grad():
        logits = head(states)
    for row, original, candidates in zip(range(4), originals, found, strict=True):
        wanted = sorted(table.alternatives(tokenizer.convert_ids_to_tokens(original), vocab))
        assert sorted(c.char for c in candidates) == wanted
        for c in candidates:
            expected = (logits[row, c.token_id] - logits[row, original]).item()
            assert abs(c.gain - expected) < 1e-4
        gains = [c.gain for c in candidates]
        assert gains == sorted(gains, reverse=True)


def test_a_character_outside_the_vocabulary_gets_its_confusables_by_probability_among_them():
    # 玈 is no token of the vocabulary: its row is [UNK], whose own logit means nothing, so a
    # candidate's gain is its log-probability among the character's confusables.
    import torch

    from electra_corrector.engine.candidates import CandidatePicker
    from electra_corrector.models.loading import bundled_tokenizer
    from electra_corrector.models.testing import build_tiny_models

    tokenizer = bundled_tokenizer()
    vocab = tokenizer.get_vocab()
    assert "玈" not in vocab
    table = ConfusionTable({"玈": "旅禄雄", "在": "再载"})
    _, generator = build_tiny_models(seed=3)
    head = generator.generator_lm_head
    picker = CandidatePicker(tokenizer, CorrectorOptions(top_k=head.out_features), table)
    states = torch.randn(2, head.in_features)
    found = picker.best(["玈", "在"], [tokenizer.unk_token_id, vocab["在"]], states, head, n=10)
    with torch.no_grad():
        logits = head(states)
    unknown = found[0]
    assert sorted(c.char for c in unknown) == sorted("旅禄雄")
    among = logits[0, [vocab[c] for c in "旅禄雄"]].log_softmax(0)
    for c, expected in zip(sorted(unknown, key=lambda c: c.char), sorted("旅禄雄"), strict=True):
        assert abs(c.gain - among[list("旅禄雄").index(expected)].item()) < 1e-4
        assert abs(c.score - among[list("旅禄雄").index(expected)].exp().item()) < 1e-4
    # the known character's row is unchanged: gains against its own logit
    for c in found[1]:
        assert abs(c.gain - (logits[1, c.token_id] - logits[1, vocab["在"]]).item()) < 1e-4
    # a compatibility ideograph (U+F9A8, 令) is read as its unified form: that one's confusables
    table = ConfusionTable({"令": "另领"})
    picker = CandidatePicker(tokenizer, CorrectorOptions(top_k=head.out_features), table)
    assert tokenizer.convert_tokens_to_ids(tokenizer.tokenize("\uf9a8")) == [vocab["令"]]
    (read,) = picker.best(["\uf9a8"], [vocab["令"]], states[:1], head, n=10)
    assert sorted(c.char for c in read) == sorted("另领")


def test_alternatives_of_some_kinds_take_each_pair_under_its_first_kind():
    # 们 stands under listed and pinyin for 门: it is of the first, as kind() says
    table = ConfusionTable.from_text("#kinds\tseen\tlisted\tpinyin\n门\t闷\t们\t们扪\n")
    known = set("门闷们扪")
    assert table.kind("门", "们") == "listed"
    assert table.alternatives("门", known) == sorted("闷们扪")
    assert table.alternatives("门", known, {"pinyin"}) == ["扪"]
    assert table.alternatives("门", known, {"seen", "listed"}) == sorted("闷们")
    assert table.alternatives("门", known - {"闷"}, {"seen"}) == []
