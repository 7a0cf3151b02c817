"""The safety net: a result that breaks an invariant is never handed to the user."""

from __future__ import annotations

from collections.abc import Iterator

from electra_corrector.base.charset import is_cjk
from electra_corrector.engine.result import Edit

_BLOCK = 4096  # compare long texts block by block; most blocks are equal and skipped at C speed


def differences(a: str, b: str) -> Iterator[int]:
    """Offsets where two equal-length strings differ."""
    for start in range(0, len(a), _BLOCK):
        end = start + _BLOCK
        if a[start:end] != b[start:end]:
            yield from (i for i in range(start, min(end, len(a))) if a[i] != b[i])


def violation(source: str, text: str, edits: tuple[Edit, ...]) -> str | None:
    """Why (source -> text, edits) is not a valid correction, or None when it is."""
    if len(text) != len(source):
        return f"length changed from {len(source)} to {len(text)}"
    by_offset = {e.offset: e for e in edits}
    if len(by_offset) != len(edits):
        return "two edits at one offset"
    changed = set()
    for i in differences(source, text):
        a, b = source[i], text[i]
        if not (is_cjk(a) and is_cjk(b)):
            return f"non-CJK character changed at {i}: {a!r} -> {b!r}"
        edit = by_offset.get(i)
        if edit is None or (edit.wrong, edit.right) != (a, b):
            return f"change at {i} ({a!r} -> {b!r}) does not match its edit"
        changed.add(i)
    if len(changed) != len(edits):
        return "an edit leaves its character unchanged"
    return None
