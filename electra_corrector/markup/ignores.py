"""Inline ignores: comments that keep lines from being edited, in any file type.

`electra-correct: ignore` (the line it stands on), `electra-correct: ignore-next-line`, and
`electra-correct: off` ... `electra-correct: on` (every line from the one to the other, both
included). In source code the lexer says what a comment is (code.py); elsewhere a directive counts
only right after a comment opener (`<!--`, `#`, `//`, `/*`, `*`, `--`, `;`, `%`, `..`) and outside
backticks, so that prose or inline code that mentions one is no directive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from electra_corrector.markup.masking import Range

_MARK = "electra-correct:"  # a plain substring test first: most lines hold none
IGNORE_LINE = f"{_MARK} ignore"  # the directive that leaves its own line alone
DIRECTIVE = re.compile(r"electra-correct:[ \t]*(ignore-next-line|ignore|off|on)\b")
_COMMENTED = re.compile(r"(?:<!--|#|//|/\*|\*|--|;|%|\.\.)[ \t]*" + DIRECTIVE.pattern)


def in_comment(comment: str) -> list[str]:
    """The directives written in the text of a comment."""
    return DIRECTIVE.findall(comment) if _MARK in comment else []


def in_line(line: str) -> list[str]:
    """The directives written as comments in a line of a file whose comments are not known."""
    if _MARK not in line:
        return []
    return [m.group(1) for m in _COMMENTED.finditer(line) if line.count("`", 0, m.start()) % 2 == 0]


class Ignores:
    """Which lines of one document its directives leave alone, told each line's in order."""

    def __init__(self):
        self.off = False
        self.next_line = False

    def ignored(self, directives: Iterable[str]) -> bool:
        ignored, self.next_line = self.off or self.next_line, False
        for directive in directives:
            if directive == "off":
                self.off = ignored = True
            elif directive == "on":
                self.off = False  # the line that turns checking on is still left alone
            elif directive == "ignore":
                ignored = True
            else:
                self.next_line = True
        return ignored


def ignoring(scan: Callable[[str], list[Range]] | None) -> Callable[[str], list[Range]]:
    """A line scanner that protects what `scan` does (None: nothing) and ignored lines whole."""
    state = Ignores()

    def line(text: str) -> list[Range]:
        spans = scan(text) if scan else []  # every line, so that `scan` keeps its state
        return [(0, len(text))] if state.ignored(in_line(text)) else spans

    return line
