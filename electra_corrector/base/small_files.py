"""The small text files a user or a model folder names (word lists, settings, typo counts), read
with a size cap, so that /dev/zero or a corpus named by mistake fails at once instead of filling
memory, and checked line by line, so that an error names the file and the line."""

from __future__ import annotations

import os
from collections.abc import Iterator

MAX_BYTES = 16 << 20  # far above any word list or settings file; a corpus is not one


class UnusableFile(ValueError):
    """A file that cannot be read as a small UTF-8 text file; the message names it (and the
    line)."""


def read_text(path: str | os.PathLike, limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of `path` (a BOM dropped); UnusableFile when it is larger than `limit`
    or a line is not UTF-8, OSError when it cannot be read."""
    with open(path, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnusableFile(f"{path}: larger than {limit >> 20} MiB, not a settings or word file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UnusableFile(f"{path}:{line}: not UTF-8 text") from None


def numbered_lines(path: str | os.PathLike) -> Iterator[tuple[int, str]]:
    """(number from 1, line without its ending) of every line of `path`; a control character
    other than a tab (a binary file) is an UnusableFile naming the line."""
    for number, line in enumerate(read_text(path).split("\n"), 1):
        line = line.removesuffix("\r")
        if any((c < " " and c != "\t") or c == "\x7f" for c in line):
            raise UnusableFile(f"{path}:{number}: holds a control character (not a text file?)")
        yield number, line
