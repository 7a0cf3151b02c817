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
        at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
        return np.where(known[at] == keys, logs[at], np.nan) if len(known) else keys * np.nan

    def logprob(self, trigrams: np.ndarray) -> np.ndarray:
        """log P(c | a b) for every row (a, b, c) of an int array of shape (..., 3)."""
        trigrams = trigrams.astype(np.int64)
        a, b, c = trigrams[..., 0], trigrams[..., 1], trigrams[..., 2]
        tri = self._lookup(self._trigram, (a << 2 * _BITS) | (b << _BITS) | c)
        context = self._lookup(self._bigram, (a << _BITS) | b)
        bi = self._lookup(self._bigram, (b << _BITS) | c)
        log_b = np.log(self.unigrams[b] + 1.0)
        uni = 2 * _BACKOFF + np.log(self.unigrams[c] + 1.0) - self._log_total
        backed = np.where(np.isnan(bi), uni, _BACKOFF + bi - log_b)
        return np.where(np.isnan(tri) | np.isnan(context), backed, tri - context)

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
        windows = np.empty((len(items), 2, 5), dtype=np.int64)
        framed: dict[str, np.ndarray] = {}  # each text encoded once, two boundaries each side
        for k, (text, offset, right) in enumerate(items):
            ids = framed.get(text)
            if ids is None:
                ids = framed[text] = np.r_[[BOUNDARY] * 2, encode(text), [BOUNDARY] * 2]
            windows[k, 0] = windows[k, 1] = ids[offset : offset + 5]
            windows[k, 1, 2] = self.ids.get(right, UNKNOWN)
            # Counts never cross a sentence end, so neither does the context: a text is scored
            # as the sentences it is made of, whatever else shares its line.
            if offset >= 1 and text[offset - 1] in SENTENCE_ENDS:
                windows[k, :, :2] = BOUNDARY
            elif offset >= 2 and text[offset - 2] in SENTENCE_ENDS:
                windows[k, :, 0] = BOUNDARY
            if offset + 1 < len(text) and text[offset + 1] in SENTENCE_ENDS:
                windows[k, :, 4] = BOUNDARY
        trigrams = np.stack([windows[..., j : j + 3] for j in range(3)], axis=-2)
        scores = self.logprob(trigrams)
        # A boundary pad after a boundary (short texts) is not a real event: score it 0.
        pad = (trigrams[..., 1] == BOUNDARY) & (trigrams[..., 2] == BOUNDARY)
        scores = np.where(pad, 0.0, scores).sum(-1)
        return scores[:, 1] - scores[:, 0]
