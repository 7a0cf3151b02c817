"""Word documents (.docx; .docm, .dotx, .dotm alike): a zip of XML parts, read safely, and
written back with only the edited parts changed.

The parts that hold prose are read in a fixed order: the body, then headers, footers, footnotes,
endnotes and comments (wordxml.py reads each). A paragraph is numbered through them all, from 1,
which is the line of a report. The document comes back with every member in its place and
order: unedited members' bytes as they were, edited parts changed only in the edited
characters; a document without edits is the input's bytes.

Refused, with a one-line reason and nothing written: a file that is no zip or a damaged one,
a member's name that leads outside the document (`../x`, `/x`, `C:x`) or comes twice, encrypted
members, members that inflate past MAX_MEMBER (a zip bomb), a part with a DTD, a part that is
not well-formed XML.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import BinaryIO, NamedTuple

from electra_corrector.markup import wordxml
from electra_corrector.markup.wordxml import Paragraph, Revision

NAME = "docx"
EXTENSIONS = (".docx", ".docm", ".dotx", ".dotm")
MAX_MEMBER = 512 * 1024 * 1024  # bytes a member may inflate to
_PARTS = re.compile(r"word/(document|header|footer|footnotes|endnotes|comments)(\d*)\.xml")
_ORDER = ("document", "header", "footer", "footnotes", "endnotes", "comments")


class DocumentError(ValueError):
    """A file that cannot be read as a Word document; says why in one line."""


class Located(NamedTuple):
    part: str  # the member's name: word/document.xml
    paragraph: Paragraph


class WordDocument:
    """A .docx's paragraphs (`paragraphs`, in report order) and the document rebuilt."""

    def __init__(self, data: bytes):
        self.data = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self._check_members()
            damaged = self.zip.testzip()  # every member's CRC, before anything is written
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as e:
            raise DocumentError(f"not a readable Word document (a damaged zip: {e})") from None
        if damaged is not None:
            raise DocumentError(f"{damaged}: damaged (its checksum does not match)")
        names = sorted((m for m in self.zip.namelist() if _PARTS.fullmatch(m)), key=_part_order)
        if "word/document.xml" not in names:
            raise DocumentError("not a Word document: it has no word/document.xml")
        self.parts = {}
        for name in names:
            try:
                self.parts[name] = wordxml.parse(self._member(name))
            except (wordxml.XmlError, UnicodeDecodeError) as e:
                raise DocumentError(f"{name}: {_why(e)}") from None
        self.paragraphs = [
            Located(name, p) for name, part in self.parts.items() for p in part.paragraphs
        ]

    def _check_members(self) -> None:
        seen = set()
        for info in self.zip.infolist():
            name = info.filename
            path = PurePosixPath(name)
            if path.is_absolute() or ".." in path.parts or "\\" in name or ":" in name:
                raise DocumentError(f"a member's name leads outside the document: {name!r}")
            if name in seen:
                raise DocumentError(f"the member {name!r} comes twice")
            seen.add(name)
            if info.flag_bits & 0x1:
                raise DocumentError(f"{name} is encrypted")
            if info.file_size > MAX_MEMBER:
                raise DocumentError(f"{name} inflates to {info.file_size} bytes (a zip bomb?)")

    def _member(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as e:
            raise DocumentError(f"{name}: damaged ({e})") from None

    def write(
        self,
        stream: BinaryIO,
        edits: Sequence[list[tuple[int, str]]],
        revision: Revision | None = None,
    ) -> None:
        """Writes the document with each paragraph's edits (offset, right character) to
        `stream`; with `revision`, as tracked changes."""
        if not any(edits):
            stream.write(self.data)
            return
        by_part: dict[str, list] = {name: [] for name in self.parts}
        for (name, _), its in zip(self.paragraphs, edits, strict=True):
            by_part[name].append(its)
        changed = {
            name: wordxml.rewritten(self.parts[name], its, revision)
            for name, its in by_part.items()
            if any(its)
        }
        with zipfile.ZipFile(stream, "w") as out:
            out.comment = self.zip.comment
            for info in self.zip.infolist():
                kept = _copied_info(info)
                if info.filename in changed:
                    out.writestr(kept, changed[info.filename])
                    continue
                with self.zip.open(info) as source, out.open(kept, "w") as target:
                    shutil.copyfileobj(source, target)

    def first_id(self) -> int:
        """A w:id above every one the document's parts use, for new tracked changes."""
        return 1 + max(wordxml.largest_id(part.data) for part in self.parts.values())


def _copied_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A member's entry as it was: name, time, compression, attributes, comment."""
    kept = zipfile.ZipInfo(info.filename, info.date_time)
    kept.compress_type = info.compress_type
    kept.comment = info.comment
    kept.external_attr = info.external_attr
    kept.internal_attr = info.internal_attr
    kept.create_system = info.create_system
    return kept


def _part_order(name: str) -> tuple[int, int]:
    kind, number = _PARTS.fullmatch(name).groups()
    return _ORDER.index(kind), int(number or 0)


def _why(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    return str(error)
