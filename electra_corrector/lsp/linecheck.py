"""The edits a document gets in the editor: its units (document/formats.py, as the command line
reads a file of it), each text the corrector reads corrected once (a cache keyed by that text,
so a change re-checks only what it changed), then the user's protected terms masked out."""

from __future__ import annotations

from collections.abc import Sequence

from electra_corrector.document import correcting
from electra_corrector.document.findings import Finding, findings_of
from electra_corrector.document.formats import Line, Unit, format_for
from electra_corrector.engine.result import Correction
from electra_corrector.knowledge.userdict import ProtectedTerms
from electra_corrector.markup import masking

CACHE_TEXTS = 200_000  # past this many, texts of other documents are forgotten


def units_of(lines: Sequence[str], syntax_name: str) -> list[Unit]:
    """The units of a document whose lines (with their endings, as the editor holds them) are
    `lines`, in the document format `syntax_name`."""
    numbered = [
        Line(number, line.rstrip("\r\n"), line[len(line.rstrip("\r\n")) :])
        for number, line in enumerate(lines, 1)
    ]
    return list(format_for(None, syntax_name).units(numbered))


def _open(unit: Unit) -> bool:
    """Whether a unit can change: a CJK character is left outside its protected spans."""
    if unit.pieces is not None:
        return bool(unit.pieces)
    return bool(masking.pieces(unit.line.body, unit.protected))


class LineChecker:
    """A Corrector, the user's protected terms and the corrections of texts seen so far."""

    def __init__(self, corrector, terms: Sequence[str], cache: dict | None = None):
        self.corrector = corrector
        self.terms = tuple(terms)
        self._protected = ProtectedTerms(self.terms)
        self._cache: dict[str, Correction] = {} if cache is None else cache

    def with_terms(self, terms: Sequence[str]) -> LineChecker:
        """The same corrector and cache (terms are masked after correcting), other terms."""
        return LineChecker(self.corrector, terms, self._cache)

    def todo(self, units: Sequence[Unit]) -> list[str]:
        """The distinct texts of `units` not corrected yet, leaving out units that cannot
        change."""
        if len(self._cache) > CACHE_TEXTS:
            keep = set(correcting.texts_of(units))
            self._cache = {k: v for k, v in self._cache.items() if k in keep}
        todo = {}
        for unit in filter(_open, units):
            for text in unit.texts:
                if text not in self._cache:
                    todo[text] = None
        return list(todo)

    def correct(self, texts: list[str]) -> list[Correction]:
        """Runs the models (slow: call it off the event loop)."""
        return self.corrector.correct_batch(texts)

    def remember(self, texts: list[str], corrections: list[Correction]) -> None:
        self._cache.update(zip(texts, corrections, strict=True))

    def findings(self, units: Sequence[Unit]) -> list[Finding]:
        """Every edit the document gets, lines counted from 1; each unit must be done (todo
        returns nothing)."""
        found = []
        for unit in filter(_open, units):
            correction = unit.assembled([self._cache[text] for text in unit.texts])
            if correction.edits and self._protected:
                terms = self._protected.positions(unit.line.body)
                correction = masking.outside(correction, [(p, p + 1) for p in terms])
            found += findings_of(correction, unit.line.number)
        return found
