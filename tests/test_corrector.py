"""End to end: the engine really corrects, at the right offset, and only plausible typos."""

from __future__ import annotations

import pytest

from electra_corrector import Corrector
from electra_corrector.engine.options import MODEL_SETTINGS_FILE, CorrectorOptions
from electra_corrector.engine.result import Evidence, Proposal
from electra_corrector.models.testing import write_tiny_pair
from tests.handset import handset_pair

# The models' evidence alone: these tests pin the generator's and discriminator's part of the rule.
BLIND = dict(word_knowledge=False)


@pytest.fixture(scope="module")
def handset_dir(tmp_path_factory):
    from electra_corrector.models.loading import bundled_tokenizer

    tokenizer = bundled_tokenizer()
    # 唷 -> 友 is in the confusion table; 天 -> 友 is not.
    disc, gen = handset_pair(tokenizer, flagged="唷天", preferred="友")
    return write_tiny_pair(tmp_path_factory.mktemp("handset"), discriminator=disc, generator=gen)


@pytest.mark.parametrize("generator_input", ["as_written", "masked"])
def test_fixes_the_flagged_typo_at_its_offset_in_a_mixed_batch(handset_dir, generator_input):
    corrector = Corrector(handset_dir, generator_input=generator_input)
    texts = [
        "今天是个好日子。",
        "下个星期，我跟我朋唷打算去法国玩儿。",
        "Version 2.0 ships in 2024 😀 https://example.com/唷",
        "朋唷们" + "好" * 150 + "朋唷",  # longer than the 64-position model: windows
        "写信到朋唷@例子.中国，朋唷会回信。",
    ]
    results = corrector.correct_batch(texts)
    assert results[0].text == texts[0] and results[0].edits == ()
    assert results[1].text == "下个星期，我跟我朋友打算去法国玩儿。"
    assert [(e.offset, e.wrong, e.right) for e in results[1].edits] == [(9, "唷", "友")]
    assert 0.0 < results[1].edits[0].score <= 1.0
    # 唷 inside a URL or an e-mail address is part of the address, never a typo.
    assert results[2].text == texts[2] and results[2].edits == ()
    assert results[4].text == "写信到朋唷@例子.中国，朋友会回信。"
    long = results[3]
    assert long.text == "朋友们" + "好" * 150 + "朋友"
    assert [e.offset for e in long.edits] == [1, len(texts[3]) - 1]


def test_no_edit_when_the_candidate_is_not_a_plausible_confusion(handset_dir):
    corrector = Corrector(handset_dir)
    # 天 is flagged too, but 友 is no typo of 天: it must stay.
    result = corrector.correct("今天天气很好。")
    assert result.text == "今天天气很好。" and result.edits == ()
    # Without the confusion filter the same generator would rewrite it, so the filter is what held.
    unfiltered = Corrector(handset_dir, use_confusion=False, **BLIND).correct("今天天气很好。")
    assert unfiltered.text == "今友友气很好。"


def test_typo_prior_tips_a_close_call_toward_a_known_typo(tmp_path):
    from electra_corrector.engine.confusion import write_typo_counts
    from electra_corrector.models.loading import TYPO_COUNTS_FILE, bundled_tokenizer

    tokenizer = bundled_tokenizer()
    # G likes the original 唷 (9.0) a little more than 友 (8.0): alone, no edit.
    disc, gen = handset_pair(tokenizer, flagged="唷", preferred="友", extra_bias={"唷": 9.0})
    write_tiny_pair(tmp_path, discriminator=disc, generator=gen)
    assert Corrector(tmp_path, typo_prior=1.0, **BLIND).correct("朋唷").edits == ()
    # Seen 20 times in training pairs: log(21) = 3.0 of bonus outweighs the 1.0 gap.
    write_typo_counts(tmp_path / TYPO_COUNTS_FILE, {("唷", "友"): 20})
    assert Corrector(tmp_path, typo_prior=1.0, **BLIND).correct("朋唷").text == "朋友"
    assert Corrector(tmp_path, typo_prior=0.0, **BLIND).correct("朋唷").edits == ()


