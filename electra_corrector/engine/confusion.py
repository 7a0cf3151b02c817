"""The table of plausible typos: which characters a writer may put in place of which."""

from __future__ import annotations

import hashlib
import lzma
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

from electra_corrector.base.errors import SettingsError, describe
from electra_corrector.base.small_files import UnusableFile, numbered_lines
from electra_corrector.models.assets import asset_path

# Kinds of confusion, in rank order: a pair listed under several is of the first. variant: a
# traditional or variant form for its simplified character (that direction only); seen: made by
# real writers in the training pairs; listed: in the table shipped before kinds were told apart
# (same or similar pinyin or shape, the pairs the shipped generator was trained to tell apart);
# then the pairs table v2 added: pinyin, a shared toneless reading; shape, similar glyphs; near,
# a reading one confusable sound apart (z/zh, n/l, an/ang, ...). A table file without kinds is
# all "listed"; the user's own confusions are "user". CorrectorOptions.kind_cost lets the accept
# rule trust each kind its own.
KINDS = ("variant", "seen", "listed", "pinyin", "shape", "near")
USER_KIND = "user"
TABLE_FILE = "confusion.txt.xz"


class ConfusionTable:
    """Map from a character to the characters it may be a typo of, each with its kind.

    Kept as the file's lines (a column of confusables per kind), split only for the characters
    looked up: the table holds a million pairs, and a run meets a few thousand characters."""

    def __init__(self, pairs: dict[str, str], kind: str = "listed"):
        self._kinds: tuple[str, ...] = (kind,)
        self._lines = {c: others for c, others in pairs.items() if others}
        self._split: dict[str, tuple[tuple[str, str], ...]] = {}
        self._scripts: tuple[frozenset[str], frozenset[str]] | None = None
        self._maps: tuple[dict[int, int], dict[str, list[str]]] | None = None
        # simplified forms that traditional text writes too (出 for 齣): no sign of a script
        self._shared: frozenset[str] = frozenset()
        # "ab": traditional text writes a where simplified writes b in some word (瞭解, 了解)
        self._phrase_forms: frozenset[str] = frozenset()
        self._digest: str | None = None

    @classmethod
    def from_text(cls, text: str) -> ConfusionTable:
        """The file's text: `c<TAB>confusables` lines, or with a `#kinds<TAB>kind...` line, one
        tab-separated column per kind; other lines starting with # are comments."""
        table = cls({})
        for line in text.splitlines():
            if line.startswith("#kinds\t"):
                table._kinds = tuple(line.split("\t")[1:])
            elif line.startswith("#shared\t"):
                table._shared = frozenset(line.partition("\t")[2])
            elif line.startswith("#phrase_forms\t"):
                table._phrase_forms = frozenset(line.partition("\t")[2].split())
            elif line and not line.startswith("#"):
                char, _, rest = line.partition("\t")
                if rest.strip("\t"):
                    table._lines[char] = rest
        return table

    @classmethod
    def from_file(cls, path: str | Path) -> ConfusionTable:
        """A table file, xz-compressed when its name ends in .xz."""
        raw = Path(path).read_bytes()
        if str(path).endswith(".xz"):
            raw = lzma.decompress(raw)
        return cls.from_text(raw.decode("utf-8"))

    def _columns(self, ch: str) -> tuple[tuple[str, str], ...]:
        """(kind, confusables) of `ch`, the empty columns left out."""
        found = self._split.get(ch)
        if found is None:
            line = self._lines.get(ch, "")
            columns = zip(self._kinds, line.split("\t"), strict=False)
            found = self._split[ch] = tuple((k, c) for k, c in columns if c)
        return found

    def confusables(self, ch: str) -> frozenset[str]:
        return frozenset(self._lines.get(ch, "").replace("\t", ""))

    def alternatives(self, ch: str, known, kinds: Collection[str] | None = None) -> list[str]:
        """The characters `ch` may be confused with that `known` (a vocabulary) holds, sorted;
        never `ch` itself. `kinds`: only those of these kinds (each pair's kind as kind() says:
        its first column), by set operations on the columns, not a kind() call per pair."""
        if kinds is None:
            found = self.confusables(ch)
        else:
            found, earlier = set(), set()
            for kind, others in self._columns(ch):
                column = set(others)
                if kind in kinds:
                    found |= column - earlier
                earlier |= column
        return sorted(o for o in found if o != ch and o in known)

    def digest(self) -> str:
        """A short hash of the pairs, their kinds and the script lines: what a score's
        signature names."""
        if self._digest is None:
            text = (
                "\t".join(self._kinds)
                + "".join(sorted(self._shared))
                + " ".join(sorted(self._phrase_forms))
                + "".join(f"\n{c}\t{line}" for c, line in sorted(self._lines.items()))
            )
            self._digest = hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()
        return self._digest

    def typos(self, known) -> dict[str, list[str]]:
        """right -> the characters of `known` that may be written for it, sorted: the table
        read the other way, as corrupting clean text for training needs (it is not symmetric:
        variants and seen pairs go one way)."""
        found: dict[str, list[str]] = {}
        for wrong, line in self._lines.items():
            if wrong in known:
                for right in set(line.replace("\t", "")) - {wrong}:
                    found.setdefault(right, []).append(wrong)
        return {right: sorted(wrongs) for right, wrongs in found.items()}

    def kind(self, wrong: str, right: str) -> str | None:
        """The kind of confusion `right` for `wrong` is (None: not in the table)."""
        for kind, others in self._columns(wrong):
            if right in others:
                return kind
        return None

    def extended(self, pairs) -> ConfusionTable:
        """This table plus (wrong, right) pairs of characters or equal-length words, both ways,
        of the user's kind where the table did not have them."""
        added: dict[str, set[str]] = {}
        for wrong, right in pairs:
            for a, b in zip(wrong, right, strict=True):
                for x, y in ((a, b), (b, a)):
                    if x != y and self.kind(x, y) is None:
                        added.setdefault(x, set()).add(y)
        table = ConfusionTable({})
        table._kinds = (*self._kinds, USER_KIND)
        table._lines = dict(self._lines)
        table._shared, table._phrase_forms = self._shared, self._phrase_forms
        for c, others in added.items():
            columns = self._lines.get(c, "").split("\t")
            columns += [""] * (len(self._kinds) - len(columns))
            table._lines[c] = "\t".join([*columns, "".join(sorted(others))])
        return table

    def is_confusable(self, wrong: str, right: str) -> bool:
        return self.kind(wrong, right) is not None

    def script_lean(self, text: str) -> int:
        """Simplified-only minus traditional-only characters of `text`."""
        traditional, simplified = self._script_sets()
        if not traditional:  # a table without variants knows no script
            return 0
        return sum(map(simplified.__contains__, text)) - sum(map(traditional.__contains__, text))

    def script_allows(self, text: str, offset: int, right: str, lean: int | None = None) -> bool:
        """Whether putting `right` at `offset` keeps `text` in its script: a character only
        traditional script has goes only where the rest of the text leans traditional, one only
        simplified script has only where it does not (text with neither leans simplified). So
        simplified text is never "corrected" into traditional, nor traditional text into
        simplified. `lean`: script_lean(text), which a caller weighing many substitutes in one
        text computes once; other characters cost two set lookups."""
        traditional, simplified = self._script_sets()
        if right not in traditional and right not in simplified:
            return True
        wrong = text[offset]  # the lean of the rest of the text, the one replaced left out
        rest = (self.script_lean(text) if lean is None else lean) - (
            (wrong in simplified) - (wrong in traditional)
        )
        return rest < 0 if right in traditional else rest >= 0

    def simplified_view(self, text: str) -> str | None:
        """`text` as simplified script writes it, where it leans traditional: each traditional
        form replaced by its simplified character, one for one, so every offset holds; None
        elsewhere. The models and the word knowledge learned simplified text: a traditional
        text is read in this view. One traditional character more than simplified ones is not
        enough: alone in a text it may be the slip script_allows lets be corrected (頭 in
        我的頭很痛)."""
        if self.script_lean(text) > -2:
            return None
        return text.translate(self._script_maps()[0])

    def simplified_form(self, ch: str) -> str:
        """`ch` as simplified script writes it (itself where it is no traditional form)."""
        return chr(self._script_maps()[0].get(ord(ch), ord(ch)))

    def traditional_form(self, ch: str) -> str | None:
        """`ch` as traditional text writes it: itself unless only simplified script has it,
        else its one traditional form; None where it has several (发: 發 or 髮), which only the
        context could choose."""
        forms = self._script_maps()[1].get(ch)
        if forms is None:
            return ch
        return forms[0] if len(forms) == 1 else None

    def is_phrase_form(self, written: str, right: str) -> bool:
        """Whether traditional text writes `written` where simplified text writes `right` in
        some word (瞭解 for 了解): in traditional text, no typo."""
        return written + right in self._phrase_forms

    def _script_maps(self) -> tuple[dict[int, int], dict[str, list[str]]]:
        """(traditional form -> its simplified character, as a str.translate table;
        simplified-only character -> its traditional forms), from the variant pairs."""
        if self._maps is None:
            traditional, simplified_only = self._script_sets()
            to_simplified = {c: self._lines[c].partition("\t")[0][0] for c in traditional}
            to_traditional: dict[str, list[str]] = {}
            for c, s in sorted(to_simplified.items()):
                if s in simplified_only:
                    to_traditional.setdefault(s, []).append(c)
            translate = {ord(c): ord(s) for c, s in to_simplified.items()}
            self._maps = (translate, to_traditional)
        return self._maps

    def _script_sets(self) -> tuple[frozenset[str], frozenset[str]]:
        """(traditional-only, simplified-only) characters, as the variant pairs tell them: the
        forms that have a simplified one, and those simplified forms that are no such form."""
        if self._scripts is None:
            traditional, forms = set(), set()
            if self._kinds[0] == "variant":
                for c, line in self._lines.items():
                    variants = line.partition("\t")[0]
                    if variants:
                        traditional.add(c)
                        forms.update(variants)
            self._scripts = (frozenset(traditional), frozenset(forms - traditional - self._shared))
        return self._scripts


@lru_cache(maxsize=1)
def default_table() -> ConfusionTable:
    """The table shipped with the package (built by scripts/build_confusion.py)."""
    return ConfusionTable.from_file(asset_path(TABLE_FILE))


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
        raise SettingsError(describe(e, f"{path}: cannot read it")) from None
    except UnusableFile as e:
        raise SettingsError(str(e)) from None
    return counts
