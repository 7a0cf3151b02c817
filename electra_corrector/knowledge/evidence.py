"""Word knowledge for the accept rule: how a substitute changes the local word structure.

Three signals, from two files shipped in the package and loaded once per process:
- `lm`: the change of a character trigram model's log-probability around the position
  (charlm.py, counted from 50M characters of clean text);
- `words`: the change of the best covering dictionary word's log-frequency (words.py);
- `frequency`: how much more frequent the substitute is than the original, anywhere: the
  trigram model's bias toward common characters, which the accept rule takes off again.
A substitute that breaks a real word (治疗 -> 治了) scores low on `lm` and `words`; one that
completes a word (朋唷 -> 朋友) scores high. CorrectorOptions weighs them with the models' evidence.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

from electra_corrector.knowledge.charlm import CharNgrams
from electra_corrector.knowledge.words import WordList


class WordKnowledge:
    def __init__(self, ngrams: CharNgrams, words: WordList):
        self.ngrams = ngrams
        self.words = words

    def score(self, items: list[tuple[str, int, str]]) -> list[tuple[float, float, float]]:
        """(lm, words, frequency) for each (text, offset, replacement)."""
        lm = self.ngrams.deltas(items).tolist()
        frequency = self.ngrams.frequency_gains(items).tolist()
        before: dict[tuple[str, int], float] = {}  # candidates at one position share it
        words = []
        for text, offset, right in items:
            if (text, offset) not in before:
                before[text, offset] = self.words.cover(text, offset)
            words.append(self.words.cover(text, offset, right) - before[text, offset])
        return list(zip(lm, words, frequency, strict=True))


_loaded: list[WordKnowledge] = []
_lock = threading.Lock()


def shipped() -> WordKnowledge:
    """The knowledge shipped in the package, loaded once per process (about a second)."""
    with _lock:
        if not _loaded:
            _loaded.append(WordKnowledge(CharNgrams.load(), WordList.load()))
        return _loaded[0]


def preload() -> Future:
    """shipped(), started in a thread so that its decompression runs while the models load.
    A daemon thread: a process that fails meanwhile exits without waiting for it."""
    future: Future = Future()

    def load() -> None:
        try:
            future.set_result(shipped())
        except BaseException as exc:  # handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=load, name="word-knowledge", daemon=True).start()
    return future
