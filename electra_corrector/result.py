"""What a correction returns: plain, immutable records that print, compare and serialise."""

from __future__ import annotations

from typing import NamedTuple


class Edit(NamedTuple):
    """One replaced character: `source[offset] == wrong`; the corrected text has `right` there."""

    offset: int
    wrong: str
    right: str
    score: float  # the generator's probability for `right` among the plausible characters there

    def to_json(self) -> dict:
        return {
            "offset": self.offset,
            "wrong": self.wrong,
            "right": self.right,
            "score": round(self.score, 4),
        }


class Proposal(NamedTuple):
    """A substitute the models put forward at a flagged character, before the accept rule."""

    offset: int
    wrong: str
    right: str
    probability: float  # the discriminator's P(replaced) for `wrong`
    gain: float  # the generator's log-probability gain of `right` over `wrong`
    score: float  # as Edit.score

    def edit(self) -> Edit:
        return Edit(self.offset, self.wrong, self.right, self.score)


class Correction(NamedTuple):
    source: str
    text: str
    edits: tuple[Edit, ...]

    def to_dict(self) -> dict:
        """pycorrector 1.x's result shape, so code written against it keeps working."""
        return {
            "source": self.source,
            "target": self.text,
            "errors": [(e.wrong, e.right, e.offset) for e in self.edits],
        }

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "text": self.text,
            "edits": [e.to_json() for e in self.edits],
        }
