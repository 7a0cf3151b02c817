"""A unified diff of a corrected file, in the file's own bytes, that `patch -p1` and `git apply`
apply to reproduce the corrected file exactly (encoding, BOM, CRLF, a last line without ending).

Corrections replace characters one for one, so line n of the output is the correction of line n
of the input: both sides of a hunk have the same line count, and a hunk can be closed as soon as
more than twice the context of unchanged lines follows its last change. Only the open hunk is
held in memory, so files of any size stream through.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from typing import BinaryIO

from electra_corrector.document.render import STDIN_NAME
from electra_corrector.engine.result import Correction
from electra_corrector.textio.files import TextEncoding, TextError

CONTEXT = 3
_NO_NEWLINE = b"\\ No newline at end of file\n"
_COLORS = {b"-": b"\x1b[31m", b"+": b"\x1b[32m", b"@": b"\x1b[36m", b"h": b"\x1b[1m"}
_RESET = b"\x1b[0m"


def diff_output(color: bool = False) -> Callable:
    """An Output (see formats.py) writing unified diffs."""
    return lambda stream, name, encoding: UnifiedDiff(stream, name, encoding, color)


# git's C-style escapes; any other control or non-ASCII byte is written in octal, as git does.
_ESCAPES = {7: b"\\a", 8: b"\\b", 9: b"\\t", 10: b"\\n", 11: b"\\v", 12: b"\\f", 13: b"\\r"}
_ESCAPES |= {ord('"'): b'\\"', ord("\\"): b"\\\\"}


def header_name(prefix: str, name: str) -> bytes:
    """`name` in a ---/+++ line as git writes it, for `patch -p1` and `git apply` from the
    working folder: relative to it (`./x` is `x`; a file outside it keeps its path from the
    root, `a/tmp/x`, for `patch -d / -p1`), after `prefix`; in double quotes with C escapes
    when it holds a control character, a quote, a backslash or a non-ASCII byte, and with a
    tab after it when it holds a space, so that patch reads the whole name."""
    path = os.path.normpath(os.path.join(os.getcwd(), name))
    inside = os.path.relpath(path)
    if inside == ".." or inside.startswith(".." + os.sep):
        inside = path.lstrip(os.sep)
    raw = os.fsencode(prefix + inside.replace(os.sep, "/"))
    if not any(b < 0x20 or b >= 0x7F or b in _ESCAPES for b in raw):
        return raw + (b"\t" if b" " in raw else b"")
    quoted = b"".join(
        _ESCAPES.get(b) or (b"\\%03o" % b if b < 0x20 or b >= 0x7F else bytes([b])) for b in raw
    )
    return b'"' + quoted + b'"'


class UnifiedDiff:
    """The unified diff of one input, written to `stream` as its corrected lines arrive.

    Nothing is written for an input without edits. The file headers name the input as git
    does (header_name).
    """

    def __init__(
        self,
        stream: BinaryIO,
        name: str | None,
        encoding: Callable[[], TextEncoding],
        color: bool = False,
        context: int = CONTEXT,
    ):
        self._stream, self._encoding, self._color, self._context = stream, encoding, color, context
        self._name = STDIN_NAME if name is None else name
        self._before: deque[bytes] = deque(maxlen=context)  # unchanged lines before a hunk
        self._hunk: list[tuple[bytes, bytes]] | None = None  # the open hunk: (tag, line bytes)
        self._start = 0  # the open hunk's first line number
        self._unchanged = 0  # unchanged lines since the open hunk's last change
        self._removed: list[bytes] = []  # a run of changed lines, shown as all -, then all +
        self._added: list[bytes] = []
        self._headed = False

    def write(self, correction: Correction, ending: str, number: int) -> None:
        encoding = self._encoding()
        if encoding.codec.startswith(("utf-16", "utf-32")):
            raise TextError(
                f"no unified diff for {encoding} text (patch and git apply take it for binary)"
            )
        bom = encoding.bom if number == 1 else b""
        old = bom + (correction.source + ending).encode(encoding.codec)
        if not correction.edits:
            self._unchanged_line(old)
            return
        if self._hunk is None:
            self._start = number - len(self._before)
            self._hunk = [(b" ", line) for line in self._before]
            self._before.clear()
        self._removed.append(old)
        self._added.append(bom + (correction.text + ending).encode(encoding.codec))
        self._unchanged = 0

    def finish(self) -> None:
        if self._hunk is not None:
            self._end_changes()
            self._emit(self._hunk[: len(self._hunk) - self._unchanged + self._context])

    def _unchanged_line(self, line: bytes) -> None:
        if self._hunk is None:
            self._before.append(line)
            return
        self._end_changes()
        self._hunk.append((b" ", line))
        self._unchanged += 1
        if self._unchanged > 2 * self._context:
            # The next change is too far away to share this hunk's context: close it.
            tail = len(self._hunk) - self._unchanged
            self._emit(self._hunk[: tail + self._context])
            self._before.extend(line for _, line in self._hunk[tail:])
            self._hunk = None

    def _end_changes(self) -> None:
        self._hunk += [(b"-", line) for line in self._removed]
        self._hunk += [(b"+", line) for line in self._added]
        self._removed, self._added = [], []

    def _emit(self, hunk: list[tuple[bytes, bytes]]) -> None:
        if not self._headed:
            self._headed = True
            self._put(b"h", b"--- " + header_name("a/", self._name) + b"\n")
            self._put(b"h", b"+++ " + header_name("b/", self._name) + b"\n")
        count = sum(tag != b"+" for tag, _ in hunk)
        self._put(b"@", b"@@ -%d,%d +%d,%d @@\n" % (self._start, count, self._start, count))
        for tag, line in hunk:
            self._put(tag, tag + line)
            if not line.endswith(b"\n"):
                self._stream.write(b"\n" + _NO_NEWLINE)

    def _put(self, kind: bytes, line: bytes) -> None:
        if self._color and kind in _COLORS:
            body = line.rstrip(b"\r\n")
            line = _COLORS[kind] + body + _RESET + line[len(body) :]
        self._stream.write(line)
