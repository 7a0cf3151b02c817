"""LaTeX: only prose is edited. Commands (`\\section`, `\\emph`, ...) are protected, and so are
the arguments that are names, not text (`\\label`, `\\ref`, `\\cite`, `\\begin{...}`, file
names, URLs, ...); math (`$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]` and the math
environments), verbatim environments (`verbatim`, `lstlisting`, `minted`, `comment`, ...) and
`\\verb|...|` never are. A comment's `%` is kept and its text is prose, as in source code."""

from __future__ import annotations

import re

from electra_corrector.markup.masking import Range
from electra_corrector.markup.spans import complement, document_of, protected_by_line

EXTENSIONS = (".tex", ".ltx", ".sty", ".cls")
_KEY_COMMANDS = {
    "label", "ref", "eqref", "pageref", "autoref", "cref", "Cref", "nameref", "cite", "citep",
    "citet", "citeauthor", "citeyear", "nocite", "begin", "end", "usepackage", "documentclass",
    "input", "include", "includeonly", "includegraphics", "bibliography", "bibliographystyle",
    "url", "href", "hyperref", "newcommand", "renewcommand", "providecommand", "newenvironment",
    "renewenvironment", "def", "let", "setlength", "addtolength", "setcounter", "addtocounter",
    "newcounter", "color", "textcolor", "pagestyle", "thispagestyle", "lstinputlisting",
    "inputminted", "graphicspath", "definecolor", "hypersetup", "geometry",
}  # fmt: skip
_MATH_ENVIRONMENTS = {
    "equation", "align", "gather", "multline", "flalign", "alignat", "eqnarray", "math",
    "displaymath", "split", "array", "tikzpicture", "tabular",
}  # fmt: skip
_VERBATIM_ENVIRONMENTS = {"verbatim", "Verbatim", "lstlisting", "minted", "comment", "filecontents"}
_TOKEN = re.compile(
    r"""(?P<escape>\\[%$&#_{}\\~^ ])
      | (?P<verb>\\verb\*?(?P<delim>[^\sa-zA-Z*]).*?(?P=delim))
      | (?P<command>\\(?P<name>[a-zA-Z@]+)\*?)
      | (?P<display>\$\$|\\\[|\\\])
      | (?P<inline>\$|\\\(|\\\))
      | (?P<comment>%)
    """,
    re.VERBOSE | re.DOTALL,
)
_KINDS = ("escape", "verb", "command", "display", "inline", "comment")
_ARGUMENT = re.compile(r"\s*(?:\[[^\]]*\]\s*)*\{")


def protected_lines(bodies: list[str]) -> list[list[Range]]:
    document = document_of(bodies)
    return protected_by_line(bodies, complement(_protected(document), len(document)))


def _protected(document: str) -> list[Range]:
    """The spans of `document` that are not prose."""
    spans: list[Range] = []
    i, n = 0, len(document)
    while i < n:
        match = _TOKEN.search(document, i)
        if match is None:
            break
        start, end = match.span()
        kind = next(k for k in _KINDS if match.group(k) is not None)
        if kind == "comment":
            spans.append((start, end))
            newline = document.find("\n", end)
            i = n if newline < 0 else newline
            continue
        if kind == "command":
            name = match.group("name")
            environment = _environment(document, end) if name == "begin" else None
            if environment in _VERBATIM_ENVIRONMENTS or environment in _MATH_ENVIRONMENTS:
                closing = document.find(f"\\end{{{environment}}}", end)
                stop = n if closing < 0 else closing + len(f"\\end{{{environment}}}")
                spans.append((start, stop))
                i = stop
                continue
            if name in _KEY_COMMANDS:
                end = _arguments_end(document, end)
            else:  # its options are keys ([width=3cm]); its braces hold text
                option = re.match(r"\s*\[[^\]\n]*\]", document[end:])
                end += option.end() if option else 0
            spans.append((start, end))
            i = end
            continue
        if kind in ("display", "inline"):
            opener = match.group(kind)
            closer = {"$$": "$$", "\\[": "\\]", "$": "$", "\\(": "\\)"}.get(opener)
            if closer is None:  # a stray closer
                spans.append((start, end))
                i = end
                continue
            closing = _closing(document, end, closer)
            stop = n if closing < 0 else closing + len(closer)
            spans.append((start, stop))
            i = stop
            continue
        spans.append((start, end))  # an escape or \verb
        i = end
    return spans


def _environment(document: str, at: int) -> str | None:
    found = re.match(r"\s*\{([^}\n]*)\}", document[at : at + 200])
    return found.group(1).rstrip("*") if found else None


def _arguments_end(document: str, at: int) -> int:
    """The end of a key command's options and brace arguments (nested braces counted)."""
    while True:
        found = _ARGUMENT.match(document, at)
        if not found:
            return at
        depth, i = 1, found.end()
        while i < len(document) and depth:
            char = document[i]
            if char == "\\":
                i += 2
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            i += 1
        at = i


def _closing(document: str, at: int, closer: str) -> int:
    """Where the math opened just before `at` closes (escaped dollars skipped), or -1."""
    i = at
    while True:
        found = document.find(closer, i)
        if found < 0 or document[found - 1] != "\\" or closer.startswith("\\"):
            return found
        i = found + 1
