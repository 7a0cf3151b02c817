"""How corrected lines are written out: the text, a JSON object, the text with changes marked, or
one report line per edit. A unified diff needs a whole file's lines: see unidiff.py."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import BinaryIO, Protocol

from electra_corrector.document.outputs import LINE_FORMATS
from electra_corrector.engine.result import Correction, Edit
from electra_corrector.textio.files import LineWriter, TextEncoding

STDIN_NAME = "-"  # the path that reports and diffs give standard input

# (correction, the line's ending, its 1-based number, its file or None for stdin) -> output text
Render = Callable[[Correction, str, int, "str | None"], str]

_RED, _GREEN, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[0m"


def _painted(edit: Edit, color: bool) -> tuple[str, str]:
    """An edit's wrong and right characters as shown: red and green on a colour terminal."""
    if color:
        return f"{_RED}{edit.wrong}{_RESET}", f"{_GREEN}{edit.right}{_RESET}"
    return edit.wrong, edit.right


def mark_changes(correction: Correction, color: bool = False) -> str:
    """The source with each edit shown in place: 我跟我朋[唷→友]打算."""
    parts, start = [], 0
    source = correction.source
    for edit in correction.edits:
        wrong, right = _painted(edit, color)
        parts += [source[start : edit.offset], f"[{wrong}→{right}]"]
        start = edit.offset + 1
    parts.append(source[start:])
    return "".join(parts)


def report_lines(correction: Correction, number: int, file: str | None, color=False) -> str:
    """`path:line:col: 门 -> 们 (0.99)` per edit, the column counted in characters from 1."""
    where = STDIN_NAME if file is None else file
    if not where.isprintable():  # a newline in a name would split one finding over two lines
        where = json.dumps(where, ensure_ascii=False)
    lines = []
    for edit in correction.edits:
        wrong, right = _painted(edit, color)
        lines.append(f"{where}:{number}:{edit.offset + 1}: {wrong} -> {right} ({edit.score:.2f})\n")
    return "".join(lines)


def renderer(name: str, color: bool = False) -> Render:
    if name == "text":
        return lambda correction, ending, number, file: correction.text + ending
    if name == "marked":
        return lambda correction, ending, number, file: mark_changes(correction, color) + ending
    if name == "report":
        return lambda correction, ending, number, file: report_lines(
            correction, number, file, color
        )
    if name == "jsonl":
        return _json_line
    raise ValueError(f"unknown format {name!r}; choose from {', '.join(LINE_FORMATS)}")


def _json_line(correction: Correction, ending: str, number: int, file: str | None) -> str:
    where = {"file": file} if file is not None else {}
    record = {**where, "line": number, **correction.to_json()}
    return json.dumps(record, ensure_ascii=False) + "\n"


class LineOutput(Protocol):
    """Where one input's corrected lines go, in order."""

    def write(self, correction: Correction, ending: str, number: int) -> None: ...

    def finish(self) -> None: ...


# (stream, the input's name or None for stdin, its encoding as read so far) -> a LineOutput
Output = Callable[[BinaryIO, "str | None", Callable[[], TextEncoding]], LineOutput]


def rendered(render: Render) -> Output:
    """An Output that writes each line as `render` shows it, encoded by a LineWriter."""

    class Rendered:
        def __init__(self, stream, name, encoding):
            self._writer, self._name = LineWriter(stream, encoding), shown_name(name)

        def write(self, correction: Correction, ending: str, number: int) -> None:
            self._writer.write(render(correction, ending, number, self._name))

        def finish(self) -> None:
            self._writer.finish()

    return Rendered


def shown_name(name: str | None) -> str | None:
    """The name as text for the UTF-8 formats: bytes that are not UTF-8 become \\xNN escapes."""
    return None if name is None else os.fsencode(name).decode("utf-8", errors="backslashreplace")
