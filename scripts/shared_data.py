"""Where the shared data lives for the scripts and tests of a checkout: ../shared/data beside
it, or $ELECTRA_CORRECT_SHARED. Not package code: an installed package has no checkout."""

from __future__ import annotations

import os
from pathlib import Path

SHARED_DATA = Path(
    os.environ.get("ELECTRA_CORRECT_SHARED")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)