def test_detection_weight_lets_a_sure_flag_outweigh_a_small_loss_of_gain(tmp_path):
    from electra_corrector.models.loading import bundled_tokenizer

    tokenizer = bundled_tokenizer()
    # D is sure of 唷 (log-odds about 5.6); G likes the original 唷 (9.0) over 友 (8.0).
    disc, gen = handset_pair(tokenizer, flagged="唷", preferred="友", extra_bias={"唷": 9.0})
    write_tiny_pair(tmp_path, discriminator=disc, generator=gen)
    assert Corrector(tmp_path, min_gain=0.0, **BLIND).correct("朋唷").edits == ()
    # -1.0 + 0.5 * 5.6 > 0: the discriminator's certainty carries it.
    sure = Corrector(tmp_path, min_gain=0.0, detection_weight=0.5, **BLIND)
    assert sure.correct("朋唷").text == "朋友"
    assert (
        Corrector(tmp_path, min_gain=2.0, detection_weight=0.5, **BLIND).correct("朋唷").edits == ()
    )


@pytest.mark.parametrize(
    ("probability", "gain", "accepted"),
    [
        (0.2, 5.0, False),  # below the threshold: never, whatever the gain
        (0.5, 0.9, False),  # log-odds 0: the gain alone must clear min_gain
        (0.5, 1.1, True),
        (0.9, 0.0, True),  # 0 + 0.5 * log(9) = 1.10
        (0.9, -0.2, False),
        (1.0, -1.0, True),  # certainty is capped, not infinite
        (1.0, -7.0, False),
    ],
)
def test_accept_rule(probability, gain, accepted):
    options = CorrectorOptions(threshold=0.3, min_gain=1.0, detection_weight=0.5)
    assert options.accepts(Evidence(probability, gain)) is accepted


def test_proposals_applied_later_match_a_corrector_built_with_those_settings(tiny_model_dir):
    from tests.conftest import EAGER

    texts = ["今天天气很好，我们去公园玩吧。", "我跟我朋唷打算去法国玩儿。" * 3, "Hello 世界"]
    low = Corrector(tiny_model_dir, **{**EAGER, "threshold": 0.2})
    proposals = low.propose(texts)
    assert sum(map(len, proposals)) > 0
    variants = [
        {"threshold": 0.2},
        {"threshold": 0.4},
        {"threshold": 0.2, "min_gain": 0.0, "detection_weight": 1.0},
        {"threshold": 0.2, "max_edits": 1},
    ]
    sizes = set()
    for variant in variants:
        settings = {**EAGER, **variant}
        expected = Corrector(tiny_model_dir, **settings).correct_batch(texts)
        options = low.options.updated(**settings)
        applied = [low.apply(t, found, options) for t, found in zip(texts, proposals, strict=True)]
        assert applied == expected
        sizes.add(sum(len(c.edits) for c in applied))
    assert len(sizes) > 1  # the variants really differ


def test_threshold_one_flags_nothing(handset_dir):
    corrector = Corrector(handset_dir, threshold=1.0)
    assert corrector.correct("我跟我朋唷打算").edits == ()


def test_max_edits_keeps_the_most_confident(handset_dir):
    corrector = Corrector(handset_dir)
    source = "朋唷和朋唷和朋唷"
    proposals = corrector.propose([source])[0]
    assert len({p.offset for p in proposals}) == 3  # otherwise there is nothing to choose
    # The middle one made the most confident: the limit must keep it, wherever it stands.
    ranked = [p._replace(score=0.5 + 0.4 * (p.offset == 4)) for p in proposals]
    limited = corrector.options.updated(max_edits=1)
    kept = corrector.apply(source, ranked, limited)
    assert [(e.offset, e.score) for e in kept.edits] == [(4, 0.9)]
    assert kept.text == "朋唷和朋友和朋唷"
    assert len(corrector.apply(source, ranked).edits) == 3


def test_pycorrector_shape(handset_dir):
    result = Corrector(handset_dir).correct("我跟我朋唷打算")
    assert result.to_dict() == {
        "source": "我跟我朋唷打算",
        "target": "我跟我朋友打算",
        "errors": [("唷", "友", 4)],
    }


