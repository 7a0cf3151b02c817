"""Files the user names (--protect, --confusions, --config, settings files) and a model's own
files, through the electra-correct console script: read with a size cap and checked line by
line; whatever is wrong is one line on stderr, exit 2, never a traceback (issue 24)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_cli_process import COMMAND, ENV, TIMEOUT


def run(*argv, cwd: Path | None = None, shell: tuple = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*shell, *COMMAND, *map(str, argv)],
        input="我跟我朋唷打算去法国玩儿。\n",
        capture_output=True,
        text=True,
        env=ENV,
        cwd=cwd,
        timeout=TIMEOUT,
    )


def assert_one_line(done: subprocess.CompletedProcess, message: str) -> None:
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"electra-correct: {message}\n")


@pytest.mark.parametrize("option", ["--protect", "--confusions", "--config"])
def test_dev_zero_as_a_named_file_fails_at_once(option):
    done = run(option, "/dev/zero")  # before the cap it filled 3 GB in seconds
    assert_one_line(done, "/dev/zero: larger than 16 MiB, not a settings or word file")


@pytest.mark.parametrize("option", ["--protect", "--confusions"])
def test_a_word_file_with_a_binary_line_names_it(tmp_path, option):
    path = tmp_path / "words.txt"
    path.write_bytes("张三丰 张三丰\n\x00\x01\x02\n".encode())
    assert_one_line(run(option, path), f"{path}:2: holds a control character (not a text file?)")
    path.write_bytes("张三丰 张三丰\n".encode() + b"\xff\n")
    assert_one_line(run(option, path), f"{path}:2: not UTF-8 text")


@pytest.mark.parametrize(
    ("setting", "message"),
    [("model = 5", "model: must be a string"), ("device = 1.5", "device: must be a string")],
)
def test_a_setting_of_the_wrong_type_is_one_line(tmp_path, setting, message):
    (tmp_path / "pyproject.toml").write_text(f"[tool.electra-correct]\n{setting}\n")
    assert_one_line(run(cwd=tmp_path), f"{tmp_path / 'pyproject.toml'}: {message}")


def test_a_deleted_working_folder_is_one_line(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    shell = ("sh", "-c", 'cd "$1" && rmdir "$1" && shift && exec "$@"', "sh", str(gone))
    done = run(shell=shell)
    assert_one_line(
        done, "cannot use the working folder (was it deleted?): No such file or directory"
    )


@pytest.mark.slow
def test_a_model_whose_typo_counts_have_a_bad_line_is_one_line(tiny_model_dir, tmp_path):
    model = Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))
    counts = model / "typo_counts.tsv"
    counts.write_text("# wrong, right, count\n门\t们\t5\n门 们 5\n", encoding="utf-8")
    done = run("--model", model)
    assert_one_line(done, f"{counts}:3: expected 'wrong<TAB>right<TAB>count', got '门 们 5'")
