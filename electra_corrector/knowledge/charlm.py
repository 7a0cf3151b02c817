"""A character trigram model of running Chinese: how well a character fits its neighbours.

Counts come from the project's clean corpora (scripts/build_knowledge.py), n-grams seen once are
pruned, and a probability is read with stupid backoff (Brants et al. 2007): trigram, else 0.4 x
bigram, else 0.4^2 x unigram. Characters are numbered by the shipped BERT-Chinese vocabulary, so
the model does not depend on the ELECTRA pair in use. Lookups are vectorised over numpy arrays:
one call scores every proposal of a batch.
"""

from __future__ import annotations

import io
import lzma
import math
from functools import lru_cache

import numpy as np

from electra_corrector.engine.charset import SENTENCE_ENDS
from electra_corrector.models.assets import SEP_ID, UNK_ID, asset_path, vocab_path

FILE = "char_ngrams.npz.xz"
BOUNDARY = SEP_ID  # before the first and after the last character of a text
UNKNOWN = UNK_ID
_BITS = 15  # every vocabulary id fits in 15 bits, so an n-gram is one int64 key
_BACKOFF = math.log(0.4)
_LOG_SCALE = 8.0  # stored log-counts are rounded to 1/8 nat


def char_ids() -> dict[str, int]:
    """Single characters of the shipped vocabulary -> their ids."""
    lines = vocab_path().read_text(encoding="utf-8").splitlines()
    return {token: i for i, token in enumerate(lines) if len(token) == 1}


@lru_cache(maxsize=1)
def codepoint_ids() -> np.ndarray:
    """Codepoint -> id of every single character of the vocabulary, UNKNOWN elsewhere."""
    table = np.full(0x110000, UNKNOWN, dtype=np.int32)
    for ch, i in char_ids().items():
        table[ord(ch)] = i
    return table


def encode(text: str) -> np.ndarray:
    """`text` as vocabulary ids, one per character."""
    # surrogatepass: a lone surrogate (possible in decoded input) is one code unit too
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return codepoint_ids()[codes].astype(np.int64)


def ngram_keys(ids: np.ndarray, n: int) -> np.ndarray:
    """The int64 key of every n-gram in the id sequence (or of each row's last axis)."""
    ids = ids.astype(np.int64)
    key = np.zeros((*ids.shape[:-1], ids.shape[-1] - n + 1), dtype=np.int64)
    for k in range(n):
        key = (key << _BITS) | ids[..., k : ids.shape[-1] - n + 1 + k]
    return key


