"""Strings that a program uses as names are never edited (markup/names.py): keys, patterns, SQL,
paths, attribute values, literal types, tables of short strings; the prose strings beside them
still are."""

from __future__ import annotations

import pytest

from electra_corrector.markup import code
from electra_corrector.markup.spans import complement

PROSE = "我跟朋唷打算去法国玩"  # the typo model fixes every 唷; so would a writer
NAME = "朋唷名字"  # a name with the same typo: editing it breaks the program

# (lexer, source with NAME where a name goes); every case also holds PROSE in a plain string.
CASES = {
    "dict key": ("python", f'd = {{"{NAME}": 1}}\nprint("{PROSE}")\n'),
    "subscript": ("python", f'x = d["{NAME}"]\nprint("{PROSE}")\n'),
    "subscript in an f-string": ("python", f"s = f\"{{d['{NAME}']}}{PROSE}\"\n"),
    "f-string format spec": ("python", f's = f"{{x:{NAME}}}{PROSE}"\n'),
    "%-format key": ("python", f's = "%({NAME})s{PROSE}" % m\n'),
    "str.format field": ("python", f's = "{{{NAME}}}{PROSE}".format(**m)\n'),
    "regex": ("python", f'p = re.compile("{NAME}+")\nprint("{PROSE}")\n'),
    "SQL": ("python", f'cur.execute("SELECT {NAME} FROM t")\nprint("{PROSE}")\n'),
    "SQL by its text": ("python", f'q = "SELECT {NAME} FROM t"\nprint("{PROSE}")\n'),
    "getattr": ("python", f'getattr(o, "{NAME}")\nprint("{PROSE}")\n'),
    "__all__": ("python", f'__all__ = ["{NAME}", "f"]\nprint("{PROSE}")\n'),
    "annotation": ("python", f'def f(x: "{NAME}") -> "{NAME}":\n    print("{PROSE}")\n'),
    "type comment": ("python", f'x = g()  # type: {NAME}\nprint("{PROSE}")\n'),
    "comparison": ("python", f'if x == "{NAME}":\n    print("{PROSE}")\n'),
    "membership": ("python", f'if x in ("{NAME}", "b"):\n    print("{PROSE}")\n'),
    "replace": ("python", f's = t.replace("{NAME}", "")\nprint("{PROSE}")\n'),
    "decorator": ("python", f'@app.route("/{NAME}")\ndef f():\n    print("{PROSE}")\n'),
    "path": ("python", f'open("数据/{NAME}.txt")\nprint("{PROSE}")\n'),
    "Go struct tag": (
        "go",
        f'type T struct {{\n\tA string `json:"{NAME}"`\n}}\nvar s = "{PROSE}"\n',
    ),
    "Go directive": ("go", f'//go:generate {NAME}\nvar s = "{PROSE}"\n'),
    "Java annotation": (
        "java",
        f'@Named("{NAME}")\nclass A {{ String s = "{PROSE}"; }}\n',
    ),
    "Java equals": (
        "java",
        f'class A {{ boolean f() {{ return x.equals("{NAME}"); }} String s = "{PROSE}"; }}\n',
    ),
    "C# interpolation": ("csharp", f'var s = $"{PROSE}{{{NAME}}}";\n'),
    "C# attribute": ("csharp", f'[Category("{NAME}")]\nvar s = "{PROSE}";\n'),
    "TypeScript literal type": ("typescript", f'type D = "{NAME}" | "b";\nlet s = "{PROSE}";\n'),
    "TypeScript annotation": ("typescript", f'let d: "{NAME}";\nlet s = "{PROSE}";\n'),
    "JSX className": ("jsx", f'const a = <p className="{NAME}">{PROSE}</p>;\n'),
    "YAML quoted key": ("yaml", f'"{NAME}": {PROSE}\n'),
    "TOML quoted key": ("toml", f'"{NAME}" = "{PROSE}"\n'),
    "TOML table header": ("toml", f'[{NAME}]\nk = "{PROSE}"\n'),
    "JSON key": ("json", f'{{"{NAME}": "{PROSE}"}}\n'),
    "shell case pattern": ("bash", f'case "$x" in\n  "{NAME}") echo "{PROSE}";;\nesac\n'),
    "shell path": ("bash", f'cat "数据/{NAME}.txt"\necho "{PROSE}"\n'),
}


def checked_texts(lexer: str, source: str) -> list[str]:
    """The stretches of `source` the scanner lets the corrector edit."""
    bodies = source.split("\n")[:-1]
    protected = code._protected_lines(bodies, lexer)
    return [
        body[a:b] for body, spans in zip(bodies, protected, strict=True)
        for a, b in complement(spans, len(body))
    ]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_a_name_is_never_checked_and_the_prose_beside_it_is(case):
    lexer, source = CASES[case]
    texts = checked_texts(lexer, source)
    assert not any(NAME in t for t in texts), texts
    assert any(PROSE in t for t in texts), texts


def test_the_same_strings_as_prose_are_checked():
    # Without the syntax that makes them names, these very strings are checked.
    texts = checked_texts("python", f'print("{NAME}很长的一句话")\nx = ["{NAME}很长的一句话"]\n')
    assert sum(NAME in t for t in texts) == 2


