"""Spans found over a whole document, answered line by line: the formats that must read all of
a file first (HTML, subtitles, LaTeX, notebooks) find the stretches of prose in the document's
text, and each line's scanner call gets the rest of that line as protected."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable

from electra_corrector.markup.masking import Range


def document_of(bodies: list[str]) -> str:
    """The document a whole-file scanner reads: the lines joined by "\\n", whatever their
    endings were, so that offsets map back to (line, column) one for one."""
    return "".join(f"{body}\n" for body in bodies)


def protected_by_line(bodies: list[str], free: Iterable[Range]) -> list[list[Range]]:
    """Each line's protected spans: everything outside the document spans `free`."""
    starts, position = [], 0
    for body in bodies:
        starts.append(position)
        position += len(body) + 1
    free_by_line: list[list[Range]] = [[] for _ in bodies]
    for start, end in free:
        row = bisect_right(starts, start) - 1
        while 0 <= row < len(bodies) and starts[row] < end:
            a, b = max(start - starts[row], 0), min(end - starts[row], len(bodies[row]))
            if a < b:
                free_by_line[row].append((a, b))
            row += 1
    return [complement(spans, len(body)) for body, spans in zip(bodies, free_by_line, strict=True)]


def complement(spans: Iterable[Range], length: int) -> list[Range]:
    """The stretches of [0, length) outside all of `spans`."""
    protected, last = [], 0
    for a, b in sorted(spans):
        if a > last:
            protected.append((last, a))
        last = max(last, b)
    if last < length:
        protected.append((last, length))
    return protected


def answering(per_line: list[list[Range]]) -> Callable[[str], list[Range]]:
    """A scanner that answers with `per_line`, one line after another; a line beyond them (the
    document was not the one scanned) is protected whole."""
    lines = iter(per_line)

    def line(text: str) -> list[Range]:
        return next(lines, [(0, len(text))])

    return line
