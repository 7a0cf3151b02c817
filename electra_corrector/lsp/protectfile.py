"""Adding a term to the project's protect list ("never flag this term"): to the list in
`.electra-correct.toml` or `[tool.electra-correct]` of pyproject.toml, or to the file of terms
that `protect` names; a new `.electra-correct.toml` when the project has no settings file.

Nothing is written outside the workspace: a settings file found above its root, a link that
leads out of it, or a `protect` file named outside it is refused (ProtectError).

The TOML is edited as text, so that the user's comments and layout stay as they were; the edit
is parsed before it is written, and one that does not read as the old list plus the term is not
written at all.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from electra_corrector.base.errors import CorrectorError, describe
from electra_corrector.document import settings as repo_settings
from electra_corrector.textio.files import AtomicFile

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

_HEADER = re.compile(r"\s*\[")  # a table or array-of-tables header
_OUR_TABLE = re.compile(r"\s*\[\s*tool\s*\.\s*(electra-correct|\"electra-correct\")\s*\]")
_PROTECT = re.compile(r"^[ \t]*(protect|\"protect\"|'protect')[ \t]*=[ \t]*\[", re.MULTILINE)


class ProtectError(CorrectorError):
    """The term could not be added; the message names the file."""


def add_term(found: Path | None, root: Path, term: str) -> Path:
    """Adds `term` to the protect list of the settings file `found` (None: the project has
    none, and root/.electra-correct.toml is made); returns the file that holds the term."""
    if found is None:
        found = root / repo_settings.OWN_FILE
        _write(found, f"protect = [{_quoted(term)}]\n", root)
        return found
    _inside(found, root)
    protect = (repo_settings.read(found) or {}).get("protect")
    if isinstance(protect, str):  # a file of terms, one a line
        return _add_line(found.parent / protect, term, root)
    protect = list(protect or [])
    if term in protect:
        return found
    in_pyproject = found.name == "pyproject.toml"
    try:
        edited = _with_term(found.read_text(encoding="utf-8"), in_pyproject, term)
        data = tomllib.loads(edited)
    except (ProtectError, tomllib.TOMLDecodeError):
        edited, data = "", {}
    table = data.get("tool", {}).get("electra-correct", {}) if in_pyproject else data
    if table.get("protect") != [*protect, term]:
        raise ProtectError(f"{found}: cannot add {term!r} to its protect list; add it by hand")
    _write(found, edited, root)
    return found


def _add_line(path: Path, term: str, root: Path) -> Path:
    _inside(path, root)
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    if term not in (line.strip() for line in text.splitlines()):
        separator = "" if not text or text.endswith("\n") else "\n"
        _write(path, f"{text}{separator}{term}\n", root)
    return path


def _with_term(text: str, in_pyproject: bool, term: str) -> str:
    """`text` with `term` appended to the protect array of our table (the key made if
    missing)."""
    lines = text.splitlines(keepends=True)
    first = 0
    if in_pyproject:
        headers = [i for i, line in enumerate(lines) if _OUR_TABLE.match(line)]
        if not headers:  # a dotted key or an inline table: left to the user
            raise ProtectError("no [tool.electra-correct] header")
        first = headers[0] + 1
    last = next((i for i in range(first, len(lines)) if _HEADER.match(lines[i])), len(lines))
    start, end = sum(map(len, lines[:first])), sum(map(len, lines[:last]))
    key = _PROTECT.search(text, start, end)
    if key is None:  # a new key after the table's last line that is not blank
        while last > first and not lines[last - 1].strip():
            last -= 1
        end = sum(map(len, lines[:last]))
        before = text[:end]
        newline = "\n" if before and not before.endswith("\n") else ""
        return f"{before}{newline}protect = [{_quoted(term)}]\n{text[end:]}"
    last_item = _last_item(text, key.end())
    comma = "" if text[last_item] in "[," else ", "
    at = last_item + 1  # right after the last item (before any comment or the bracket)
    return f"{text[:at]}{comma}{_quoted(term)}{text[at:]}"


def _last_item(text: str, i: int) -> int:
    """For an array whose `[` ends just before `i`: the offset of the last character inside it
    that is neither white space nor a comment (the `[` itself when it is empty)."""
    depth, last = 1, i - 1
    while i < len(text):
        char = text[i]
        if char in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
            i = _string_end(text, i, quote)
            last = i - 1
            continue
        if char == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return last
        if not char.isspace():
            last = i
        i += 1
    raise ProtectError("unclosed protect array")  # tomllib read the file, so never seen


def _string_end(text: str, start: int, quote: str) -> int:
    i = start + len(quote)
    while i < len(text):
        if quote[0] == '"' and text[i] == "\\":
            i += 2
        elif text.startswith(quote, i):
            return i + len(quote)
        else:
            i += 1
    return len(text)


def _quoted(term: str) -> str:
    # A JSON string is a TOML basic string (JSON's escapes are a subset of TOML's).
    return json.dumps(term, ensure_ascii=False)


def _inside(path: Path, root: Path) -> None:
    """ProtectError unless `path`, links followed, lies inside the workspace `root`."""
    real, workspace = Path(os.path.realpath(path)), Path(os.path.realpath(root))
    if real != workspace and workspace not in real.parents:
        raise ProtectError(
            f"{path}: outside the workspace {root} (as {real}); add the term there by hand"
        )


def _write(path: Path, text: str, root: Path) -> None:
    _inside(path, root)  # checked again just before writing: the file may have become a link
    try:
        with AtomicFile(path) as sink:
            sink.stream.write(text.encode("utf-8"))
    except OSError as e:
        raise ProtectError(describe(e, f"cannot write {path}")) from None