def test_prose_in_dict_values_messages_and_jsx_titles_is_still_checked():
    source = (
        f'MESSAGES = {{"error": "{PROSE}，请稍后再试一次。"}}\n'
        f'raise ValueError("{PROSE}")\n'
        f'x = f"{{name}}{PROSE}"\n'
    )
    assert sum(PROSE in t for t in checked_texts("python", source)) == 3
    jsx = f'const a = <img alt="{PROSE}" title="{PROSE}" />;\n'
    assert sum(PROSE in t for t in checked_texts("jsx", jsx)) == 2


def test_a_table_of_short_strings_is_data_whatever_their_length():
    table = ", ".join(f'"{a}": "{b}"' for a, b in [("丰富多彩", "豐富多彩")] * 3)
    source = f'T = {{{table}, "朋唷朋唷": "朋友朋友"}}\nprint("{PROSE}")\n'
    texts = checked_texts("python", source)
    assert not any("朋唷朋唷" in t for t in texts)
    assert any(PROSE in t for t in texts)
    # A list of pairs, nested: the same
    pairs = ", ".join(f'("{a}", "{b}")' for a, b in [("朋唷", "朋友"), ("在见", "再见")] * 2)
    assert not checked_texts("python", f"CONFUSED = [{pairs}]\n")


def test_a_function_body_of_short_messages_is_code_not_a_table():
    body = "".join(f'    print("朋唷说{i}")\n' for i in range(6))
    texts = checked_texts(
        "javascript", "function f() {\n" + body.replace("    print", "  log") + "}\n"
    )
    assert sum("朋唷" in t for t in texts) == 6


def test_docstrings_after_a_colon_are_prose_not_annotations():
    source = f'class A:\n    """{PROSE}。"""\n\n    def f(self):\n        """{PROSE}。"""\n'
    assert sum(PROSE in t for t in checked_texts("python", source)) == 2


CODE_BASE = {
    "convert.py": (
        '"""繁简转换：把繁体字换成简体字。"""\n'
        "TABLE = {\n"
        + "".join(
            f'    "{a}": "{b}",\n'
            for a, b in [("豐富多彩", "丰富多彩"), ("朋唷滿座", "朋友满座")] * 3
        )
        + "}\n"
        'KEYS = {"朋唷名单": 1}\n'
        'PATTERN = re.compile(r"朋唷[一二三]+")\n'
        "\n\ndef convert(text):\n"
        '    """把文本里的繁体字换成简体字，朋唷们请看。"""\n'
        '    return KEYS["朋唷名单"], cursor.execute("SELECT 朋唷 FROM 表格")\n'
    ),
    "web/app.tsx": (
        'type Mode = "朋唷模式" | "普通模式";\n'
        "export const App = () => (\n"
        '  <div className="朋唷样式">我跟朋唷打算去法国</div>\n'
        ");\n"
    ),
}


def test_on_a_code_base_check_reports_only_prose(tmp_path, correct, monkeypatch):
    for name, text in CODE_BASE.items():
        (tmp_path / "repo" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "repo" / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status, out, err = correct("--check", "--input-dir", "repo")
    assert status == 1, err
    lines = sorted(out.decode().splitlines())
    # The docstring's 朋唷们 and the JSX text's 朋唷, nothing in keys, tables, patterns or SQL.
    assert [line.split(":")[:2] for line in lines] == [
        ["repo/convert.py", "15"],
        ["repo/web/app.tsx", "3"],
    ], lines


TEST_FILE = f'def test_typo():\n    assert fix("{PROSE}") == "我跟朋友打算去法国玩"  # {PROSE}\n'


@pytest.mark.parametrize(
    "name", ["test_fix.py", "tests/helpers.py", "fix_test.go", "src/__tests__/a.js", "a.spec.ts"]
)
def test_test_files_are_known_by_their_names(name):
    assert code.is_test_file(name)


@pytest.mark.parametrize("name", ["fix.py", "contest.py", "latest/a.py", "testing.go"])
def test_other_files_are_not_test_files(name):
    assert not code.is_test_file(name)


def test_strings_of_test_files_are_reported_never_written(tmp_path, correct, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "test_fix.py").write_text(TEST_FILE, encoding="utf-8")
    status, out, err = correct("--check", "test_fix.py")
    # the string's typo and the comment's are both reported
    assert status == 1 and len(out.decode().splitlines()) == 2, (out, err)
    status, out, err = correct("--in-place", "test_fix.py")
    written = (tmp_path / "test_fix.py").read_text(encoding="utf-8")
    assert status == 0, err
    assert f'fix("{PROSE}")' in written  # the test's input kept its typo
    assert "# 我跟朋友打算去法国玩" in written  # the comment was corrected
    # asked for, the strings are corrected too
    (tmp_path / "test_fix.py").write_text(TEST_FILE, encoding="utf-8")
    assert correct("--in-place", "--write-test-strings", "test_fix.py")[0] == 0
    assert PROSE not in (tmp_path / "test_fix.py").read_text(encoding="utf-8")


def test_write_test_strings_is_a_setting_too(tmp_path, correct, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".electra-correct.toml").write_text("write-test-strings = true\n", "utf-8")
    (tmp_path / "test_fix.py").write_text(TEST_FILE, encoding="utf-8")
    assert correct("--in-place", "test_fix.py")[0] == 0
    assert PROSE not in (tmp_path / "test_fix.py").read_text(encoding="utf-8")
