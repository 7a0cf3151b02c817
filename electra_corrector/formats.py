"""How a corrected line is written out: the text, a JSON object, or the text with changes marked."""

from __future__ import annotations

import json
from collections.abc import Callable

from electra_corrector.result import Correction

FORMATS = ("text", "jsonl", "diff")

# (correction, the line's ending, its 1-based number, its file or None for stdin) -> output text
Render = Callable[[Correction, str, int, "str | None"], str]

_RED, _GREEN, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[0m"


def mark_changes(correction: Correction, color: bool = False) -> str:
    """The source with each edit shown in place: 我跟我朋[唷→友]打算."""
    parts, start = [], 0
    source = correction.source
    for edit in correction.edits:
        wrong, right = edit.wrong, edit.right
        if color:
            wrong, right = f"{_RED}{wrong}{_RESET}", f"{_GREEN}{right}{_RESET}"
        parts += [source[start : edit.offset], f"[{wrong}→{right}]"]
        start = edit.offset + 1
    parts.append(source[start:])
    return "".join(parts)


def renderer(name: str, color: bool = False) -> Render:
    if name == "text":
        return lambda correction, ending, number, file: correction.text + ending
    if name == "diff":
        return lambda correction, ending, number, file: mark_changes(correction, color) + ending
    if name == "jsonl":
        return _json_line
    raise ValueError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")


def _json_line(correction: Correction, ending: str, number: int, file: str | None) -> str:
    where = {"file": file} if file is not None else {}
    record = {**where, "line": number, **correction.to_json()}
    return json.dumps(record, ensure_ascii=False) + "\n"
