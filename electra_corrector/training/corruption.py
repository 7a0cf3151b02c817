"""Realistic typo injection at token level: a CJK character becomes one it is confusable with,
or a word becomes a same-pinyin word of the same length (word_confusion.py).

Every CJK character is one token in the BERT-Chinese vocabulary, so replacing one token id by
another keeps the sentence aligned with its original, position for position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from electra_corrector.base.charset import is_cjk
from electra_corrector.engine.confusion import ConfusionTable
from electra_corrector.training.word_confusion import WordTable, find_words

# How many typos a clean sentence gets, and how often.
DEFAULT_ERROR_COUNTS = {0: 0.35, 1: 0.45, 2: 0.15, 3: 0.05}
# Share of typos that replace a whole word (when the sentence holds one the word table knows).
DEFAULT_WORD_SHARE = 0.2
# How much each kind of confusion (confusion.KINDS) weighs when a typo is drawn. Table v2 lists
# far more shape and near-pinyin pairs than real writers make, so counted alike they would
# crowd out the same-pinyin slips that dominate real errors; traditional forms in simplified
# text are rare. A pair of a kind not named here (a user's) weighs 1.
DEFAULT_KIND_WEIGHTS = {
    "variant": 0.2,
    "seen": 4.0,
    "listed": 2.0,
    "pinyin": 1.0,
    "shape": 0.5,
    "near": 0.25,
}


class Corruptor:
    """Replaces characters by confusable ones, preferring wrong characters that are common."""

    def __init__(
        self,
        vocab: dict[str, int],
        table: ConfusionTable,
        char_counts: Counter | None = None,
        error_counts: dict[int, float] = DEFAULT_ERROR_COUNTS,
        words: WordTable | None = None,
        word_share: float = DEFAULT_WORD_SHARE,
        kind_weights: dict[str, float] = DEFAULT_KIND_WEIGHTS,
    ):
        char_counts = char_counts or Counter()
        self._choices: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        typos = table.typos(vocab)  # what may be written for each character
        for ch, token in vocab.items():
            if not is_cjk(ch):
                continue
            # sqrt of frequency: common typos dominate without drowning out the rest.
            weighted = [
                (o, np.sqrt(char_counts[o] + 1.0) * kind_weights.get(table.kind(o, ch), 1.0))
                for o in typos.get(ch, ())
            ]
            weighted = [(o, w) for o, w in weighted if w > 0]
            if weighted:
                weights = np.array([w for _, w in weighted])
                ids = np.array([vocab[o] for o, _ in weighted], dtype=np.int64)
                self._choices[token] = (ids, np.cumsum(weights) / weights.sum())
        self._counts = np.array(list(error_counts), dtype=np.int64)
        probabilities = np.array(list(error_counts.values()), dtype=np.float64)
        self._count_probabilities = probabilities / probabilities.sum()
        self._words = words or {}
        self._word_share = word_share if words else 0.0

    def corrupt(self, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A copy of `ids` with 0-3 typos (count drawn from error_counts): whole-word swaps
        (a share `word_share` of them, where the sentence has a known word) and character swaps.
        """
        wanted = int(rng.choice(self._counts, p=self._count_probabilities))
        out = ids.copy()
        if wanted == 0:
            return out
        n_words = int(rng.binomial(wanted, self._word_share)) if self._word_share else 0
        if n_words:
            wanted -= self._swap_words(out, n_words, rng)
        candidates = [
            i for i, token in enumerate(ids) if token in self._choices and out[i] == token
        ]
        if not candidates or wanted <= 0:
            return out
        for position in rng.choice(candidates, size=min(wanted, len(candidates)), replace=False):
            others, cumulative = self._choices[int(ids[position])]
            pick = min(int(np.searchsorted(cumulative, rng.random())), len(others) - 1)
            out[position] = others[pick]
        return out

    def _swap_words(self, out: np.ndarray, wanted: int, rng: np.random.Generator) -> int:
        """Replace up to `wanted` non-overlapping words of `out` in place; how many were."""
        found = find_words(out, self._words)
        done = 0
        taken = np.zeros(len(out), dtype=bool)
        for index in rng.permutation(len(found)):
            if done == wanted:
                break
            start, word = found[index]
            span = slice(start, start + len(word))
            if taken[span].any():
                continue
            others, cumulative = self._words[word]
            pick = min(int(np.searchsorted(cumulative, rng.random())), len(others) - 1)
            out[span] = others[pick]
            taken[span] = True
            done += 1
        return done


def cjk_counts(sentences: Iterable[str]) -> Counter:
    """How often each CJK character occurs in the sentences."""
    counts = Counter()
    for sentence in sentences:
        counts.update(sentence)  # counted in C; the filter below runs once per distinct char
    return Counter({ch: n for ch, n in counts.items() if is_cjk(ch)})
