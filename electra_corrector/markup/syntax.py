"""Markup that must never be edited in Markdown and reStructuredText: code (fenced, indented,
literal blocks, inline), link targets, URLs, e-mail addresses, HTML tags and comments.

The corrector works a line at a time, so each syntax is a scanner fed the lines of one document
in order: it keeps what spans lines (an open fence, an HTML comment, a literal block) and returns
the spans of each line that must not be edited (see masking.py). When in doubt, it protects: a
missed correction costs less than a changed code sample. Not recognised: a code span or link that
continues onto the next line, and bare URLs with non-ASCII characters (write them as
[text](url) or <url>, whose targets are protected whole).

Source code (code.py) and inline ignores (ignores.py) are span sources of their own, combined
with these by scanner().
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from electra_corrector.engine.protect import RunPattern
from electra_corrector.markup import code, ignores
from electra_corrector.markup.masking import Span

SYNTAXES = ("auto", "text", "markdown", "rst", code.CODE)  # or the name of a Pygments lexer
_OWN = ("text", "markdown", "rst")
_EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".mdx": "markdown", ".rst": "rst"}

Scanner = Callable[[str], list[Span]]  # a line without its ending -> its protected spans

_URL = r"(?:https?|ftp)://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+|www\.[A-Za-z0-9\-._~:/?#@%&=+]+"
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
_URL_OR_EMAIL = RunPattern(f"{_URL}|(?R){_EMAIL}", "[A-Za-z0-9._%+-]")
_TRAILING = ".,;:!?'\")"  # sentence punctuation right after a URL is not part of it


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


def scanner(syntax: str, lines: list[str] | None = None) -> Scanner:
    """A fresh scanner for one document; for source code (whole_document), `lines` are all of
    its lines without their endings, to be scanned again one by one in order."""
    if whole_document(syntax):
        return code.CodeScanner(lines or [], syntax).line
    if syntax == "markdown":
        return ignores.ignoring(_Markdown().line)
    if syntax == "rst":
        return ignores.ignoring(_Rst().line)
    return ignores.ignoring(None)


def protected_spans(document: str, syntax: str) -> list[Span]:
    """The spans of a whole document (offsets into `document`) that must not be edited."""
    lines = document.splitlines(keepends=True)
    scan, spans, start = scanner(syntax, [line.rstrip("\r\n") for line in lines]), [], 0
    for line in lines:
        body = line.rstrip("\r\n")
        spans += [(start + a, start + b) for a, b in scan(body)]
        start += len(line)
    return spans


def _url_spans(line: str, spans: list[Span]) -> None:
    for match in _URL_OR_EMAIL.finditer(line):
        url = match.group().rstrip(_TRAILING)
        if "(" in url and match.group()[len(url) : len(url) + 1] == ")":
            url += ")"  # https://en.wikipedia.org/wiki/Foo_(bar) keeps its closing parenthesis
        spans.append((match.start(), match.start() + len(url)))


def _closing_backticks(line: str, start: int, count: int) -> int:
    """The end of the run of exactly `count` backticks that closes a code span, or -1."""
    match = re.compile(f"(?<!`)`{{{count}}}(?!`)").search(line, start)
    return match.end() if match else -1


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


_FENCE = re.compile(r" {0,3}(`{3,}(?!.*`)|~{3,})")
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
    def __init__(self):
        self.fence: str | None = None  # the open fence's characters
        self.block_end: str | None = None  # the closing tag of an open <pre>, <script>, ...
        self.comment = False  # inside <!-- ... -->
        self.paragraph = False  # an indented line continues a paragraph, else it is code

    def line(self, text: str) -> list[Span]:
        whole = [(0, len(text))]
        paragraph, self.paragraph = self.paragraph, False
        if self.fence is not None:
            close = re.fullmatch(r" {0,3}(`+|~+)\s*", text)
            fence = close.group(1) if close else ""
            if fence[:1] == self.fence[0] and len(fence) >= len(self.fence):
                self.fence = None
            return whole
        if self.block_end is not None:
            if self.block_end in text.lower():
                self.block_end = None
            return whole
        if self.comment:
            return self._inline(text)
        if not text.strip():
            return []
        if _indent(text) >= 4 and not paragraph:
            return whole
        fence = _FENCE.match(text)
        if fence:
            self.fence = fence.group(1)
            return whole
        block = _HTML_BLOCK.match(text)
        if block:
            end = f"</{block.group(1).lower()}>"
            if end not in text.lower()[block.end() :]:
                self.block_end = end
            return whole
        if _REFERENCE.match(text):
            return whole
        self.paragraph = not _HEADING.match(text)
        return self._inline(text)

    def _inline(self, text: str) -> list[Span]:
        spans: list[Span] = []
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
        _url_spans(text, spans)  # a URL inside code is protected twice, which is harmless
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


class _Rst:
    def __init__(self):
        self.block_indent: int | None = None  # a literal block opens after lines indented deeper
        self.in_block = False

    def line(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        indent = _indent(text)
        if self.block_indent is not None:
            if indent > self.block_indent:
                self.in_block = True
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
        spans: list[Span] = []
        for match in _RST_INLINE.finditer(text):
            if match.lastgroup == "link":  # `text <url>`_: the text is prose, the target not
                spans.append((match.group().rfind("<") + match.start(), match.end()))
            else:
                spans.append(match.span())
        _url_spans(text, spans)
        return spans
