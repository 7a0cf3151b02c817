"""Markup that must never be edited in Markdown and reStructuredText: code (fenced, indented,
literal blocks, inline), link targets, URLs, e-mail addresses, HTML tags and comments.

The corrector works a line at a time, so each syntax is a scanner fed the lines of one document
in order: it keeps what spans lines (an open fence, an HTML comment, a literal block) and returns
the spans of each line that must not be edited (see masking.py). When in doubt, it protects: a
missed correction costs less than a changed code sample. Code is found inside list items and
block quotes, nested in any order, and a lone CR ends a line as LF does. URLs and e-mail
addresses are found as the engine finds them (engine/protect.py). Not recognised: a code span
or link that continues onto the next line.

Source code (code.py) and inline ignores (ignores.py) are span sources of their own, combined
with these by scanner().
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from electra_corrector.engine.protect import RunPattern, address_ranges
from electra_corrector.markup import code, docx, epub, html, ignores, latex, notebook, subtitles
from electra_corrector.markup.masking import Range
from electra_corrector.markup.spans import answering

# Documents whose prose is found over the whole file (each a module of markup/), their units
# read as one text each, markup left out (document/formats.py).
_DOCUMENTS = {
    html.NAME: html.protected_lines,
    **subtitles.SCANNERS,
    "latex": latex.protected_lines,
    "ipynb": notebook.protected_lines,
}
# A Word document or a book is read from its bytes, not as lines (document/formats.py).
SYNTAXES = (
    "auto",
    "text",
    "markdown",
    "rst",
    *_DOCUMENTS,
    docx.NAME,
    epub.NAME,
    code.CODE,
)  # or a Pygments lexer
_OWN = ("text", "markdown", "rst")
_EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".rst": "rst",
    **dict.fromkeys(html.EXTENSIONS, html.NAME),
    **subtitles.EXTENSIONS,
    **dict.fromkeys(latex.EXTENSIONS, "latex"),
    **dict.fromkeys(notebook.EXTENSIONS, "ipynb"),
    **dict.fromkeys(docx.EXTENSIONS, docx.NAME),
    **dict.fromkeys(epub.EXTENSIONS, epub.NAME),
}

Scanner = Callable[[str], list[Range]]  # a line without its ending -> its protected spans


def syntax_of(name: str | None, choice: str = "auto") -> str:
    """The syntax to scan a file with: `choice`, or for "auto" the one its file name names: one
    of _OWN, or a Pygments lexer's name for source code ("code" guesses from the text)."""
    if choice == code.CODE and name:
        return code.lexer_for_file(name, markup_too=True) or code.CODE
    if choice != "auto":
        return choice
    if not name:
        return "text"
    return _EXTENSIONS.get(PurePath(name).suffix.lower()) or code.lexer_for_file(name) or "text"


def whole_document(syntax: str) -> bool:
    """Whether the scanner needs all lines of a document up front (a lexer does)."""
    return syntax not in _OWN


def joined(syntax: str) -> bool:
    """Whether a line's prose is read as one text, its markup left out (HTML, subtitles,
    LaTeX, notebooks: a word may be split by a tag), rather than each piece alone (code)."""
    return syntax in _DOCUMENTS


def scanner(syntax: str, lines: list[str] | None = None, strings: bool = True) -> Scanner:
    """A fresh scanner for one document; for source code (whole_document), `lines` are all of
    its lines without their endings, to be scanned again one by one in order, and `strings`
    False leaves its string literals alone."""
    if syntax in _DOCUMENTS:
        return ignores.ignoring(answering(_DOCUMENTS[syntax](lines or [])))
    if whole_document(syntax):
        return code.CodeScanner(lines or [], syntax, strings).line
    if syntax == "markdown":
        return ignores.ignoring(_each_line(_Markdown().line))
    if syntax == "rst":
        return ignores.ignoring(_each_line(_Rst().line))
    return ignores.ignoring(None)


def _each_line(scan: Scanner) -> Scanner:
    """Lines are read at "\n", so a lone "\r" (a CR-only file is one long line) ends a line
    inside what was read: each piece is scanned as the line it is."""

    def line(text: str) -> list[Range]:
        if "\r" not in text:
            return scan(text)
        spans, start = [], 0
        for piece in text.split("\r"):
            spans += [(start + a, start + b) for a, b in scan(piece)]
            start += len(piece) + 1
        return spans

    return line


def protected_ranges(document: str, syntax: str) -> list[Range]:
    """The spans of a whole document (offsets into `document`) that must not be edited."""
    lines = document.splitlines(keepends=True)
    scan, spans, start = scanner(syntax, [line.rstrip("\r\n") for line in lines]), [], 0
    for line in lines:
        body = line.rstrip("\r\n")
        spans += [(start + a, start + b) for a, b in scan(body)]
        start += len(line)
    return spans


