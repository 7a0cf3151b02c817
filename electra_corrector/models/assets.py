"""Files shipped inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# The shipped vocab.txt (vocab_path), which every model here shares: its size and the ids of
# the special tokens code needs without a tokenizer at hand.
VOCAB_SIZE = 21128
UNK_ID = 100  # [UNK]
SEP_ID = 102  # [SEP]
MASK_ID = 103  # [MASK]


def asset_path(name: str) -> Path:
    """Path of a file in electra_corrector/data/ (a real file: the package is never zipped)."""
    return Path(str(resources.files("electra_corrector").joinpath("data", name)))


def vocab_path() -> Path:
    """The 21,128-token BERT-Chinese vocabulary that HFL's Chinese ELECTRA models share."""
    return asset_path("vocab.txt")
