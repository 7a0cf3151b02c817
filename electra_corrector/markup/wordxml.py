"""The prose of one WordprocessingML part (word/document.xml, a header or footer, the footnotes,
endnotes or comments) as paragraphs, and the part with corrections written back into the run
that holds each character: as they are, or as tracked changes (`<w:del>` + `<w:ins>`) that
Word, WPS and LibreOffice offer to accept or reject.

The part is never serialised again: an edit replaces the bytes of the characters it changes
(and, tracked, splits their run), so namespaces, attributes, formatting and every other run stay
byte for byte. A paragraph's text is its runs' text in order, so a word split over runs of
different formatting is read whole. Kept in the text but never edited, so that context and
offsets hold: tabs, breaks, symbols, note references, fields (codes and results), text already
inside a tracked insertion, characters written as references; a line break inside text reads as
the space Word shows. Left out: deleted text, drawings and embedded objects (text boxes among
them), math, ruby annotations. A tracked change is written in the part's own WordprocessingML
namespace whatever prefix the part uses; a run's tracked formatting change (`w:rPrChange`)
stays with each piece of the run it was on, with ids of their own, never on the changed text.

The parser refuses a DTD, so no entity can expand (an XML bomb) or fetch anything.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # Strict OOXML
)
OBJECT = "\ufffc"  # stands for what is not text: a drawing, a symbol, a note's reference

# Elements whose whole content is never read: deleted text, field codes, embedded objects,
# math, ruby annotations, a content control's properties.
_SKIPPED = {"del", "moveFrom", "delText", "instrText", "delInstrText", "rt", "sdtPr", "sdtEndPr"}
_OBJECTS = {"drawing", "pict", "object", "sym", "footnoteReference", "endnoteReference"}
_IN_RUN = {
    "tab": "\t",
    "ptab": "\t",
    "br": " ",
    "cr": " ",
    "noBreakHyphen": "-",
    **dict.fromkeys(_OBJECTS, OBJECT),
}
# From other namespaces: what holds no prose of the paragraph (math, alternative content).
_FOREIGN_SKIPPED = {"oMath", "oMathPara", "AlternateContent"}
_TAG = re.compile(rb"<[^<>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^<>\"']*)*>")
_REFERENCE = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_NAME = re.compile(rb"<([^\s/>]+)")
# A tracked formatting change inside a run's properties: never copied onto new runs.
_FORMAT_CHANGE = re.compile(rb"<([\w.-]+:)?rPrChange\b[^>]*?(?:/>|>.*?</\1rPrChange>)", re.S)
_ID = re.compile(rb':id="(-?\d+)"')


class XmlError(ValueError):
    """A part that is not well-formed XML, or holds a DTD."""


class Place(NamedTuple):
    start: int  # the character's bytes in the part
    end: int
    segment: int  # the <w:t> it is in (Part.segments)


class Segment(NamedTuple):
    """A <w:t> whose characters may be edited, and what a tracked change needs of its run."""

    open_tag: tuple[int, int]  # the bytes of its start tag
    run_tag: bytes  # its run's start tag, to reopen the run after a change
    properties: bytes  # its run's <w:rPr>...</w:rPr> (b"" without), for the changed text
    names: tuple[bytes, bytes]  # the run's and the text's tag names as written (b"w:r", b"w:t")
    namespace: bytes  # WordprocessingML's, as the part uses it (transitional or strict)


@dataclass
class Paragraph:
    parts: list[str] = field(default_factory=list, repr=False)
    places: list[Place | None] = field(default_factory=list)  # per character; None: not editable

    def add(self, text: str, place: Place | None = None) -> None:
        self.parts.append(text)
        self.places += [place] * len(text)

    @cached_property
    def text(self) -> str:  # asked once the part is read; joined once, however long
        return "".join(self.parts)


@dataclass
class Part:
    """One part's paragraphs, in document order, and the <w:t>s their characters are in."""

    data: bytes
    paragraphs: list[Paragraph]
    segments: list[Segment]


class Revision(NamedTuple):
    """Who a tracked change is from and when; `ids` gives each change its w:id."""

    author: str
    date: str  # ISO 8601, as Word writes it: 2026-12-07T10:00:00Z
    ids: Iterator[int]


def largest_id(data: bytes) -> int:
    """The largest w:id in a part (annotations share one space of ids), -1 if none."""
    return max((int(m) for m in _ID.findall(data)), default=-1)


