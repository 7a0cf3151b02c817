"""Training text: clean corpus sentences and real (wrong, right) pairs, deduplicated and split."""

from __future__ import annotations

import importlib.util
import random
import re
from pathlib import Path

from electra_corrector.base.charset import SENTENCE_MARKS
from electra_corrector.training import splits

# A sentence ends after one of the marks (which stays with it) or at a line break, never at an
# ellipsis as windows do: training/splits.py hashes these exact sentences to hold dev ones out.
_SENTENCE_END = re.compile(f"(?<=[{re.escape(SENTENCE_MARKS)}])|\n")
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


def genre_sentences(path: Path, max_chars: int = 120) -> tuple[list[str], list[str]]:
    """(train, dev) sentences of one corpus file, deduplicated; dev by the fixed hash rule."""
    train, dev = [], []
    for sentence in dict.fromkeys(
        split_sentences(Path(path).read_text(encoding="utf-8"), max_chars)
    ):
        (dev if splits.is_dev_sentence(sentence) else train).append(sentence)
    return train, dev


def cap_characters(sentences: list[str], budget: int) -> list[str]:
    """A fixed sample of `sentences` of about `budget` characters, in their original order.

    Sentences are ranked by a hash of their text (salted, so the sample is independent of the
    dev rule), so the sample does not depend on file order or the run's seed.
    """
    if sum(map(len, sentences)) <= budget:
        return sentences
    ranked = sorted(range(len(sentences)), key=lambda i: splits.hash_share("cap:" + sentences[i]))
    kept, total = [], 0
    for i in ranked:
        if total >= budget:
            break
        kept.append(i)
        total += len(sentences[i])
    return [sentences[i] for i in sorted(kept)]


def overlap_texts(sighan_dir: Path) -> set[str]:
    """Both sides of the sighan15_train.tsv lines that sighan15_train_test_overlap.txt lists.

    Those sentences also occur in the SIGHAN-15 test set: no training or tuning may see them,
    from whichever file they come.
    """
    sighan_dir = Path(sighan_dir)
    listed = sighan_dir / "sighan15_train_test_overlap.txt"
    if not listed.is_file():
        return set()
    entries = [
        line.split("\t")
        for line in listed.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    lines = (sighan_dir / "sighan15_train.tsv").read_text(encoding="utf-8-sig").splitlines()
    texts = set()
    for entry in entries:
        texts.update(lines[int(entry[0]) - 1].split("\t")[:2])
        texts.update(entry[1:2])  # the listing's own copy, should the two files ever disagree
    return {text.strip() for text in texts} - {""}


def without_texts(pairs: list[Pair], texts: set[str]) -> list[Pair]:
    return [(s, t) for s, t in pairs if s not in texts and t not in texts]


def extra_training_pairs(pairs_dir: Path) -> list[Pair]:
    """Real pairs of every *.tsv in `pairs_dir`, less the held-out share (splits.is_dev_pair)."""
    from electra_corrector.evaluation.datasets import load_dataset

    pairs = []
    for path in sorted(Path(pairs_dir).glob("*.tsv")):
        pairs += [p for p in load_dataset(path, format="tsv").pairs if not splits.is_dev_pair(p[0])]
    return list(dict.fromkeys(pairs))


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
