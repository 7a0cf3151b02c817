"""--resume through the electra-correct console script: it removes only the temporary files a
run of its own recorded, and skips an output only when the same model files, settings and input
made it (issue 24 rows 3 and 4, issue 21's one fingerprint)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from electra_corrector.cli.pipeline import DoneLog
from electra_corrector.models.testing import write_tiny_pair
from tests.test_cli_process import COMMAND, ENV, TIMEOUT

pytestmark = pytest.mark.slow  # subprocess CLI runs

TEXT = "今天天汽很好，我们去公园散步。\n"


def run(*argv) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *map(str, argv)], capture_output=True, text=True, env=ENV, timeout=TIMEOUT
    )


@pytest.fixture
def model(tiny_model_dir, tmp_path) -> Path:
    """A copy of the tiny model that a test may retrain in place."""
    return Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))


def tree(tmp_path: Path, name: str = "in") -> Path:
    src = tmp_path / name
    (src / "sub").mkdir(parents=True)
    for relative in ("a.txt", "sub/b.txt"):
        (src / relative).write_text(TEXT, encoding="utf-8")
    return src


def summary(done: subprocess.CompletedProcess) -> tuple[int, str]:
    return done.returncode, done.stderr.strip()


def test_resume_removes_only_temporary_files_its_runs_recorded(model, tmp_path):
    src, out = tree(tmp_path), tmp_path / "out"
    argv = ("--model", model, "--threshold", "1", "--input-dir", src, "--output-dir", out)
    assert summary(run(*argv)) == (0, "electra-correct: 2 files corrected, 0 failed")
    # The user's own files, at any depth, some in the very form of a temporary name.
    users = [out / ".journal.20240101.tmp", out / "sub" / ".bashrc.backup_1.tmp"]
    users += [out / "sub" / ".b.txt.ab12_x9z.tmp", out / ".a.txt.t.abcd1234.tmp"]
    for path in users:
        path.write_text("mine\n")
    # What a run killed with SIGKILL leaves: its tag, recorded in the log before it made them.
    records = [json.loads(line) for line in (out / DoneLog.NAME).read_text().splitlines()]
    tags = [r["temp_tag"] for r in records if "temp_tag" in r]
    assert len(tags) == 1 and len(tags[0]) >= 16  # one per run, long enough to be its own
    left = [out / f".a.txt.{tags[0]}.k2j4_9xz.tmp", out / "sub" / f".b.txt.{tags[0]}.q1w2e3r4.tmp"]
    for path in left:
        path.write_text("half")

    assert summary(run(*argv, "--resume")) == (
        0,
        "electra-correct: 0 files corrected, 0 failed, 2 skipped",
    )
    assert all(path.read_text() == "mine\n" for path in users)
    assert not any(path.exists() for path in left)


def test_resume_redoes_outputs_of_a_model_retrained_in_place(model, tmp_path):
    src, out = tree(tmp_path), tmp_path / "out"
    argv = ("--model", model, "--threshold", "1", "--input-dir", src, "--output-dir", out)
    assert run(*argv).returncode == 0  # (that --resume skips what it may: the test above)

    # Same folder, same file names, new weights (a retrained generator only).
    other = write_tiny_pair(tmp_path / "retrained", seed=1)
    for name in os.listdir(other / "generator"):
        shutil.copyfile(other / "generator" / name, model / "generator" / name)
    redone = "electra-correct: 2 files corrected, 0 failed"
    assert summary(run(*argv, "--resume")) == (0, redone)

    # New typo counts beside the model change its candidates: done again too.
    (model / "typo_counts.tsv").write_text("门\t们\t5\n", encoding="utf-8")
    assert summary(run(*argv, "--resume")) == (0, redone)


def test_resume_redoes_outputs_made_from_another_input_folder(model, tmp_path):
    first, out = tree(tmp_path, "first"), tmp_path / "out"
    second = tmp_path / "second"
    shutil.copytree(first, second)
    for relative in ("a.txt", "sub/b.txt"):  # other text, same size and mtime
        (second / relative).write_text(TEXT.replace("今天", "明天"), encoding="utf-8")
        stat = (first / relative).stat()
        os.utime(second / relative, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    argv = ("--model", model, "--threshold", "1", "--output-dir", out)
    assert run(*argv, "--input-dir", first).returncode == 0

    done = run(*argv, "--input-dir", second, "--resume")
    assert summary(done) == (0, "electra-correct: 2 files corrected, 0 failed")
    assert (out / "sub" / "b.txt").read_text(encoding="utf-8") == TEXT.replace("今天", "明天")
