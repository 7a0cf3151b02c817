"""What a correction returns: plain, immutable records that print, compare and serialise."""

from __future__ import annotations

from typing import NamedTuple


class Evidence(NamedTuple):
    """What the accept rule weighed for a substitute (see CorrectorOptions.value)."""

    probability: float  # the discriminator's P(replaced) for the original character
    gain: float  # the generator's log-probability gain of the substitute over the original
    lm: float = 0.0  # change of the character trigram log-probability around it (charlm.py)
    words: float = 0.0  # change of the best covering word's log-frequency (words.py)
    frequency: float = 0.0  # log-frequency of the substitute over the original's (charlm.py)
    kind: str = ""  # the kind of confusion (engine/confusion.py KINDS); "" when not known
    rule: str = ""  # the grammar construction that names this substitute (constructions.py)

    def to_json(self) -> dict:
        data = self._asdict()
        labels = {name: data.pop(name) for name in ("kind", "rule")}
        numbers = {name: round(value, 4) for name, value in data.items()}
        return {**numbers, **{name: label for name, label in labels.items() if label}}


class Edit(NamedTuple):
    """One replaced character: `source[offset] == wrong`; the corrected text has `right` there."""

    offset: int
    wrong: str
    right: str
    score: float  # the generator's probability for `right` among the plausible characters there
    evidence: Evidence | None = None  # why it was taken; None for edits not made by the models

    def to_json(self) -> dict:
        data = {
            "offset": self.offset,
            "wrong": self.wrong,
            "right": self.right,
            "score": round(self.score, 4),
        }
        if self.evidence is not None:
            data["evidence"] = self.evidence.to_json()
        return data


class Proposal(NamedTuple):
    """A substitute the models put forward at a flagged character, before the accept rule."""

    offset: int
    wrong: str
    right: str
    probability: float  # the discriminator's P(replaced) for `wrong`
    gain: float  # the generator's log-probability gain of `right` over `wrong`
    score: float  # as Edit.score
    lm: float = 0.0  # as Evidence.lm
    words: float = 0.0  # as Evidence.words
    frequency: float = 0.0  # as Evidence.frequency
    kind: str = ""  # as Evidence.kind
    rule: str = ""  # as Evidence.rule

    @property
    def evidence(self) -> Evidence:
        return Evidence(
            self.probability, self.gain, self.lm, self.words, self.frequency, self.kind, self.rule
        )

    def edit(self) -> Edit:
        return Edit(self.offset, self.wrong, self.right, self.score, self.evidence)


class Correction(NamedTuple):
    source: str
    text: str
    edits: tuple[Edit, ...]

    @classmethod
    def applied(cls, source: str, edits) -> Correction:
        """`source` with `edits` (one character each, in offset order) made."""
        # Slices between edits, not list(source): a 50 MB line must not become 50M objects.
        pieces, last = [], 0
        for edit in edits:
            pieces += [source[last : edit.offset], edit.right]
            last = edit.offset + 1
        pieces.append(source[last:])
        return cls(source, "".join(pieces), tuple(edits))

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
