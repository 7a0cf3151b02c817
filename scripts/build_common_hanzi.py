"""Write electra_corrector/data/common_hanzi.txt: the characters that make up most Chinese text.

The encoding sniffer (electra_corrector/textio/sniff.py) accepts bytes as GB18030 only when they
decode to text made mostly of these; Big5, EUC-KR or EUC-JP bytes read as GB18030 decode to rare
characters, kana or private-use code points instead.

Usage: python scripts/build_common_hanzi.py [--top 1500] [--corpus ../shared/data/corpus]
Line 1: the TOP most frequent simplified ideographs of six genres of the shared corpus (96% of
their characters); line 2: their traditional forms (OpenCC s2t), so GBK-encoded traditional text
passes too.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from shared_data import SHARED_DATA

GENRES = (
    "peoples_daily_1998_01",
    "product_reviews",
    "c3_exam_passages",
    "weibo_smp2020",
    "book_reviews",
    "debian_docs_zh",
)
OUT = Path(__file__).resolve().parents[1] / "electra_corrector" / "data" / "common_hanzi.txt"


def main() -> None:
    import opencc

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=1500)
    parser.add_argument("--corpus", type=Path, default=SHARED_DATA / "corpus")
    args = parser.parse_args()
    counts: Counter = Counter()
    for genre in GENRES:
        text = (args.corpus / f"{genre}.txt").read_text(encoding="utf-8")
        counts.update(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    simplified = "".join(ch for ch, _ in counts.most_common(args.top))
    traditional = opencc.OpenCC("s2t").convert(simplified)
    OUT.write_text(f"{simplified}\n{traditional}\n", encoding="utf-8")
    print(f"{OUT}: {len(set(simplified) | set(traditional))} characters")


if __name__ == "__main__":
    main()
