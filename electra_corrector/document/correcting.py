"""Units corrected in batches through the engine, and whole texts checked: the one path from a
document's units to their corrections and findings that every front end takes.

The engine sorts the texts of one call by length before cutting model batches, so a caller
hands it several batches' worth of units at once (SORT_WINDOW) to cut padding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from electra_corrector.document.findings import Finding, findings_of, length
from electra_corrector.document.formats import TextFormat, Unit, format_for, lines_of
from electra_corrector.engine.result import Correction, Proposal
from electra_corrector.markup import masking

SORT_WINDOW = 8  # model batches' worth of units per correct_batch call (1.7x file order)


def texts_of(units: Iterable[Unit]) -> list[str]:
    """What the corrector reads of `units`, in order."""
    return [text for unit in units for text in unit.texts]


def assembled(units: Iterable[Unit], corrections: Iterable[Correction]) -> list[Correction]:
    """Each unit's correction from the corrections of texts_of(units), in order: none of its
    edits inside its protected spans, offsets in its line."""
    results = iter(corrections)
    return [unit.assembled([next(results) for _ in unit.texts]) for unit in units]


def corrected(corrector, units: Sequence[Unit]) -> list[Correction]:
    """Each unit's correction, from one correct_batch call."""
    return assembled(units, corrector.correct_batch(texts_of(units)))


def proposed(corrector, units: Sequence[Unit]) -> list[tuple[Correction, list[Proposal]]]:
    """Each unit's correction with the proposals behind it (offsets in its line), for a review
    that applies some of them (Corrector.propose, then apply)."""
    texts = texts_of(units)
    found = corrector.propose(texts)
    applied = iter(corrector.apply(t, f) for t, f in zip(texts, found, strict=True))
    proposals = iter(found)
    return [
        (correction, unit.placed([next(proposals) for _ in unit.texts]))
        for unit, correction in zip(units, assembled(units, applied), strict=True)
    ]


class Checked(NamedTuple):
    """A text checked whole: the corrected text, and where each edit stands."""

    source: str
    text: str
    findings: list[Finding]
    line_starts: list[int]  # each line's offset in `source`, in code points

    def offset(self, finding: Finding, unit: str = "codepoints") -> int:
        """Where `finding` starts in the whole text, counted from 0 in `unit`
        (findings.UNITS)."""
        start = self.line_starts[finding.line - 1]
        before = length(self.source[:start], unit) if start else 0
        return before + finding.columns(unit)[0] - 1


def check_text(
    corrector, text: str, name: str | None = None, choice: str = "auto", fmt=None
) -> Checked:
    """`text` as a document named `name` (or of the format `fmt`), corrected and its findings
    placed; for one text at a time (an editor): a file goes through units()."""
    return check_texts(corrector, [text], fmt or format_for(name, choice))[0]


def check_texts(
    corrector,
    texts: Sequence[str],
    fmt: TextFormat | None = None,
    protected: Sequence[Sequence[masking.Range]] | None = None,
) -> list[Checked]:
    """Each of `texts` as a document of the format `fmt` (plain text when None), all their
    units corrected in one correct_batch call (a server's batch of requests). `protected`, one
    list per text, adds spans of the whole text (code points) never edited: an annotated
    text's markup."""
    fmt = fmt or format_for(None)
    documents = []
    for i, text in enumerate(texts):
        units, starts, at = list(fmt.units(lines_of(text))), [], 0
        for unit in units:
            starts.append(at)
            at += len(unit.line.body) + len(unit.line.ending)
        if protected is not None and protected[i]:
            units = [_protecting(u, s, protected[i]) for u, s in zip(units, starts, strict=True)]
        documents.append((units, starts))
    corrections = iter(corrected(corrector, [u for units, _ in documents for u in units]))
    checked = []
    for text, (units, starts) in zip(texts, documents, strict=True):
        done = [next(corrections) for _ in units]
        findings = [
            f for u, c in zip(units, done, strict=True) for f in findings_of(c, u.line.number)
        ]
        checked.append(Checked(text, fmt.rebuilt(units, done), findings, starts))
    return checked


def _protecting(unit: Unit, start: int, spans: Sequence[masking.Range]) -> Unit:
    """`unit` (its line at `start` in the text) with the parts of `spans` on its line added to
    those never edited."""
    end = start + len(unit.line.body)
    mine = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]
    return unit._replace(protected=[*unit.protected, *mine]) if mine else unit
