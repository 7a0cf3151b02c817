"""Build a training corpus of openly licensed simplified Chinese prose from package registries.

Each source is one pinned Debian package (fetched with `apt-get download`); its archive is
checked against a pinned SHA-256, unpacked, and its prose turned into sentences: text from HTML
paragraphs or man-page paragraphs, split after 。！？；, long sentences cut at ， into chunks of
8..120 characters, keeping only chunks that are mostly CJK and carry no code or markup residue.
Sentences are deduplicated exactly across all sources and against the shared corpus
(../shared/data/corpus). Writes one UTF-8 file per source (one sentence a line) and
manifest.json to the output folder (git-ignored), and prints a summary table. The shared data's
corpus/debian_docs_zh.txt (technical docs, one of the training genres) was built with it.

    python scripts/build_corpus.py [--out .cache/corpus] [--sources debian-reference,...]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from shared_data import SHARED_DATA

from electra_corrector.base.charset import is_cjk

ROOT = Path(__file__).resolve().parents[1]

MIN_CHARS, MAX_CHARS = 8, 120
MIN_CJK_RATIO = 0.6
# A sentence ends after 。！？； (or the full-width ． of older translations) and any closing
# quotes or brackets that follow them.
SENTENCE = re.compile(r"[^。！？；．]*[。！？；．]+[”’」』）》]*")
PAIRS = ("“”", "‘’", "（）", "《》", "「」", "『』")
OPENING = "".join(pair[0] for pair in PAIRS)
CLAUSE = re.compile(r"[^，]*，|[^，]+$")
# Leftovers of code, markup or addresses: such sentences are not what users write.
RESIDUE = re.compile(r"[<>{}\[\]\\|`$=_#@^~*]|&[a-zA-Z]+;|://|www\.|\.\.\.|\s-{1,2}\w")
SPACE = re.compile(r"\s+")
FULLWIDTH_PUNCT = set("，。！？；：、“”‘’（）《》「」『』【】—…．")


@dataclass(frozen=True)
class Source:
    name: str
    package: str
    version: str
    sha256: str
    license: str
    origin: str
    extract: Callable[[Path], Iterator[str]]  # unpacked package root -> paragraphs


def _wide(ch: str) -> bool:
    # Whitespace between two such characters is a line wrap of the source, not a space.
    return is_cjk(ch) or ch in FULLWIDTH_PUNCT


def normalise_space(text: str) -> str:
    """Collapse whitespace; drop it entirely where both neighbours are Chinese."""
    text = SPACE.sub(" ", text).strip()
    return "".join(
        ch
        for i, ch in enumerate(text)
        if not (ch == " " and _wide(text[i - 1]) and _wide(text[i + 1]))
    )


HEADINGS = {f"h{level}" for level in range(1, 7)}
BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "dt", "dd", "tr", "td", "th", "blockquote", *HEADINGS}
)
# Inline code stays: cutting it out would leave broken sentences; the filters judge them.
SKIPPED_TAGS = frozenset({"pre", "script", "style", "head"})


class _ParagraphParser(HTMLParser):
    """Collects the text of block elements, leaving out preformatted blocks and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._buffer: list[str] = []
        self._skip_depth = 0

    def _flush(self) -> None:
        text = normalise_space("".join(self._buffer))
        if text:
            self.paragraphs.append(text)
        self._buffer = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self._skip_depth += 1
        if tag in BLOCK_TAGS or tag in SKIPPED_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self._skip_depth:
            self._skip_depth -= 1
        if tag in BLOCK_TAGS or tag in SKIPPED_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_paragraphs(files: Iterable[Path]) -> Iterator[str]:
    for path in files:
        parser = _ParagraphParser()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        parser.close()
        yield from parser.paragraphs


# roff escapes: fonts, sizes, named glyphs and strings, zero-width marks.
ROFF_ESCAPE = re.compile(
    r"\\f(\[[^\]]*\]|\(..|.)|\\s[+-]?\d+|\\\((..)|\\\*(\(..|\[[^\]]*\]|.)|\\[&,/|^%:]"
)
ROFF_GLYPHS = {"em": "—", "en": "–", "lq": "“", "rq": "”", "oq": "‘", "cq": "’", "hy": "-"}


