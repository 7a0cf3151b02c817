"""The spelling-checker workflows through the real console script: --check and its report lines,
unified diffs that patch and git apply, settings files, Markdown/rST awareness, pre-commit.

The hand-set model corrects exactly one typo, 唷 -> 友, so every expected edit is known.
"""

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli_process import COMMAND, ENV, TIMEOUT

pytestmark = pytest.mark.slow  # subprocess CLI runs, pre-commit and patch

TYPO, FIX = "唷", "友"
DIRTY = "第一行没有错。\n我跟我朋唷打算去法国玩儿。朋唷们好\n"
CLEAN = "今天天气很好，我们去公园散步。\n"


def run(*argv, cwd: Path, stdin: bytes = b"", env: dict | None = None):
    done = subprocess.run(
        [*COMMAND, *map(str, argv)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT,
        env={**ENV, **(env or {})},
    )
    return done.returncode, done.stdout, done.stderr.decode()


def report_positions(report: bytes) -> list[tuple[str, int, int, str, str]]:
    """(path, line, column, wrong, right) of each `path:line:col: wrong -> right (score)`."""
    found = []
    for line in report.decode().splitlines():
        where, change = line.split(": ", 1)
        path, number, column = where.rsplit(":", 2)
        wrong, rest = change.split(" -> ")
        assert rest[1] == " " and rest[2] == "(" and rest.endswith(")"), line
        found.append((path, int(number), int(column), wrong, rest[0]))
    return found


def typos_in(text: str, path: str) -> list[tuple[str, int, int, str, str]]:
    """Where the typo stands in `text`, counted as the report counts (1-based characters)."""
    return [
        (path, n, col + 1, TYPO, FIX)
        for n, line in enumerate(text.splitlines(), 1)
        for col, char in enumerate(line)
        if char == TYPO
    ]


def test_check_reports_each_edit_and_exits_1_only_when_something_would_change(
    typo_model_dir, tmp_path
):
    (tmp_path / "docs").mkdir()
    dirty = "\ufeff" + DIRTY.replace("\n", "\r\n")  # a BOM and CRLF do not shift columns
    (tmp_path / "docs" / "dirty.txt").write_bytes(dirty.encode("utf-8"))
    (tmp_path / "docs" / "clean.txt").write_bytes(CLEAN.encode("gb18030"))
    before = {p: p.read_bytes() for p in (tmp_path / "docs").iterdir()}
    model = ("--model", typo_model_dir)

    status, out, err = run("--check", "docs/dirty.txt", "docs/clean.txt", *model, cwd=tmp_path)
    assert (status, err) == (1, "")
    assert report_positions(out) == typos_in(dirty[1:], "docs/dirty.txt")
    assert len(report_positions(out)) == 2

    assert run("--check", "docs/clean.txt", *model, cwd=tmp_path) == (0, b"", "")

    status, out, _ = run("--check", *model, cwd=tmp_path, stdin=DIRTY.encode())
    assert status == 1
    assert report_positions(out) == typos_in(DIRTY, "-")

    status, out, err = run("--check", "--input-dir", "docs", *model, cwd=tmp_path)
    assert status == 1
    assert report_positions(out) == typos_in(dirty[1:], str(Path("docs", "dirty.txt")))
    assert err == "electra-correct: 1 of 2 files would be corrected, 0 failed\n"
    assert {p: p.read_bytes() for p in (tmp_path / "docs").iterdir()} == before


def test_diff_applied_by_patch_and_git_apply_reproduces_the_corrected_files(
    typo_model_dir, tmp_path
):
    lines = [f"第{i}行，普通的句子。" for i in range(1, 21)]
    lines[1], lines[12], lines[19] = "我跟我朋唷打算去法国玩儿。", "朋唷们好", "最后朋唷"
    files = {
        "crlf.txt": "\r\n".join(lines).encode("utf-8"),  # CRLF, no newline at the end
        "sub/gb.txt": ("\n".join(lines) + "\n").encode("gb18030"),
        "bom.md": ("\ufeff朋唷\n" + "\n".join(lines[:8])).encode("utf-8"),
        "clean.txt": CLEAN.encode("utf-8"),
    }
    original, corrected = tmp_path / "original", tmp_path / "corrected"
    for name, data in files.items():
        (original / name).parent.mkdir(parents=True, exist_ok=True)
        (original / name).write_bytes(data)
    (original / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + "朋唷\n".encode("utf-16-le"))
    model = ("--model", typo_model_dir)

    status, diff, err = run("--diff", *files, "utf16.txt", *model, cwd=original)
    assert status == 1  # the UTF-16 file has no diff that patch could apply: named, skipped
    assert err == (
        "electra-correct: utf16.txt: line 1: no unified diff for UTF-16-LE with BOM text"
        " (patch and git apply take it for binary)\n"
    )
    assert diff.count(b"\n--- a/") + diff.startswith(b"--- a/") == 3  # clean.txt has none
    assert b"\x1b[" not in diff  # no colour into a pipe
    argv = ("--input-dir", original, "--output-dir", corrected, "--exclude", "utf16.txt")
    assert run(*argv, *model, "-q", cwd=tmp_path)[0] == 0
    assert (corrected / "sub" / "gb.txt").read_bytes() != files["sub/gb.txt"]

    for tool in (["patch", "-p1", "--quiet"], ["git", "apply"]):
        if shutil.which(tool[0]) is None:
            continue
        tree = tmp_path / tool[0]
        shutil.copytree(original, tree)
        subprocess.run(tool, cwd=tree, input=diff, check=True, timeout=TIMEOUT)
        for name in files:
            assert (tree / name).read_bytes() == (corrected / name).read_bytes(), (tool, name)

    coloured = run("--diff", "crlf.txt", "--color", "always", *model, cwd=original)[1]
    assert coloured.startswith(b"\x1b[1m--- a/crlf.txt\x1b[0m\n") and b"\x1b[31m-" in coloured


def test_inline_marks_are_format_marked_and_diff_users_are_told(tmp_path):
    status, out, err = run("--format", "diff", "x.txt", cwd=tmp_path)
    assert (status, out) == (2, b"")
    assert "'diff' is now called 'marked'" in err and "--diff prints a unified diff" in err


def test_settings_come_from_the_nearest_file_and_flags_win(typo_model_dir, tmp_path):
    project, docs = tmp_path / "project", tmp_path / "project" / "docs"
    (docs / "vendor").mkdir(parents=True)
    model = os.path.relpath(typo_model_dir, project)  # relative to the settings file
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n\n[tool.electra-correct]\nmodel = "{model}"\n'
        'threshold = 0.5\ninclude = ["*.txt"]\nexclude = ["vendor"]\n',
        encoding="utf-8",
    )
    (docs / ".hidden").mkdir()
    for name in ("a.txt", "vendor/b.txt", "c.rst", ".hidden/d.txt"):
        (docs / name).write_text(DIRTY, encoding="utf-8")
    (docs / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    status, out, err = run("--check", "--input-dir", ".", cwd=docs)
    assert status == 1
    assert {path for path, *_ in report_positions(out)} == {"a.txt"}
    assert err.splitlines() == [
        "electra-correct: image.txt: not text (binary), skipped",
        "electra-correct: 1 of 1 files would be corrected, 0 failed",
    ]
    assert run("--check", "--input-dir", ".", "--threshold", "1", "-q", cwd=docs) == (0, b"", "")
    status, out, _ = run("--check", "--input-dir", ".", "--glob", "*.rst", "-q", cwd=docs)
    assert {path for path, *_ in report_positions(out)} == {"c.rst"}  # --glob replaces include

    # The nearest settings file is the one read; a bad one stops the run.
    own = f'model = "{typo_model_dir}"\ninclude = ["*.rst"]\n'
    (docs / ".electra-correct.toml").write_text(own, encoding="utf-8")
    status, out, _ = run("--check", "--input-dir", ".", "-q", cwd=docs)
    assert status == 1
    assert {path for path, *_ in report_positions(out)} == {"c.rst"}
    (docs / ".electra-correct.toml").write_text("threshold = 2\n", encoding="utf-8")
    status, out, err = run("--check", "a.txt", cwd=docs)
    assert (status, out) == (2, b"")
    assert err.startswith(f"electra-correct: {docs / '.electra-correct.toml'}: threshold: ")
    assert err.count("\n") == 1


# Prose of common characters, as in real documents: a GB18030 file is recognised by their
# share (sniff.py), which the repeated rare 唷 alone would not reach.
MARKDOWN = """\
# 朋唷的文档

这是我们的中文说明文档，大家可以先看一下再用。

正文朋唷，`代码朋唷` 和 [链接朋唷](https://例子.com/朋唷) 与 <span title="朋唷">朋唷</span>。
<https://example.com/朋唷> 和 ![图朋唷](图/朋唷.png)

```python
print("朋唷")
```

    缩进的代码朋唷

<!-- 注释朋唷
还是注释朋唷 -->
最后朋唷
"""
MARKDOWN_FIXED = """\
# 朋友的文档

这是我们的中文说明文档，大家可以先看一下再用。

正文朋友，`代码朋唷` 和 [链接朋友](https://例子.com/朋唷) 与 <span title="朋唷">朋友</span>。
<https://example.com/朋唷> 和 ![图朋友](图/朋唷.png)

```python
print("朋唷")
```

    缩进的代码朋唷

<!-- 注释朋唷
还是注释朋唷 -->
最后朋友
"""
RST = """\
正文朋唷，``代码朋唷`` 和 `链接朋唷 <https://例子.com/朋唷>`_ 与 :code:`朋唷`。

例子朋唷::

    代码朋唷

.. code-block:: python

   print("朋唷")

.. note::

   提示朋唷
"""
RST_FIXED = """\
正文朋友，``代码朋唷`` 和 `链接朋友 <https://例子.com/朋唷>`_ 与 :code:`朋唷`。

例子朋友::

    代码朋唷

.. code-block:: python

   print("朋唷")

.. note::

   提示朋友
"""


def test_markup_keeps_code_links_and_tags_and_corrects_the_prose(typo_model_dir, tmp_path):
    src, out, plain = tmp_path / "src", tmp_path / "out", tmp_path / "plain"
    src.mkdir()
    (src / "doc.md").write_bytes(MARKDOWN.replace("\n", "\r\n").encode("gb18030"))
    (src / "doc.rst").write_text(RST, encoding="utf-8")
    model = ("--model", typo_model_dir, "-q")

    assert run("--input-dir", src, "--output-dir", out, *model, cwd=tmp_path)[0] == 0
    assert (out / "doc.md").read_bytes() == MARKDOWN_FIXED.replace("\n", "\r\n").encode("gb18030")
    assert (out / "doc.rst").read_text(encoding="utf-8") == RST_FIXED

    # As plain text every typo is corrected: the syntax, not the model, kept the code. Only the
    # URL keeps it, as URLs do in any syntax (protect.py).
    argv = ("--input-dir", src, "--output-dir", plain, "--syntax", "text")
    assert run(*argv, *model, cwd=tmp_path)[0] == 0
    url = "https://例子.com/朋唷"
    expected = RST.replace(TYPO, FIX).replace(url.replace(TYPO, FIX), url)
    assert (plain / "doc.rst").read_text(encoding="utf-8") == expected

    # Standard input takes its syntax from --stdin-filename.
    status, report, _ = run(
        "--check", "--stdin-filename", "docs/x.rst", *model, cwd=tmp_path, stdin=RST.encode()
    )
    assert status == 1
    assert report_positions(report) == [
        p for p in typos_in(RST, "docs/x.rst") if RST_FIXED.splitlines()[p[1] - 1][p[2] - 1] == FIX
    ]


def _snapshot(checkout: Path, into: Path) -> str:
    """The working tree as a fresh git repository, committed: pre-commit installs a `rev`."""
    ignored = shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis", "build", "dist"
    )
    shutil.copytree(checkout, into, ignore=ignored)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@local"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "snapshot"]):
        subprocess.run([*git, *command], cwd=into, check=True, timeout=TIMEOUT)
    head = subprocess.run([*git, "rev-parse", "HEAD"], cwd=into, capture_output=True, text=True)
    return head.stdout.strip()


_PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
PRE_COMMIT = str(_PRE_COMMIT) if _PRE_COMMIT.exists() else shutil.which("pre-commit")


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed")
def test_pre_commit_hook_fails_on_a_typo_passes_clean_text_and_fixes_on_request(
    typo_model_dir, tmp_path
):
    checkout = Path(__file__).resolve().parents[1]
    hooks = tmp_path / "hooks"
    rev = _snapshot(checkout, hooks)
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "pyproject.toml").write_text(
        f'[tool.electra-correct]\nmodel = "{typo_model_dir}"\n', encoding="utf-8"
    )

    def configure(*args: str) -> None:
        hook = (
            f"    -   id: electra-correct\n        args: [{', '.join(args)}]\n"
            if args
            else ("    -   id: electra-correct\n")
        )
        (repo / ".pre-commit-config.yaml").write_text(
            f"repos:\n-   repo: {hooks}\n    rev: {rev}\n    hooks:\n{hook}", encoding="utf-8"
        )

    # pre-commit installs the hook's package into a virtualenv of its own. Its dependencies
    # (torch above all, gigabytes from an index) are the ones this interpreter already has:
    # PYTHONPATH shows them to that virtualenv, so pip finds them satisfied, downloads none, and
    # installs only electra-correct itself from the snapshot.
    site = os.pathsep.join(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    env = {**ENV, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PYTHONPATH": site}

    def pre_commit(*files: str) -> subprocess.CompletedProcess:
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        return subprocess.run(
            [PRE_COMMIT, "run", "--files", *files],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,  # the first run builds the hook's environment
        )

    configure()
    (repo / "clean.md").write_text(CLEAN, encoding="utf-8")
    (repo / "dirty.md").write_text(DIRTY, encoding="utf-8")
    # Python is checked too, but only its comments and strings: a name is no typo.
    (repo / "names.py").write_text("朋唷 = 1  # 今天天气很好\n", encoding="utf-8")
    (repo / "script.py").write_text('print("我跟我朋唷打算去法国玩儿。")\n', encoding="utf-8")
    (repo / "script.js").write_text("// 我跟我朋唷打算去法国玩儿。\n", encoding="utf-8")
    passed = pre_commit("clean.md", "names.py", "script.js")  # .js is not among its types
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    failed = pre_commit("clean.md", "dirty.md", "script.py")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "dirty.md:2:5: 唷 -> 友" in failed.stdout and "clean.md" not in failed.stdout
    assert "script.py:1:12: 唷 -> 友" in failed.stdout
    assert (repo / "dirty.md").read_text(encoding="utf-8") == DIRTY

    configure("--in-place")
    fixed = pre_commit("dirty.md")
    assert fixed.returncode == 1 and "files were modified by this hook" in fixed.stdout
    assert (repo / "dirty.md").read_text(encoding="utf-8") == DIRTY.replace(TYPO, FIX)


CONTAINED = [  # (document, corrected): code inside list items and quotes, any line ending
    (
        "- ```\n  朋唷\n  ```\n\n```\n朋唷\n```\n朋唷\n",
        "- ```\n  朋唷\n  ```\n\n```\n朋唷\n```\n朋友\n",
    ),
    ("> ```\n> 朋唷\n> ```\n> ~~~\n> 朋唷\n> ~~~\n>\n>     朋唷\n\n朋唷\n", None),
    ("朋唷\r\r~~~\r朋唷\r~~~\r朋唷\r\r    朋唷\r", "朋友\r\r~~~\r朋唷\r~~~\r朋友\r\r    朋唷\r"),
]


@pytest.mark.parametrize("document,corrected", CONTAINED)
def test_code_in_containers_and_cr_only_files_is_kept(
    typo_model_dir, tmp_path, document, corrected
):
    path = tmp_path / "doc.md"
    path.write_bytes(document.encode("utf-8"))
    assert run("--in-place", path, "--model", typo_model_dir, "-q", cwd=tmp_path)[0] == 0
    expected = corrected or document[: document.rindex("朋唷")] + "朋友\n"
    assert path.read_bytes() == expected.encode("utf-8")


def test_rst_quoted_literal_block_is_kept(typo_model_dir, tmp_path):
    path = tmp_path / "doc.rst"
    path.write_text("例子::\n\n> 朋唷\n> 朋唷\n\n朋唷\n", encoding="utf-8")
    assert run("--in-place", path, "--model", typo_model_dir, "-q", cwd=tmp_path)[0] == 0
    assert path.read_text(encoding="utf-8") == "例子::\n\n> 朋唷\n> 朋唷\n\n朋友\n"
