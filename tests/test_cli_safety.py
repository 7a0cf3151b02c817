"""electra-correct never corrupts and never crashes: special files, symlinks, owners, paths that
lead out of a tree, full disks, signals, overlong lines and inputs that cannot be read."""

from __future__ import annotations

import errno
import os
import signal
import stat
import threading

import pytest

from electra_corrector.cli.pipeline import DoneLog
from electra_corrector.textio import files as textio

TEXT = "今天天汽很好，我们去公园散步。\n"


def as_root():
    return os.geteuid() == 0


def test_output_to_a_fifo_writes_through_and_keeps_the_fifo(cli, tmp_path):
    source, fifo = tmp_path / "in.txt", tmp_path / "fifo"
    source.write_text(TEXT, encoding="utf-8")
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()

    status, _, stderr = cli(source, "-o", fifo, "--threshold", "1")
    reader.join(30)

    assert (status, stderr) == (0, "")
    assert received == [TEXT.encode()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(os.listdir(tmp_path)) == ["fifo", "in.txt"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or not as_root(), reason="mknod needs root")
def test_output_to_a_device_writes_through_and_a_full_one_is_one_line(cli, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    null, full = tmp_path / "null", tmp_path / "full"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # what /dev/full is

    assert cli(source, "-o", null) == (0, b"", "")
    assert stat.S_ISCHR(null.lstat().st_mode)
    status, _, stderr = cli(source, "-o", full)
    assert (status, stderr) == (
        1,
        f"electra-correct: cannot write {full}: No space left on device\n",
    )
    assert stat.S_ISCHR(full.lstat().st_mode)
    assert sorted(os.listdir(tmp_path)) == ["full", "in.txt", "null"]


def test_in_place_refuses_a_fifo_without_blocking_on_it(cli, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    status, _, stderr = cli("--in-place", fifo)
    assert status == 1
    assert (
        stderr
        == f"electra-correct: {fifo}: not a regular file; --in-place rewrites only regular files\n"
    )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_in_place_edits_a_symlinks_target_and_keeps_the_link(cli, tmp_path):
    target, link, hard = tmp_path / "target.txt", tmp_path / "link.txt", tmp_path / "hard.txt"
    target.write_text("第一行\n", encoding="utf-8")
    target.chmod(0o604)
    link.symlink_to(target.name)
    os.link(target, hard)

    assert cli("--in-place", link, "--output-encoding", "utf-8-sig", "--threshold", "1")[0] == 0

    assert link.is_symlink() and os.readlink(link) == target.name
    assert target.read_bytes() == "\ufeff第一行\n".encode()
    assert target.stat().st_mode & 0o777 == 0o604
    # Documented: the file is replaced by a new one, so another hard link keeps the old text.
    assert hard.read_text(encoding="utf-8") == "第一行\n"
    assert sorted(os.listdir(tmp_path)) == ["hard.txt", "link.txt", "target.txt"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or not as_root(), reason="chown needs root")
def test_in_place_as_root_keeps_another_users_owner_and_group(cli, tmp_path):
    path = tmp_path / "theirs.txt"
    path.write_text(TEXT, encoding="utf-8")
    os.chown(path, 4321, 8765)
    path.chmod(0o640)
    assert cli("--in-place", path, "--output-encoding", "utf-8-sig")[0] == 0
    info = path.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (4321, 8765, 0o640)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    "argv",
    [
        ["--glob", "../victim.txt"],
        ["--glob", "/etc/*"],
        ["--glob", "sub/../../victim.txt"],
    ],
)
def test_glob_cannot_leave_the_input_tree(cli, tmp_path, argv):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text(TEXT, encoding="utf-8")
    status, stdout, stderr = cli("--input-dir", src, "--output-dir", out, *argv)
    assert (status, stdout) == (2, b"")
    assert "electra-correct: error: --glob" in stderr
    assert victim.read_text(encoding="utf-8") == TEXT and not out.exists()


def test_settings_include_cannot_leave_the_input_tree(cli, tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / ".electra-correct.toml").write_text('include = ["../*.txt"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status, stdout, stderr = cli("--input-dir", "in", "--output-dir", "out")
    assert (status, stdout) == (2, b"")
    assert "electra-correct: error: include ../*.txt: a pattern inside --input-dir" in stderr


def test_a_check_of_a_tree_names_symlinks_that_lead_outside(cli, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (tmp_path / "secret.txt").write_text("外面的文件\n", encoding="utf-8")
    (src / "real.txt").write_text(TEXT, encoding="utf-8")
    (src / "outside.txt").symlink_to(tmp_path / "secret.txt")

    status, stdout, stderr = cli("--check", "--input-dir", src, "--threshold", "1")

    assert (status, stdout) == (1, b"")
    assert stderr.splitlines() == [
        f"electra-correct: {src / 'outside.txt'}: leads outside --input-dir (a symlink?); skipped",
        "electra-correct: 0 of 1 files would be corrected, 1 failed",
    ]


def test_symlinks_are_followed_only_inside_the_input_tree(cli, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("外面的文件\n", encoding="utf-8")
    (src / "real.txt").write_text(TEXT, encoding="utf-8")
    (src / "inside.txt").symlink_to("real.txt")
    (src / "outside.txt").symlink_to(secret)

    status, _, stderr = cli("--input-dir", src, "--output-dir", out, "--threshold", "1")

    assert status == 1
    assert stderr.splitlines() == [
        f"electra-correct: {src / 'outside.txt'}: leads outside --input-dir (a symlink?); skipped",
        "electra-correct: 2 files corrected, 1 failed",
    ]
    assert sorted(p.name for p in out.iterdir() if p.name != DoneLog.NAME) == [
        "inside.txt",
        "real.txt",
    ]


@pytest.mark.parametrize("output", ["in", "."])
def test_an_output_tree_that_contains_the_input_tree_is_refused(cli, tmp_path, monkeypatch, output):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "a.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status, _, stderr = cli("--input-dir", "in/sub", "--output-dir", output)
    assert status == 2
    assert "--output-dir must not be or contain --input-dir" in stderr
    assert sorted(os.listdir(tmp_path / "in")) == ["sub"]


def test_an_output_tree_inside_the_input_tree_works(cli, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    status, _, stderr = cli("--input-dir", src, "--output-dir", src / "fixed", "--threshold", "1")
    assert (status, stderr) == (0, "electra-correct: 1 files corrected, 0 failed\n")
    assert (src / "fixed" / "a.txt").read_text(encoding="utf-8") == TEXT


def test_a_full_disk_fails_only_that_file_and_the_run_goes_on(cli, tmp_path, monkeypatch):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in "abc":
        (src / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    real_fsync = textio.os.fsync

    def fsync(fd):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp") and ".b.txt." in os.readlink(
            f"/proc/self/fd/{fd}"
        ):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(textio.os, "fsync", fsync)
    status, _, stderr = cli("--input-dir", src, "--output-dir", out, "--threshold", "1")

    assert status == 1
    assert stderr.splitlines() == [
        f"electra-correct: {src / 'b.txt'}: cannot write {out / 'b.txt'}: No space left on device",
        "electra-correct: 2 files corrected, 1 failed",
    ]
    assert sorted(os.listdir(out)) == [DoneLog.NAME, "a.txt", "c.txt"]  # no temp file left


def test_output_errors_are_one_line_and_status_2(cli, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    for target, message in (
        (tmp_path / "nodir" / "x.txt", "no such folder"),
        (tmp_path, "is a directory"),
    ):
        status, stdout, stderr = cli(source, "-o", target)
        assert (status, stdout) == (2, b"")
        assert message in stderr and "Traceback" not in stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or as_root(), reason="root may write anywhere")
def test_output_into_a_read_only_folder_is_status_2(cli, tmp_path):
    source, folder = tmp_path / "in.txt", tmp_path / "ro"
    source.write_text(TEXT, encoding="utf-8")
    folder.mkdir()
    folder.chmod(0o500)
    status, _, stderr = cli(source, "-o", folder / "x.txt")
    assert status == 2 and "cannot write in" in stderr


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_like_ctrl_c_and_resume_finishes(
    cli, tmp_path, monkeypatch, signum, status
):
    from electra_corrector.engine.corrector import Corrector

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i in range(6):
        (src / f"doc{i}.txt").write_text(TEXT * 3, encoding="utf-8")
    original, calls = Corrector.correct_batch, []

    def correct_batch(self, texts):
        calls.append(len(texts))
        if len(calls) == 2:  # a real signal, at a point that does not depend on speed
            os.kill(os.getpid(), signum)
        return original(self, texts)

    monkeypatch.setattr(Corrector, "correct_batch", correct_batch)
    tree = ("--input-dir", src, "--output-dir", out, "--batch-size", "1", "--threshold", "1")
    # Not always SIG_DFL: Ray, started earlier in the same test process, installs its own.
    before = signal.getsignal(signum)
    result = cli(*tree)
    assert result[0] == status
    assert result[2] == f"electra-correct: stopped by {signal.Signals(signum).name}\n"
    partial = sorted(os.listdir(out))
    assert partial[0] == DoneLog.NAME and 0 < len(partial) - 1 < 6  # and no temp files
    assert signal.getsignal(signum) is before  # handlers restored

    monkeypatch.setattr(Corrector, "correct_batch", original)
    status, _, stderr = cli(*tree, "--resume")
    done = len(partial) - 1
    assert (status, stderr) == (
        0,
        f"electra-correct: {6 - done} files corrected, 0 failed, {done} skipped\n",
    )
    assert all((out / f"doc{i}.txt").read_text(encoding="utf-8") == TEXT * 3 for i in range(6))


def test_a_line_without_end_is_refused_not_slurped(cli):
    status, stdout, stderr = cli("/dev/zero")
    assert (status, stdout) == (1, b"")
    assert stderr == (
        "electra-correct: /dev/zero: line 1: longer than 10 MB without a line break (not text?)\n"
    )


def test_jsonl_names_a_file_whose_name_is_not_utf8(cli, tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")
    path = tmp_path / name
    path.write_text("中文\n", encoding="utf-8")
    status, stdout, _ = cli(path, "--format", "jsonl", "--threshold", "1")
    assert status == 0
    assert stdout.decode("utf-8").count("caf\\\\xe9.txt") == 1


def _tree_with_a_trap(tmp_path, trap):
    """in/a.txt and in/b.txt; out/ already holds `trap(out / "a.txt")` (a symlink, a FIFO...)."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_text(TEXT, encoding="utf-8")
    trap(out / "a.txt")
    return src, out


def _run_unblocked(cli, argv, fifo):
    """cli(*argv), with a watchdog that, should it still run after 30 s (blocked opening
    `fifo`), opens the FIFO both ways to free it, so that the test fails instead of hanging."""
    freed = []

    def free():
        freed.append(fifo)
        reading = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        writing = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(writing)
        os.close(reading)

    watchdog = threading.Timer(30, free)
    watchdog.start()
    try:
        result = cli(*argv)
    finally:
        watchdog.cancel()
    assert not freed, f"blocked on {fifo}"
    return result


@pytest.mark.parametrize("victim_exists", [True, False])
def test_an_output_tree_never_writes_through_a_symlink(cli, tmp_path, victim_exists):
    victim = tmp_path / "victim.txt"
    if victim_exists:
        victim.write_text("用户的文件\n", encoding="utf-8")
    src, out = _tree_with_a_trap(tmp_path, lambda path: path.symlink_to(victim))

    status, _, stderr = cli("--input-dir", src, "--output-dir", out, "--threshold", "1")

    assert status == 1
    assert stderr.splitlines() == [
        f"electra-correct: {src / 'a.txt'}: cannot write {out / 'a.txt'}: "
        f"{out / 'a.txt'} is a symlink (an output tree follows none)",
        "electra-correct: 1 files corrected, 1 failed",
    ]
    assert (out / "a.txt").is_symlink() and os.readlink(out / "a.txt") == str(victim)
    if victim_exists:
        assert victim.read_text(encoding="utf-8") == "用户的文件\n"
    else:
        assert not victim.exists()
    assert (out / "b.txt").read_text(encoding="utf-8") == TEXT
    assert sorted(os.listdir(tmp_path)) == sorted(["in", "out"] + ["victim.txt"] * victim_exists)


def test_an_output_tree_refuses_a_fifo_without_blocking_on_it(cli, tmp_path):
    src, out = _tree_with_a_trap(tmp_path, os.mkfifo)
    argv = ("--input-dir", src, "--output-dir", out, "--threshold", "1")

    status, _, stderr = _run_unblocked(cli, argv, fifo=out / "a.txt")

    assert status == 1
    assert stderr.splitlines() == [
        f"electra-correct: {src / 'a.txt'}: cannot write {out / 'a.txt'}: "
        f"{out / 'a.txt'} is a FIFO (an output tree writes only regular files)",
        "electra-correct: 1 files corrected, 1 failed",
    ]
    assert stat.S_ISFIFO((out / "a.txt").lstat().st_mode)
    assert (out / "b.txt").read_text(encoding="utf-8") == TEXT


def test_an_output_tree_never_writes_through_a_symlinked_folder(cli, tmp_path):
    src, out, elsewhere = tmp_path / "in", tmp_path / "out", tmp_path / "elsewhere"
    for folder in (src / "sub", src / "deep" / "er", out, elsewhere):
        folder.mkdir(parents=True)
    for path in (src / "a.txt", src / "sub" / "b.txt", src / "deep" / "er" / "c.txt"):
        path.write_text(TEXT, encoding="utf-8")
    (out / "sub").symlink_to(elsewhere)
    (out / "deep").symlink_to(elsewhere)

    status, _, stderr = cli("--input-dir", src, "--output-dir", out, "--threshold", "1")

    assert status == 1
    assert stderr.splitlines() == [
        f"electra-correct: {src / 'deep/er/c.txt'}: cannot write {out / 'deep/er/c.txt'}: "
        f"{out / 'deep'} is a symlink (an output tree follows none)",
        f"electra-correct: {src / 'sub/b.txt'}: cannot write {out / 'sub/b.txt'}: "
        f"{out / 'sub'} is a symlink (an output tree follows none)",
        "electra-correct: 1 files corrected, 2 failed",
    ]
    assert os.listdir(elsewhere) == []  # not even a folder made there
    assert (out / "a.txt").read_text(encoding="utf-8") == TEXT


def test_the_done_log_is_never_written_through_a_symlink_nor_read_from_a_fifo(cli, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("用户的文件\n", encoding="utf-8")
    src, out = _tree_with_a_trap(tmp_path, lambda path: None)
    tree = ("--input-dir", src, "--output-dir", out, "--threshold", "1")
    (out / DoneLog.NAME).symlink_to(victim)
    assert cli(*tree)[:1] == (0,)
    assert victim.read_text(encoding="utf-8") == "用户的文件\n"

    (out / DoneLog.NAME).unlink()
    os.mkfifo(out / DoneLog.NAME)
    status, _, stderr = _run_unblocked(cli, (*tree, "--resume"), fifo=out / DoneLog.NAME)
    assert (status, stderr) == (0, "electra-correct: 2 files corrected, 0 failed\n")
    assert stat.S_ISFIFO((out / DoneLog.NAME).lstat().st_mode)
