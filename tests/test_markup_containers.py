"""Markdown code inside containers (list items, block quotes, both nested) and with any line
ending: a property test over random documents, each line fed to the scanner as the CLI reads it
(split at "\\n" only, so a CR-only document is one line)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from electra_corrector.markup.syntax import scanner

CODE, PROSE = "码", "文"  # every code character is 码, every prose character 文

CONTAINER = st.sampled_from(["> ", "- ", "* ", "1. ", "10) "])


@st.composite
def block(draw) -> list[str]:
    """One block in a random chain of containers: its lines with their container prefixes."""
    containers = draw(st.lists(CONTAINER, max_size=3))
    first = "".join(containers)
    rest = "".join(c if c == "> " else " " * len(c) for c in containers)
    blank = rest.rstrip()
    kind = draw(st.sampled_from(["backticks", "tildes", "indented", "prose"]))
    code = [CODE * draw(st.integers(1, 4)) for _ in range(draw(st.integers(1, 3)))]
    if kind == "prose":
        return [first + PROSE * 2, rest + PROSE]
    if kind == "indented":  # code needs a paragraph and a blank line before it
        return [first + PROSE * 2, blank] + [rest + "    " + line for line in code]
    fence = ("`" if kind == "backticks" else "~") * draw(st.integers(3, 5))
    info = draw(st.sampled_from(["", "python", " 文 "])) if kind == "backticks" else ""
    return [first + fence + info] + [rest + line for line in code] + [rest + fence]


def protected(document: str) -> set[int]:
    scan, found, start = scanner("markdown"), set(), 0
    for line in document.split("\n"):
        body = line[:-1] if line.endswith("\r") else line
        found.update(i + start for a, b in scan(body) for i in range(a, b))
        start += len(line) + 1
    return found


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(block(), min_size=1, max_size=5), st.sampled_from(["\n", "\r\n", "\r"]))
def test_code_is_protected_and_prose_after_it_is_checked(blocks, ending):
    lines = [line for b in blocks for line in [*b, ""]] + [PROSE * 3]
    document = ending.join(lines)
    shielded = protected(document)
    for i, char in enumerate(document):
        if char == CODE:
            assert i in shielded, f"code left editable at {i}: {document!r}"
        if char == PROSE and not _in_fence_info(document, i):
            assert i not in shielded, f"prose protected at {i}: {document!r}"


def _in_fence_info(document: str, i: int) -> bool:
    """The info string after an opening fence (```` ``` 文 ````) is markup, protected whole."""
    line = re.split(r"\r\n|\r|\n", document[:i])[-1]
    return "`" in line


def test_the_reported_cases():
    """The cases of issue 24, row 5, as lines: code marked 码, prose 文."""
    cases = [
        "- ```\n  码\n  ```\n\n```\n码\n```\n文",
        "> ```\n> 码\n> ```\n\n文",
        "> ~~~\n> 码\n> ~~~\n文",
        "> 文\n>\n>     码\n\n文",
        "文\r\r~~~\r码\r~~~\r文\r\r    码\r",
    ]
    for document in cases:
        shielded = protected(document)
        for i, char in enumerate(document):
            assert (char == CODE) == (i in shielded) or char not in CODE + PROSE, document
