"""The accept rule over many texts' proposals at once, as numpy arrays.

`Corrector.apply` decides one text at a time with `CorrectorOptions.accepts` and `value`; tuning
weighs a grid of settings on one set of proposals, which would take hours that way. This is the
same decision, vectorised: which proposals `apply` takes under given options, for every text at
once. Like `apply`, it leaves alone a text with too little context and the untouchable offsets
(URLs, protected terms) it was given, takes at each position the accepted substitute of highest
value (the first of equals), and keeps a text's `max_edits` most confident edits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from electra_corrector.engine.corrector import has_context
from electra_corrector.engine.options import CorrectorOptions
from electra_corrector.engine.result import Proposal


class ProposalTable:
    """Every proposal of `texts` (found[i] those of texts[i]) as flat arrays, grouped by
    position. untouchable[i]: offsets of texts[i] never edited (Corrector.untouchable)."""

    def __init__(
        self,
        texts: Sequence[str],
        found: Sequence[Sequence[Proposal]],
        untouchable: Sequence[set[int]] | None = None,
    ):
        self.texts = list(texts)
        keep = untouchable or [set()] * len(self.texts)
        # sorted by offset, stably: apply() meets a position's proposals in their given order
        self.rows = [
            (i, p)
            for i, ps in enumerate(found)
            for p in sorted(ps, key=lambda p: p.offset)
            if p.offset not in keep[i]
        ]
        column = self.column
        self.text = np.array([i for i, _ in self.rows], dtype=np.int64)
        self.offset = column("offset", np.int64)
        self.probability = column("probability")
        self.gain, self.score = column("gain"), column("score")
        self.lm, self.words, self.frequency = column("lm"), column("words"), column("frequency")
        self.rule = np.array([bool(p.rule) for _, p in self.rows], dtype=bool)
        self.kinds = sorted({p.kind for _, p in self.rows})
        self.kind = np.array([self.kinds.index(p.kind) for _, p in self.rows], dtype=np.int64)
        p = np.clip(self.probability, 1e-6, 1 - 1e-6)  # as CorrectorOptions.value clips it
        self._logit = np.log(p / (1 - p))
        position = self.text * (1 + max((len(t) for t in self.texts), default=0)) + self.offset
        new = np.r_[True, position[1:] != position[:-1]] if len(position) else np.zeros(0, bool)
        self._starts = np.flatnonzero(new)
        self._group = np.cumsum(new) - 1
        self._with_context: dict[int, np.ndarray] = {}

    def column(self, name: str, dtype=np.float64) -> np.ndarray:
        return np.array([getattr(p, name) for _, p in self.rows], dtype=dtype)

    def __len__(self) -> int:
        return len(self.rows)

    def values(self, options: CorrectorOptions) -> np.ndarray:
        """CorrectorOptions.value of every proposal."""
        cost = dict(options.kind_cost)
        costs = np.array([cost.get(k, 0.0) for k in self.kinds])
        return (
            self.gain
            + options.detection_weight * self._logit
            + options.lm_weight * self.lm
            + options.word_weight * self.words
            - options.frequency_weight * self.frequency
            - (costs[self.kind] if len(self.kinds) else 0.0)
        )

    def accepted(self, options: CorrectorOptions) -> np.ndarray:
        """CorrectorOptions.accepts of every proposal."""
        flagged = self.probability > options.threshold
        if options.lm_flag is not None and options.word_knowledge:
            tried = np.array([options.lm_flag_tries(k) for k in self.kinds], dtype=bool)
            flagged |= (self.lm - self.frequency > options.lm_flag) & tried[self.kind]
        ok = flagged & (self.values(options) > options.min_gain)
        if options.max_lm_loss is not None:
            ok &= self.lm >= -options.max_lm_loss
        return ok | self.rule

    def chosen(self, options: CorrectorOptions) -> np.ndarray:
        """Whether apply(texts[i], found[i], options) makes each proposal's edit."""
        ok = self.accepted(options) & self._has_context(options.min_context)
        if not len(ok):
            return ok
        value = np.where(ok, self.values(options), -np.inf)
        best = np.maximum.reduceat(value, self._starts)[self._group]
        index = np.where(ok & (value == best), np.arange(len(ok)), len(ok))
        first = np.minimum.reduceat(index, self._starts)[self._group]
        chosen = ok & (index == first)
        if options.max_edits:
            chosen &= self._most_confident(chosen, options.max_edits)
        return chosen

    def _has_context(self, needed: int) -> np.ndarray:
        if needed not in self._with_context:
            texts = np.array([has_context(t, needed) for t in self.texts], dtype=bool)
            self._with_context[needed] = texts[self.text]
        return self._with_context[needed]

    def _most_confident(self, chosen: np.ndarray, limit: int) -> np.ndarray:
        """Of each text's chosen edits, its `limit` of highest score (apply's max_edits)."""
        at = np.flatnonzero(chosen)
        order = at[np.lexsort((-self.score[at], self.text[at]))]  # by text, then by -score
        texts = self.text[order]
        rank = np.arange(len(order)) - np.searchsorted(texts, texts)  # rank within its text
        kept = np.zeros(len(chosen), dtype=bool)
        kept[order[rank < limit]] = True
        return kept