def parse(data: bytes) -> Part:
    """The paragraphs of a part's XML `data` (UTF-8); XmlError when it is not well-formed."""
    reader = _Reader(data)
    parser = xml.parsers.expat.ParserCreate("utf-8", namespace_separator=" ")
    reader.parser = parser
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as e:
        raise XmlError(f"line {e.lineno}: {xml.parsers.expat.errors.messages[e.code]}") from None
    return Part(data, reader.paragraphs, reader.segments)


def _refuse_dtd(*args) -> None:
    raise XmlError("holds a DTD (entity declarations): refused, as no Word document has one")


class _Reader:
    """Expat's callbacks: builds the paragraphs, with each character's bytes in the part."""

    def __init__(self, data: bytes):
        self.data = data
        self.parser = None
        self.paragraphs: list[Paragraph] = []
        self.segments: list[Segment] = []
        self.open: list[Paragraph] = []  # paragraphs being read: one, unless one is nested
        self.parents: list[str] = []  # local names of the open elements read
        self.skipped = 0  # depth inside an element whose content is never read
        self.kept = 0  # depth inside a tracked insertion or a simple field: read, never edited
        self.fields = 0  # open complex fields (fldChar begin ... end): read, never edited
        self.runs: list[list[bytes]] = []  # open runs' start tags and properties (ruby nests)
        self.properties_start = -1
        self.text_start: tuple[int, int] | None = None  # the open <w:t>'s start tag

    def _tag_end(self, start: int) -> int:
        return _TAG.match(self.data, start).end()

    def start(self, name: str, attributes: dict) -> None:
        if self.skipped:
            self.skipped += 1
            return
        namespace, _, local = name.rpartition(" ")
        at = self.parser.CurrentByteIndex
        parent = self.parents[-1] if self.parents else ""
        if namespace not in NAMESPACES:
            if local in _FOREIGN_SKIPPED:
                self._object(parent)
                self.skipped = 1
            else:
                self.parents.append("")
            return
        if local in _SKIPPED or (local in _OBJECTS and parent == "r"):
            if local in _OBJECTS:
                self._object(parent)
            self.skipped = 1
            return
        self.parents.append(local)
        if local == "p":
            self.open.append(Paragraph())
        elif local in ("ins", "moveTo", "fldSimple"):
            self.kept += 1
        elif local == "r":
            self.runs.append([self.data[at : self._tag_end(at)], b""])
        elif local == "rPr" and parent == "r":
            self.properties_start = at
        elif local == "t" and parent == "r":
            self.text_start = (at, self._tag_end(at))
            self.namespace = namespace.encode()
        elif local == "fldChar":
            kind = attributes.get(f"{namespace} fldCharType")
            self.fields = (
                self.fields + 1 if kind == "begin" else max(0, self.fields - (kind == "end"))
            )
        elif local in _IN_RUN and parent == "r" and self.open:
            self.open[-1].add(_IN_RUN[local])

    def _object(self, parent: str) -> None:
        if self.open and parent in ("r", "p", "hyperlink"):
            self.open[-1].add(OBJECT)

    def end(self, name: str) -> None:
        if self.skipped:
            self.skipped -= 1
            return
        local = self.parents.pop()
        at = self.parser.CurrentByteIndex
        if local == "p" and self.open:
            self.paragraphs.append(self.open.pop())
        elif local in ("ins", "moveTo", "fldSimple"):
            self.kept -= 1
        elif local == "rPr" and self.parents[-1:] == ["r"] and self.properties_start >= 0:
            self.runs[-1][1] = self.data[self.properties_start : self._tag_end(at)]
            self.properties_start = -1
        elif local == "r" and self.runs:
            self.runs.pop()
        elif local == "t" and self.text_start is not None:
            self._text(self.text_start, at)
            self.text_start = None

    def _text(self, open_tag: tuple[int, int], close: int) -> None:
        """The characters of a <w:t> whose content lies in the part's bytes up to `close`."""
        if not self.open or not self.runs:
            return
        paragraph, (tag_start, content) = self.open[-1], open_tag
        if self.data[content - 2 : content] == b"/>":
            return  # <w:t/>: nothing in it
        raw = self.data[content:close].decode("utf-8")
        if "<" in raw:  # a CDATA section: read it, never edit it
            paragraph.add(raw.replace("<![CDATA[", "").replace("]]>", ""))
            return
        editable = not (self.kept or self.fields)
        if editable:
            run_tag, properties = self.runs[-1]
            names = (_NAME.match(run_tag).group(1), _NAME.match(self.data, tag_start).group(1))
            self.segments.append(Segment(open_tag, run_tag, properties, names, self.namespace))
        segment, at, i = len(self.segments) - 1, content, 0
        while i < len(raw):
            char, width = raw[i], 1
            if char == "&":
                width = raw.index(";", i) - i + 1
                char = _unreferenced(raw[i : i + width])
            elif char in "\r\n":  # a line break in XML text is a space to Word
                width = 1 + (raw[i : i + 2] == "\r\n")
                char = " "
            size = len(raw[i : i + width].encode("utf-8"))
            # A character written as a reference stays as written (docs/documents.md).
            place = Place(at, at + size, segment) if editable and width == 1 else None
            paragraph.add(char, place)
            at, i = at + size, i + width