def _unescape_roff(line: str) -> str:
    line = ROFF_ESCAPE.sub(lambda m: ROFF_GLYPHS.get(m.group(2) or "", ""), line)
    return line.replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ")


def roff_paragraphs(files: Iterable[Path]) -> Iterator[str]:
    """Running text of man pages: request lines end a paragraph and are dropped."""
    for path in files:
        text = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        lines: list[str] = []
        for line in [*text.splitlines(), "."]:  # "." ends the last paragraph
            if line.startswith((".", "'")):
                if lines:
                    yield normalise_space(" ".join(lines))
                lines = []
            elif line.strip():
                lines.append(_unescape_roff(line))


def _glob(pattern: str) -> Callable[[Path], list[Path]]:
    return lambda root: sorted(root.glob(pattern))


def _html(pattern: str) -> Callable[[Path], Iterator[str]]:
    return lambda root: html_paragraphs(_glob(pattern)(root))


SOURCES = (
    Source(
        "debian-reference",
        "debian-reference-zh-cn",
        "2.100",
        "6d2d8d9a646397e28b04cdff23d2e4374101ebf9be348e35961af62c8a2d0977",
        "GPL-2+",
        "Debian Reference (Osamu Aoki), Simplified Chinese translation, HTML",
        _html("usr/share/debian-reference/*.zh-cn.html"),
    ),
    Source(
        "debian-faq",
        "debian-faq-zh-cn",
        "11.1",
        "3545356b1aa04d87e91dd15e8406210cf5b4f476662e597897bcb42234591758",
        "Debian FAQ permission notice (copies and modified versions under the same notice)",
        "Debian GNU/Linux FAQ, Simplified Chinese translation, HTML",
        _html("usr/share/doc/debian/FAQ/zh-cn/*.html"),
    ),
    Source(
        "maint-guide",
        "maint-guide-zh-cn",
        "1.2.53",
        "d605b60a034f63857bc44205aed5ad7ba6e17d0d2b1ba5e79179b4e7ec4ee4bc",
        "GPL-2+",
        "Debian New Maintainers' Guide, Simplified Chinese translation, HTML",
        _html("usr/share/doc/maint-guide-zh-cn/html/*.html"),
    ),
    Source(
        "debian-edu-doc",
        "debian-edu-doc-zh-cn",
        "2.12.23~deb12u1",
        "d98fa11ea24238d38631d756ab75144c3d97dbd2a2e5a0223f2f7d8d975ecff2",
        "GPL-2+",
        "Debian Edu bookworm and bullseye manuals, Simplified Chinese translation, HTML",
        _html("usr/share/doc/debian-edu-doc-zh-cn/*.html"),
    ),
    Source(
        "manpages-zh",
        "manpages-zh",
        "1.6.4.0-1",
        "81bae29495f6445db290e3f329f1203eb19b651c2a7ea165b74ebdc853a32ac1",
        "GFDL-1.2+ (a few pages GPL-2+)",
        "Chinese manual pages project, zh_CN pages (the zh_TW pages are conversions of them)",
        lambda root: roff_paragraphs(_glob("usr/share/man/zh_CN/man*/*.gz")(root)),
    ),
    Source(
        "libreoffice-help",
        "libreoffice-help-zh-cn",
        "4:7.4.7-1+deb12u14",
        "db867cdece4c2f9c7eebe65e519c6cf386fdcf49d6e061db3dffec893b3e1dee",
        "MPL-2.0",
        "LibreOffice 7.4 help, Simplified Chinese translation, HTML",
        _html("usr/share/libreoffice/help/zh-CN/text/**/*.html"),
    ),
)


def sentences(paragraph: str) -> Iterator[str]:
    """Sentences of a paragraph; longer ones cut at commas into chunks of at most MAX_CHARS."""
    for match in SENTENCE.finditer(paragraph):
        sentence = match.group().strip()
        if len(sentence) <= MAX_CHARS:
            yield sentence
            continue
        chunk = ""
        for clause in CLAUSE.findall(sentence):
            if chunk and len(chunk) + len(clause) > MAX_CHARS:
                yield chunk.strip()
                chunk = ""
            chunk += clause
        if chunk:
            yield chunk.strip()


