"""Cut texts into model-sized spans and map every token back to an exact character offset.

Nothing here assumes one character is one token: the fast tokenizer's offset mapping decides
which tokens cover exactly one CJK character, and only those can ever be corrected. English
words, digits, URLs and emoji get no offset and pass through untouched. A CJK character outside
the vocabulary ([UNK]) keeps its offset: a rare character in running text is often a typo
(玈管 for 旅馆), and the discriminator sees the [UNK] in its context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from electra_corrector.base.charset import SENTENCE_ENDS, is_cjk

NO_CHAR = -1
# Lone surrogates (e.g. from surrogateescape decoding) cannot reach the Rust tokenizer; a
# same-length stand-in keeps every offset, and the character itself is never touched.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Span:
    """One model input: a slice of one text, plus the characters whose decisions it owns."""

    text_index: int
    input_ids: list[int]  # [CLS] ... [SEP]
    char_at: list[int]  # per token: absolute offset of the one CJK char it covers and owns, or -1


def sentence_ranges(text: str) -> list[tuple[int, int]]:
    """Sentences as (start, end), each ending after its run of closing punctuation."""
    ranges, start, i, n = [], 0, 0, len(text)
    while i < n:
        if text[i] in SENTENCE_ENDS:
            while i + 1 < n and text[i + 1] in SENTENCE_ENDS:
                i += 1
            ranges.append((start, i + 1))
            start = i + 1
        i += 1
    if start < n:
        ranges.append((start, n))
    return ranges


def pack_sentences(text: str, size: int) -> list[tuple[int, int]]:
    """Whole sentences packed greedily into segments of at most `size` chars (when they fit)."""
    segments: list[tuple[int, int]] = []
    for start, end in sentence_ranges(text):
        if segments and end - segments[-1][0] <= size:
            segments[-1] = (segments[-1][0], end)
        else:
            segments.append((start, end))
    return segments


def windows(lo: int, hi: int, size: int, overlap: int) -> list[tuple[int, int, int, int]]:
    """Overlapping windows (start, end, own_start, own_end) over [lo, hi).

    Every position is owned by exactly one window, the one where it sits farthest from an edge,
    so a long sentence is corrected with context on both sides and never truncated.
    """
    if hi - lo <= size:
        return [(lo, hi, lo, hi)]
    overlap = min(overlap, (size - 1) // 2)
    step = size - 2 * overlap
    starts = [*range(lo, hi - size, step), hi - size]
    spans = [(s, s + size) for s in starts]
    bounds = [lo] + [(spans[i + 1][0] + spans[i][1]) // 2 for i in range(len(spans) - 1)] + [hi]
    return [(s, e, bounds[i], bounds[i + 1]) for i, (s, e) in enumerate(spans)]


class SpanBuilder:
    """Turns texts into Spans for a tokenizer whose inputs hold at most `max_tokens` tokens."""

    def __init__(self, tokenizer, max_tokens: int, overlap: int = 16):
        self.tokenizer = tokenizer
        self.size = max_tokens - 2  # room for [CLS] and [SEP]
        self.overlap = overlap
        self.cls_id = tokenizer.cls_token_id
        self.sep_id = tokenizer.sep_token_id

    def build(self, texts: list[str]) -> list[Span]:
        pending = [
            (i, *w)
            for i, text in enumerate(texts)
            for seg in pack_sentences(text, self.size)
            for w in windows(*seg, self.size, self.overlap)
        ]
        spans: list[Span] = []
        size = self.size
        while pending:
            pieces = [_SURROGATE.sub("\ufffd", texts[i][s:e]) for i, s, e, _, _ in pending]
            encoded = self.tokenizer(
                pieces, add_special_tokens=False, return_offsets_mapping=True, verbose=False
            )
            too_long = []
            for (i, s, e, own_s, own_e), ids, offsets in zip(
                pending, encoded["input_ids"], encoded["offset_mapping"], strict=True
            ):
                if len(ids) <= self.size:
                    spans.append(self._span(texts[i], i, s, own_s, own_e, ids, offsets))
                else:
                    too_long.append((i, s, e, own_s, own_e))
            # Rare: more tokens than characters. Re-cut those pieces finer, keeping ownership.
            size = max(size // 2, 1)
            pending = [
                (i, ws, we, max(os_, own_s), min(oe, own_e))
                for i, s, e, own_s, own_e in too_long
                for ws, we, os_, oe in windows(s, e, size, min(self.overlap, size // 4))
                if max(os_, own_s) < min(oe, own_e)
            ]
        return spans

    def _span(self, text, index, start, own_start, own_end, ids, offsets) -> Span:
        char_at = [NO_CHAR]
        for a, b in offsets:
            pos = start + a
            owned = own_start <= pos < own_end and b - a == 1
            ok = owned and is_cjk(text[pos])
            char_at.append(pos if ok else NO_CHAR)
        char_at.append(NO_CHAR)
        return Span(index, [self.cls_id, *ids, self.sep_id], char_at)
