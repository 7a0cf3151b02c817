"""The table of plausible typos: which characters a writer may put in place of which."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from electra_corrector.engine.errors import SettingsError
from electra_corrector.engine.small_files import UnusableFile, numbered_lines
from electra_corrector.models.assets import asset_path


class ConfusionTable:
    """Symmetric map from a character to the characters it is commonly confused with."""

    def __init__(self, pairs: dict[str, str]):
        self._pairs = {c: frozenset(others) for c, others in pairs.items()}

    @classmethod
    def from_file(cls, path: str | Path) -> ConfusionTable:
        return cls(_parse(Path(path).read_text(encoding="utf-8")))

    def confusables(self, ch: str) -> frozenset[str]:
        return self._pairs.get(ch, frozenset())

    def alternatives(self, ch: str, known) -> list[str]:
        """The characters `ch` may be confused with that `known` (a vocabulary) holds, sorted;
        never `ch` itself."""
        return sorted(o for o in self.confusables(ch) if o != ch and o in known)

    def extended(self, pairs) -> ConfusionTable:
        """This table plus (wrong, right) pairs of characters or equal-length words, both ways."""
        added = {c: set(others) for c, others in self._pairs.items()}
        for wrong, right in pairs:
            for a, b in zip(wrong, right, strict=True):
                if a != b:
                    added.setdefault(a, set()).add(b)
                    added.setdefault(b, set()).add(a)
        return ConfusionTable(added)

    def is_confusable(self, wrong: str, right: str) -> bool:
        return right in self._pairs.get(wrong, ())


def _parse(text: str) -> dict[str, str]:
    pairs = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            char, _, others = line.partition("\t")
            pairs[char] = others
    return pairs


@lru_cache(maxsize=1)
def default_table() -> ConfusionTable:
    """The table shipped with the package (built by scripts/build_confusion.py)."""
    return ConfusionTable.from_file(asset_path("confusion.txt"))


TYPO_COUNTS_FILE = "typo_counts.tsv"


def count_typos(pairs) -> dict[tuple[str, str], int]:
    """How often each (wrong, right) substitution occurs in (source, target) training pairs."""
    counts: dict[tuple[str, str], int] = {}
    for source, target in pairs:
        if len(source) == len(target):
            for wrong, right in zip(source, target, strict=True):
                if wrong != right:
                    counts[wrong, right] = counts.get((wrong, right), 0) + 1
    return counts


def write_typo_counts(path: str | Path, counts: dict[tuple[str, str], int]) -> Path:
    path = Path(path)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = [f"{w}\t{r}\t{n}" for (w, r), n in rows]
    header = "# wrong<TAB>right<TAB>count, from the training pairs of this model (never a test set)"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def read_typo_counts(path: str | Path) -> dict[tuple[str, str], int]:
    """The counts write_typo_counts wrote; SettingsError naming the file and line of a bad one."""
    counts = {}
    try:
        for number, line in numbered_lines(path):
            if line and not line.startswith("#"):
                fields = line.split("\t")
                if (
                    len(fields) != 3
                    or not all(fields)
                    or not fields[2].isascii()
                    or not fields[2].isdigit()
                ):
                    raise SettingsError(
                        f"{path}:{number}: expected 'wrong<TAB>right<TAB>count', got {line[:80]!r}"
                    )
                counts[fields[0], fields[1]] = int(fields[2])
    except OSError as e:
        raise SettingsError(f"{path}: cannot read it ({e.strerror or e})") from None
    except UnusableFile as e:
        raise SettingsError(str(e)) from None
    return counts
