"""Invariants over arbitrary Unicode, on a random model that flags and edits freely."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from electra_corrector.base.charset import is_cjk
from electra_corrector.engine.invariants import violation

pytestmark = pytest.mark.slow  # hypothesis

# Mostly Chinese, with every other kind of character mixed in.
CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
MIXED = st.one_of(
    CHINESE, CHINESE, st.characters(), st.sampled_from(list("。，！？ \t\r\n😀𠀀ＡＢ１２"))
)
TEXTS = st.text(MIXED, max_size=200)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class _Fail(logging.Handler):
    """The safety net must never be needed: a fallback means the engine produced a bad result."""

    def emit(self, record):
        raise AssertionError(record.getMessage())


@pytest.fixture
def strict(tiny_corrector):
    handler = _Fail(logging.WARNING)
    logger = logging.getLogger("electra_corrector")
    logger.addHandler(handler)
    yield tiny_corrector
    logger.removeHandler(handler)


@SETTINGS
@given(text=TEXTS)
def test_only_cjk_changes_and_edits_match(strict, text):
    result = strict.correct(text)
    assert result.source == text
    assert len(result.text) == len(text)
    assert violation(text, result.text, result.edits) is None
    for a, b in zip(text, result.text, strict=True):
        assert a == b or (is_cjk(a) and is_cjk(b))
    for edit in result.edits:
        assert text[edit.offset] == edit.wrong != edit.right == result.text[edit.offset]


@SETTINGS
@given(texts=st.lists(TEXTS, max_size=6))
def test_batching_equals_one_at_a_time(strict, texts):
    # The decisions must match; the evidence floats may differ in the last bits, since a
    # batch of another shape runs other matrix kernels.
    def decisions(results):
        return [(r.text, [e[:3] for e in r.edits]) for r in results]

    assert decisions(strict.correct_batch(texts)) == decisions([strict.correct(t) for t in texts])


def test_the_random_model_does_edit(tiny_corrector):
    """Guards the properties above against passing vacuously."""
    text = "今天天气很好，我们去公园玩吧。我跟我朋友打算去法国玩儿。"
    assert tiny_corrector.correct(text).edits


SENTENCE = st.text(
    st.sampled_from(list("我们今天去公园玩的得地在再做作")), min_size=35, max_size=61
)


@SETTINGS
@given(a=SENTENCE, b=SENTENCE)
def test_long_text_is_stitched_from_its_sentences(strict, a, b):
    """Two sentences too long to share one 64-token window are corrected exactly as if alone."""
    a, b = a + "。", b + "。"
    whole = strict.correct(a + b)
    assert whole.text == strict.correct(a).text + strict.correct(b).text


@SETTINGS
@given(
    body=st.text(
        st.sampled_from(list("我们今天去公园玩的得地在再做作")), min_size=100, max_size=400
    )
)
def test_windows_cover_a_long_sentence_without_truncation(strict, body):
    """A sentence far beyond the window is corrected everywhere, never cut short."""
    spans = strict._spans.build([body])
    owned = sorted(c for span in spans for c in span.char_at if c >= 0)
    assert owned == list(range(len(body)))
    assert len(strict.correct(body).text) == len(body)