def _closing_backticks(line: str, start: int, count: int) -> int:
    """The end of the run of exactly `count` backticks that closes a code span, or -1."""
    match = re.compile(f"(?<!`)`{{{count}}}(?!`)").search(line, start)
    return match.end() if match else -1


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def _skip_columns(line: str, columns: int) -> int:
    """Where the line's content starts once `columns` columns of indentation are removed."""
    for i, char in enumerate(line):
        if char not in " \t" or len(line[: i + 1].expandtabs(4)) > columns:
            return i
        if len(line[: i + 1].expandtabs(4)) == columns:
            return i + 1
    return len(line)


_FENCE = re.compile(r" {0,3}(`{3,}(?!.*`)|~{3,})")
_QUOTE = re.compile(r" {0,3}>[ \t]?")
_ITEM = re.compile(r" {0,3}([-*+]|\d{1,9}[.)])([ \t]+|$)")
_BREAK = re.compile(r" {0,3}([-*_])[ \t]*(\1[ \t]*){2,}$")  # --- or * * *: a rule, not an item
_HTML_BLOCK = re.compile(r" {0,3}<(pre|script|style|textarea)\b", re.IGNORECASE)
_HEADING = re.compile(r" {0,3}#{1,6}(\s|$)")
_REFERENCE = re.compile(r" {0,3}\[[^\]]+\]:\s*\S")
_MD_INLINE = re.compile(
    r"(?P<code>`+)|(?P<comment><!--)"
    r"|(?P<auto><[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|<[^\s@<>]+@[^\s@<>]+>)"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)"
    r"|(?P<target>\]\(|\]\[)"
)


class _Markdown:
    """Leaf blocks (fences, indented code, HTML blocks) are found inside their containers,
    block quotes (`> `) and list items, whose markers and indentation are stripped first."""

    def __init__(self):
        self.fence: str | None = None  # the open fence's characters
        self.fence_depth = 0  # how many containers the open fence is inside
        self.block_end: str | None = None  # the closing tag of an open <pre>, <script>, ...
        self.comment = False  # inside <!-- ... -->
        self.paragraph = False  # an indented line continues a paragraph, else it is code
        self.containers: list[int | None] = []  # None: a block quote; n: a list item's column

    def line(self, text: str) -> list[Range]:
        whole = [(0, len(text))]
        paragraph, self.paragraph = self.paragraph, False
        kept, start = self._continued(text)
        if self.fence is not None:
            if kept >= self.fence_depth:
                close = re.fullmatch(r" {0,3}(`+|~+)\s*", text[start:])
                fence = close.group(1) if close else ""
                if fence[:1] == self.fence[0] and len(fence) >= len(self.fence):
                    self.fence = None
                return whole
            self.fence = None  # its container ended, and the fence with it
        del self.containers[kept:]
        if self.block_end is not None:
            if self.block_end in text.lower():
                self.block_end = None
            return whole
        if self.comment:
            return self._inline(text)
        opened = self._open(text, start)
        start, paragraph = opened or start, paragraph and not opened
        leaf = text[start:]
        if not leaf.strip():
            return []
        if _indent(leaf) >= 4 and not paragraph:
            return whole
        fence = _FENCE.match(leaf)
        if fence:
            self.fence, self.fence_depth = fence.group(1), len(self.containers)
            return whole
        block = _HTML_BLOCK.match(leaf)
        if block:
            end = f"</{block.group(1).lower()}>"
            if end not in leaf.lower()[block.end() :]:
                self.block_end = end
            return whole
        if _REFERENCE.match(leaf):
            return whole
        self.paragraph = not _HEADING.match(leaf)
        return [(start + a, start + b) for a, b in self._inline(leaf)]

    def _continued(self, text: str) -> tuple[int, int]:
        """How many of the open containers the line continues, and where their markers end."""
        start = 0
        for kept, column in enumerate(self.containers):
            rest = text[start:]
            if column is None:
                marker = _QUOTE.match(text, start)
                if marker is None:
                    return kept, start
                start = marker.end()
            elif rest.strip() and _indent(rest) < column:
                return kept, start
            else:
                start += _skip_columns(rest, column)
        return len(self.containers), start

    def _open(self, text: str, start: int) -> int | None:
        """Opens the block quotes and list items whose markers start at `start`; returns where
        the content after them starts, or None if there are none."""
        opened = None
        while True:
            if (quote := _QUOTE.match(text, start)) is not None:
                self.containers.append(None)
                start = quote.end()
            elif (item := _ITEM.match(text, start)) is not None and not _BREAK.match(text, start):
                spaces = item.group(2).expandtabs(4)
                if not spaces or len(spaces) > 4:  # empty, or indented code after the marker
                    self.containers.append(len(text[start : item.end(1)]) + 1)
                    return min(item.end(1) + 1, len(text))
                self.containers.append(len(text[start : item.end()].expandtabs(4)))
                start = item.end()
            else:
                return opened
            opened = start

    def _inline(self, text: str) -> list[Range]:
        spans: list[Range] = []
        position = 0
        if self.comment:
            end = text.find("-->")
            if end < 0:
                return [(0, len(text))]
            self.comment = False
            position = end + 3
            spans.append((0, position))
        while (match := _MD_INLINE.search(text, position)) is not None:
            kind, start, end = match.lastgroup, match.start(), match.end()
            if kind == "code":  # an unclosed run of backticks is literal text
                close = _closing_backticks(text, end, len(match.group()))
                if close > 0:
                    spans.append((start, close))
                    end = close
            elif kind == "comment":
                close = text.find("-->", end)
                self.comment = close < 0
                end = len(text) if close < 0 else close + 3
                spans.append((start, end))
            elif kind in ("auto", "tag"):
                spans.append((start, end))
            else:
                end = _link_target_end(text, end, ")" if match.group() == "](" else "]")
                spans.append((start + 1, end))
            position = end
        spans += address_ranges(text)  # a URL inside code is protected twice: harmless
        return spans


