"""electra-correct run in-process through main(): modes, formats, encodings, failures, exit codes.

Tests that need a real process (streaming, Ctrl-C, broken pipe, import cost) are in
test_cli_process.py.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from pathlib import Path

import pytest

from electra_corrector import __version__
from electra_corrector.base.charset import is_cjk
from electra_corrector.cli.main import main
from electra_corrector.cli.pipeline import DoneLog
from electra_corrector.document.render import mark_changes, renderer
from electra_corrector.engine.result import Correction, Edit
from tests.encodings import ENCODINGS

SAMPLE = (
    "我跟我朋唷打算去法国玩儿。{nl}{nl}Hello, 世界 ①②{nl}  今天天汽很好，我们去公园散步{nl}最后一行"
)


# Enough Chinese that the random tiny model (default threshold) makes edits on most lines.
BUSY = "".join(
    f"第{i}行：今天天汽很好，我们去公园散步，然后在饭店吃饭。ok {i}\r\n" for i in range(12)
)


def files_under(root):
    """Files under root, but for the record of finished outputs a tree run keeps."""
    found = (p for p in root.rglob("*") if p.is_file() and p.name != DoneLog.NAME)
    return sorted(p.relative_to(root).as_posix() for p in found)


@pytest.mark.slow
def test_tree_round_trips_every_encoding_and_line_ending_at_threshold_1(cli, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    for name, encode in ENCODINGS.items():
        for nl, tag in (("\n", "lf"), ("\r\n", "crlf")):
            path = src / name / "deeper" / f"{tag}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(encode(SAMPLE.format(nl=nl)))
    (src / "empty.txt").write_bytes(b"")
    (src / "bom_only.txt").write_bytes(codecs.BOM_UTF8)

    status, stdout, stderr = cli("--input-dir", src, "--output-dir", out, "--threshold", "1")

    assert (status, stdout) == (0, b"")
    assert files_under(out) == files_under(src)
    for name in files_under(src):
        assert (out / name).read_bytes() == (src / name).read_bytes(), name
    corrected = 2 * len(ENCODINGS) + 2  # LF and CRLF per encoding, plus the two edge files
    assert stderr.strip() == f"electra-correct: {corrected} files corrected, 0 failed"


def test_stdout_output_file_and_stdin_round_trip_at_threshold_1(cli, tmp_path):
    gb = tmp_path / "gb.txt"
    gb.write_bytes(ENCODINGS["gb18030"](SAMPLE.format(nl="\r\n")))
    utf16 = ENCODINGS["utf-16-be with BOM"](SAMPLE.format(nl="\n"))

    assert cli(gb, "--threshold", "1") == (0, gb.read_bytes(), "")
    assert cli("-", "--threshold", "1", stdin=utf16) == (0, utf16, "")
    assert cli(gb, "-o", tmp_path / "copy.txt", "--threshold", "1") == (0, b"", "")
    assert (tmp_path / "copy.txt").read_bytes() == gb.read_bytes()


def test_active_engine_keeps_lines_endings_and_non_chinese(cli, tmp_path):
    path = tmp_path / "busy.txt"
    path.write_bytes(BUSY.encode("gb18030"))

    status, stdout, _ = cli(path)

    assert status == 0
    before = BUSY.splitlines(keepends=True)
    after = stdout.decode("gb18030").splitlines(keepends=True)  # written back as GB18030
    assert after != before  # the engine really changed something
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert len(new) == len(old) and new.endswith("\r\n")
        assert all(a == b or (is_cjk(a) and is_cjk(b)) for a, b in zip(old, new, strict=True))


def test_jsonl_and_marked_describe_the_same_edits_as_the_text(cli, tmp_path):
    path = tmp_path / "busy.txt"
    path.write_text(BUSY, encoding="utf-8", newline="")

    texts = cli(path)[1].decode().splitlines()
    status, jsonl, _ = cli(path, "--format", "jsonl")
    records = [json.loads(line) for line in jsonl.decode().splitlines()]
    diff = cli(path, "--format", "marked")[1].decode().splitlines()

    assert status == 0
    assert [r["line"] for r in records] == list(range(1, 13))
    assert {r["file"] for r in records} == {str(path)}
    assert [r["source"] for r in records] == BUSY.splitlines()
    assert [r["text"] for r in records] == texts
    assert any(r["edits"] for r in records)
    for record, shown in zip(records, diff, strict=True):
        for edit in record["edits"]:
            assert record["source"][edit["offset"]] == edit["wrong"]
            assert record["text"][edit["offset"]] == edit["right"]
            assert f"[{edit['wrong']}→{edit['right']}]" in shown
        assert re.sub(r"\[(.)→.\]", r"\1", shown) == record["source"]


def test_max_edits_per_sentence_limits_each_line(cli, tmp_path):
    path = tmp_path / "busy.txt"
    path.write_text(BUSY, encoding="utf-8")

    def edits_per_line(*options):
        out = cli(path, "--format", "jsonl", *options)[1].decode()
        return [len(json.loads(line)["edits"]) for line in out.splitlines()]

    assert max(edits_per_line()) > 1  # otherwise the limit would not be tested
    assert max(edits_per_line("--max-edits-per-sentence", "1")) == 1


def test_output_encoding_is_converted_on_request(cli, tmp_path):
    path = tmp_path / "gb.txt"
    path.write_bytes("中文\r\n".encode("gb18030"))
    assert cli(path, "--threshold", "1", "--output-encoding", "utf-16")[1] == "中文\r\n".encode(
        "utf-16"
    )
    jsonl = cli(path, "--threshold", "1", "--format", "jsonl")[1]
    assert json.loads(jsonl.decode("utf-8"))["source"] == "中文"  # JSON lines are UTF-8


def test_tree_reports_bad_files_and_finishes_the_good_ones(cli, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "a" / "b").mkdir(parents=True)
    (src / "one.txt").write_text("今天天汽很好\n", encoding="utf-8")
    (src / "a" / "two.txt").write_bytes("第二个文件\n".encode("gbk"))
    (src / "a" / "b" / "three.txt").write_text("第三个\n", encoding="utf-8-sig")
    (src / "a" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (src / "a" / "b" / "mixed.txt").write_bytes("好\n".encode() + "坏\n".encode("gbk"))

    status, _, stderr = cli("--input-dir", src, "--output-dir", out)

    assert status == 1
    assert files_under(out) == ["a/b/three.txt", "a/two.txt", "one.txt"]  # no temp files either
    messages = stderr.splitlines()
    assert f"electra-correct: {src / 'a' / 'image.png'}: not text (binary), skipped" in stderr
    assert f"electra-correct: {src / 'a' / 'b' / 'mixed.txt'}: line 2: not valid UTF-8" in stderr
    assert messages[-1] == "electra-correct: 3 files corrected, 1 failed"
    assert len(messages) == 3
    assert (out / "a" / "two.txt").read_bytes()[-1:] == b"\n"


def log_lines(out: Path) -> list[str]:
    return (out / DoneLog.NAME).read_text().splitlines()


def test_glob_selects_files_and_resume_skips_finished_ones(cli, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    for name in ("x.txt", "sub/y.txt", "sub/z.md"):
        (src / name).write_text("中文\n", encoding="utf-8")
    tree = ("--input-dir", src, "--output-dir", out, "--glob", "*.txt", "--threshold", "1")
    assert cli(*tree)[0] == 0
    (out / "sub" / "y.txt").write_text("finished by the first run\n")
    (out / "x.txt").unlink()

    status, _, stderr = cli(*tree, "--resume")

    assert status == 0
    assert files_under(out) == ["sub/y.txt", "x.txt"]
    assert (out / "sub" / "y.txt").read_text() == "finished by the first run\n"
    assert stderr.strip() == "electra-correct: 1 files corrected, 0 failed, 1 skipped"


@pytest.mark.slow
def test_resume_redoes_outputs_of_changed_inputs_other_settings_or_unknown_runs(cli, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in "abcd":
        (src / f"{name}.txt").write_text("中文\n", encoding="utf-8")
    tree = ("--input-dir", src, "--output-dir", out, "--threshold", "1")
    assert cli(*tree)[0] == 0
    (src / "a.txt").write_text("改过的中文\n", encoding="utf-8")  # edited after its output
    (out / "b.txt").write_text("made by something else\n")
    (out / DoneLog.NAME).write_text(
        "\n".join(line for line in log_lines(out) if "b.txt" not in line)
    )
    # Left by a run killed with SIGKILL: it carries the tag that run recorded in the log.
    tag = next(json.loads(line)["temp_tag"] for line in log_lines(out) if "temp_tag" in line)
    stale_temp = out / f".c.txt.{tag}.ab12_x9z.tmp"
    stale_temp.write_text("half")

    status, _, stderr = cli(*tree, "--resume")
    assert (status, stderr.strip()) == (
        0,
        "electra-correct: 2 files corrected, 0 failed, 2 skipped",
    )
    assert (out / "a.txt").read_text(encoding="utf-8") == "改过的中文\n"
    assert (out / "b.txt").read_text(encoding="utf-8") == "中文\n"
    assert not stale_temp.exists()

    # Other settings (here another threshold): nothing counts as done.
    status, _, stderr = cli(*tree[:-1], "0.9", "--resume")
    assert stderr.strip() == "electra-correct: 4 files corrected, 0 failed"


@pytest.mark.slow
def test_in_place_replaces_good_files_and_leaves_bad_ones(cli, tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(BUSY, encoding="utf-8", newline="")
    good.chmod(0o640)
    bad.write_bytes(b"ok\n\xff\xfe\xfd\n")

    status, stdout, stderr = cli("--in-place", good, bad)

    assert (status, stdout) == (1, b"")
    assert stderr.count("\n") == 1
    assert stderr.startswith(f"electra-correct: {bad}: line 2: neither UTF-8 nor recognisably")
    changed = good.read_bytes().decode()
    assert changed != BUSY and len(changed) == len(BUSY)
    assert good.stat().st_mode & 0o777 == 0o640
    assert bad.read_bytes() == b"ok\n\xff\xfe\xfd\n"
    assert sorted(os.listdir(tmp_path)) == ["bad.txt", "good.txt"]


def test_interrupted_in_place_run_leaves_the_original(cli, tmp_path, monkeypatch):
    from electra_corrector.engine.corrector import Corrector

    def interrupted(self, texts):
        raise KeyboardInterrupt

    monkeypatch.setattr(Corrector, "correct_batch", interrupted)
    path = tmp_path / "file.txt"
    path.write_bytes(BUSY.encode())

    assert cli("--in-place", path) == (130, b"", "electra-correct: interrupted\n")
    assert path.read_bytes() == BUSY.encode()
    assert os.listdir(tmp_path) == ["file.txt"]


def test_missing_inputs_are_reported_and_the_rest_is_done(cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("中文\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    missing, folder = tmp_path / "missing.txt", tmp_path / "folder"
    folder.mkdir()

    status, stdout, stderr = cli(missing, good, folder, tmp_path / "empty.txt", "--threshold", "1")

    assert (status, stdout) == (1, "中文\n".encode())
    assert stderr.splitlines() == [
        f"electra-correct: {missing}: No such file or directory",
        f"electra-correct: {folder}: Is a directory",
    ]


def test_output_file_is_not_written_when_an_input_fails(cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("中文\n", encoding="utf-8")
    status, _, stderr = cli(good, tmp_path / "missing.txt", "-o", tmp_path / "out.txt")
    assert status == 1
    assert "missing.txt: No such file or directory" in stderr
    assert sorted(os.listdir(tmp_path)) == ["good.txt"]


def test_missing_model_is_one_line_and_status_2(capsys, tmp_path):
    status = main(["--model", str(tmp_path / "no-model"), "-"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("electra-correct: ") and err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--in-place"],
        ["--in-place", "-"],
        ["--in-place", "-o", "x.txt", "a.txt"],
        ["--in-place", "--format", "jsonl", "a.txt"],
        ["--input-dir", "."],
        ["--input-dir", ".", "--output-dir", "."],
        ["--input-dir", "no-such-dir", "--output-dir", "out"],
        ["--input-dir", ".", "--output-dir", "out", "a.txt"],
        ["--resume"],
        ["--check", "--input-dir", ".", "--resume"],
        ["--threshold", "1.5"],
        ["--batch-size", "0"],
        ["--output-encoding", "no-such-codec"],
        ["--format", "xml"],
        ["--format", "diff"],
        ["--check", "--in-place", "a.txt"],
        ["--check", "-o", "x.txt", "a.txt"],
        ["--diff", "--format", "jsonl", "a.txt"],
        ["--diff", "--in-place", "a.txt"],
    ],
)
def test_usage_errors_exit_2(cli, argv):
    status, stdout, stderr = cli(*argv)
    assert (status, stdout) == (2, b"")
    assert "electra-correct: error:" in stderr


def test_version(cli):
    assert cli("--version")[1].decode().strip() == f"electra-correct {__version__}"


def test_marked_shows_each_edit_and_colours_only_on_request():
    correction = Correction(
        "我跟我朋唷打算", "我跟我朋友打酸", (Edit(4, "唷", "友", 0.9), Edit(6, "算", "酸", 0.5))
    )
    assert mark_changes(correction) == "我跟我朋[唷→友]打[算→酸]"
    assert mark_changes(correction, color=True) == (
        "我跟我朋[\x1b[31m唷\x1b[0m→\x1b[32m友\x1b[0m]打[\x1b[31m算\x1b[0m→\x1b[32m酸\x1b[0m]"
    )
    assert renderer("marked")(correction, "\r\n", 1, None) == "我跟我朋[唷→友]打[算→酸]\r\n"
    assert renderer("text")(correction, "\n", 1, None) == "我跟我朋友打酸\n"


def test_jsonl_record_names_file_and_line_only_when_known():
    correction = Correction("好", "好", ())
    assert json.loads(renderer("jsonl")(correction, "\r\n", 3, "a.txt")) == {
        "file": "a.txt",
        "line": 3,
        "source": "好",
        "text": "好",
        "edits": [],
    }
    assert "file" not in json.loads(renderer("jsonl")(correction, "", 1, None))


TRADITIONAL = "他說這件事很重要。\n我們明天再談吧！\n"


def test_big5_is_refused_unless_named_and_then_written_back_as_big5(cli, tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))

    status, stdout, stderr = cli("--in-place", path)
    assert (status, stdout) == (1, b"")
    assert stderr.startswith(f"electra-correct: {path}: line 1: neither UTF-8 nor recognisably")
    assert path.read_bytes() == TRADITIONAL.encode("big5")

    assert cli("--in-place", path, "--input-encoding", "big5", "--threshold", "1") == (0, b"", "")
    assert path.read_bytes() == TRADITIONAL.encode("big5")
    status, stdout, _ = cli(path, "--input-encoding", "big5", "--format", "jsonl")
    assert status == 0
    assert [json.loads(line)["source"] for line in stdout.splitlines()] == TRADITIONAL.split()


def test_threads_sets_torchs_thread_count(cli, tmp_path):
    import torch

    path = tmp_path / "a.txt"
    path.write_text("中文\n", encoding="utf-8")
    before = torch.get_num_threads()
    try:
        wanted = 1 if before != 1 else 2
        assert cli(path, "--threads", wanted, "--threshold", "1")[0] == 0
        assert torch.get_num_threads() == wanted
    finally:
        torch.set_num_threads(before)


def test_the_console_scripts_exempt_loaded_objects_from_the_gc(tiny_model_dir):
    import gc

    from electra_corrector.cli.main import build_parser
    from electra_corrector.document.options import load_corrector

    gc.unfreeze()
    args = build_parser().parse_args(["--model", str(tiny_model_dir), "--threads", "1"])
    corrector = load_corrector(args)
    assert gc.get_freeze_count() > 0
    model = corrector.models.discriminator
    assert gc.is_tracked(model) and not any(model is o for o in gc.get_objects())
