"""Character offsets the corrector must never edit: URLs and e-mail addresses.

A Chinese character inside `https://example.com/路径` or `张三@例子.中国` is part of an address,
not a typo. `address_ranges(text)` is the one place that decides where addresses are: the
Corrector drops any edit that falls on one, and the markup scanners protect the same ranges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A URL runs from its scheme (or "www.") to the next space, quote, angle bracket, or CJK or
# full-width punctuation (Chinese prose often follows a URL without a space: 见https://a.cn。).
_URL = re.compile(
    r"(?<![a-zA-Z0-9+.-])(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)"
    r"[^\s<>\"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+"
)
# An e-mail address: letters (any script), digits and ._%+- around one @, a dotted domain.
_EMAIL = r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+"


class RunPattern:
    """A pattern searched as re.finditer would, in time linear in the text's length.

    finditer tries every offset, and a pattern that starts with a run of `run` characters (a
    class, like "[\\w.-]") scans from each offset inside a long run to the run's end, which is
    quadratic: minutes for a long line. For patterns where, within one run, an offset fails
    whenever an earlier one did (the run must be followed by what comes next), the same matches
    start only at a run's first character or right where the previous match ended; only those
    offsets are tried. `anchored` marks where the run starts in `pattern` (one "(?R)").
    """

    def __init__(self, pattern: str, run: str):
        self.pattern = re.compile(pattern.replace("(?R)", ""))  # what re.finditer would search
        self._anchored = re.compile(pattern.replace("(?R)", f"(?<!{run})"))

    def finditer(self, text: str) -> Iterator[re.Match]:
        position, match = 0, None
        while True:
            after = match is not None and self.pattern.match(text, position)
            match = after or self._anchored.search(text, position)
            if not match:
                return
            yield match
            position = max(match.end(), position + 1)


_EMAILS = RunPattern(f"(?R){_EMAIL}", r"[\w.%+-]")


def address_ranges(text: str) -> list[tuple[int, int]]:
    """The [start, end) ranges of `text` that hold a URL or an e-mail address."""
    if "://" not in text and "www." not in text and "@" not in text:
        return []  # the common case, without running the patterns
    return [match.span() for pattern in (_URL, _EMAILS) for match in pattern.finditer(text)]


def address_offsets(text: str) -> set[int]:
    """Offsets in `text` that belong to a URL or an e-mail address."""
    return {i for start, end in address_ranges(text) for i in range(start, end)}
