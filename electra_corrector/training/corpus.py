"""Training text: clean corpus sentences and SIGHAN (wrong, right) pairs, deduplicated and split."""

from __future__ import annotations

import importlib.util
import random
import re
from pathlib import Path

# A sentence ends after one of these; the mark stays with its sentence.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n")
Pair = tuple[str, str]


def split_sentences(text: str, max_chars: int = 120, min_chars: int = 6) -> list[str]:
    """Sentences of `text`, long ones cut into chunks of at most `max_chars`, short ones dropped."""
    pieces = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        for start in range(0, len(sentence), max_chars):
            chunk = sentence[start : start + max_chars]
            if len(chunk) >= min_chars:
                pieces.append(chunk)
    return pieces


def corpus_sentences(paths: list[Path], max_chars: int = 120) -> list[str]:
    """Deduplicated sentences from plain-text files, in first-seen order."""
    seen = {}
    for path in paths:
        for sentence in split_sentences(Path(path).read_text(encoding="utf-8"), max_chars):
            seen.setdefault(sentence, None)
    return list(seen)


def sighan_training_pairs(sighan_dir: Path) -> list[Pair]:
    """Deduplicated training pairs from the SIGHAN training files (never the test files).

    The .sgml files are traditional-script essays: converted to simplified when OpenCC is
    installed (the shipped ones are already simplified, so little is lost without it).
    """
    from electra_corrector.evaluation.datasets import load_dataset

    t2s = importlib.util.find_spec("opencc") is not None
    sighan_dir = Path(sighan_dir)
    pairs = load_dataset(sighan_dir / "sighan15_train.tsv").pairs
    for name in ("train14.sgml", "train15.sgml"):
        pairs += load_dataset(sighan_dir / name, t2s=t2s).pairs
    return list(dict.fromkeys(pairs))


def hold_out(items: list, count: int, seed: int) -> tuple[list, list]:
    """(train, dev): a fixed random `count` items go to dev."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    dev_index = set(order[:count])
    train = [x for i, x in enumerate(items) if i not in dev_index]
    dev = [x for i, x in enumerate(items) if i in dev_index]
    return train, dev


def write_pairs(path: Path, pairs: list[Pair]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{s}\t{t}\n" for s, t in pairs), encoding="utf-8")
    return path
