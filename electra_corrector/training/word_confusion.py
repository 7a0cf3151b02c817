"""Word-level typos as an input method makes them: a word typed by its pinyin, the wrong one picked.

期待 -> 期代, 以至 -> 以致: both are words of the lexicon with the same toneless pinyin and the
same length, so replacing one by the other changes characters in place and keeps the sentence
aligned with its original, token for token (every CJK character is one token).
"""

from __future__ import annotations

import hashlib
import pickle
from collections import defaultdict
from pathlib import Path

import numpy as np

from electra_corrector.base.charset import is_cjk
from electra_corrector.textio.files import AtomicFile

MIN_FREQ = 50  # jieba frequency: about 45k words of 2-4 characters, the ones people type
WORD_LENGTHS = (2, 3, 4)
CACHE_VERSION = 1

# token ids of a word -> (token ids of its same-pinyin alternatives (k, length), cumulative weights)
WordTable = dict[tuple[int, ...], tuple[np.ndarray, np.ndarray]]


def lexicon_words(path: Path, min_freq: int = MIN_FREQ) -> dict[str, int]:
    """Words of 2-4 CJK characters and their frequency, from a `word freq [pos]` lexicon."""
    words = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        word, freq = parts[0], int(parts[1])
        if freq >= min_freq and len(word) in WORD_LENGTHS and all(map(is_cjk, word)):
            words[word] = max(freq, words.get(word, 0))
    return words


def build_word_table(words: dict[str, int], vocab: dict[str, int]) -> WordTable:
    """Same-length, same toneless-pinyin alternatives of each word, weighted by √frequency."""
    from pypinyin import Style, lazy_pinyin

    groups = defaultdict(list)
    for word in words:
        if all(ch in vocab for ch in word):
            groups[tuple(lazy_pinyin(word, style=Style.NORMAL))].append(word)
    table = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        ids = np.array([[vocab[ch] for ch in word] for word in group], dtype=np.int64)
        weights = np.sqrt(np.array([words[word] for word in group], dtype=np.float64))
        for i in range(len(group)):
            others = np.arange(len(group)) != i
            w = weights[others]
            table[tuple(int(t) for t in ids[i])] = (ids[others], np.cumsum(w) / w.sum())
    return table


def cached_word_table(lexicon: Path, vocab: dict[str, int], cache_dir: Path) -> WordTable:
    """build_word_table, kept as a pickle under `cache_dir` keyed by the lexicon and vocabulary."""
    key = hashlib.sha1(Path(lexicon).read_bytes())
    key.update(repr((sorted(vocab.items()), MIN_FREQ, CACHE_VERSION)).encode())
    path = Path(cache_dir) / f"word_confusion_{key.hexdigest()[:12]}.pkl"
    if path.is_file():
        with path.open("rb") as f:
            return pickle.load(f)
    table = build_word_table(lexicon_words(lexicon), vocab)
    path.parent.mkdir(parents=True, exist_ok=True)
    with AtomicFile(path) as out:
        pickle.dump(table, out.stream, protocol=pickle.HIGHEST_PROTOCOL)
    return table


def find_words(ids: np.ndarray, table: WordTable) -> list[tuple[int, tuple[int, ...]]]:
    """(start, word) for each span of `ids` that is a word with alternatives (overlaps included)."""
    found = []
    tokens = ids.tolist()
    for start in range(len(tokens)):
        for length in WORD_LENGTHS:
            word = tuple(tokens[start : start + length])
            if len(word) == length and word in table:
                found.append((start, word))
    return found
