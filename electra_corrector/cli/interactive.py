"""--interactive: ask on the terminal about each proposed edit, with the keys of `git add -p`.

The pipeline hands each line's correction here before writing it; what comes back holds only the
edits the user accepted, applied by the engine (Corrector.apply on the accepted proposals), so
its checks hold as for every other output. Answers are read from /dev/tty, never from stdin.
"""

from __future__ import annotations

import locale
import os
from typing import TextIO

from electra_corrector.base.errors import describe
from electra_corrector.document.render import mark_changes, report_lines
from electra_corrector.engine.result import Correction, Edit, Proposal

TERMINAL = "/dev/tty"
CONTEXT = 40  # characters shown each side of an edit, so that a paragraph-long line stays short
PROMPT = "Accept this edit [y,n,a,d,q,?]? "
HELP = """\
y - accept this edit
n - skip this edit
a - accept this edit and all the others left in this file
d - skip this edit and all the others left in this file
q - quit: files not yet finished are left as they were
? - print help
"""
# Control characters of the line are shown as their Unicode pictures (␛ for ESC), so that the
# text under review cannot move the cursor or recolour the terminal; a tab stays a tab.
_PICTURES = {c: 0x2400 + c for c in range(32) if c != 9} | {127: 0x2421}


def no_terminal() -> str | None:
    """Why there is no terminal to ask on (a one-line message), or None when there is one."""
    try:
        os.close(os.open(TERMINAL, os.O_RDWR | os.O_NOCTTY))
    except OSError as e:
        return f"--interactive asks on a terminal, and there is none here ({describe(e, TERMINAL)})"
    return None


def reviewer(corrector, color: str) -> Reviewer:
    """The review step for the pipeline, asking on the terminal; `color` is --color's choice
    (auto: colour unless NO_COLOR is set, since the questions always go to a terminal)."""
    painted = color == "always" or (color == "auto" and not os.getenv("NO_COLOR"))
    return Reviewer(corrector, Terminal(), painted)


def quit_summary(outcome, total: int, output) -> str:
    """What a quit left: outputs finished before it are written, the others as they were."""
    if output is not None:  # -o: one output for all inputs, written only once all are reviewed
        return f"quit: {output} left as it was"
    left = total - outcome.corrected - len(outcome.failed)
    return f"quit: {outcome.corrected} files written, {left} left as they were"


class Quit(Exception):
    """The user quit (q, Ctrl-C or end of input at the prompt); `interrupted` for Ctrl-C."""

    def __init__(self, interrupted: bool = False):
        super().__init__()
        self.interrupted = interrupted


class Terminal:
    """The controlling terminal, opened for questions and answers (OSError when there is none)."""

    def __init__(self, path: str = TERMINAL):
        encoding = locale.getpreferredencoding(False)
        self._in: TextIO = open(path, encoding=encoding, errors="replace")  # noqa: SIM115
        try:
            self._out: TextIO = open(path, "w", encoding=encoding, errors="backslashreplace")  # noqa: SIM115
        except OSError:
            self._in.close()
            raise

    def say(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()

    def ask(self, prompt: str) -> str:
        """The first character of the answer, lower-cased ("" for an empty line); Quit for
        Ctrl-C or end of input."""
        try:
            self.say(prompt)
            line = self._in.readline()
        except KeyboardInterrupt as e:
            if type(e) is not KeyboardInterrupt:  # SIGTERM or SIGHUP: they stop the run as ever
                raise
            self.say("\n")
            raise Quit(interrupted=True) from None
        if not line:
            self.say("\n")
            raise Quit
        return line.strip()[:1].lower()

    def close(self) -> None:
        self._in.close()
        self._out.close()


class Reviewer:
    """The pipeline's review step: asks about each edit of a line and applies the accepted ones.

    `a` and `d` answer for the rest of the current file; `q` raises Quit, which the pipeline lets
    through after discarding every output not yet complete.
    """

    def __init__(self, corrector, terminal: Terminal, color: bool):
        self._corrector = corrector
        self._terminal = terminal
        self._color = color
        self._job = None  # the file `_rest` answers for
        self._rest: bool | None = None  # a or d: the answer for every edit left in that file

    def close(self) -> None:
        self._terminal.close()

    def __call__(self, job, number: int, correction: Correction, proposals: list[Proposal]):
        if job is not self._job:
            self._job, self._rest = job, None
        source = correction.source
        accepted = {
            (e.offset, e.right) for e in correction.edits if self._accepts(job, number, source, e)
        }
        chosen = [p for p in proposals if (p.offset, p.right) in accepted]
        return self._corrector.apply(source, chosen)

    def _accepts(self, job, number: int, source: str, edit: Edit) -> bool:
        if self._rest is not None:
            return self._rest
        start, end = max(0, edit.offset - CONTEXT), edit.offset + 1 + CONTEXT
        piece, at = source[start:end].translate(_PICTURES), edit.offset - start
        marked = mark_changes(_alone(piece, edit._replace(offset=at)), self._color)
        line = "…" * (start > 0) + marked + "…" * (end < len(source))
        where = report_lines(_alone(source, edit), number, str(job.source), self._color)
        self._terminal.say(f"{where}    {line}\n")
        while True:
            key = self._terminal.ask(PROMPT)
            if key in ("y", "n"):
                return key == "y"
            if key in ("a", "d"):
                self._rest = key == "a"
                return self._rest
            if key == "q":
                raise Quit
            self._terminal.say(HELP)


def _alone(source: str, edit: Edit) -> Correction:
    """`source` corrected by `edit` only: the shape the formats show."""
    at = edit.offset
    return Correction(source, source[:at] + edit.right + source[at + 1 :], (edit,))