def _link_target_end(text: str, start: int, closer: str) -> int:
    """The end of a link target or label that starts at `start`, after its closing bracket."""
    if closer == ")" and text.startswith("<", start):
        end = text.find(">", start)
        return len(text) if end < 0 else end + 1
    depth = 0
    for i in range(start, len(text)):
        char = text[i]
        if char == "\\":
            continue
        if char == "(" and closer == ")":
            depth += 1
        elif char == closer:
            if depth == 0:
                return i + 1
            depth -= 1
    return len(text)  # unclosed: protect the rest rather than guess


_DIRECTIVE = re.compile(r"\s*\.\.\s+(?:\|[^|]+\|\s+)?([\w:-]+)::")
_CODE_DIRECTIVES = {
    "code",
    "code-block",
    "sourcecode",
    "literalinclude",
    "math",
    "raw",
    "highlight",
}
_RST_INLINE = RunPattern(
    r"(?P<literal>``.+?``)"
    r"|(?P<role>:[\w:+.-]+:`[^`]+`)"
    r"|(?P<link>`[^`]*?<[^`>]+>`__?)"
    r"|(?P<interpreted>`[^`]+`(?!_))"
    r"|(?P<substitution>\|[^|\s][^|]*\|)"
    r"|(?P<reference>\[[^\]]+\]_|(?R)[\w.-]+_(?!\w))",
    r"[\w.-]",
)


_QUOTE_CHARS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"  # what may start a quoted literal block


class _Rst:
    def __init__(self):
        self.block_indent: int | None = None  # a literal block opens after lines indented deeper
        self.in_block = False
        self.quote: str | None = None  # the character that starts each line of a quoted block

    def line(self, text: str) -> list[Range]:
        if not text.strip():
            self.quote = None  # a quoted literal block ends at a blank line
            return []
        indent = _indent(text)
        if self.quote is not None:
            if indent == self.quote_indent and text.lstrip().startswith(self.quote):
                return [(0, len(text))]
            self.quote = None
        if self.block_indent is not None:
            if indent > self.block_indent:
                self.in_block = True
                return [(0, len(text))]
            first = text.lstrip()[0]
            if not self.in_block and indent == self.block_indent and first in _QUOTE_CHARS:
                self.quote, self.quote_indent = first, indent  # a quoted literal block
                self.block_indent = None
                return [(0, len(text))]
            self.block_indent, self.in_block = None, False
        directive = _DIRECTIVE.match(text)
        if text.lstrip().startswith(".. "):
            # Directives, targets, substitutions and comments: markup, not prose.
            if directive is None or directive.group(1) in _CODE_DIRECTIVES:
                self.block_indent = indent
            return [(0, len(text))]
        if text.rstrip().endswith("::"):
            self.block_indent = indent
        spans: list[Range] = []
        for match in _RST_INLINE.finditer(text):
            if match.lastgroup == "link":  # `text <url>`_: the text is prose, the target not
                spans.append((match.group().rfind("<") + match.start(), match.end()))
            else:
                spans.append(match.span())
        spans += address_ranges(text)
        return spans