def test_settings_file_is_read_and_keywords_override_it(tmp_path, handset_dir):
    import shutil

    shutil.copytree(handset_dir, tmp_path / "m")
    settings = CorrectorOptions(threshold=0.99).to_json()
    (tmp_path / "m" / MODEL_SETTINGS_FILE).write_text(settings, encoding="utf-8")
    assert Corrector(tmp_path / "m").options.threshold == 0.99
    assert Corrector(tmp_path / "m").correct("我跟我朋唷打算").edits == ()
    assert Corrector(tmp_path / "m", threshold=0.5).correct("我跟我朋唷打算").edits != ()


def test_an_unknown_keyword_names_itself_before_any_model_loads(tmp_path):
    # The folder does not exist: the keyword is checked before anything is loaded.
    with pytest.raises(TypeError, match=r"unknown settings \['threads'\]"):
        Corrector(tmp_path / "none", threads=1)


def test_broken_correction_falls_back_to_source(tiny_corrector, monkeypatch, caplog):
    source = "今天天气很好，我们去公园玩吧。"
    # A non-CJK replacement must never reach the user.
    bogus = Proposal(0, "今", "x", probability=0.99, gain=50.0, score=0.9)
    monkeypatch.setattr(
        tiny_corrector, "_propose_spans", lambda texts, spans, found: found[0].update({0: [bogus]})
    )
    result = tiny_corrector.correct(source)
    assert result.text == source and result.edits == ()
    assert "failed a check" in caplog.text


def test_bad_device_is_a_clear_error(tiny_model_dir):
    from electra_corrector.base.errors import CorrectorError

    with pytest.raises(CorrectorError, match="device"):
        Corrector(tiny_model_dir, device="nonsense")


def test_random_model_keeps_invariants_on_the_builtin_examples(tiny_corrector):
    texts = ["我在2018年去了Hello世界 😀 https://x.com 𠀀。ＡＢ今天天气很好，我们去公园玩吧。" * 3]
    for result in tiny_corrector.correct_batch(texts):
        assert len(result.text) == len(result.source)
        for edit in result.edits:
            assert result.source[edit.offset] == edit.wrong
            assert result.text[edit.offset] == edit.right


def test_address_offsets_cover_urls_and_email_addresses():
    from electra_corrector.engine.protect import address_offsets

    text = "见https://例子.cn/路径?q=唷。或写信给 张三.li@例子.中国 好吗"
    protected = "".join(text[i] for i in sorted(address_offsets(text)))
    assert protected == "https://例子.cn/路径?q=唷张三.li@例子.中国"
    assert address_offsets("我跟我朋唷打算去法国玩儿。www 和 @ 都不是地址") == set()


@pytest.mark.parametrize("texts", ["我门", ["我门", 3], [None], [b"bytes"]])
def test_batch_api_refuses_a_bare_string_and_non_strings(handset_dir, texts):
    corrector = Corrector(handset_dir)
    with pytest.raises(TypeError):
        corrector.correct_batch(texts)
    with pytest.raises(TypeError):
        corrector.propose(texts)


def test_spans_are_the_model_inputs_shortest_first_owning_each_cjk_char_once(handset_dir):
    from electra_corrector.base.charset import is_cjk
    from electra_corrector.engine.alignment import NO_CHAR

    texts = ["我跟我朋唷打算去法国玩儿。", "好", "Hello 世界, 2024年"]
    spans = Corrector(handset_dir).spans(texts)
    assert [len(s.input_ids) for s in spans] == sorted(len(s.input_ids) for s in spans)
    owned = sorted((s.text_index, c) for s in spans for c in s.char_at if c != NO_CHAR)
    cjk = sorted((i, c) for i, t in enumerate(texts) for c, ch in enumerate(t) if is_cjk(ch))
    assert owned == cjk


def test_a_text_with_too_little_chinese_context_is_left_alone(handset_dir):
    corrector = Corrector(handset_dir, min_context=4, **BLIND)
    # the same typo, with 3 and with 4 Chinese characters beside it
    assert corrector.correct("朋唷 ok！好好").text == "朋唷 ok！好好"
    assert corrector.correct("朋唷 ok！好好好").text == "朋友 ok！好好好"
    assert corrector.correct("（唷）").edits == ()
    loose = Corrector(handset_dir, **BLIND)  # 0 unless a model's settings say otherwise
    assert loose.correct("朋唷").text == "朋友"
    with pytest.raises(ValueError, match="min_context"):
        CorrectorOptions(min_context=-1)
