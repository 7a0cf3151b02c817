"""Inline ignores: comments that keep lines from being edited, in any file type.

`electra-correct: ignore` (the line it stands on), `electra-correct: ignore-next-line`, and
`electra-correct: off` ... `electra-correct: on` (every line from the one to the other, both
included). In source code the lexer says what a comment is (code.py); elsewhere a directive counts
only right after a comment opener (`<!--`, `#`, `//`, `/*`, `*`, `--`, `;`, `%`, `..`) and outside
backticks, so that prose or inline code that mentions one is no directive.

A directive must be written whole: `electra-correct: ignore-next` or `electra-correct: of` does
nothing (it is not taken for `ignore`), and `malformed` names it, so that a front end can warn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from electra_corrector.markup.masking import Range

MARK = "electra-correct:"  # a plain substring test first: most lines hold none
IGNORE_LINE = f"{MARK} ignore"  # the directive that leaves its own line alone
KNOWN = ("ignore-next-line", "ignore", "off", "on")
DIRECTIVE = re.compile(r"electra-correct:[ \t]*(ignore-next-line|ignore|off|on)(?![\w-])")
_OPENER = r"(?:<!--|#|//|/\*|\*|--|;|%|\.\.)[ \t]*"
_COMMENTED = re.compile(_OPENER + DIRECTIVE.pattern)
_WRITTEN = re.compile(_OPENER + r"electra-correct:[ \t]*([\w-]*)")


def in_comment(comment: str) -> list[str]:
    """The directives written in the text of a comment."""
    return DIRECTIVE.findall(comment) if MARK in comment else []


def in_line(line: str) -> list[str]:
    """The directives written as comments in a line of a file whose comments are not known."""
    if MARK not in line:
        return []
    return [m.group(1) for m in _COMMENTED.finditer(line) if _outside_backticks(line, m)]


def malformed(line: str) -> list[str]:
    """What follows `electra-correct:` in the comments of a line where it is no directive
    (`ignore-next`, `of`, nothing): written as one, it does nothing."""
    if MARK not in line:
        return []
    return [
        m.group(1)
        for m in _WRITTEN.finditer(line)
        if m.group(1) not in KNOWN and _outside_backticks(line, m)
    ]


def _outside_backticks(line: str, match: re.Match) -> bool:
    return line.count("`", 0, match.start()) % 2 == 0


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
