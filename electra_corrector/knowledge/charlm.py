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

from electra_corrector.base.charset import SENTENCE_ENDS
from electra_corrector.models.assets import SEP_ID, UNK_ID, asset_path, vocab_path

FILE = "char_ngrams.npz.xz"
BOUNDARY = SEP_ID  # before the first and after the last character of a text
UNKNOWN = UNK_ID
_BITS = 15  # every vocabulary id fits in 15 bits, so an n-gram is one int64 key
_BACKOFF = math.log(0.4)
_LOG_SCALE = 8.0  # stored log-counts are rounded to 1/8 nat
_NAMES = {2: "bigram", 3: "trigram", 4: "fourgram"}


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
    """n-gram log-counts of orders 2..order (tables[n - 2]: sorted keys, logs) and unigram
    counts; `order` 3 or 4 (four 15-bit ids fill 60 bits of an int64 key)."""

    def __init__(self, unigrams, tables: list[tuple[np.ndarray, np.ndarray]]):
        self.unigrams = np.asarray(unigrams, dtype=np.float64)
        self._log_total = math.log(self.unigrams.sum() + len(self.unigrams))
        self._tables = [(np.asarray(k), np.asarray(v, dtype=np.float64)) for k, v in tables]
        self.order = len(self._tables) + 1
        self.ids = char_ids()

    @classmethod
    def load(cls, path=None) -> CharNgrams:
        raw = lzma.decompress((path or asset_path(FILE)).read_bytes())
        data = np.load(io.BytesIO(raw))
        names = [_NAMES[n] for n in range(2, 5) if f"{_NAMES[n]}_deltas" in data]
        tables = [(np.cumsum(data[f"{x}_deltas"]), data[f"{x}_logs"] / _LOG_SCALE) for x in names]
        return cls(data["unigrams"], tables)

    def save(self, path) -> None:
        """Keys delta-coded and counts as rounded logs: about 9 MB for 50M characters."""
        arrays = {"unigrams": self.unigrams.astype(np.int64)}
        for n, (keys, logs) in enumerate(self._tables, start=2):
            arrays[f"{_NAMES[n]}_deltas"] = np.diff(keys, prepend=0)
            arrays[f"{_NAMES[n]}_logs"] = np.round(logs * _LOG_SCALE).astype(np.uint8)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        path.write_bytes(lzma.compress(buffer.getvalue(), preset=9))

    @classmethod
    def count(cls, id_arrays, vocab_size: int, min_count: int = 2, order: int = 3) -> CharNgrams:
        """Counts over sequences of ids, each framed by BOUNDARY; n-grams seen less than
        `min_count` times are dropped (unigrams are all kept)."""
        if order not in (3, 4):
            raise ValueError(f"order must be 3 or 4, got {order}")
        framed = [np.array([BOUNDARY])]
        for ids in id_arrays:
            framed += [ids, np.array([BOUNDARY])]
        ids = np.concatenate(framed).astype(np.int64)
        tables = []
        for n in range(2, order + 1):
            keys, counts = np.unique(ngram_keys(ids, n), return_counts=True)
            keep = counts >= min_count
            tables.append((keys[keep], np.log(counts[keep])))
        return cls(np.bincount(ids, minlength=vocab_size), tables)

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

    @property
    def width(self) -> int:
        """Ids per window (windows()): the character replaced in the middle, order - 1 each side."""
        return 2 * self.order - 1

    def window_logprob(self, windows: np.ndarray) -> np.ndarray:
        """log P of the `order` n-grams ending at the middle of each window (shape (..., width)
        -> (...)) and at the characters after it, each by stupid backoff; a boundary pad after
        a boundary (short texts) counts 0, as it is no real event. Each n-gram of the windows
        is looked up once for every prediction that uses it."""
        w = windows.astype(np.int64)
        m = self.order
        width = w.shape[-1]
        # logs[n][..., t]: log-count of the n-gram of w ending at t (NaN: not counted)
        logs = {1: np.log(self.unigrams[w] + 1.0)}
        for n in range(2, m + 1):
            logs[n] = np.full(w.shape, np.nan)
            logs[n][..., n - 1 :] = self._lookup(self._tables[n - 2], ngram_keys(w, n))
        total = np.zeros(w.shape[:-1])
        for t in range(m - 1, width):
            # the lowest order first; each higher order that is known (with its context) wins
            score = (m - 1) * _BACKOFF + logs[1][..., t] - self._log_total
            for n in range(2, m + 1):
                known = ~np.isnan(logs[n][..., t]) & ~np.isnan(logs[n - 1][..., t - 1])
                higher = (m - n) * _BACKOFF + logs[n][..., t] - logs[n - 1][..., t - 1]
                score = np.where(known, higher, score)
            pad = (w[..., t] == BOUNDARY) & (w[..., t - 1] == BOUNDARY)
            total += np.where(pad, 0.0, score)
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
        """For each (text, offset, replacement): how much the log-probability of the `order`
        n-grams ending at offset and after it rises when the character at offset is replaced.
        Negative: the replacement fits its neighbours worse than the original."""
        if not items:
            return np.zeros(0)
        rows = np.empty((len(items), self.width), dtype=np.int64)
        at: dict[str, list[int]] = {}  # the items of each text, so that it is encoded once
        for k, (text, _, _) in enumerate(items):
            at.setdefault(text, []).append(k)
        for text, ks in at.items():
            rows[ks] = windows(text, np.array([items[k][1] for k in ks]), self.order)
        subs = np.array([self.ids.get(right, UNKNOWN) for _, _, right in items], dtype=np.int64)
        return self.window_deltas(rows, subs)

    def window_deltas(self, windows: np.ndarray, subs: np.ndarray) -> np.ndarray:
        """deltas() for windows of ids (as windows() cuts them, centred on the character
        replaced) and the id of each one's replacement: vectorised, for many at once."""
        replaced = windows.copy()
        replaced[:, self.order - 1] = subs
        return self.window_logprob(replaced) - self.window_logprob(windows)

    def log_counts(self, ids: np.ndarray) -> np.ndarray:
        """log(1 + count) of each id: frequency_gains' terms, vectorised."""
        return np.log(self.unigrams[ids] + 1.0)