class CharNgrams:
    def __init__(self, unigrams, bigram_keys, bigram_logs, trigram_keys, trigram_logs):
        self.unigrams = np.asarray(unigrams, dtype=np.float64)
        self._log_total = math.log(self.unigrams.sum() + len(self.unigrams))
        self._bigram = (np.asarray(bigram_keys), np.asarray(bigram_logs, dtype=np.float64))
        self._trigram = (np.asarray(trigram_keys), np.asarray(trigram_logs, dtype=np.float64))
        self.ids = char_ids()

    @classmethod
    def load(cls, path=None) -> CharNgrams:
        raw = lzma.decompress((path or asset_path(FILE)).read_bytes())
        data = np.load(io.BytesIO(raw))
        return cls(
            data["unigrams"],
            np.cumsum(data["bigram_deltas"]),
            data["bigram_logs"] / _LOG_SCALE,
            np.cumsum(data["trigram_deltas"]),
            data["trigram_logs"] / _LOG_SCALE,
        )

    def save(self, path) -> None:
        """Keys delta-coded and counts as rounded logs: about 9 MB for 50M characters."""
        buffer = io.BytesIO()
        np.savez(
            buffer,
            unigrams=self.unigrams.astype(np.int64),
            bigram_deltas=np.diff(self._bigram[0], prepend=0),
            bigram_logs=np.round(self._bigram[1] * _LOG_SCALE).astype(np.uint8),
            trigram_deltas=np.diff(self._trigram[0], prepend=0),
            trigram_logs=np.round(self._trigram[1] * _LOG_SCALE).astype(np.uint8),
        )
        path.write_bytes(lzma.compress(buffer.getvalue(), preset=9))

    @classmethod
    def count(cls, id_arrays, vocab_size: int, min_count: int = 2) -> CharNgrams:
        """Counts over sequences of ids, each framed by BOUNDARY; n-grams seen less than
        `min_count` times are dropped (unigrams are all kept)."""
        framed = [np.array([BOUNDARY])]
        for ids in id_arrays:
            framed += [ids, np.array([BOUNDARY])]
        ids = np.concatenate(framed).astype(np.int64)
        tables = []
        for n in (2, 3):
            keys, counts = np.unique(ngram_keys(ids, n), return_counts=True)
            keep = counts >= min_count
            tables.append((keys[keep], np.log(counts[keep])))
        unigrams = np.bincount(ids, minlength=vocab_size)
        return cls(unigrams, *tables[0], *tables[1])

    @staticmethod
    def _lookup(table, keys: np.ndarray) -> np.ndarray:
        """Stored log-count of each key; NaN where the n-gram is not in the table."""
        known, logs = table
        if not len(known):
            return keys * np.nan
        # Searched in sorted order, each key once: neighbouring searches then walk the same
        # part of the table (ten times faster than random order on a large batch).
        unique, back = np.unique(keys, return_inverse=True)
        at = np.minimum(np.searchsorted(known, unique), len(known) - 1)
        return np.where(known[at] == unique, logs[at], np.nan)[back.reshape(keys.shape)]

    def window_logprob(self, windows: np.ndarray) -> np.ndarray:
        """log P of the three trigrams ending at the middle of each window of five ids and at
        the two after it (shape (..., 5) -> (...)): log P(c | a b) + log P(d | b c) +
        log P(e | c d), a boundary pad after a boundary (short texts) counting 0, as it is no
        real event. The windows' bigrams are looked up once for the trigrams that share them."""
        w = windows.astype(np.int64)
        a, b, c, d, e = (w[..., k] for k in range(5))
        ab, bc, cd, de = (
            self._lookup(self._bigram, (x << _BITS) | y)
            for x, y in ((a, b), (b, c), (c, d), (d, e))
        )
        total = np.zeros(w.shape[:-1])
        for x, y, z, context, bi in ((a, b, c, ab, bc), (b, c, d, bc, cd), (c, d, e, cd, de)):
            tri = self._lookup(self._trigram, (x << 2 * _BITS) | (y << _BITS) | z)
            uni = 2 * _BACKOFF + np.log(self.unigrams[z] + 1.0) - self._log_total
            backed = np.where(np.isnan(bi), uni, _BACKOFF + bi - np.log(self.unigrams[y] + 1.0))
            score = np.where(np.isnan(tri) | np.isnan(context), backed, tri - context)
            total += np.where((y == BOUNDARY) & (z == BOUNDARY), 0.0, score)
        return total

    def frequency_gains(self, items: list[tuple[str, int, str]]) -> np.ndarray:
        """For each (text, offset, replacement): log count(replacement) - log count(original)."""
        pairs = np.array(
            [
                [self.ids.get(text[offset], UNKNOWN), self.ids.get(right, UNKNOWN)]
                for text, offset, right in items
            ],
            dtype=np.int64,
        ).reshape(-1, 2)
        counts = np.log(self.unigrams[pairs] + 1.0)
        return counts[:, 1] - counts[:, 0]

    def deltas(self, items: list[tuple[str, int, str]]) -> np.ndarray:
        """For each (text, offset, replacement): how much the log-probability of the three
        trigrams ending at offset, offset+1 and offset+2 rises when the character at offset is
        replaced. Negative: the replacement fits its neighbours worse than the original."""
        if not items:
            return np.zeros(0)
        rows = np.empty((len(items), 5), dtype=np.int64)
        at: dict[str, list[int]] = {}  # the items of each text, so that it is encoded once
        for k, (text, _, _) in enumerate(items):
            at.setdefault(text, []).append(k)
        for text, ks in at.items():
            rows[ks] = windows(text, np.array([items[k][1] for k in ks]))
        subs = np.array([self.ids.get(right, UNKNOWN) for _, _, right in items], dtype=np.int64)
        return self.window_deltas(rows, subs)

    def window_deltas(self, windows: np.ndarray, subs: np.ndarray) -> np.ndarray:
        """deltas() for windows of five ids (as windows() cuts them, centred on the character
        replaced) and the id of each one's replacement: vectorised, for many at once."""
        replaced = windows.copy()
        replaced[:, 2] = subs
        return self.window_logprob(replaced) - self.window_logprob(windows)

    def log_counts(self, ids: np.ndarray) -> np.ndarray:
        """log(1 + count) of each id: frequency_gains' terms, vectorised."""
        return np.log(self.unigrams[ids] + 1.0)


_END_CODES = np.array(sorted(map(ord, SENTENCE_ENDS)), dtype=np.uint32)


def windows(text: str, offsets: np.ndarray) -> np.ndarray:
    """The five ids around each offset of `text` that deltas() scores, the character replaced
    in the middle, boundaries beyond the text: shape (len(offsets), 5).

    Counts never cross a sentence end, so neither does the context: a text is scored as the
    sentences it is made of, whatever else shares its line."""
    offsets = np.asarray(offsets, dtype=np.int64).reshape(-1)
    if not len(offsets):
        return np.zeros((0, 5), dtype=np.int64)
    # Only the stretch the windows cover is encoded: a span of a 50 MB line costs no more
    # than a short line.
    lo = max(int(offsets.min()) - 2, 0)
    piece = text[lo : int(offsets.max()) + 3]
    codes = np.frombuffer(piece.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ids = np.r_[[BOUNDARY] * 2, codepoint_ids()[codes].astype(np.int64), [BOUNDARY] * 2]
    ends = np.r_[np.isin(codes, _END_CODES), False]  # past the end (of the text) is no end
    at = offsets - lo
    found = ids[at[:, None] + np.arange(5)]
    after_end = (offsets >= 1) & ends[at - 1]
    two_after = (offsets >= 2) & ends[at - 2] & ~after_end
    found[after_end, :2] = BOUNDARY
    found[two_after, 0] = BOUNDARY
    found[ends[at + 1], 4] = BOUNDARY
    return found
