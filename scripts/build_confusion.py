"""Build the confusion table shipped in electra_corrector/data/confusion.txt.

Union of the three tables in ../shared/data/confusion (pycorrector's same_pinyin.txt and
same_stroke.txt, and the visual/phonetic table of Automatic-Corpus-Generation), made symmetric:
if a may be mistyped as b, b may be mistyped as a. One line a character: `c<TAB>confusables`.

    python scripts/build_confusion.py [--shared ../shared/data/confusion]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from electra_corrector.engine.charset import is_cjk
from electra_corrector.training.paths import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]


def read_tables(folder: Path) -> dict[str, set[str]]:
    pairs: dict[str, set[str]] = defaultdict(set)

    def link(a: str, others: str) -> None:
        for b in others:
            if a != b and is_cjk(a) and is_cjk(b):
                pairs[a].add(b)
                pairs[b].add(a)

    for line in (folder / "same_pinyin.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        char, *groups = line.split("\t")
        link(char.strip(), "".join(groups).strip())
    for line in (folder / "same_stroke.txt").read_text(encoding="utf-8").splitlines():
        group = [c.strip() for c in line.split("\t") if c.strip()]
        for c in group:
            link(c, "".join(group))
    for line in (folder / "visual_phonetic_confusion.txt").read_text(encoding="utf-8").splitlines():
        char, sep, others = line.partition(":")
        if sep:
            link(char.strip(), others.strip())
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED_DATA / "confusion")
    parser.add_argument("--out", type=Path, default=ROOT / "electra_corrector/data/confusion.txt")
    args = parser.parse_args()
    pairs = read_tables(args.shared)
    lines = [f"{c}\t{''.join(sorted(pairs[c]))}" for c in sorted(pairs)]
    header = "# Derived from ../shared/data/confusion (same_pinyin, same_stroke, visual_phonetic)"
    args.out.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    print(f"{len(lines)} characters, {sum(len(v) for v in pairs.values())} pairs -> {args.out}")


if __name__ == "__main__":
    main()
