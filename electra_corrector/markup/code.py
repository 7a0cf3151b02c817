"""Source code: only comments, docstrings and string literals (and JSX text, YAML values) may be
edited; identifiers, keywords and everything else are protected. Pygments' lexers find them.

A lexer needs the whole file, so the scanner lexes the document's lines up front and then answers
for one line after another as the other scanners do. A string or comment with fewer than MIN_CJK
Chinese characters (a label) gives too little context to judge and is left alone, and so is a
string the program uses as a name (names.py: keys, patterns, SQL, paths, tables). Whatever the
lexer does not account for exactly leaves the whole file protected.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from itertools import islice

from electra_corrector.base.charset import is_cjk
from electra_corrector.markup import ignores
from electra_corrector.markup.masking import Range
from electra_corrector.markup.names import names
from electra_corrector.markup.spans import complement

CODE = "code"  # the syntax that guesses the language from the text when no file name tells it
MIN_CJK = 3
# Lexers of prose and markup, whose text lies outside strings and comments: their files stay text.
_PROSE = {"html", "xml", "tex", "groff", "org", "markdown", "rst", "md", "po", "pot"}
_TEXT_EXTENSIONS = (".txt", ".text", ".log", ".csv", ".tsv", ".srt")  # no lexer asked


def lexer_for_file(name: str, markup_too: bool = False) -> str | None:
    """The Pygments name of the language `name` is written in; None for unknown and plain text,
    and unless `markup_too`, for prose and markup formats (HTML, TeX, ...), which stay text."""
    if name.lower().endswith(_TEXT_EXTENSIONS):
        return None
    from pygments.lexers import find_lexer_class_for_filename

    found = find_lexer_class_for_filename(name)
    if found is None or not found.aliases or "text" in found.aliases:
        return None
    prose = _PROSE.intersection(found.aliases) or "HTML" in found.name or "XML" in found.name
    return None if prose and not markup_too else found.aliases[0]


# Test files hold typos on purpose (inputs of the tests): their strings are reported, not written.
_TEST_FILE = re.compile(
    r"(^|/)(tests?|__tests__|spec)/|(^|/)test_[^/]*$|_test\.[^/]+$|\.(test|spec)\.[^/]+$"
)


def is_test_file(name: str) -> bool:
    """Whether `name` is a test's file by the usual conventions: test_*.py, *_test.go, tests/,
    __tests__/, *.spec.ts, *.test.js."""
    return bool(_TEST_FILE.search(name.replace("\\", "/")))


def is_lexer(name: str) -> bool:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        get_lexer_by_name(name)
    except ClassNotFound:
        return False
    return True


class CodeScanner:
    """The protected spans of each line of one source file, `bodies` (lines without endings),
    in the language `lexer` names (CODE: guessed from the text); with `strings` False only its
    comments are checked."""

    def __init__(self, bodies: list[str], lexer: str, strings: bool = True):
        self._lines = iter(_protected_lines(bodies, lexer, strings))

    def line(self, text: str) -> list[Range]:
        return next(self._lines, [(0, len(text))])


def _protected_lines(bodies: list[str], lexer_name: str, strings: bool = True) -> list[list[Range]]:
    document = "".join(f"{body}\n" for body in bodies)  # the lexer sees \n whatever the file has
    starts, position = [], 0
    for body in bodies:
        starts.append(position)
        position += len(body) + 1
    checkable, comments = _prose(document, lexer_name, strings)
    free_by_line: list[list[Range]] = [[] for _ in bodies]
    for start, end in checkable:
        for row, a, b in _by_line(start, end, starts, bodies):
            free_by_line[row].append((a, b))
    comments_by_line: list[list[str]] = [[] for _ in bodies]
    for start, end in comments:
        for row, a, b in _by_line(start, end, starts, bodies):
            comments_by_line[row].append(bodies[row][a:b])
    state, result = ignores.Ignores(), []
    for body, spans, found in zip(bodies, free_by_line, comments_by_line, strict=True):
        directives = [d for comment in found for d in ignores.in_comment(comment)]
        ignored = state.ignored(directives)
        result.append([(0, len(body))] if ignored else complement(spans, len(body)))
    return result


def _by_line(start: int, end: int, starts: list[int], bodies: list[str]):
    """(row, start, end) in each line's own offsets of the document span [start, end)."""
    row = bisect_right(starts, start) - 1
    while row < len(bodies) and starts[row] < end:
        a = max(start - starts[row], 0)
        b = min(end - starts[row], len(bodies[row]))
        if a < b:
            yield row, a, b
        row += 1


def _lexer(document: str, lexer_name: str):
    """The lexer `lexer_name` names (CODE: guessed), keeping every character where it is."""
    from pygments.lexers import get_lexer_by_name, guess_lexer

    options = dict(stripnl=False, stripall=False, ensurenl=False)
    if lexer_name == CODE:
        return guess_lexer(document, **options)
    return get_lexer_by_name(lexer_name, **options)


def line_end_comments(bodies: list[str], lexer_name: str) -> dict[int, list[Range]]:
    """line -> the [start, end) offsets of its comments that run to the end of that line, so
    that text added at the line's end stays inside the comment (an editor's "ignore this line"
    writes the directive there). One lexing for all the lines a request asks about."""
    from pygments.token import Comment

    document = "".join(f"{body}\n" for body in bodies)
    starts = [0]
    for body in bodies:
        starts.append(starts[-1] + len(body) + 1)
    found: dict[int, list[Range]] = {}
    line = 0
    try:
        for position, kind, value in _lexer(document, lexer_name).get_tokens_unprocessed(document):
            not_prose = kind in Comment.Preproc or kind in Comment.PreprocFile
            if kind not in Comment or not_prose or kind in Comment.Hashbang:
                continue
            if position >= starts[-1]:  # past the document (a lexer's added newline)
                break
            end = position + len(value)
            while starts[line + 1] <= position:
                line += 1
            # a comment token may span lines (/* ... */): each line it reaches the end of
            at = line
            while at < len(bodies) and starts[at] < end:
                line_end = starts[at] + len(bodies[at])
                if end >= line_end:
                    first = max(position, starts[at]) - starts[at]
                    found.setdefault(at, []).append((first, len(bodies[at])))
                at += 1
    except Exception:  # a lexer's bug: no safe place is known
        return {}
    return found


