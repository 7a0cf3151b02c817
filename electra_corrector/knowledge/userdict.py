"""A user's own word knowledge: terms never to edit, and extra confusions to consider.

Files are UTF-8 text, one entry a line, `#` starts a comment line:
    protect:    a term per line (a name, a product or domain term): 张三丰, 肝部, 刚正不阿
    confusions: `wrong right` per line, characters or equal-length words: 门 们, 期代 期待
"""

from __future__ import annotations

import re
from pathlib import Path

from electra_corrector.base.errors import CorrectorError, describe
from electra_corrector.base.small_files import UnusableFile, numbered_lines


class UserDictError(CorrectorError):
    """A dictionary file that cannot be used; the message names the file and line."""


def _entries(path: Path) -> list[tuple[int, str]]:
    try:
        lines = list(numbered_lines(path))
    except OSError as exc:
        raise UserDictError(describe(exc, f"{path}: cannot read it")) from None
    except UnusableFile as exc:
        raise UserDictError(str(exc)) from None
    return [
        (number, line.strip())
        for number, line in lines
        if line.strip() and not line.lstrip().startswith("#")
    ]


def read_terms(path: Path) -> tuple[str, ...]:
    return tuple(line for _, line in _entries(path))


def read_confusions(path: Path) -> tuple[tuple[str, str], ...]:
    pairs = []
    for number, line in _entries(path):
        fields = line.split()
        if len(fields) != 2 or len(fields[0]) != len(fields[1]):
            raise UserDictError(
                f"{path}:{number}: expected 'wrong right' of equal length, got {line!r}"
            )
        pairs.append((fields[0], fields[1]))
    return tuple(pairs)


class ProtectedTerms:
    """Finds every occurrence of the terms, overlapping ones included."""

    def __init__(self, terms):
        terms = sorted({t for t in terms if t}, key=len, reverse=True)
        # A lookahead matches at every position, so overlapping occurrences are all found.
        self._pattern = re.compile(f"(?=({'|'.join(map(re.escape, terms))}))") if terms else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def positions(self, text: str) -> set[int]:
        """Offsets of `text` that lie inside an occurrence of a term."""
        covered = set()
        if self._pattern:
            for match in self._pattern.finditer(text):
                covered.update(range(match.start(1), match.end(1)))
        return covered
