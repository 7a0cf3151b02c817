"""Realistic typo injection at token level: a CJK character becomes one it is confusable with.

Every CJK character is one token in the BERT-Chinese vocabulary, so replacing one token id by
another keeps the sentence aligned with its original, position for position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from electra_corrector.charset import is_cjk
from electra_corrector.confusion import ConfusionTable

# How many typos a clean sentence gets, and how often.
DEFAULT_ERROR_COUNTS = {0: 0.35, 1: 0.45, 2: 0.15, 3: 0.05}


class Corruptor:
    """Replaces characters by confusable ones, preferring wrong characters that are common."""

    def __init__(
        self,
        vocab: dict[str, int],
        table: ConfusionTable,
        char_counts: Counter | None = None,
        error_counts: dict[int, float] = DEFAULT_ERROR_COUNTS,
    ):
        char_counts = char_counts or Counter()
        self._choices: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for ch, token in vocab.items():
            if not is_cjk(ch):
                continue
            others = table.alternatives(ch, vocab)
            if others:
                # sqrt of frequency: common typos dominate without drowning out the rest.
                weights = np.sqrt(np.array([char_counts[o] + 1.0 for o in others]))
                ids = np.array([vocab[o] for o in others], dtype=np.int64)
                self._choices[token] = (ids, np.cumsum(weights) / weights.sum())
        self._counts = np.array(list(error_counts), dtype=np.int64)
        probabilities = np.array(list(error_counts.values()), dtype=np.float64)
        self._count_probabilities = probabilities / probabilities.sum()

    def replaceable(self, token: int) -> bool:
        return token in self._choices

    def corrupt(self, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A copy of `ids` with 0-3 confusable replacements (count drawn from error_counts)."""
        wanted = int(rng.choice(self._counts, p=self._count_probabilities))
        out = ids.copy()
        if wanted == 0:
            return out
        candidates = [i for i, token in enumerate(ids) if token in self._choices]
        if not candidates:
            return out
        for position in rng.choice(candidates, size=min(wanted, len(candidates)), replace=False):
            others, cumulative = self._choices[int(ids[position])]
            pick = min(int(np.searchsorted(cumulative, rng.random())), len(others) - 1)
            out[position] = others[pick]
        return out


def cjk_counts(sentences: Iterable[str]) -> Counter:
    """How often each CJK character occurs in the sentences."""
    counts = Counter()
    for sentence in sentences:
        counts.update(ch for ch in sentence if is_cjk(ch))
    return counts
