"""--diff names files as git does, through the console script: relative `a/` `b/` paths, C-style
quotes where a name needs them, so that `patch -p1` and `git apply` find every file whatever
its name (spaces, tabs, newlines, quotes, non-ASCII) and however it was given (issue 24)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_cli_process import COMMAND, ENV, TIMEOUT

pytestmark = pytest.mark.slow  # subprocess CLI runs and patch

TEXT = "第一行没有错。\n我跟我朋唷打算去法国玩儿。\n"
FIXED = TEXT.replace("唷", "友")  # the one typo the hand-set model corrects
NAMES = [
    "my file.txt",
    "tab\there.txt",
    "new\nline.txt",
    "中文名.txt",
    'q"b\\s.txt',
    "sub dir/x.txt",
]


def diff(*names, model, cwd) -> bytes:
    done = subprocess.run(
        [*COMMAND, "--model", str(model), "--diff", *map(str, names)],
        cwd=cwd,
        capture_output=True,
        env=ENV,
        timeout=TIMEOUT,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    return done.stdout


def test_a_diff_applies_whatever_the_names(typo_model_dir, tmp_path):
    original = tmp_path / "original"
    for name in [*NAMES, "abs.txt"]:
        (original / name).parent.mkdir(parents=True, exist_ok=True)
        (original / name).write_text(TEXT, encoding="utf-8")
    # Relative names, one as ./x, and an absolute one inside the working folder.
    named = [*NAMES[:-1], f"./{NAMES[-1]}", original / "abs.txt"]
    patch = diff(*named, model=typo_model_dir, cwd=original)
    headers = [line for line in patch.split(b"\n") if line.startswith((b"--- ", b"+++ "))]
    assert headers[:2] == [b"--- a/my file.txt\t", b"+++ b/my file.txt\t"]
    assert headers[2:4] == [b'--- "a/tab\\there.txt"', b'+++ "b/tab\\there.txt"']
    assert b'--- "a/new\\nline.txt"' in headers and b"--- a/abs.txt" in headers
    assert b'--- "a/\\344\\270\\255\\346\\226\\207\\345\\220\\215.txt"' in headers
    assert b'--- "a/q\\"b\\\\s.txt"' in headers and b"--- a/sub dir/x.txt\t" in headers

    tools = [
        tool for tool in (["patch", "-p1", "--quiet"], ["git", "apply"]) if shutil.which(tool[0])
    ]
    if not tools:
        pytest.skip("neither patch nor git here")
    for tool in tools:
        tree = tmp_path / tool[0]
        shutil.copytree(original, tree)
        subprocess.run(tool, cwd=tree, input=patch, check=True, timeout=TIMEOUT)
        for name in [*NAMES, "abs.txt"]:
            assert (tree / name).read_text(encoding="utf-8") == FIXED, (tool, name)


@pytest.mark.skipif(shutil.which("patch") is None, reason="no patch here")
def test_a_file_outside_the_working_folder_is_named_from_the_root(typo_model_dir, tmp_path):
    outside, cwd = tmp_path / "elsewhere" / "f.txt", tmp_path / "here"
    outside.parent.mkdir()
    cwd.mkdir()
    outside.write_text(TEXT, encoding="utf-8")
    patch = diff(outside, model=typo_model_dir, cwd=cwd)
    assert patch.startswith(b"--- a/" + str(outside).lstrip("/").encode() + b"\n")
    subprocess.run(["patch", "-d", "/", "-p1", "--quiet"], input=patch, check=True)
    assert outside.read_text(encoding="utf-8") == FIXED
