"""EPUB books: a zip (zipped.py reads it safely) whose XHTML content documents are HTML
(html.py finds their prose). They are read in the zip's order, as UTF-8; everything else in the
book (the package file, the table of contents, styles, images) is never read and comes back as
it was. Besides what zipped.py refuses: a zip without EPUB's `mimetype` member, a content
document that is not UTF-8. No entity is ever expanded: the HTML scanner reads references as
written.
"""

from __future__ import annotations

from typing import BinaryIO

from electra_corrector.markup.zipped import Container, ContainerError

NAME = "epub"
EXTENSIONS = (".epub",)
_CONTENT = (".xhtml", ".html", ".htm")
_MIMETYPE = b"application/epub+zip"


class Book:
    """A book's content documents, `documents`: (member name, its text), in order."""

    def __init__(self, data: bytes):
        self.container = Container(data, "EPUB book")
        names = self.container.names()
        if "mimetype" not in names or self.container.read("mimetype").strip() != _MIMETYPE:
            raise ContainerError("not an EPUB book: no mimetype member saying application/epub+zip")
        self.documents = []
        for name in names:
            if name.lower().endswith(_CONTENT):
                try:
                    self.documents.append((name, self.container.read(name).decode("utf-8")))
                except UnicodeDecodeError as e:
                    raise ContainerError(f"{name}: not UTF-8 text (byte {e.start})") from None

    def write(self, stream: BinaryIO, texts: dict[str, str]) -> None:
        """Writes the book with the content documents `texts` names replaced by those texts."""
        self.container.write(stream, {name: text.encode("utf-8") for name, text in texts.items()})
