"""The pieces behind --syntax and --diff, without a model: protected spans, and hunks."""

from __future__ import annotations

import difflib
import io
import random
import re

import pytest

from electra_corrector.cli.unidiff import UnifiedDiff
from electra_corrector.engine.result import Correction, Edit
from electra_corrector.markup.masking import outside
from electra_corrector.markup.syntax import protected_ranges, syntax_of
from electra_corrector.textio.files import UTF8


def shown(document: str, syntax: str) -> str:
    """The document with each protected character replaced by #."""
    chars = list(document)
    for start, end in protected_ranges(document, syntax):
        for i in range(start, end):
            if chars[i] not in "\r\n":
                chars[i] = "#"
    return "".join(chars)


def test_markdown_protects_code_links_urls_and_tags_but_not_prose():
    document = (
        "# 标题\n"
        "文字`码`文字 [文字](链/接 (1)) [文字][标签] <b class='类'>文字</b> <!-- 注 --> 文字\n"
        "见 https://a.com/x_(y)。文字 a@b.cn\n"
        "[标签]: https://例.com\n"
        "~~~~\n"
        "码\n"
        "~~~\n"
        "码\n"
        "~~~~\n"
        "文字\n"
        "    文字续行\n"
        "\n"
        "    缩进码\n"
        "<pre>\n"
        "码\n"
        "</pre>\n"
        "``不`闭合 文字\n"
    )
    assert shown(document, "markdown") == (
        "# 标题\n"
        "文字###文字 [文字]######### [文字]#### #############文字#### ########## 文字\n"
        "见 ###################。文字 ######\n"
        "###################\n"
        "####\n"
        "#\n"
        "###\n"
        "#\n"
        "####\n"
        "文字\n"
        "    文字续行\n"
        "\n"
        "#######\n"
        "#####\n"
        "#\n"
        "######\n"
        "``不`闭合 文字\n"
    )
    assert protected_ranges(document, "text") == []


def test_rst_protects_literals_roles_targets_and_code_blocks_but_not_prose():
    document = (
        "文字 ``码`` :ref:`标签` `文字 <链接>`_ |替换| 文字\n"
        "段落::\n"
        "\n"
        "    码\n"
        "\n"
        "文字\n"
        ".. code:: python\n"
        "\n"
        "   码\n"
        ".. warning::\n"
        "   文字\n"
    )
    assert shown(document, "rst") == (
        "文字 ##### ######### `文字 ###### #### 文字\n"
        "段落::\n"
        "\n"
        "#####\n"
        "\n"
        "文字\n"
        "################\n"
        "\n"
        "####\n"
        "############\n"
        "   文字\n"
    )


@pytest.mark.parametrize(
    ("name", "choice", "syntax"),
    [
        ("a/b.MD", "auto", "markdown"),
        ("x.rst", "auto", "rst"),
        ("x.txt", "auto", "text"),
        (None, "auto", "text"),
        ("x.txt", "markdown", "markdown"),
    ],
)
def test_syntax_follows_the_extension_unless_named(name, choice, syntax):
    assert syntax_of(name, choice) == syntax


def test_edits_inside_protected_ranges_are_dropped_and_the_text_follows():
    correction = Correction(
        "甲乙丙丁",
        "子乙寅卯",
        (Edit(0, "甲", "子", 0.9), Edit(2, "丙", "寅", 0.8), Edit(3, "丁", "卯", 0.7)),
    )
    assert outside(correction, [(1, 3)]) == Correction(
        "甲乙丙丁", "子乙丙卯", (Edit(0, "甲", "子", 0.9), Edit(3, "丁", "卯", 0.7))
    )
    assert outside(correction, []) is correction


@pytest.mark.parametrize("seed", range(20))
def test_hunks_are_those_of_difflib(seed):
    rng = random.Random(seed)
    before = [f"行{i}\n" for i in range(rng.randint(1, 40))]
    changed = set(rng.sample(range(len(before)), rng.randint(0, min(6, len(before)))))
    after = [line.replace("行", "列") if i in changed else line for i, line in enumerate(before)]
    stream = io.BytesIO()
    diff = UnifiedDiff(stream, "f.txt", lambda: UTF8)
    for number, (old, new) in enumerate(zip(before, after, strict=True), 1):
        edits = (Edit(0, "行", "列", 1.0),) if old != new else ()
        diff.write(Correction(old[:-1], new[:-1], edits), "\n", number)
    diff.finish()

    expected = "".join(difflib.unified_diff(before, after, "a/f.txt", "b/f.txt"))
    # difflib writes a one-line range as "-5" where we write "-5,1"; both mean the same.
    expected = re.sub(r"([-+])(\d+)(?=[ @])(?!,)", r"\1\2,1", expected)
    assert stream.getvalue().decode() == expected
