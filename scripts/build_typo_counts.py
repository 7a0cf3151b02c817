"""Write typo_counts.tsv beside a model: the (wrong, right) substitutions of its training pairs.

The pairs counted are those scripts/train.py trains on and counts when it exports a model
(training/dataset.py training_pairs: the dev split that tune.py uses is held out, no test file
is ever read), so the prior the corrector draws from it is tuned and scored on unseen text.

    python scripts/build_typo_counts.py --model data/electra_models
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shared_data import SHARED_DATA

from electra_corrector.engine.confusion import count_typos, write_typo_counts
from electra_corrector.models.loading import TYPO_COUNTS_FILE
from electra_corrector.training.dataset import training_pairs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("data/electra_models"))
    parser.add_argument("--sighan", type=Path, default=SHARED_DATA / "sighan")
    parser.add_argument("--pairs", type=Path, default=SHARED_DATA / "pairs")
    args = parser.parse_args(argv)
    train, _ = training_pairs(args.sighan, args.pairs)
    counts = count_typos(train)
    path = write_typo_counts(args.model / TYPO_COUNTS_FILE, counts)
    print(f"{len(counts)} substitutions from {len(train)} training pairs -> {path}")


if __name__ == "__main__":
    main()
