"""Where an edit stands and how sure it is, the same for every front end: its line (or
paragraph) and columns in each unit a consumer counts, and its one level.

Columns count from 1 in code points (report lines, --format json, GitHub), UTF-16 code units
(SARIF, LSP's default, LanguageTool's offsets) or UTF-8 bytes (reviewdog, LSP's utf-8). They
differ only after a character outside the BMP (an emoji, a rare ideograph) or, for UTF-8,
after any non-ASCII character.
"""

from __future__ import annotations

from typing import NamedTuple

from electra_corrector.engine.result import Correction, Edit

UNITS = ("codepoints", "utf16", "utf8")
# An edit's level from its score (the generator's probability for the substitute, not the
# discriminator's P(replaced) that --threshold compares): SARIF's names; each front end maps
# them to its own (GitHub's notice, reviewdog's INFO, an editor's severities).
LEVELS = ((0.9, "error"), (0.5, "warning"), (0.0, "note"))


def level(score: float) -> str:
    return next(name for floor, name in LEVELS if score >= floor)


def message(edit: Edit) -> str:
    return f"{edit.wrong} -> {edit.right}: likely a wrong character (score {edit.score:.2f})"


def length(text: str, unit: str) -> int:
    """How long `text` is in `unit` (one of UNITS)."""
    if unit == "utf16":
        return len(text.encode("utf-16-le")) // 2
    if unit == "utf8":
        return len(text.encode("utf-8"))
    if unit == "codepoints":
        return len(text)
    raise ValueError(f"unknown unit {unit!r}; choose from {', '.join(UNITS)}")


class Finding(NamedTuple):
    """One edit where it stands: its line, and the columns it starts at and ends before (ranges
    are exclusive) in each unit, all counted from 1."""

    line: int
    edit: Edit
    column: int  # code points
    end_column: int
    utf16: int  # UTF-16 code units
    utf16_end: int
    utf8: int  # UTF-8 bytes
    utf8_end: int

    @classmethod
    def of(cls, correction: Correction, edit: Edit, line: int) -> Finding:
        """`edit` of `correction`, the correction of line `line` (offsets in that line)."""
        before, wrong = correction.source[: edit.offset], edit.wrong
        utf16, utf8 = length(before, "utf16") + 1, length(before, "utf8") + 1
        column = edit.offset + 1
        return cls(
            line,
            edit,
            column,
            column + len(wrong),
            utf16,
            utf16 + length(wrong, "utf16"),
            utf8,
            utf8 + length(wrong, "utf8"),
        )

    @property
    def level(self) -> str:
        return level(self.edit.score)

    def columns(self, unit: str) -> tuple[int, int]:
        """(start, end) columns in `unit`, counted from 1, the end exclusive."""
        if unit == "utf16":
            return self.utf16, self.utf16_end
        if unit == "utf8":
            return self.utf8, self.utf8_end
        if unit == "codepoints":
            return self.column, self.end_column
        raise ValueError(f"unknown unit {unit!r}; choose from {', '.join(UNITS)}")


def findings_of(correction: Correction, line: int) -> list[Finding]:
    return [Finding.of(correction, edit, line) for edit in correction.edits]
