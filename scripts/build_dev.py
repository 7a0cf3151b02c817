"""Write the multi-genre dev set that tuning reads and training never sees.

    python scripts/build_dev.py            # -> runs/dev/*.tsv, runs/dev_traditional/learner.tsv

Files (source<TAB>target):
- learner.tsv: the held-out SIGHAN training pairs plus the corrected side of each as an
  error-free learner sentence (the fixed split of electra_corrector.training.dataset);
- pairs_<name>.tsv: the held-out share of each real-pair file in SHARED/pairs (medical,
  official documents, SIGHAN-13 train, YACLC), error-free pairs included;
- clean_<genre>.tsv: held-out sentences of each corpus file, unchanged (at most
  CLEAN_DEV_PER_GENRE each): the do-no-harm check, one genre per file.

Beside it, for reporting (tune.py reads only --out): learner.tsv in traditional script
(OpenCC s2t, pairs whose sides keep their length), in a folder of its own (--traditional).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shared_data import SHARED_DATA

from electra_corrector.evaluation.datasets import load_dataset
from electra_corrector.training import splits
from electra_corrector.training.corpus import split_sentences, write_pairs
from electra_corrector.training.dataset import pair_splits


def traditional(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs in traditional script (OpenCC s2t), those whose sides keep their length."""
    import opencc

    convert = opencc.OpenCC("s2t").convert
    converted = [(s, t, convert(s), convert(t)) for s, t in pairs]
    return [(a, b) for s, t, a, b in converted if len(a) == len(s) and len(b) == len(t)]


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--shared", type=Path, default=SHARED_DATA)
    p.add_argument("--out", type=Path, default=Path("runs/dev"))
    p.add_argument("--traditional", type=Path, default=Path("runs/dev_traditional"))
    args = p.parse_args(argv)

    _, dev_pairs = pair_splits(args.shared / "sighan")
    echoes = [(t, t) for s, t in dev_pairs if s != t]
    written = [write_pairs(args.out / "learner.tsv", dev_pairs + echoes)]
    written.append(write_pairs(args.traditional / "learner.tsv", traditional(dev_pairs + echoes)))
    for path in sorted((args.shared / "pairs").glob("*.tsv")):
        pairs = [pair for pair in load_dataset(path).pairs if splits.is_dev_pair(pair[0])]
        written.append(write_pairs(args.out / f"pairs_{path.stem}.tsv", pairs))
    for path in sorted((args.shared / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        held = [s for s in dict.fromkeys(split_sentences(text)) if splits.is_dev_sentence(s)]
        held = held[: splits.CLEAN_DEV_PER_GENRE]
        if len(held) >= 100:  # too few sentences say nothing about a genre
            written.append(write_pairs(args.out / f"clean_{path.stem}.tsv", [(s, s) for s in held]))
    for path in written:
        print(f"{path}: {sum(1 for _ in path.open(encoding='utf-8'))} pairs")


if __name__ == "__main__":
    main()
