"""Build the calibration text int8 measures its layers' input ranges on (electra_corrector/int8.py).

    python scripts/build_calibration.py   # -> electra_corrector/data/calibration.txt

A fixed sample of training sentences (never dev: training/splits.py) from the two corpus files
whose text may be shipped without conditions: PRC statutes (outside copyright) and CCTV news
broadcast transcripts. Sampled by text hash, so the file is the same on every machine.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shared_data import SHARED_DATA

from electra_corrector.engine.int8 import CALIBRATION_FILE
from electra_corrector.models.assets import asset_path
from electra_corrector.training.corpus import genre_sentences
from electra_corrector.training.splits import hash_share

SOURCES = ("laws_regulations.txt", "xwlb_news_2020_2026.txt")
PER_SOURCE = 16
MIN_CHARS, MAX_CHARS = 12, 120


def sample(path: Path, count: int) -> list[str]:
    train, _ = genre_sentences(path)
    fitting = [s for s in train if MIN_CHARS <= len(s) <= MAX_CHARS]
    return sorted(fitting, key=hash_share)[:count]


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--shared", type=Path, default=SHARED_DATA)
    args = p.parse_args(argv)
    sentences = [s for name in SOURCES for s in sample(args.shared / "corpus" / name, PER_SOURCE)]
    out = asset_path(CALIBRATION_FILE)
    out.write_text("".join(s + "\n" for s in sentences), encoding="utf-8")
    print(f"{out}: {len(sentences)} sentences, {sum(map(len, sentences))} characters")


if __name__ == "__main__":
    main()
