"""Build the confusion table shipped in electra_corrector/data/confusion.txt.xz (v2, with kinds).

Each pair (wrong, right) is of the first kind, in rank order, that explains it
(electra_corrector.engine.confusion.KINDS: variant, seen, listed, pinyin, shape, near):
- variant: `wrong` is a traditional or variant form and `right` its simplified one (OpenCC t2s;
  only that direction);
- seen: substituted in the real training pairs (SIGHAN training less the dev split, the shared
  pairs less their held-out share; never a test file);
- listed: in the table shipped before (pycorrector's same_pinyin and same_stroke tables and the
  visual/phonetic table of Automatic-Corpus-Generation, ../shared/data/confusion), made
  symmetric: the pairs the shipped generator was trained on;
- pinyin: the two share a toneless reading, any reading of a polyphonic character (pypinyin);
- shape: their glyphs look alike: each character rendered with a CJK font (Noto Sans CJK),
  blurred and downsampled, compared by cosine similarity; the nearest few common characters;
- near: a reading one confusable sound apart (z/zh, c/ch, s/sh, n/l, f/h, r/l, an/ang, en/eng,
  in/ing, ian/iang, uan/uang, ü/u).
A `wrong` may be any ideograph of the basic CJK block; a new `right` (pinyin, shape, near) must be
a common character (the --common most frequent of the shipped trigram counts) and a variant's
one of the shipped vocabulary. pypinyin, OpenCC, Pillow and the font (Debian's fonts-noto-cjk)
are needed here only, never at run time.

    python scripts/build_confusion.py [--shared ../shared/data] [--coverage runs/dev]

--coverage prints, per dev pair file, the share of gold character edits the table covers with
the shipped table alone and each source added in turn (the dev files are never a source).
"""

from __future__ import annotations

import argparse
import lzma
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from shared_data import SHARED_DATA

from electra_corrector.base.charset import is_cjk
from electra_corrector.engine.confusion import KINDS, TABLE_FILE, ConfusionTable

ROOT = Path(__file__).resolve().parents[1]
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
Links = dict[str, set[str]]

INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q")
INITIALS += ("x", "r", "z", "c", "s", "y", "w")
NEAR_INITIALS = (("z", "zh"), ("c", "ch"), ("s", "sh"), ("n", "l"), ("f", "h"), ("r", "l"))
NEAR_FINALS = (("an", "ang"), ("en", "eng"), ("in", "ing"), ("ian", "iang"), ("uan", "uang"))
NEAR_FINALS += (("v", "u"), ("ve", "ue"))  # lü/lu, nüe/nue: pypinyin writes ü as v


def link(links: Links, wrong: str, right: str) -> None:
    if wrong != right:
        links.setdefault(wrong, set()).add(right)


# ---- the table shipped before