_END_CODES = np.array(sorted(map(ord, SENTENCE_ENDS)), dtype=np.uint32)


def windows(text: str, offsets: np.ndarray, order: int = 3) -> np.ndarray:
    """The ids around each offset of `text` that deltas() scores under a model of `order`, the
    character replaced in the middle, boundaries beyond the text: shape (len(offsets),
    2 * order - 1).

    Counts never cross a sentence end, so neither does the context: a text is scored as the
    sentences it is made of, whatever else shares its line."""
    side = order - 1
    offsets = np.asarray(offsets, dtype=np.int64).reshape(-1)
    if not len(offsets):
        return np.zeros((0, 2 * side + 1), dtype=np.int64)
    # Only the stretch the windows cover is encoded: a span of a 50 MB line costs no more
    # than a short line.
    lo = max(int(offsets.min()) - side, 0)
    piece = text[lo : int(offsets.max()) + side + 1]
    codes = np.frombuffer(piece.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ids = np.r_[[BOUNDARY] * side, codepoint_ids()[codes].astype(np.int64), [BOUNDARY] * side]
    ends = np.r_[np.isin(codes, _END_CODES), [False] * side]  # past the text is no end
    at = offsets - lo
    found = ids[at[:, None] + np.arange(2 * side + 1)]
    for k in range(side, 0, -1):  # an end k before: nothing before it counts
        found[(offsets >= k) & ends[at - k], : side - k + 1] = BOUNDARY
    for k in range(1, side):  # an end k after: nothing after it counts
        found[ends[at + k], side + k + 1 :] = BOUNDARY
    return found