def is_clean(sentence: str) -> bool:
    """Right length, starts with a word, quotes and brackets balanced, no residue, mostly CJK."""
    if not MIN_CHARS <= len(sentence) <= MAX_CHARS or RESIDUE.search(sentence):
        return False
    if not (sentence[0].isalnum() or sentence[0] in OPENING):
        return False
    if any(sentence.count(a) != sentence.count(b) for a, b in PAIRS):
        return False
    visible = [ch for ch in sentence if not ch.isspace()]
    return sum(map(is_cjk, visible)) >= MIN_CJK_RATIO * len(visible)


def _digest(sentence: str) -> bytes:
    return hashlib.blake2b(sentence.encode("utf-8"), digest_size=16).digest()


def shared_digests(folder: Path) -> set[bytes]:
    """Digests of the shared corpus' sentences, split as here, so none is repeated."""
    seen: set[bytes] = set()
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            seen.update(_digest(s) for s in sentences(normalise_space(line)))
    return seen


def fetch(source: Source, downloads: Path) -> Path:
    """The pinned .deb in downloads/, fetched by apt-get (running `apt-get update` if need be)."""
    folder = downloads / source.package
    folder.mkdir(parents=True, exist_ok=True)
    found = sorted(folder.glob("*.deb"))
    if not found:
        spec = f"{source.package}={source.version}"
        if subprocess.run(["apt-get", "download", spec], cwd=folder).returncode != 0:
            subprocess.run(["apt-get", "update"], check=True)
            subprocess.run(["apt-get", "download", spec], cwd=folder, check=True)
        found = sorted(folder.glob("*.deb"))
    digest = hashlib.sha256(found[0].read_bytes()).hexdigest()
    if digest != source.sha256:
        raise SystemExit(f"{found[0]}: sha256 {digest} differs from the pinned {source.sha256}")
    return found[0]


def build(source: Source, downloads: Path, seen: set[bytes]) -> list[str]:
    archive = fetch(source, downloads)
    kept: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", str(archive), tmp], check=True)
        for paragraph in source.extract(Path(tmp)):
            for sentence in sentences(paragraph):
                key = _digest(sentence)
                if key not in seen and is_clean(sentence):
                    seen.add(key)
                    kept.append(sentence)
    return kept


def main() -> None:
    names = [s.name for s in SOURCES]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".cache/corpus")
    parser.add_argument("--sources", default=",".join(names), help=f"any of {','.join(names)}")
    parser.add_argument("--shared", type=Path, default=SHARED_DATA / "corpus")
    args = parser.parse_args()
    wanted = args.sources.split(",")
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        parser.error(f"unknown sources: {', '.join(unknown)}")

    args.out.mkdir(parents=True, exist_ok=True)
    seen = shared_digests(args.shared)
    manifest = []
    for source in (s for s in SOURCES if s.name in wanted):
        kept = build(source, args.out / "downloads", seen)
        (args.out / f"{source.name}.txt").write_text(
            "".join(f"{s}\n" for s in kept), encoding="utf-8"
        )
        manifest.append(
            {
                "name": source.name,
                "file": f"{source.name}.txt",
                "package": f"Debian bookworm {source.package}",
                "version": source.version,
                "sha256": source.sha256,
                "license": source.license,
                "origin": source.origin,
                "sentences": len(kept),
                "chars": sum(map(len, kept)),
            }
        )
    (args.out / "manifest.json").write_text(
        json.dumps({"sources": manifest}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )

    print(f"{'source':<18}{'sentences':>10}{'chars':>12}")
    for entry in manifest:
        print(f"{entry['name']:<18}{entry['sentences']:>10,}{entry['chars']:>12,}")
    total = sum(e["chars"] for e in manifest)
    print(f"{'total':<18}{sum(e['sentences'] for e in manifest):>10,}{total:>12,}")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
