"""A word list with frequencies: whether a character sits inside a known word, and how common.

Shipped from jieba's dictionary (MIT; see THIRD_PARTY_NOTICES.md) by scripts/build_knowledge.py.
A replacement that breaks a common word (治疗 -> 治了) loses, one that completes a word
(朋唷 -> 朋友) gains: the difference of the best covering word's log-frequency, before and after.
"""

from __future__ import annotations

import lzma
import math

from electra_corrector.models.assets import asset_path

FILE = "words.tsv.xz"
MAX_WORD = 6  # longer dictionary entries are rare set phrases; they add lookups, not knowledge
_PREFIX = -1.0  # the value of a string that only begins words: below every log-frequency


class WordList:
    def __init__(self, frequencies: dict[str, int]):
        words = [w for w in frequencies if 2 <= len(w) <= MAX_WORD]
        # Word beginnings too, so that cover() stops growing a substring that starts no word;
        # the words themselves then overwrite their entry with their log-frequency (>= 0).
        self._entries = dict.fromkeys((w[:k] for w in words for k in range(2, len(w))), _PREFIX)
        self._entries.update((w, math.log1p(frequencies[w])) for w in words)

    @classmethod
    def load(cls, path=None) -> WordList:
        text = lzma.decompress((path or asset_path(FILE)).read_bytes()).decode("utf-8")
        pairs = (line.split("\t") for line in text.splitlines() if line)
        return cls({word: int(freq) for word, freq in pairs})

    def save(self, path) -> None:
        words = sorted((w, v) for w, v in self._entries.items() if v != _PREFIX)
        lines = (f"{w}\t{round(math.expm1(v))}\n" for w, v in words)
        path.write_bytes(lzma.compress("".join(lines).encode("utf-8"), preset=9))

    def __contains__(self, word: str) -> bool:
        return self._entries.get(word, _PREFIX) != _PREFIX

    def cover(self, text: str, offset: int, char: str | None = None) -> float:
        """Log-frequency of the most common known word that covers `offset` (with `char` put
        there, if given); 0 when none does."""
        lo = max(offset - MAX_WORD + 1, 0)
        window = text[lo : offset + MAX_WORD]
        at = offset - lo
        if char is not None:
            window = window[:at] + char + window[at + 1 :]
        get, best, size = self._entries.get, 0.0, len(window)
        for start in range(max(at - MAX_WORD + 1, 0), at + 1):
            for end in range(start + 2, min(start + MAX_WORD, size) + 1):
                found = get(window[start:end])
                if found is None:  # no word begins so: no longer one will match either
                    break
                if end > at and found > best:
                    best = found
        return best
