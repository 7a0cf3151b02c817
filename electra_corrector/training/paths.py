"""Where the shared data lives: ../shared/data beside the checkout, or $ELECTRA_CORRECT_SHARED."""

from __future__ import annotations

import os
from pathlib import Path

SHARED_DATA = Path(
    os.environ.get("ELECTRA_CORRECT_SHARED")
    or Path(__file__).resolve().parents[3] / "shared" / "data"
)
