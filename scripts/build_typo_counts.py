"""Write typo_counts.tsv beside a model: the (wrong, right) substitutions of its training pairs.

Only the training share of the SIGHAN training files is counted (the dev split that tune.py
uses is held out exactly as scripts/train.py holds it out; no test file is ever read), so
the prior the corrector draws from it is tuned and scored on text it has not seen.

    python scripts/build_typo_counts.py --model data/electra_models
"""

from __future__ import annotations

import argparse
from pathlib import Path

from electra_corrector.engine.confusion import TYPO_COUNTS_FILE, count_typos, write_typo_counts
from electra_corrector.training.dataset import pair_splits
from electra_corrector.training.paths import SHARED_DATA


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("data/electra_models"))
    parser.add_argument("--sighan", type=Path, default=SHARED_DATA / "sighan")
    args = parser.parse_args(argv)
    train, _ = pair_splits(args.sighan)
    counts = count_typos(train)
    path = write_typo_counts(args.model / TYPO_COUNTS_FILE, counts)
    print(f"{len(counts)} substitutions from {len(train)} training pairs -> {path}")


if __name__ == "__main__":
    main()
