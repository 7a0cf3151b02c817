"""Source code and inline ignores: in code only comments, docstrings, strings (and JSX text, YAML
values) are edited, each with enough Chinese to judge; `electra-correct: ignore` and friends keep
lines as they are in any file type. First the spans, without a model; then a small repository
through the real console script with the hand-set model, which corrects every 唷 it is shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from electra_corrector.markup.syntax import syntax_of
from tests.test_cli_workflows import report_positions, run
from tests.test_syntax_and_diff import shown

FIXED, KEPT = "①", "②"  # in the files below both stand for the typo 唷; ① must become 友


def test_file_names_pick_a_lexer_for_code_and_leave_prose_formats_text():
    assert [syntax_of(n) for n in ("a.py", "b.jsx", "c.go", "d.yaml", "e.md", "f.rst")] == [
        "python",
        "jsx",
        "go",
        "yaml",
        "markdown",
        "rst",
    ]
    assert {syntax_of(n) for n in ("a.txt", "b.log", "d.unknown", None)} == {"text"}
    # prose formats of their own (tests/test_documents.py), not their lexers' code mode
    assert [syntax_of("b.html"), syntax_of("c.tex"), syntax_of("b.html", "code")] == [
        "html",
        "latex",
        "html",
    ]
    assert syntax_of("x.unknown", "code") == syntax_of(None, "code") == "code"  # guessed
    assert syntax_of("x.txt", "python") == "python"


def test_python_checks_comments_docstrings_and_strings_with_enough_chinese_only():
    document = (
        '"""模块的说明文字。\n'
        '第二行说明。"""\n'
        '我门 = {"丰": "手", "佣人": 1}  # 这是一个注释\n'
        'print(f"{我门}和朋友们好", r"原始的字符串")\n'
    )
    assert shown(document, "python") == (
        '"""模块的说明文字。\n'
        '第二行说明。"""\n'
        "########################### 这是一个注释\n"  # the comment's own # is left too
        "############和朋友们好#####原始的字符串##\n"
    )


def test_js_template_strings_and_jsx_text_are_checked_tags_and_expressions_not():
    document = (
        "// 一个注释的文字\n"
        "const 我门 = `模板的文字${x}后面的字`;\n"
        'const A = () => <div title="标题的字">我们的文字 {我门} 还有的字<br/></div>;\n'
        "let q: Array<string> = 我门好的;\n"
    )
    assert shown(document, "tsx") == (
        "// 一个注释的文字\n"
        "############模板的文字####后面的字##\n"
        '###########################"标题的字"#我们的文字 #### 还有的字############\n'
        "############################\n"
    )


def test_go_and_yaml_values_are_checked_their_names_and_keys_not():
    go = 'package main\n// 注释的文字\nfunc main() { 我门 := "字符串的字"; f(`原始的字`) }\n'
    assert shown(go, "go") == (
        "############\n// 注释的文字\n####################" + '"字符串的字"####`原始的字`###\n'
    )
    yaml = "# 注释的文字\n我门的键: 值的文字啊\nlist:\n  - 丰\ndesc: |\n  多行的文字\n"
    assert shown(yaml, "yaml") == (
        "# 注释的文字\n######值的文字啊\n#####\n#####\n#######\n##多行的文字\n"
    )


IGNORED = {
    # syntax: (comment opener, closer), as each writes a comment
    "text": ("# ", ""),
    "markdown": ("<!-- ", " -->"),
    "python": ("# ", ""),
    "js": ("// ", ""),
}


@pytest.mark.parametrize("syntax", IGNORED)
def test_each_inline_ignore_form_keeps_its_lines_in_each_language(syntax):
    opener, closer = IGNORED[syntax]

    def comment(directive: str) -> str:
        return f"{opener}electra-correct: {directive}{closer}"

    def prose(text: str) -> str:  # a line of prose, as a string statement in code
        return text if syntax in ("text", "markdown") else f'x = "{text}";'

    lines = [
        prose("第一行的文字"),
        f"{prose('同一行的文字')} {comment('ignore')}",
        comment("ignore-next-line"),
        prose("下一行的文字"),
        prose("检查这行文字"),
        comment("off"),
        prose("关掉后的文字"),
        comment("on"),
        prose("打开后的文字"),
    ]
    masked = shown("\n".join(lines) + "\n", syntax).splitlines()
    checked = ["第一行的文字", "检查这行文字", "打开后的文字"]
    assert [n for n, line in enumerate(masked) if any(c in line for c in checked)] == [0, 4, 8]
    assert all(set(masked[n]) == {"#"} for n in (1, 3, 6)), masked