def _prose(document: str, lexer_name: str, strings: bool) -> tuple[list[Range], list[Range]]:
    """The spans of the document worth checking (strings, unless not `strings`, and comments
    with enough Chinese), and of all its comments (where ignore directives are read)."""
    lexer = _lexer(document, lexer_name)
    tokens, end = [], 0
    try:
        for position, kind, value in lexer.get_tokens_unprocessed(document):
            if position != end:  # offsets that do not add up cannot be trusted
                return [], []
            tokens.append((position, kind, value))
            end = position + len(value)
    except Exception:  # a lexer's bug must not stop the run: nothing in this file is edited
        return [], []
    if end != len(document):
        return [], []
    kinds = _kinds()
    extra = kinds.extra.get(lexer.name, ())
    never = names(tokens, lexer.name)
    checkable = [
        span
        for i, (position, kind, value) in enumerate(tokens)
        if i not in never
        and (strings or kind not in kinds.string)
        and (kinds.prose(kind) or any(kind in e for e in extra))
        and _enough(value)
        for span in _outside_fields(position, value, kind in kinds.string)
    ]
    if lexer.name in ("JSX", "TSX"):
        checkable += [(a, b) for a, b in _jsx_text(tokens) if _enough(document[a:b])]
    comments = [(p, p + len(value)) for p, kind, value in tokens if kind in kinds.comment]
    return checkable, comments


# Placeholders inside a string ({name}, ${name}, %(name)s) that no lexer token marks, as in C#'s
# $"...{x}..." literals: the program fills them by name.
_FIELD = re.compile(r"\$?\{[^{}\n]*\}|%\([^)\n]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


def _outside_fields(position: int, value: str, string: bool) -> list[Range]:
    if not string or ("{" not in value and "%(" not in value):
        return [(position, position + len(value))]
    fields = [(m.start(), m.end()) for m in _FIELD.finditer(value)]
    return [(position + a, position + b) for a, b in complement(fields, len(value))]


def _enough(text: str) -> bool:
    if text.isascii():  # most strings of most code: no Chinese at all, at no cost
        return False
    return next(islice(filter(is_cjk, text), MIN_CJK - 1, None), None) is not None


@cache
def _kinds() -> _Kinds:
    return _Kinds()


class _Kinds:
    """Pygments' token kinds that hold prose (imported on first use: `--help` stays fast)."""

    def __init__(self):
        from pygments.token import Comment, Literal, Name, String

        self.comment, self.string = Comment, String
        self.skipped = (
            Comment.Preproc,  # #include and friends
            Comment.PreprocFile,
            Comment.Hashbang,
            String.Affix,  # the f, r, b before a string
            String.Escape,
            String.Interpol,  # {name} in f-strings, ${x} in template strings
            String.Regex,
            String.Symbol,
            String.Char,
        )
        # Per lexer, kinds that hold prose besides strings: YAML's plain and block scalars.
        self.extra = {"YAML": (Literal.Scalar.Plain, Name.Constant)}

    def prose(self, kind) -> bool:
        in_string_or_comment = kind in self.string or kind in self.comment
        return in_string_or_comment and not any(kind in skipped for skipped in self.skipped)


def _jsx_text(tokens: list) -> list[Range]:
    """The text between JSX tags: `<p>文字 {x} 文字</p>`. Pygments lexes it as code, so elements
    are matched here; the text of an element counts only once its closing tag is found, so a
    TypeScript `Array<string>` taken for a tag opens nothing that is ever checked."""
    from pygments.token import Name, Punctuation

    open_elements: list[tuple[str, list[Range]]] = []
    braces, in_tag, tag, closing, previous = 0, False, "", False, ""
    found: list[Range] = []
    for position, kind, value in tokens:
        end = position + len(value)
        if in_tag:
            if kind in Name.Tag and not tag:
                tag = value
            elif kind in Punctuation and value == ">":
                if closing:
                    _close(open_elements, tag, found)
                elif previous != "/":
                    open_elements.append((tag, []))
                in_tag = False
            if value.strip():
                previous = value
            continue
        if kind in Punctuation and value in ("<", "</") and braces == 0:
            in_tag, tag, closing, previous = True, "", value == "</", value
            continue
        if kind in Punctuation and value in ("<>", "</>") and braces == 0:
            if value == "<>":
                open_elements.append(("", []))
            else:
                _close(open_elements, "", found)
            continue
        if not open_elements:
            continue
        if kind in Punctuation and value in ("{", "}"):
            braces = max(braces + (1 if value == "{" else -1), 0)
        elif braces == 0:
            text = open_elements[-1][1]
            if text and text[-1][1] == position:
                text[-1] = (text[-1][0], end)
            else:
                text.append((position, end))
    return found


def _close(open_elements: list, tag: str, found: list[Range]) -> None:
    names = [name for name, _ in open_elements]
    if tag in names:
        index = len(names) - 1 - names[::-1].index(tag)
        found += open_elements[index][1]
        del open_elements[index:]  # elements left open inside it were no elements
