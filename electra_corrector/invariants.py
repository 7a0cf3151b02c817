"""The safety net: a result that breaks an invariant is never handed to the user."""

from __future__ import annotations

from electra_corrector.charset import is_cjk
from electra_corrector.result import Edit


def violation(source: str, text: str, edits: tuple[Edit, ...]) -> str | None:
    """Why (source -> text, edits) is not a valid correction, or None when it is."""
    if len(text) != len(source):
        return f"length changed from {len(source)} to {len(text)}"
    by_offset = {e.offset: e for e in edits}
    if len(by_offset) != len(edits):
        return "two edits at one offset"
    for i, (a, b) in enumerate(zip(source, text, strict=True)):
        edit = by_offset.get(i)
        if a == b:
            if edit is not None:
                return f"edit at {i} leaves the character unchanged"
            continue
        if not (is_cjk(a) and is_cjk(b)):
            return f"non-CJK character changed at {i}: {a!r} -> {b!r}"
        if edit is None or (edit.wrong, edit.right) != (a, b):
            return f"change at {i} ({a!r} -> {b!r}) does not match its edit"
    return None