def _unreferenced(reference: str) -> str:
    name = _REFERENCE.fullmatch(reference).group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _NAMED[name]


def rewritten(
    part: Part, edits: list[list[tuple[int, str]]], revision: Revision | None = None
) -> bytes:
    """The part with each paragraph's edits, (offset in its text, the right character), written
    into its runs; with `revision`, each stretch of adjacent edited characters in one <w:t> as
    one tracked change. An edit of a character that is not editable is an error (ValueError)."""
    changes: dict[tuple[int, int], bytes] = {}  # (start, end) -> new bytes
    for paragraph, its in zip(part.paragraphs, edits, strict=True):
        for group in _stretches(paragraph, its):
            changes.update(_changed(part, group, revision))
    out, last = [], 0
    for (start, end), new in sorted(changes.items()):
        out += [part.data[last:start], new]
        last = end
    out.append(part.data[last:])
    return b"".join(out)


def _stretches(
    paragraph: Paragraph, edits: list[tuple[int, str]]
) -> Iterator[list[tuple[Place, str]]]:
    """The edits as runs of adjacent characters of one <w:t>."""
    group: list[tuple[Place, str]] = []
    for offset, right in sorted(edits):
        place = paragraph.places[offset]
        if place is None:
            raise ValueError(f"character {offset} of a paragraph is not editable")
        if group and not (
            group[-1][0].segment == place.segment and group[-1][0].end == place.start
        ):
            yield group
            group = []
        group.append((place, right))
    if group:
        yield group


def _changed(
    part: Part, group: list[tuple[Place, str]], revision: Revision | None
) -> dict[tuple[int, int], bytes]:
    start, end = group[0][0].start, group[-1][0].end
    right = escape("".join(r for _, r in group)).encode("utf-8")
    if revision is None:
        return {(start, end): right}
    segment = part.segments[group[0][0].segment]
    run, text = segment.names
    # The revisions are written with the prefix w:, declared where the part uses another.
    declared = b"" if (run, text) == (b"w:r", b"w:t") else b' xmlns:w="%s"' % segment.namespace
    kept = _FORMAT_CHANGE.sub(b"", segment.properties)  # the new runs' formatting as it is now
    reopened = _ID.sub(lambda _: b':id="%d"' % next(revision.ids), segment.properties)
    who = f'w:author={quoteattr(revision.author)} w:date="{revision.date}"'.encode()
    wrong = part.data[start:end]
    deleted, inserted = next(revision.ids), next(revision.ids)
    preserved = b' xml:space="preserve">'
    new = b"".join(
        [
            b"</%s></%s>" % (text, run),  # the run so far ends; the change; the run goes on
            b'<w:del%s w:id="%d" %s><w:r>%s' % (declared, deleted, who, kept),
            b"<w:delText%s%s</w:delText></w:r></w:del>" % (preserved, wrong),
            b'<w:ins%s w:id="%d" %s><w:r>%s' % (declared, inserted, who, kept),
            b"<w:t%s%s</w:t></w:r></w:ins>" % (preserved, right),
            segment.run_tag,
            reopened,
            b"<%s%s" % (text, preserved),
        ]
    )
    return {(start, end): new, **_preserving(part, segment)}


def _preserving(part: Part, segment: Segment) -> dict[tuple[int, int], bytes]:
    """The <w:t> start tag with xml:space="preserve", once its text is split (a space at either
    end of a piece would otherwise be dropped); nothing when it has it."""
    a, b = segment.open_tag
    tag = part.data[a:b]
    if b"xml:space" in tag:
        return {}
    return {(a, b): tag[:-1] + b' xml:space="preserve">'}