def read_listed(folder: Path) -> Links:
    """The three tables of ../shared/data/confusion, symmetric (the table shipped before v2)."""
    pairs: Links = defaultdict(set)

    def both(a: str, others: str) -> None:
        for b in others:
            if a != b and is_cjk(a) and is_cjk(b):
                pairs[a].add(b)
                pairs[b].add(a)

    for line in (folder / "same_pinyin.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        char, *groups = line.split("\t")
        both(char.strip(), "".join(groups).strip())
    for line in (folder / "same_stroke.txt").read_text(encoding="utf-8").splitlines():
        group = [c.strip() for c in line.split("\t") if c.strip()]
        for c in group:
            both(c, "".join(group))
    for line in (folder / "visual_phonetic_confusion.txt").read_text(encoding="utf-8").splitlines():
        char, sep, others = line.partition(":")
        if sep:
            both(char.strip(), others.strip())
    return dict(pairs)


# ---- sound


def split_syllable(syllable: str) -> tuple[str, str]:
    """(initial, final) of a toneless pinyin syllable; the initial may be empty."""
    for initial in INITIALS:  # two-letter initials come first
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return initial, syllable[len(initial) :]
    return "", syllable


def near_syllables(syllable: str, inventory: Iterable[str]) -> set[str]:
    """The syllables of `inventory` one confusable initial or final away from `syllable`."""
    initial, final = split_syllable(syllable)
    options = set()
    for a, b in NEAR_INITIALS:
        for x, y in ((a, b), (b, a)):
            if initial == x:
                options.add(y + final)
    for a, b in NEAR_FINALS:
        for x, y in ((a, b), (b, a)):
            if final == x:
                options.add(initial + y)
    return options & set(inventory)


def by_sound(readings: dict[str, set[str]], rights: set[str]) -> tuple[Links, Links]:
    """(same toneless reading, near reading) links from every character of `readings` to the
    `rights` that sound so."""
    group: dict[str, set[str]] = defaultdict(set)
    for ch, syllables in readings.items():
        if ch in rights:
            for s in syllables:
                group[s].add(ch)
    same: Links = {}
    near: Links = {}
    for ch, syllables in readings.items():
        close = set().union(*(near_syllables(s, group) for s in syllables)) - syllables
        for s in syllables:
            for other in group.get(s, ()):
                link(same, ch, other)
        for s in close:
            for other in group[s]:
                link(near, ch, other)
    return same, near


def pinyin_readings(chars: Iterable[str]) -> dict[str, set[str]]:
    from pypinyin import Style, pinyin

    found = {}
    for ch in chars:
        readings = {r for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0] if r.isalpha()}
        if readings:
            found[ch] = readings
    return found


# ---- shape


def render(chars: list[str], font: Path, size: int = 48, cells: int = 20) -> np.ndarray:
    """Each character drawn in `font`, blurred and shrunk to cells x cells: (len(chars), cells²)
    floats in [0, 1]."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    face = ImageFont.truetype(str(font), size)
    rows = []
    for ch in chars:
        image = Image.new("L", (size, size), 0)
        ImageDraw.Draw(image).text((size // 2, size // 2), ch, fill=255, font=face, anchor="mm")
        image = image.filter(ImageFilter.GaussianBlur(size / 24)).resize((cells, cells), 3)
        rows.append(np.asarray(image, dtype=np.float32).ravel() / 255.0)
    return np.stack(rows)


def glyph_neighbours(
    bitmaps: np.ndarray, targets: np.ndarray, k: int, min_similarity: float, block: int = 2048
) -> list[list[int]]:
    """For each row of `bitmaps`, the indices (into `targets`, rows of the same bitmaps) of up
    to k most similar glyphs by cosine similarity, at least `min_similarity`, itself excluded;
    an empty glyph (a character the font lacks) has none."""
    unit = bitmaps / np.maximum(np.linalg.norm(bitmaps, axis=1, keepdims=True), 1e-9)
    candidates = unit[targets]
    found = []
    for start in range(0, len(unit), block):
        sims = unit[start : start + block] @ candidates.T
        for r, row in enumerate(sims):
            row[targets == start + r] = -1.0  # never itself
            if not bitmaps[start + r].any():
                found.append([])
                continue
            top = np.argpartition(-row, min(k, len(row) - 1))[:k]
            top = top[np.argsort(-row[top])]
            found.append([int(targets[t]) for t in top if row[t] >= min_similarity])
    return found


def by_shape(chars: list[str], bitmaps: np.ndarray, rights: set[str], k: int, sim: float) -> Links:
    """Links both ways between each character and its nearest common glyphs."""
    targets = np.array([i for i, c in enumerate(chars) if c in rights])
    shape: Links = {}
    for i, near in enumerate(glyph_neighbours(bitmaps, targets, k, sim)):
        for j in near:
            link(shape, chars[i], chars[j])
            if chars[i] in rights:
                link(shape, chars[j], chars[i])
    return shape


# ---- script and real pairs


def by_variant(chars: Iterable[str], to_simplified: Callable[[str], str], known: set[str]) -> Links:
    """Traditional or variant form -> its simplified character (one direction only)."""
    variant: Links = {}
    for ch in chars:
        simple = to_simplified(ch)
        if len(simple) == 1 and simple != ch and simple in known:
            link(variant, ch, simple)
    return variant


def shared_forms(variant: Links, to_traditional: Callable[[str], str]) -> str:
    """The simplified characters of the variant pairs that traditional text writes too (出,
    才, 只: OpenCC s2t keeps them), which say nothing of a text's script."""
    forms = set().union(*variant.values()) if variant else set()
    return "".join(sorted(c for c in forms if to_traditional(c) == c))


