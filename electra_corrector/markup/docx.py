"""Word documents (.docx; .docm, .dotx, .dotm alike): a zip of XML parts (zipped.py reads it
safely and writes it back).

The parts that hold prose are read in a fixed order: the body, then headers, footers, footnotes,
endnotes and comments (wordxml.py reads each). A paragraph is numbered through them all, from 1,
which is the line of a report. Besides what zipped.py refuses: a zip without word/document.xml,
a part with a DTD, a part that is not well-formed XML or not UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import BinaryIO, NamedTuple

from electra_corrector.markup import wordxml
from electra_corrector.markup.wordxml import Paragraph, Revision
from electra_corrector.markup.zipped import Container, ContainerError

NAME = "docx"
EXTENSIONS = (".docx", ".docm", ".dotx", ".dotm")
_PARTS = re.compile(r"word/(document|header|footer|footnotes|endnotes|comments)(\d*)\.xml")
_ORDER = ("document", "header", "footer", "footnotes", "endnotes", "comments")


class Located(NamedTuple):
    part: str  # the member's name: word/document.xml
    paragraph: Paragraph


class WordDocument:
    """A .docx's paragraphs (`paragraphs`, in report order) and the document rebuilt;
    ContainerError when `data` is none."""

    def __init__(self, data: bytes):
        self.container = Container(data, "Word document")
        names = sorted((m for m in self.container.names() if _PARTS.fullmatch(m)), key=_part_order)
        if "word/document.xml" not in names:
            raise ContainerError("not a Word document: it has no word/document.xml")
        self.parts = {}
        for name in names:
            try:
                self.parts[name] = wordxml.parse(self.container.read(name))
            except (wordxml.XmlError, UnicodeDecodeError) as e:
                raise ContainerError(f"{name}: {_why(e)}") from None
        self.paragraphs = [
            Located(name, p) for name, part in self.parts.items() for p in part.paragraphs
        ]

    def write(
        self,
        stream: BinaryIO,
        edits: Sequence[list[tuple[int, str]]],
        revision: Revision | None = None,
    ) -> None:
        """Writes the document with each paragraph's edits (offset, right character) to
        `stream`; with `revision`, as tracked changes."""
        by_part: dict[str, list] = {name: [] for name in self.parts}
        for (name, _), its in zip(self.paragraphs, edits, strict=True):
            by_part[name].append(its)
        changed = {
            name: wordxml.rewritten(self.parts[name], its, revision)
            for name, its in by_part.items()
            if any(its)
        }
        self.container.write(stream, changed)

    def first_id(self) -> int:
        """A w:id above every one the document's parts use, for new tracked changes."""
        return 1 + max(wordxml.largest_id(part.data) for part in self.parts.values())


def _part_order(name: str) -> tuple[int, int]:
    kind, number = _PARTS.fullmatch(name).groups()
    return _ORDER.index(kind), int(number or 0)


def _why(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    return str(error)