def test_a_directive_mentioned_in_prose_or_inline_code_or_a_string_is_none():
    text = "文字 `# electra-correct: off` 文字\n说 electra-correct: off 的文字\n后面的文字\n"
    assert shown(text, "text") == text
    assert shown(text, "markdown").endswith("\n后面的文字\n")
    python = 's = "# electra-correct: off"\nt = "后面的文字"\n'
    assert "后面的文字" in shown(python, "python")


PYTHON = f'''"""模块说明：我跟朋{FIXED}打算去法国。"""

朋{KEPT}们 = 1  # 我跟朋{FIXED}打算去玩
TABLE = {{"朋{KEPT}": "友", "{KEPT}": 1}}


def greet(name):
    """问候朋{FIXED}们的函数。"""
    print("我跟朋{KEPT}打算去玩")  # electra-correct: ignore
    return f"{{name}}和朋{FIXED}们好" + 朋{KEPT}们
'''
JSX = f"""// 我跟朋{FIXED}打算去法国
const 朋{KEPT} = `我跟朋{FIXED}打算${{x}}去法国`;
export function Card() {{
  return <p className="朋{KEPT}">我跟朋{FIXED}打算去法国 {{朋{KEPT}}}</p>;
}}
"""
GO = f"""package main

import "fmt"

// 我跟朋{FIXED}打算去法国
func main() {{
\t朋{KEPT} := "我跟朋{FIXED}打算去法国"
\tfmt.Println(朋{KEPT}, `原始字符串朋{FIXED}们好`)
}}
"""
YAML = f"""# 我跟朋{FIXED}打算去法国
朋{KEPT}: 我跟朋{FIXED}打算去法国
list:
  - 朋{KEPT}
desc: |
  我跟朋{FIXED}打算去法国
"""
MARKDOWN = f"""# 标题

我跟朋{FIXED}打算去法国，代码 `朋{KEPT}` 不改。
<!-- electra-correct: ignore-next-line -->
我跟朋{KEPT}打算去法国。
"""
TEXT = f"""我跟朋{FIXED}打算去法国。
# electra-correct: off
我跟朋{KEPT}打算去法国。
# electra-correct: on
朋{FIXED}们好啊朋{FIXED}们
"""
# name: (template, line ending, encoding); one file with CRLF, one in GB18030
REPOSITORY = {
    "app.py": (PYTHON, "\r\n", "utf-8"),
    "web/card.jsx": (JSX, "\n", "utf-8"),
    "main.go": (GO, "\n", "gb18030"),
    "config.yaml": (YAML, "\n", "utf-8"),
    "README.md": (MARKDOWN, "\n", "utf-8"),
    "notes.txt": (TEXT, "\n", "utf-8"),
}


def _bytes(template: str, ending: str, encoding: str, fixed: str = "唷") -> bytes:
    text = template.replace(FIXED, fixed).replace(KEPT, "唷")
    return text.replace("\n", ending).encode(encoding)


def _expected_report(root: str) -> list[tuple[str, int, int, str, str]]:
    found = []
    for name, (template, _, _) in sorted(REPOSITORY.items()):
        for n, line in enumerate(template.splitlines(), 1):
            found += [
                (f"{root}/{name}", n, c + 1, "唷", "友") for c, ch in enumerate(line) if ch == FIXED
            ]
    return found


@pytest.fixture
def repository(tmp_path) -> Path:
    root = tmp_path / "repo"
    for name, (template, ending, encoding) in REPOSITORY.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(_bytes(template, ending, encoding))
    return root


