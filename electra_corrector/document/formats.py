"""Document formats: how a kind of document becomes the units to check, and comes back.

A unit is one line of a text document: its text, the spans of it that are never edited, and
the pieces of it the corrector reads alone. A format yields a document's units in order
(`units`) and rebuilds the document from their corrections (`rebuilt`), everything but the
edited characters as it was, byte for byte once encoded as the input was.

The text formats are plain text, Markdown, reStructuredText, source code (any language
Pygments knows), HTML, subtitles (SRT, WebVTT, ASS/SSA), LaTeX and Jupyter notebooks: they
differ in what they protect (markup/). In source code each comment and string is read alone;
in HTML, subtitles, LaTeX and notebooks a line's prose is read as one text with its markup
left out, so that a word split by a tag is still seen whole. Plain text, Markdown and rST are
scanned a line at a time, so a stream's first line is answered before the second arrives;
source code is lexed whole (`whole`), so its units come once every line is read.

A Word document (`DocxFormat`) or an EPUB book (`EpubFormat`) is no text: it is read whole
from its bytes (`binary`), each paragraph (a book: each line of its content documents, as HTML)
a unit, and its corrected form is the document again, written by `output`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import BinaryIO, NamedTuple

from electra_corrector.engine.result import Correction, Proposal
from electra_corrector.markup import code, docx, epub, html, masking, syntax
from electra_corrector.markup.masking import Range
from electra_corrector.markup.spans import complement
from electra_corrector.markup.wordxml import Revision
from electra_corrector.markup.zipped import ContainerError
from electra_corrector.textio.files import LineReader, TextError, split_line_ending

MAX_DOCUMENT = 1024 * 1024 * 1024  # bytes of a Word document read into memory


class Line(NamedTuple):
    number: int  # from 1
    body: str  # without its ending: the corrector sees only the sentence
    ending: str  # "\n", "\r\n" or "" (a last line without one)
    size: int = 0  # bytes it took in the input, for a progress bar


class Unit(NamedTuple):
    """A line as the corrector reads it."""

    line: Line
    protected: list[Range]  # spans of the body never edited
    pieces: list[Range] | None  # corrected each alone (source code); None: the whole body
    joined: bool = False  # the pieces are read as one text (prose split by markup)

    @property
    def texts(self) -> list[str]:
        """What the corrector reads of this unit, in order."""
        return masking.texts_of(self.line.body, self.pieces, self.joined)

    def assembled(self, corrections: list[Correction]) -> Correction:
        """The unit's correction from those of its texts: offsets in its line, none of its
        edits inside its protected spans."""
        body = self.line.body
        if self.joined and corrections:  # without pieces there is no text, as in code
            return masking.unjoined(body, self.pieces, corrections[0])
        return masking.reassembled(body, self.protected, self.pieces, corrections)

    def placed(self, found: list[list[Proposal]]) -> list[Proposal]:
        """The proposals for each of its texts, at their offsets in its line."""
        if self.joined:
            place = masking.joined_offset
            return [p._replace(offset=place(self.pieces, p.offset)) for ps in found for p in ps]
        starts = [0] if self.pieces is None else [start for start, _ in self.pieces]
        return [
            p._replace(offset=p.offset + s) for s, ps in zip(starts, found, strict=True) for p in ps
        ]


class TextFormat:
    """A document of lines, scanned by the syntax `name` (markup/syntax.py)."""

    binary = False

    def __init__(self, name: str, strings: bool = True):
        self.name = name
        self.strings = strings  # source code: its string literals are checked too
        self.whole = syntax.whole_document(name)  # needs every line before the first unit
        self.joined = syntax.joined(name)

    def units(self, lines: Iterable[Line]) -> Iterator[Unit]:
        if self.whole:
            lines = list(lines)
            scan = syntax.scanner(self.name, [line.body for line in lines], self.strings)
        else:
            scan = syntax.scanner(self.name)
        for line in lines:
            protected = scan(line.body)
            pieces = masking.pieces(line.body, protected) if self.whole else None
            yield Unit(line, protected, pieces, self.joined)

    def rebuilt(self, units: Sequence[Unit], corrections: Sequence[Correction]) -> str:
        """The document with each unit's correction in its place."""
        return "".join(c.text + u.line.ending for u, c in zip(units, corrections, strict=True))


class DocxFormat:
    """A Word document (markup/docx.py): a paragraph is a unit, numbered through the body,
    headers, footers, notes and comments; its tabs, fields, objects and tracked text are
    protected. `track_changes`, an author's name, writes corrections as tracked changes."""

    binary = True
    whole = True
    name = docx.NAME

    def __init__(self, track_changes: str | None = None):
        self.track_changes = track_changes
        self.document: docx.WordDocument | None = None

    def lines(self, stream: BinaryIO) -> list[Line]:
        """The paragraphs of the document `stream` holds; TextError when it is not one."""
        data = _contents(stream)
        self.document = _opened(docx.WordDocument, data)
        found = self.document.paragraphs
        return [
            Line(n, p.text, "\n", len(data) if n == len(found) else 0)
            for n, (_, p) in enumerate(found, 1)
        ]

    def units(self, lines: Iterable[Line]) -> Iterator[Unit]:
        for line, (_, paragraph) in zip(lines, self.document.paragraphs, strict=True):
            editable = [(i, i + 1) for i, place in enumerate(paragraph.places) if place]
            yield Unit(line, complement(editable, len(line.body)), None)

    def output(self, stream: BinaryIO) -> DocumentOutput:
        return DocumentOutput(self, stream)

    def write(self, stream: BinaryIO, corrections: Sequence[Correction]) -> None:
        """Writes the document with each paragraph's correction to `stream`."""
        revision = None
        if self.track_changes is not None:
            now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            ids = itertools.count(self.document.first_id())
            revision = Revision(self.track_changes, now, ids)
        edits = [[(e.offset, e.right) for e in c.edits] for c in corrections]
        self.document.write(stream, edits, revision)


