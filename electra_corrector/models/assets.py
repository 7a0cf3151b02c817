"""Files shipped inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def asset_path(name: str) -> Path:
    """Path of a file in electra_corrector/data/ (a real file: the package is never zipped)."""
    return Path(str(resources.files("electra_corrector").joinpath("data", name)))


def vocab_path() -> Path:
    """The 21,128-token BERT-Chinese vocabulary that HFL's Chinese ELECTRA models share."""
    return asset_path("vocab.txt")