@pytest.mark.slow
def test_check_reports_only_typos_in_comments_strings_and_prose(typo_model_dir, repository):
    model = ("--model", typo_model_dir, "-q")
    status, report, err = run("--check", "--input-dir", "repo", *model, cwd=repository.parent)
    assert status == 1, err
    assert sorted(report_positions(report)) == sorted(_expected_report("repo"))
    # As plain text every typo-shaped name would be reported too: the syntax kept them.
    argv = ("--check", "--input-dir", "repo", "--syntax", "text", *model)
    as_text = report_positions(run(*argv, cwd=repository.parent)[1])
    assert len(as_text) > len(_expected_report("repo")) + 10


@pytest.mark.slow
def test_in_place_edits_only_those_and_every_other_byte_stays(typo_model_dir, repository):
    files = sorted(REPOSITORY)
    argv = ("--in-place", *files, "--model", typo_model_dir, "-q")
    status, _, err = run(*argv, cwd=repository)
    assert status == 0, err
    for name, (template, ending, encoding) in REPOSITORY.items():
        assert (repository / name).read_bytes() == _bytes(template, ending, encoding, "友"), name


@pytest.mark.slow
def test_stdin_takes_the_language_from_syntax_or_its_file_name(typo_model_dir, tmp_path):
    model = ("--model", typo_model_dir, "-q")
    source, fixed = _bytes(GO, "\n", "utf-8"), _bytes(GO, "\n", "utf-8", "友")
    for flags in (("--syntax", "go"), ("--syntax", "code", "--stdin-filename", "x.go")):
        status, out, err = run(*flags, *model, cwd=tmp_path, stdin=source)
        assert (status, out) == (0, fixed), err
    status, _, err = run("--syntax", "cobol-ish", *model, cwd=tmp_path, stdin=source)
    assert status == 2 and "unknown syntax 'cobol-ish'" in err


def test_line_end_comments_are_where_an_ignore_directive_can_go():
    from electra_corrector.markup.code import line_end_comments

    python = ["#!/usr/bin/env python 我门", "x = '我门'  # 我门去学校", "y = 1", "# 整行注释"]
    found = line_end_comments(python, "python")
    assert set(found) == {1, 3}  # not the hashbang, not a line without a comment
    ((start, end),) = found[1]
    assert python[1][start:end] == "# 我门去学校"
    c = ["int a; /* 第一行", "第二行 */ int b;", "/* 一行 */ int c;", "int d; // 我门"]
    found = line_end_comments(c, "c")
    assert set(found) == {0, 3}  # a comment that ends before the line does is no place
    assert c[0][slice(*found[0][0])] == "/* 第一行"


def test_a_directive_written_wrong_does_nothing_and_is_named_with_its_file_and_line(
    correct, tmp_path
):
    python = tmp_path / "a.py"
    python.write_text(
        "x = 1  # electra-correct: ignore-next\n"
        '"""我跟我朋唷打算去法国。"""\n'
        "y = 2  # electra-correct: ignore-next-line\n"
        '"""我跟我朋唷打算去法国。"""\n',
        encoding="utf-8",
    )
    markdown = tmp_path / "b.md"
    markdown.write_text(
        "<!-- electra-correct: of -->\n我跟我朋唷打算\n`# electra-correct: nope` 说 "
        "electra-correct: nope\n",
        encoding="utf-8",
    )
    status, out, err = correct("--check", python, markdown)
    assert status == 1
    warnings = err.splitlines()
    assert warnings == [
        f"electra-correct: {python}:1: warning: 'electra-correct: ignore-next' is no directive "
        "(ignore-next-line, ignore, off, on) and does nothing",
        f"electra-correct: {markdown}:1: warning: 'electra-correct: of' is no directive "
        "(ignore-next-line, ignore, off, on) and does nothing",
    ]  # a mention in backticks or in prose is no directive, written wrong or not
    reported = [line.split(":")[1] for line in out.decode().splitlines()]
    assert reported == ["2", "2"]  # a.py's line 2 is checked (line 4 is ignored), b.md's too