def phrase_forms(words: Iterable[str], to_traditional: Callable[[str], str], variant: Links) -> str:
    """Space-separated pairs `ab`: traditional text writes `a` where simplified text writes
    `b` in some word (瞭解 for 了解, 藉口 for 借口), though no variant pair says so (`a` is a
    character of both scripts, or `b` is outside the vocabulary)."""
    simplified = {t: min(s) for t, s in variant.items()}
    found = set()
    for word in words:
        written = to_traditional(word)
        if len(written) == len(word):
            for a, b in zip(written, word, strict=True):
                if a != b and simplified.get(a, a) != b:
                    found.add(a + b)
    return " ".join(sorted(found))


def lexicon_words(shared: Path, least: int = 50) -> list[str]:
    """jieba's words of 2-4 characters seen at least `least` times."""
    words = []
    for line in (shared / "lexicon" / "jieba_dict.txt").read_text("utf-8").splitlines():
        word, count, *_ = line.split(" ")
        if 2 <= len(word) <= 4 and int(count) >= least:
            words.append(word)
    return words


def by_pairs(pairs: Iterable[tuple[str, str]], known: set[str]) -> Links:
    """(wrong, right) substitutions of equal-length pairs, as written (one direction)."""
    seen: Links = {}
    for source, target in pairs:
        if len(source) == len(target):
            for wrong, right in zip(source, target, strict=True):
                if wrong != right and wrong in known and right in known:
                    link(seen, wrong, right)
    return seen


def training_pairs(shared: Path) -> list[tuple[str, str]]:
    """The real pairs training reads: never a dev pair (training/splits.py) nor a test file."""
    from electra_corrector.training.corpus import extra_training_pairs, overlap_texts, without_texts
    from electra_corrector.training.dataset import pair_splits

    train, _ = pair_splits(shared / "sighan")
    extra = without_texts(extra_training_pairs(shared / "pairs"), overlap_texts(shared / "sighan"))
    return train + extra


# ---- the table


def merge(sources: dict[str, Links]) -> dict[str, dict[str, str]]:
    """wrong -> {kind: rights}: each pair once, under the first kind of KINDS that has it."""
    table: dict[str, dict[str, str]] = {}
    for wrong in sorted(set().union(*sources.values())):
        taken: set[str] = set()
        columns = {}
        for kind in KINDS:
            rights = sources.get(kind, {}).get(wrong, set()) - taken
            if rights:
                columns[kind] = "".join(sorted(rights))
                taken |= rights
        if columns:
            table[wrong] = columns
    return table


def table_text(
    table: dict[str, dict[str, str]], header: str, shared: str = "", phrases: str = ""
) -> str:
    """The file ConfusionTable.from_file reads: a kinds line, the `shared` (shared_forms) and
    `phrase_forms` lines, then a character a line with one tab-separated column of confusables
    per kind."""
    lines = [f"# {header}", "#kinds\t" + "\t".join(KINDS), f"#shared\t{shared}"]
    lines.append(f"#phrase_forms\t{phrases}")
    for wrong, columns in table.items():
        lines.append("\t".join([wrong, *(columns.get(kind, "") for kind in KINDS)]).rstrip("\t"))
    return "\n".join(lines) + "\n"


