"""What a run over files did, and its summary line: one report for electra-correct and
electra-correct-ray."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Outcome:
    corrected: int = 0
    failed: list[str] = field(default_factory=list)  # a `file: why` line for each, as reported
    skipped: int = 0  # outputs that already existed (--resume)
    changed: int = 0  # inputs with at least one edit
    notes: list[str] = field(default_factory=list)  # inputs left alone, no failure (binary)

    def summary(self, check: bool = False) -> str:
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        if check:
            done = f"{self.changed} of {self.corrected} files would be corrected"
        else:
            done = f"{self.corrected} files corrected"
        return f"{done}, {len(self.failed)} failed{skipped}"
