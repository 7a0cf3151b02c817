"""--interactive under a real pseudo-terminal, with the bundled model and typos it fixes."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "[y,n,a,d,q,?]? "
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "LANG": "C.UTF-8"}


def _spawn(cwd: Path, *args: str):
    """electra-correct on a pseudo-terminal, its stdin not a terminal (answers come from
    /dev/tty), run from `cwd` so that the bundled model is used."""
    command = (
        "exec " + shlex.join([sys.executable, "-m", "electra_corrector", *args]) + " </dev/null"
    )
    return pexpect.spawn(
        "/bin/sh", ["-c", command], cwd=cwd, env=ENV, encoding="utf-8", timeout=180
    )


def _answer(child, key: str) -> str:
    """Waits for the next question, answers `key`, and returns what was shown before it."""
    child.expect_exact(PROMPT)
    shown = child.before
    child.sendline(key)
    return shown


def _exit(child) -> tuple[int, str]:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before


@pytest.mark.slow
def test_accept_skip_all_and_quit_in_place(tmp_path):
    # GB18030 with CRLF: the accepted edit is written back in the file's own bytes.
    first = "我门一定要去。\r\n我跟我朋唷打算去法国玩儿。\r\n"
    files = {
        "a.txt": first.encode("gb18030"),
        "b.txt": "我门一定要去。\n他再家里看书。\n作事要有保障往往都是一件好事。\n".encode(),
        "c.txt": "我跟我朋唷打算去法国玩儿。\n".encode(),
        "d.txt": "我门一定要去。\n".encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    child = _spawn(tmp_path, "--interactive", "--in-place", *files)
    shown = _answer(child, "y")
    assert "a.txt:1:2: 门 -> 们 (1.00)" in shown and "我[门→们]一定要去。" in shown
    assert "a.txt:2:5: 唷 -> 友" in _answer(child, "n")
    assert "b.txt:1:2: 门 -> 们" in _answer(child, "a")  # and no question on b's other lines
    assert "c.txt:1:5: 唷 -> 友" in _answer(child, "q")
    status, rest = _exit(child)
    assert status == 0 and "quit: 2 files written, 2 left as they were" in rest

    fixed = "我们一定要去。\r\n我跟我朋唷打算去法国玩儿。\r\n"
    assert (tmp_path / "a.txt").read_bytes() == fixed.encode("gb18030")
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == (
        "我们一定要去。\n他在家里看书。\n做事要有保障往往都是一件好事。\n"
    )
    assert (tmp_path / "c.txt").read_bytes() == files["c.txt"]
    assert (tmp_path / "d.txt").read_bytes() == files["d.txt"]
    assert sorted(os.listdir(tmp_path)) == sorted(files)  # no temporary files left


@pytest.mark.slow
def test_a_tree_skip_rest_of_file_help_and_ctrl_c_as_quit(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    x = "我门一定要去。\n我跟我朋唷打算去法国玩儿。\n"
    (src / "x.txt").write_text(x, encoding="utf-8")
    (src / "y.txt").write_text("他再家里看书。\n", encoding="utf-8")
    child = _spawn(tmp_path, "--interactive", "--input-dir", "in", "--output-dir", "out")
    assert "x.txt:1:2" in _answer(child, "d")  # skips x's second edit unasked
    assert "y.txt:1:2: 再 -> 在" in _answer(child, "?")
    assert "a - accept this edit and all the others left in this file" in _answer(child, "")
    child.expect_exact(PROMPT)  # an empty answer asks again
    child.sendintr()
    status, rest = _exit(child)
    assert status == 130 and "quit: 1 files written, 1 left as they were" in rest
    assert (out / "x.txt").read_text(encoding="utf-8") == x
    assert sorted(p.name for p in out.iterdir()) == [".electra-correct-done.jsonl", "x.txt"]


def test_refused_without_a_terminal(tmp_path):
    (tmp_path / "a.txt").write_text("我门一定要去。\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "electra_corrector", "--interactive", "--in-place", "a.txt"],
        cwd=tmp_path,
        env=ENV,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        start_new_session=True,  # no controlling terminal: /dev/tty cannot be opened
    )
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("electra-correct: --interactive asks on a terminal")
    assert run.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "why"),
    [
        (["--in-place"], "not standard input"),
        (["-", "-o", "x.txt"], "not standard input"),
        (["a.txt"], "add --in-place, -o FILE or --output-dir"),
        (["a.txt", "--check"], "no --check, --diff or --format"),
        (["a.txt", "-o", "x.txt", "--format", "jsonl"], "no --check, --diff or --format"),
    ],
)
def test_refused_where_it_has_no_meaning(cli, argv, why):
    status, out, err = cli("--interactive", *argv)
    assert status == 2 and out == b"" and why in err


@pytest.mark.slow
def test_a_word_document_gets_only_the_accepted_edits(tmp_path):
    pytest.importorskip("docx")
    import docx

    document = docx.Document()
    document.add_paragraph("我跟我朋唷打算去法国玩儿。")
    document.add_paragraph("他再家里看书。")
    document.save(tmp_path / "a.docx")
    child = _spawn(tmp_path, "--interactive", "--in-place", "a.docx")
    assert "a.docx:1:5: 唷 -> 友" in _answer(child, "n")
    assert "a.docx:2:2: 再 -> 在" in _answer(child, "y")
    status, _ = _exit(child)
    assert status == 0
    texts = [p.text for p in docx.Document(str(tmp_path / "a.docx")).paragraphs]
    assert texts == ["我跟我朋唷打算去法国玩儿。", "他在家里看书。"]
