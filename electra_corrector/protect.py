"""Character offsets the corrector must never edit: URLs and e-mail addresses.

A Chinese character inside `https://example.com/路径` or `张三@例子.中国` is part of an address,
not a typo. `protected_spans(text)` is the one place that decides such offsets; the Corrector
drops any edit that falls on one. User-protected terms can join the same mechanism later.
"""

from __future__ import annotations

import re

# A URL runs from its scheme (or "www.") to the next space, quote, angle bracket, or CJK or
# full-width punctuation (Chinese prose often follows a URL without a space: 见https://a.cn。).
_URL = re.compile(
    r"(?<![a-zA-Z0-9+.-])(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)"
    r"[^\s<>\"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+"
)
# An e-mail address: letters (any script), digits and ._%+- around one @, a dotted domain.
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


def protected_spans(text: str) -> set[int]:
    """Offsets in `text` that belong to a URL or an e-mail address."""
    offsets: set[int] = set()
    if "://" not in text and "www." not in text and "@" not in text:
        return offsets  # the common case, without running the patterns
    for pattern in (_URL, _EMAIL):
        for match in pattern.finditer(text):
            offsets.update(range(match.start(), match.end()))
    return offsets
