"""String literals that a program uses as names, not prose: editing one would break the program
(a key no longer matches its lookup, a regex or SQL query matches something else, a serialised
field is renamed). Decided from the lexer's tokens and the syntax around each literal; where
the syntax cannot tell, the literal is treated as a name, so it is never edited.

Names:
- keys: a literal followed by `:` or `=` (dict, JSON/YAML/TOML keys), subscripts `d["键"]`,
  comparison operands (`x == "是"`), bash `case` patterns;
- arguments of calls that take names, patterns or data (getattr, re.*, execute, replace, split,
  startswith, ...), of decorators and annotations (`@route("/路径")`, `[Obsolete("...")]`);
- `__all__` entries, type strings (`x: "类型"`, `-> "类型"`), TypeScript literal types
  (`"上" | "下"`, `type D = "上"`), JSX/HTML attribute values other than prose ones (alt, title);
- by content: SQL statements, file paths, Go struct tags; expressions and format specs inside
  f-string braces;
- tables: a bracket holding many short Chinese strings (a mapping, a confusion list) is data.
Comments that are directives (`//go:`, `# type:`, `# noqa`, ...) are never prose either.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from electra_corrector.base.charset import is_cjk

# Calls whose string arguments are names, patterns or data the program matches against.
NAME_CALLS = frozenset(
    """getattr setattr hasattr delattr compile match search fullmatch sub subn findall finditer
    split rsplit escape execute executemany executescript raw query prepare exec get pop
    setdefault getenv Getenv environ startswith endswith replace strip lstrip rstrip
    removeprefix removesuffix partition rpartition index rindex find rfind count join translate
    maketrans TypeVar NewType cast namedtuple MustCompile Compile QuoteMeta matches replaceAll
    replaceFirst getProperty getParameter getAttribute setAttribute querySelector
    querySelectorAll getElementById getItem setItem removeItem equals equalsIgnoreCase contains
    includes indexOf startsWith endsWith has""".split()  # noqa: SIM905 (words read as words)
)
# JSX/HTML attributes whose values people read.
PROSE_ATTRIBUTES = frozenset(
    ["alt", "title", "placeholder", "label", "aria-label", "aria-description", "aria-placeholder"]
)
# Literals of at least this many Chinese strings in one bracket, of at most TABLE_MEDIAN Chinese
# characters each (the median), and half as many names, numbers or operators at most, are a table.
TABLE_STRINGS, TABLE_MEDIAN = 4, 6
_ANNOTATED = ("Python", "Python 2.x", "TypeScript", "TSX")
_SQL = re.compile(
    r"\s*(select|insert|update|delete|create|alter|drop|with|replace|merge|pragma)\s", re.I
)
# No spaces nor Chinese punctuation, and a separator or an extension: a path, not a sentence.
_PATH = re.compile(
    r"[^\s，。！？、；：“”（）]*([/\\][^\s，。！？、；：“”（）]*|\.[A-Za-z0-9]{1,5})"
)
_STRUCT_TAG = re.compile(r'(\s*[\w-]+:"[^"]*")+\s*')
_DIRECTIVE = re.compile(
    r"(#|//|/\*|--)\s*(go:|type:|noqa|pylint:|fmt:|mypy:|pyright:|isort:|eslint|@ts-|nolint"
    r"|\+build|prettier-ignore|istanbul|jshint|jscs|NOLINT|pragma|region|endregion)"
)
_COMPARISONS = frozenset({"==", "!=", "===", "!==", "in", "is", "not", "<>", "-eq", "-ne"})


@dataclass
class _Literal:
    tokens: list[int]  # indices into the token list
    text: str = ""  # the content without affix, quotes and escapes
    groups: tuple[int, ...] = ()  # the brackets it lies in, outermost first
    before: tuple = ()  # the three significant items before it, nearest first
    own_line: bool = False  # a line break between it and the item before (a docstring)
    after: str = ""  # the next significant token's value


@dataclass
class _Group:
    opener: str
    call: str = ""  # the name before "(": f in f(...)
    attribute: bool = False  # a decorator's, annotation's or C# attribute's arguments
    assigned: str = ""  # the name of `name = [` / `name = (`
    compared: bool = False  # `x in ("是", "否")`
    literals: list[int] = field(default_factory=list)  # every literal inside, nested included
    others: int = 0  # names, keywords, numbers, operators inside: code, not a table


def names(tokens: list[tuple[int, object, str]], lexer: str) -> set[int]:
    """Indices of the string and comment tokens of `tokens` ((position, kind, value), as
    Pygments gives them for the language `lexer`) that are never prose."""
    from pygments.token import Comment

    excluded = {
        i
        for i, (_, kind, value) in enumerate(tokens)
        if kind in Comment and _DIRECTIVE.match(value.lstrip())
    }
    literals, groups = _literals(tokens, excluded)
    for literal in literals:
        if _is_name(literal, groups, lexer):
            excluded.update(literal.tokens)
    for group in groups:
        chinese = [literals[i] for i in group.literals if _cjk(literals[i].text)]
        if (
            len(chinese) >= TABLE_STRINGS
            and 2 * group.others <= len(group.literals)
            and statistics.median(_cjk(lit.text) for lit in chinese) <= TABLE_MEDIAN
        ):
            for literal in chinese:
                excluded.update(literal.tokens)
    return excluded


def _cjk(text: str) -> int:
    return sum(map(is_cjk, text))


def _literals(tokens, excluded: set[int]) -> tuple[list[_Literal], list[_Group]]:
    """The string literals (runs of string tokens) with what surrounds them, and the brackets.
    Inside an f-string's or template's braces everything is code: its strings go to
    `excluded`, and the literal around it goes on."""
    from pygments.token import Comment, Name, Punctuation, String

    literals: list[_Literal] = []
    groups: list[_Group] = []
    stack: list[int] = []
    items: list[tuple] = []  # significant items so far: ("lit", i) or (kind, value)
    current: _Literal | None = None
    depth = 0  # f-string braces open
    broken = False  # a line break since the last significant item
    for i, (_, kind, value) in enumerate(tokens):
        if depth and kind not in String.Interpol:
            if kind in String:
                excluded.add(i)
            continue
        if kind in String:
            if current is None:
                current = _Literal([], groups=tuple(stack), before=tuple(reversed(items[-3:])))
                current.own_line = broken
                for g in stack:
                    groups[g].literals.append(len(literals))
                literals.append(current)
                items.append(("lit", len(literals) - 1))
            current.tokens.append(i)
            broken = False
            if kind in String.Interpol:
                depth = max(depth + value.count("{") - value.count("}"), 0)
            elif kind not in String.Affix and kind not in String.Escape:
                current.text += value
            continue
        if kind in Comment or not value.strip():
            broken = broken or "\n" in value
            continue
        stripped, broken = value.strip(), False
        if current is not None:
            current.after, current = stripped, None
        brackets = set(stripped) <= set("()[]{},;:=")
        if not brackets and kind not in Punctuation:
            for g in stack:
                groups[g].others += 1
        for char in stripped if brackets else ():
            if char in "([{":
                groups.append(_opened(char, items, Name))
                stack.append(len(groups) - 1)
            elif char in ")]}" and stack:
                stack.pop()
        items.append((kind, stripped))
    for literal in literals:
        literal.text = _unquoted(literal.text)
    return literals, groups


def _unquoted(text: str) -> str:
    if text[:2] in ('$"', '@"'):  # C#'s interpolated and verbatim strings, lexed whole
        text = text[1:]
    for quote in ('"""', "'''", '"', "'", "`"):
        if len(text) >= 2 * len(quote) and text.startswith(quote) and text.endswith(quote):
            return text[len(quote) : -len(quote)]
    return text


def _opened(char: str, items: list[tuple], Name) -> _Group:
    group = _Group(char)
    previous = items[-1] if items else ("", "")
    if char == "(" and previous[0] != "lit" and previous[0] in Name:
        group.call = previous[1].rsplit(".", 1)[-1].lstrip("@")
        before = items[-2] if len(items) > 1 else ("", "")
        group.attribute = previous[0] in Name.Decorator or before[1] in ("[", "@")
    if len(items) > 1 and previous[1] == "=" and items[-2][0] != "lit":
        group.assigned = items[-2][1]
    group.compared = previous[1] in _COMPARISONS
    return group


def _is_name(literal: _Literal, groups: list[_Group], lexer: str) -> bool:
    from pygments.token import Name

    text = literal.text
    if _SQL.match(text) or _STRUCT_TAG.fullmatch(text) or _PATH.fullmatch(text):
        return True
    after = literal.after
    if after in (":", "=", "|", "&") or after in _COMPARISONS:
        return True  # a key, a literal type, a comparison
    if after == ")" and lexer in ("Bash", "Shell"):  # a case pattern
        return True
    first, second, third = (*literal.before, ("", ""), ("", ""), ("", ""))[:3]
    if first[1] in _COMPARISONS or first[1] in ("|", "&", "->", "case"):
        return True
    if first[1] == "[" and second[0] != "lit" and (second[0] in Name or second[1] in ")]"):
        return True  # a subscript
    if first[1] == "=" and second[0] != "lit" and second[0] in Name.Attribute:
        return second[1].lower() not in PROSE_ATTRIBUTES
    if first[1] == "=" and third[1] == "type":
        return True  # TypeScript: type D = "上"
    inner = groups[literal.groups[-1]] if literal.groups else None
    annotated = lexer in _ANNOTATED and not literal.own_line
    if first[1] == ":" and annotated and (inner is None or inner.opener == "("):
        return True  # an annotation, not a dict value
    return any(
        groups[g].call in NAME_CALLS
        or groups[g].attribute
        or groups[g].compared
        or groups[g].assigned == "__all__"
        for g in literal.groups
    )
