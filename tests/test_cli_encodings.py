"""Named encodings through the electra-correct console script: a file is written back byte for
byte or refused, never rewritten in other bytes (issue 24)."""

from __future__ import annotations

import subprocess

import pytest

from tests.test_cli_process import COMMAND, ENV, TIMEOUT


def run(*argv) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *map(str, argv)], capture_output=True, text=True, env=ENV, timeout=TIMEOUT
    )


@pytest.mark.slow
def test_big5_bytes_that_would_come_back_as_others_are_refused(tiny_model_dir, tmp_path):
    # Python's Big5 decodes A1FE and A2CC to characters it encodes as A241 and A451.
    path = tmp_path / "f.txt"
    data = b"ok\n\xa5\xd2\xa1\xfe\xa4\x41\n\xa2\xcc\n"
    path.write_bytes(data)
    done = run("--model", tiny_model_dir, "--input-encoding", "big5", "--in-place", path)
    assert done.returncode == 1
    assert done.stderr == (
        f"electra-correct: {path}: line 2: BIG5 text that would not be written back byte for byte\n"
    )
    assert path.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]  # no temporary file left


@pytest.mark.parametrize(
    "name", ["unicode_escape", "raw_unicode_escape", "punycode", "idna", "rot13", "base64"]
)
@pytest.mark.parametrize("option", ["--input-encoding", "--output-encoding"])
def test_only_text_encodings_are_accepted(tmp_path, option, name):
    path = tmp_path / "g.txt"
    path.write_bytes("a\n我门\n".encode())
    done = run(option, name, "--in-place", path)
    assert (done.returncode, done.stdout) == (2, "")
    errors = [line for line in done.stderr.splitlines() if line.startswith("electra-correct:")]
    assert errors == [f"electra-correct: error: argument {option}: {name} is not a text encoding"]
    assert path.read_bytes() == "a\n我门\n".encode()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["utf-32", "utf-32-le", "utf-16"])
def test_a_bom_never_overrides_the_named_encoding(tiny_model_dir, tmp_path, name):
    # A UTF-32-LE BOM starts with the UTF-16-LE one; named UTF-32-LE, the BOM is text (U+FEFF).
    codec = "utf-32" if name == "utf-32-le" else name
    data = "中文\r\nabc\n".encode(codec)
    path = tmp_path / "h.txt"
    path.write_bytes(data)
    out = tmp_path / "out.txt"
    argv = ("--model", tiny_model_dir, "--threshold", "1", "--input-encoding", name, path)
    done = run(*argv, "-o", out)
    assert (done.returncode, done.stderr) == (0, "")
    assert out.read_bytes() == data
