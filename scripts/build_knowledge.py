"""Build the word knowledge the accept rule weighs: a character trigram model and a word list.

    python scripts/build_knowledge.py   # -> electra_corrector/data/char_ngrams.npz.xz, words.tsv.xz
    # a character 4-gram model, to try (24 MB; on dev it scored below the trigram, 31.7 vs 31.9)
    python scripts/build_knowledge.py --order 4 --ngrams-only runs/ngrams4.npz.xz

The trigram counts come from every corpus file in SHARED/corpus except the sentences the dev set
holds out (training/splits.py), so tuning on dev measures text the model has not counted. The
word list is jieba's dictionary (MIT), words of 2-6 Chinese characters.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from shared_data import SHARED_DATA

from electra_corrector.base.charset import is_cjk
from electra_corrector.knowledge import charlm, words
from electra_corrector.models.assets import asset_path
from electra_corrector.training.corpus import split_sentences
from electra_corrector.training.splits import is_dev_sentence


def corpus_ids(files: list[Path]):
    """Each training sentence of the corpus as vocabulary ids (fast: one table lookup)."""
    for path in files:
        for sentence in split_sentences(path.read_text(encoding="utf-8")):
            if not is_dev_sentence(sentence):
                yield charlm.encode(sentence)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--shared", type=Path, default=SHARED_DATA)
    p.add_argument("--min-count", type=int, default=2, help="prune n-grams seen fewer times")
    p.add_argument("--order", type=int, default=3, choices=(3, 4), help="longest n-gram counted")
    p.add_argument(
        "--ngrams-only",
        type=Path,
        default=None,
        metavar="FILE",
        help="write only the n-gram model, to FILE (an experiment, not the shipped asset)",
    )
    args = p.parse_args(argv)
    started = time.time()
    files = sorted((args.shared / "corpus").glob("*.txt"))
    vocab_size = max(charlm.char_ids().values()) + 1
    model = charlm.CharNgrams.count(corpus_ids(files), vocab_size, args.min_count, args.order)
    out = args.ngrams_only or asset_path(charlm.FILE)
    model.save(out)
    print(f"{out}: {out.stat().st_size / 1e6:.1f} MB ({time.time() - started:.0f}s)")
    if args.ngrams_only:
        return

    frequencies = {}
    for line in (args.shared / "lexicon" / "jieba_dict.txt").read_text("utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        if all(is_cjk(ch) for ch in word):
            frequencies[word] = max(frequencies.get(word, 0), int(freq))
    out = asset_path(words.FILE)
    words.WordList(frequencies).save(out)
    print(f"{out}: {out.stat().st_size / 1e6:.1f} MB, {len(frequencies)} words")


if __name__ == "__main__":
    main()
