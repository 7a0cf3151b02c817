"""A self-contained, compressed copy of one run's training text, to train where ../shared is absent.

A GPU machine receives only the checkout (and what the device tool carries), not the shared
data, and may lack pypinyin: so the sample holds the text exactly as text_splits chose it (dev
rules and genre caps already applied) and the word table already built.
"""

from __future__ import annotations

import json
import lzma
import pickle
from pathlib import Path

from electra_corrector.training.dataset import TextSplits
from electra_corrector.training.word_confusion import WordTable

FILES = {
    "train_sentences": "train_sentences.txt.xz",
    "train_pairs": "train_pairs.tsv.xz",
    "dev_sentences": "dev_sentences.txt.xz",
    "dev_pairs": "dev_pairs.tsv.xz",
}


def _write_lines(path: Path, lines: list[str]) -> None:
    # The sentences have no line breaks or tabs (split_sentences cuts at line ends; pairs are TSV).
    with lzma.open(path, "wt", encoding="utf-8", preset=6) as f:
        f.writelines(line + "\n" for line in lines)


def _read_lines(path: Path) -> list[str]:
    with lzma.open(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()


def write_sample(folder: Path, text: TextSplits, words: WordTable | None) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write_lines(folder / FILES["train_sentences"], text.train_sentences)
    _write_lines(folder / FILES["dev_sentences"], text.dev_sentences)
    _write_lines(folder / FILES["train_pairs"], [f"{s}\t{t}" for s, t in text.train_pairs])
    _write_lines(folder / FILES["dev_pairs"], [f"{s}\t{t}" for s, t in text.dev_pairs])
    with (folder / "words.pkl").open("wb") as f:
        pickle.dump(words or {}, f, protocol=pickle.HIGHEST_PROTOCOL)
    (folder / "stats.json").write_text(json.dumps(text.stats, ensure_ascii=False, indent=1))
    return folder


def read_sample(folder: Path) -> tuple[TextSplits, WordTable]:
    folder = Path(folder)

    def pairs(name: str) -> list[tuple[str, str]]:
        return [tuple(line.split("\t")) for line in _read_lines(folder / FILES[name])]

    text = TextSplits(
        train_sentences=_read_lines(folder / FILES["train_sentences"]),
        train_pairs=pairs("train_pairs"),
        dev_sentences=_read_lines(folder / FILES["dev_sentences"]),
        dev_pairs=pairs("dev_pairs"),
        stats=json.loads((folder / "stats.json").read_text()),
    )
    with (folder / "words.pkl").open("rb") as f:
        return text, pickle.load(f)
