"""Positions that must not be edited: character spans of a line, from any number of sources
(markup syntax, source code, inline ignores, protected terms, URLs), combined by simply listing
them together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from electra_corrector.base.charset import is_cjk
from electra_corrector.engine.result import Correction

Range = tuple[int, int]  # [start, end) character offsets in a line


def outside(correction: Correction, spans: Iterable[Range]) -> Correction:
    """`correction` without its edits that fall inside any of `spans`; the text follows."""
    spans = list(spans)
    kept = tuple(e for e in correction.edits if not any(a <= e.offset < b for a, b in spans))
    if len(kept) == len(correction.edits):
        return correction
    return Correction.applied(correction.source, kept)


def pieces(line: str, spans: Iterable[Range]) -> list[Range]:
    """The stretches of `line` outside all of `spans` that hold a Chinese character: in source
    code each is corrected on its own (a comment, a string), and the rest costs nothing."""
    found, last = [], 0
    for a, b in [*sorted(spans), (len(line), len(line))]:
        if a > last and any(map(is_cjk, line[last:a])):
            found.append((last, a))
        last = max(last, b)
    return found


def texts_of(line: str, parts: Sequence[Range] | None, joined: bool = False) -> list[str]:
    """What the corrector reads of a line: all of it (`parts` None); in source code, each of
    its `pieces` alone; `joined` (prose split by markup), its pieces as one text."""
    if parts is None:
        return [line]
    if joined:
        return ["".join(line[a:b] for a, b in parts)] if parts else []
    return [line[a:b] for a, b in parts]


def unjoined(line: str, parts: Sequence[Range], correction: Correction) -> Correction:
    """`line` with the edits of its joined pieces' correction, at their offsets in `line`."""
    edits = [e._replace(offset=joined_offset(parts, e.offset)) for e in correction.edits]
    return Correction.applied(line, edits)


def joined_offset(parts: Sequence[Range], offset: int) -> int:
    """Where the character at `offset` of the joined pieces `parts` lies in their line."""
    for a, b in parts:
        if offset < b - a:
            return a + offset
        offset -= b - a
    raise ValueError("an offset beyond the joined pieces")


def reassembled(
    line: str,
    protected: Iterable[Range],
    parts: Sequence[Range] | None,
    corrections: Sequence[Correction],
) -> Correction:
    """The line's correction from the corrections of texts_of(line, parts), in order: none of
    its edits inside `protected`."""
    if parts is None:
        (correction,) = corrections
        return outside(correction, protected) if protected else correction
    return spliced(line, parts, corrections)


def spliced(line: str, parts: Sequence[Range], corrections: Sequence[Correction]) -> Correction:
    """`line` with each of its `parts` replaced by its correction; edits at offsets in `line`."""
    edits = tuple(
        edit._replace(offset=edit.offset + start)
        for (start, _), correction in zip(parts, corrections, strict=True)
        for edit in correction.edits
    )
    return Correction.applied(line, edits)