class EpubFormat:
    """An EPUB book (markup/epub.py): the lines of its content documents, each read as HTML,
    numbered through the book in order."""

    binary = True
    whole = True
    name = epub.NAME

    def __init__(self):
        self.book: epub.Book | None = None
        self._lines: list[tuple[str, list[Line]]] = []  # each document's name and lines

    def lines(self, stream: BinaryIO) -> list[Line]:
        """The lines of the book's content documents; TextError when `stream` holds no book."""
        data = _contents(stream)
        self.book, before = _opened(epub.Book, data), 0
        for name, text in self.book.documents:
            its = [line._replace(number=before + line.number) for line in lines_of(text)]
            self._lines.append((name, its))
            before += len(its)
        every = [line for _, its in self._lines for line in its]
        if every:
            every[-1] = every[-1]._replace(size=len(data))
        return every

    def units(self, lines: Iterable[Line]) -> Iterator[Unit]:
        lines = iter(lines)
        for _, its in self._lines:
            yield from TextFormat(html.NAME).units([next(lines) for _ in its])

    def write(self, stream: BinaryIO, corrections: Sequence[Correction]) -> None:
        """Writes the book with each line's correction to `stream`."""
        done, texts = iter(corrections), {}
        for name, its in self._lines:
            mine = [next(done) for _ in its]
            if any(c.edits for c in mine):
                texts[name] = "".join(c.text + x.ending for c, x in zip(mine, its, strict=True))
        self.book.write(stream, texts)

    def output(self, stream: BinaryIO) -> DocumentOutput:
        return DocumentOutput(self, stream)


def _contents(stream: BinaryIO) -> bytes:
    data = stream.read(MAX_DOCUMENT + 1)
    if len(data) > MAX_DOCUMENT:
        raise TextError(f"larger than {MAX_DOCUMENT >> 20} MiB: not read")
    return data


def _opened(kind, data: bytes):
    try:
        return kind(data)
    except ContainerError as e:
        raise TextError(str(e)) from None


class DocumentOutput:
    """A LineOutput (render.py) for a Word document or a book: the corrected one, written whole
    once its last paragraph is corrected."""

    def __init__(self, fmt: DocxFormat | EpubFormat, stream: BinaryIO):
        self._format, self._stream, self._corrections = fmt, stream, []

    def write(self, correction: Correction, ending: str, number: int) -> None:
        self._corrections.append(correction)

    def finish(self) -> None:
        self._format.write(self._stream, self._corrections)
        self._stream.flush()


# The formats read as bytes, by syntax name, each made from the run's track_changes author.
BINARY_FORMATS: dict[str, Callable[[str | None], DocxFormat | EpubFormat]] = {
    docx.NAME: DocxFormat,
    epub.NAME: lambda track_changes: EpubFormat(),
}


def format_for(
    name: str | None,
    choice: str = "auto",
    test_strings: bool = True,
    track_changes: str | None = None,
) -> TextFormat | DocxFormat | EpubFormat:
    """The format of the document `name` (a file name; None for an unnamed text or stdin):
    `choice` (a syntax.SYNTAXES choice or a Pygments language), "auto" going by the name.
    `test_strings` False leaves the string literals of a test's source file alone (they hold
    typos on purpose): a run that writes passes it, one that reports does not.
    `track_changes`, an author's name, writes a Word document's corrections as tracked
    changes."""
    chosen = syntax.syntax_of(name, choice)
    if chosen in BINARY_FORMATS:
        return BINARY_FORMATS[chosen](track_changes)
    strings = test_strings or not (name and code.is_test_file(name))
    return TextFormat(chosen, strings)


def is_binary(name: str | None, choice: str = "auto") -> bool:
    """Whether the document `name` is read as bytes, not text (a Word document, a book)."""
    return syntax.syntax_of(name, choice) in BINARY_FORMATS


def lines_read(reader: LineReader) -> Iterator[Line]:
    """The lines `reader` decodes, with the bytes each took."""
    before = 0
    for text in reader:
        body, ending = split_line_ending(text)
        size, before = reader.bytes_read - before, reader.bytes_read
        yield Line(reader.line_number, body, ending, size)


def lines_of(text: str) -> list[Line]:
    """A text's lines as a file of it is read: split after each "\\n"."""
    texts = text.split("\n")
    last = texts.pop()
    lines = [Line(n, *split_line_ending(t + "\n")) for n, t in enumerate(texts, 1)]
    return [*lines, Line(len(lines) + 1, last, "")] if last else lines
