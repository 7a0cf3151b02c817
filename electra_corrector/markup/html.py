"""HTML and XHTML: only text and the values of `alt` and `title` attributes are prose. Tags,
other attributes, comments, character references and the content of <script>, <style>,
<code>, <pre>, <kbd>, <samp>, <var>, <textarea> and <tt> are never edited.

The standard library's parser reads the document (it says where each event starts, so text
and tags are placed exactly); text it cannot place, or that holds a `<` (an unterminated tag
it hands back as data), is left alone.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from electra_corrector.markup.masking import Range
from electra_corrector.markup.spans import document_of, protected_by_line

NAME = "html"
EXTENSIONS = (".html", ".htm", ".xhtml")
_VERBATIM = {"script", "style", "code", "pre", "kbd", "samp", "var", "textarea", "tt"}
# An attribute whose value is prose, and where its value starts and ends inside the tag.
_PROSE_ATTRIBUTE = re.compile(r"""\s(?:alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


class _Prose(HTMLParser):
    def __init__(self, document: str):
        super().__init__(convert_charrefs=False)  # references reach handlers on their own
        self.document = document
        # getpos() counts lines at "\n" only (not at the other breaks splitlines knows)
        self._starts = [0, *(m.end() for m in re.finditer("\n", document))]
        self.free: list[Range] = []
        self._verbatim = 0  # how many elements whose content is code are open

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        self._attributes()
        if tag in _VERBATIM:
            self._verbatim += 1

    def handle_startendtag(self, tag, attrs):
        self._attributes()

    def handle_endtag(self, tag):
        if tag in _VERBATIM and self._verbatim:
            self._verbatim -= 1

    def handle_data(self, data):
        start = self._offset()
        if self._verbatim or "<" in data or self.document[start : start + len(data)] != data:
            return
        self.free.append((start, start + len(data)))

    def _attributes(self) -> None:
        raw, start = self.get_starttag_text() or "", self._offset()
        if self.document[start : start + len(raw)] != raw:
            return
        for match in _PROSE_ATTRIBUTE.finditer(raw):
            group = 1 if match.group(1) is not None else 2
            a, b = match.span(group)
            value = raw[a:b]
            # A value with references keeps them: only the stretches between them are prose.
            for piece in re.finditer(r"[^&]+|&[^;\s]*;?", value):
                if not piece.group().startswith("&"):
                    self.free.append((start + a + piece.start(), start + a + piece.end()))


def protected_lines(bodies: list[str]) -> list[list[Range]]:
    document = document_of(bodies)
    parser = _Prose(document)
    try:
        parser.feed(document)
        # close() would hand an unterminated tag back as text: what was read is enough
    except (AssertionError, ValueError):  # the parser gave up: nothing of it is prose
        return protected_by_line(bodies, [])
    return protected_by_line(bodies, parser.free)