def gold_edits(path: Path) -> list[tuple[str, str]]:
    from electra_corrector.evaluation.datasets import load_dataset

    return [
        (w, r)
        for source, target in load_dataset(path, format="tsv").pairs
        for w, r in zip(source, target, strict=True)
        if w != r
    ]


def coverage_report(sources: dict[str, Links], dev: Path) -> str:
    """Share of each dev pair file's gold edits covered: shipped table, then each source added."""
    order = ("listed", "variant", "pinyin", "shape", "near", "seen")  # the order
    files = [dev / "learner.tsv", *sorted(dev.glob("pairs_*.tsv"))]
    edits = {f.stem: gold_edits(f) for f in files if f.is_file()}
    every = [e for found in edits.values() for e in found]
    head = f"{'source added':14s}" + "".join(f"{n[:14]:>15s}" for n in edits) + f"{'all':>8s}"
    lines = [head, f"{'gold edits':14s}" + "".join(f"{len(v):>15d}" for v in edits.values())]
    lines[-1] += f"{len(every):>8d}"
    covered: Links = {}
    for kind in order:
        for wrong, rights in sources.get(kind, {}).items():
            covered.setdefault(wrong, set()).update(rights)

        def share(found, covered=covered):
            return sum(r in covered.get(w, ()) for w, r in found) / max(len(found), 1)

        row = "".join(f"{100 * share(v):>14.1f}%" for v in edits.values())
        lines.append(f"{'+ ' + kind:14s}{row}{100 * share(every):>7.1f}%")
    return "\n".join(lines)


def main() -> None:
    import opencc

    from electra_corrector.knowledge.charlm import CharNgrams, char_ids

    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=SHARED_DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "electra_corrector/data" / TABLE_FILE)
    parser.add_argument("--font", type=Path, default=FONT)
    parser.add_argument("--common", type=int, default=5000, help="characters a right may be")
    parser.add_argument("--shape-k", type=int, default=12, help="nearest glyphs kept")
    parser.add_argument("--shape-min", type=float, default=0.75, help="least cosine similarity")
    parser.add_argument("--coverage", type=Path, help="a dev folder to report coverage on")
    args = parser.parse_args()

    ids = {c: i for c, i in char_ids().items() if is_cjk(c)}
    counts = CharNgrams.load().unigrams
    rights = set(sorted(ids, key=lambda c: -counts[ids[c]])[: args.common])
    # Every ideograph of the basic block may be written by mistake, in the vocabulary or not
    # (a model reads one outside it as [UNK]); only vocabulary characters are put in its place.
    chars = sorted(set(ids) | {chr(c) for c in range(0x4E00, 0xA000)})
    known = set(chars)
    same, near = by_sound(pinyin_readings(chars), rights)
    sources = {
        "variant": by_variant(chars, opencc.OpenCC("t2s").convert, set(ids)),
        "pinyin": same,
        "shape": by_shape(chars, render(chars, args.font), rights, args.shape_k, args.shape_min),
        "near": near,
        "seen": by_pairs(training_pairs(args.shared), known),
        "listed": read_listed(args.shared / "confusion"),
    }
    table = merge(sources)
    to_traditional = opencc.OpenCC("s2t").convert
    shared = shared_forms(sources["variant"], to_traditional)
    words = lexicon_words(args.shared)
    phrases = phrase_forms(words, to_traditional, sources["variant"])
    header = "Built by scripts/build_confusion.py; see its docstring for sources"
    text = table_text(table, header, shared, phrases)
    ConfusionTable.from_text(text)  # what the package will read must parse
    args.out.write_bytes(lzma.compress(text.encode("utf-8"), preset=9))
    for kind in KINDS:
        n = sum(len(columns.get(kind, "")) for columns in table.values())
        print(f"{kind:8s} {n:9d} pairs")
    print(f"{len(table)} characters -> {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    if args.coverage:
        print(coverage_report(sources, args.coverage))


if __name__ == "__main__":
    main()
