"""Positions that must not be edited: character spans of a line, from any number of sources
(markup syntax, protected terms, URLs), combined by simply listing them together."""

from __future__ import annotations

from collections.abc import Iterable

from electra_corrector.engine.result import Correction

Range = tuple[int, int]  # [start, end) character offsets in a line


def outside(correction: Correction, spans: Iterable[Range]) -> Correction:
    """`correction` without its edits that fall inside any of `spans`; the text follows."""
    spans = list(spans)
    kept = tuple(e for e in correction.edits if not any(a <= e.offset < b for a, b in spans))
    if len(kept) == len(correction.edits):
        return correction
    return Correction.applied(correction.source, kept)
