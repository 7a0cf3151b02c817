"""The tree rules of --input-dir (textio/discovery.py, which electra-correct-ray shares): nothing
under it is silently left unread, and symlinked folders follow one rule."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from electra_corrector.cli.pipeline import DoneLog

TEXT = "今天天汽很好，我们去公园散步。\n"
ROOT = Path(__file__).resolve().parents[1]


def outputs(root: Path) -> list[str]:
    files = (p for p in root.rglob("*") if p.is_file() and p.name != DoneLog.NAME)
    return sorted(p.relative_to(root).as_posix() for p in files)


def unprivileged() -> list[str]:
    """A command prefix under which chmod 000 stops this process: none for a user; for root,
    setpriv without the capabilities that let root read anything."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("chmod 000 does not stop root, and setpriv (util-linux) is not installed")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.slow
def test_unreadable_folders_and_files_are_named_and_fail_the_run(tmp_path, eager_model_dir):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "locked").mkdir(parents=True)
    (src / "locked" / "inside.txt").write_text(TEXT, encoding="utf-8")
    for name in ("ok.txt", "secret.txt"):
        (src / name).write_text(TEXT, encoding="utf-8")
    (src / "locked").chmod(0)
    (src / "secret.txt").chmod(0)
    argv = ["--input-dir", src, "--output-dir", out, "--model", eager_model_dir, "--threshold", "1"]

    try:
        done = subprocess.run(
            [*unprivileged(), sys.executable, "-m", "electra_corrector", *map(str, argv)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=300,
        )
    finally:
        (src / "locked").chmod(0o755)  # so that pytest can remove it

    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"electra-correct: {src / 'locked'}: cannot read this folder: Permission denied",
        f"electra-correct: {src / 'secret.txt'}: Permission denied",
        "electra-correct: 1 files corrected, 2 failed",
    ]
    assert outputs(out) == ["ok.txt"]


def test_a_symlinked_folder_is_followed_only_inside_the_tree(cli, tmp_path):
    src, out, elsewhere = tmp_path / "in", tmp_path / "out", tmp_path / "elsewhere"
    (src / "docs").mkdir(parents=True)
    (src / "deep").mkdir()
    elsewhere.mkdir()
    (src / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    (elsewhere / "secret.txt").write_text(TEXT, encoding="utf-8")
    (src / "alias").symlink_to("docs")  # inside: walked under its own name
    (src / "ext").symlink_to(elsewhere)  # outside: named, skipped
    (src / "deep" / "up").symlink_to("..")  # a loop: named, skipped
    (src / os.fsdecode(b"caf\xe9.txt")).write_text(TEXT, encoding="utf-8")  # not UTF-8: read

    status, _, stderr = cli("--input-dir", src, "--output-dir", out, "--glob", "**/*.txt")

    assert status == 1
    assert stderr.splitlines() == [
        f"electra-correct: {src / 'deep' / 'up'}: a symlink to a folder holding it; skipped",
        f"electra-correct: {src / 'ext'}: leads outside --input-dir (a symlink?); skipped",
        "electra-correct: 3 files corrected, 2 failed",
    ]
    assert outputs(out) == ["alias/a.txt", os.fsdecode(b"caf\xe9.txt"), "docs/a.txt"]
    assert not (out / "alias").is_symlink()


def test_excluding_a_folder_by_its_path_skips_what_it_holds(cli, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    for name in ("a.txt", "docs/api/b.txt", "docs/c.txt", "x/docs/api/d.txt"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(TEXT, encoding="utf-8")

    status, _, _ = cli("--input-dir", src, "--output-dir", out, "--exclude", "docs/api", "-q")

    assert status == 0
    assert outputs(out) == ["a.txt", "docs/c.txt", "x/docs/api/d.txt"]
