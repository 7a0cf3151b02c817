"""The edits a document gets: each distinct line corrected once (a cache keyed by the line's
text, so a change re-checks only the lines it changed), then the spans the command line never
edits masked out (markup/: code, link targets, URLs; and the user's protected terms)."""

from __future__ import annotations

from collections.abc import Sequence

from electra_corrector.engine.result import Correction, Edit
from electra_corrector.knowledge.userdict import ProtectedTerms
from electra_corrector.markup import masking, syntax
from electra_corrector.markup.masking import Range

CACHE_LINES = 200_000  # past this many, lines of other documents are forgotten


def masked_spans(bodies: Sequence[str], syntax_name: str) -> list[list[Range]]:
    """Each line's spans that must not be edited, the document scanned from its first line as
    the command line scans a file (source code lexed whole: only comments and strings open)."""
    scan = syntax.scanner(syntax_name, list(bodies))
    return [scan(body) for body in bodies]


class LineChecker:
    """A Corrector, the user's protected terms and the corrections of lines seen so far."""

    def __init__(self, corrector, terms: Sequence[str], cache: dict | None = None):
        self.corrector = corrector
        self.terms = tuple(terms)
        self._protected = ProtectedTerms(self.terms)
        self._cache: dict[str, Correction] = {} if cache is None else cache

    def with_terms(self, terms: Sequence[str]) -> LineChecker:
        """The same corrector and cache (terms are masked after correcting), other terms."""
        return LineChecker(self.corrector, terms, self._cache)

    def todo(self, bodies: Sequence[str], masks: Sequence[list[Range]]) -> list[str]:
        """The distinct lines not corrected yet, leaving out those that cannot change (no CJK
        character outside their masked spans is left)."""
        if len(self._cache) > CACHE_LINES:
            keep = set(bodies)
            self._cache = {k: v for k, v in self._cache.items() if k in keep}
        todo = {}
        for body, spans in zip(bodies, masks, strict=True):
            if body not in self._cache and body not in todo and masking.pieces(body, spans):
                todo[body] = None
        return list(todo)

    def correct(self, bodies: list[str]) -> list[Correction]:
        """Runs the models (slow: call it off the event loop)."""
        return self.corrector.correct_batch(bodies)

    def remember(self, bodies: list[str], corrections: list[Correction]) -> None:
        self._cache.update(zip(bodies, corrections, strict=True))

    def findings(
        self, bodies: Sequence[str], masks: Sequence[list[Range]]
    ) -> list[tuple[int, Edit]]:
        """(line index, edit) for every edit the document gets; each line must be done (todo
        returns nothing)."""
        found = []
        for number, (body, spans) in enumerate(zip(bodies, masks, strict=True)):
            correction = self._cache.get(body) if masking.pieces(body, spans) else None
            if correction is None or not correction.edits:
                continue
            if self._protected:
                terms = self._protected.positions(body)
                spans = [*spans, *((p, p + 1) for p in terms)]
            if spans:
                correction = masking.outside(correction, spans)
            found += [(number, edit) for edit in correction.edits]
        return found
