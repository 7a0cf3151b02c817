"""Jupyter notebooks (.ipynb): the source of Markdown cells is read as Markdown, the source of
code cells as code in the notebook's language (comments and strings only); outputs, metadata,
attachments and raw cells never. The JSON is edited in place: only characters written as
themselves inside a source string can change (a `\\uXXXX` escape never does), so the file keeps
its own formatting and escapes, and a notebook with no edits is byte-identical.

A file that is not a notebook's JSON is left alone whole.
"""

from __future__ import annotations

import json
import re

from electra_corrector.markup.masking import Range
from electra_corrector.markup.spans import document_of, protected_by_line

EXTENSIONS = (".ipynb",)
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_PIECE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)|[^\\]+")  # an escape, or characters as written
_SCALAR = re.compile(r"-?\d[\d.eE+-]*|true|false|null")


class _NotJson(ValueError):
    pass


def _strings(document: str) -> list[tuple[tuple, int, int]]:
    """(path, start, end) of every string value in `document` (a JSON text), its path being the
    keys and indexes that lead to it, its span the characters between its quotes."""
    found: list[tuple[tuple, int, int]] = []

    def skip(i: int) -> int:
        while i < len(document) and document[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int, path: tuple) -> int:
        i = skip(i)
        if i >= len(document):
            raise _NotJson("ends early")
        char = document[i]
        if char == "{":
            i = skip(i + 1)
            if document.startswith("}", i):
                return i + 1
            while True:
                key = _STRING.match(document, i)
                if not key:
                    raise _NotJson(f"a key expected at {i}")
                name = json.loads(key.group())
                i = skip(key.end())
                if not document.startswith(":", i):
                    raise _NotJson(f"':' expected at {i}")
                i = skip(value(i + 1, (*path, name)))
                if document.startswith("}", i):
                    return i + 1
                if not document.startswith(",", i):
                    raise _NotJson(f"',' expected at {i}")
                i = skip(i + 1)
        if char == "[":
            i, index = skip(i + 1), 0
            if document.startswith("]", i):
                return i + 1
            while True:
                i = skip(value(i, (*path, index)))
                index += 1
                if document.startswith("]", i):
                    return i + 1
                if not document.startswith(",", i):
                    raise _NotJson(f"',' expected at {i}")
                i += 1
        if char == '"':
            string = _STRING.match(document, i)
            if not string:
                raise _NotJson(f"an unterminated string at {i}")
            found.append((path, i + 1, string.end() - 1))
            return string.end()
        scalar = _SCALAR.match(document, i)
        if not scalar:
            raise _NotJson(f"a value expected at {i}")
        return scalar.end()

    end = skip(value(0, ()))
    if end != len(document):
        raise _NotJson("text after the notebook")
    return found


def protected_lines(bodies: list[str]) -> list[list[Range]]:
    from electra_corrector.markup import syntax

    document = document_of(bodies)
    try:
        strings = _strings(document)
        notebook = json.loads(document)
    except (_NotJson, ValueError, RecursionError):
        return protected_by_line(bodies, [])
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return protected_by_line(bodies, [])
    language = _language(notebook)
    sources: dict[int, list[tuple[int, int]]] = {}
    for path, start, end in strings:
        if len(path) >= 3 and path[0] == "cells" and path[2] == "source":
            sources.setdefault(path[1], []).append((start, end))
    free: list[Range] = []
    for index, raws in sorted(sources.items()):
        kind = cells[index].get("cell_type") if isinstance(cells[index], dict) else None
        name = {"markdown": "markdown", "code": language}.get(kind)
        if name is not None:
            free += _free_in_cell(document, raws, name, syntax)
    return protected_by_line(bodies, free)


def _language(notebook: dict) -> str:
    """The Pygments name of the code cells' language (python unless the metadata says)."""
    from electra_corrector.markup.code import is_lexer

    metadata = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
    info = metadata.get("language_info") or metadata.get("kernelspec") or {}
    name = info.get("name") or info.get("language") if isinstance(info, dict) else None
    return name if isinstance(name, str) and is_lexer(name) else "python"


def _free_in_cell(document: str, raws: list[Range], name: str, syntax) -> list[Range]:
    """The document spans of a cell's source that its syntax leaves open: the source strings
    decoded into the cell's text, scanned, and mapped back character for character (a
    character that came from an escape maps nowhere, so it is never edited)."""
    text, where = [], []
    for start, end in raws:
        for piece in _PIECE.finditer(document, start, end):
            if piece.group().startswith("\\"):
                decoded = json.loads(f'"{piece.group()}"')
                text.append(decoded)
                where += [None] * len(decoded)
            else:
                text.append(piece.group())
                where += range(piece.start(), piece.end())
    cell = "".join(text)
    lines = cell.split("\n")
    scan = syntax.scanner(name, lines)
    free, offset = [], 0
    for line in lines:
        closed = {i for a, b in scan(line) for i in range(a, b)}
        for i in (i for i in range(len(line)) if i not in closed):
            target = where[offset + i]
            if target is not None:
                free.append((target, target + 1))
        offset += len(line) + 1
    return free
