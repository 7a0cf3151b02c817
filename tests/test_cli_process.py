"""The electra-correct console script as a real process: import cost, a live stdin stream, a
reader that goes away, and Ctrl-C in a directory run followed by --resume.

Each process loads torch (seconds on a busy machine), so there are few of them.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from electra_corrector.cli.main import main
from electra_corrector.cli.pipeline import DoneLog

pytestmark = pytest.mark.slow  # subprocess CLI runs

_SCRIPT = Path(sys.executable).with_name("electra-correct")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "electra_corrector"]
# One thread: faster and less noisy beside other jobs, and numerically identical across runs.
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
TIMEOUT = 120


def test_help_explains_the_tool_without_importing_torch():
    probe = (
        "import sys\n"
        "from electra_corrector.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0\n"
        "print('heavy:', sorted({'torch', 'transformers', 'tqdm'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "heavy: []"

    shown = subprocess.run(
        [*COMMAND, "--help"], capture_output=True, text=True, timeout=TIMEOUT
    ).stdout
    for teaches in ("examples:", "--input-dir", "--in-place", "tail -f", "exit status:", "130"):
        assert teaches in shown


def test_stdin_lines_are_answered_while_the_stream_is_open(tiny_model_dir):
    proc = subprocess.Popen(
        [*COMMAND, "--model", str(tiny_model_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    try:
        with ThreadPoolExecutor(1) as pool:
            for line in ("我跟我朋唷打算去法国玩儿。\n", "第二行 second\r\n"):
                proc.stdin.write(line.encode())
                proc.stdin.flush()
                answer = pool.submit(proc.stdout.readline).result(timeout=TIMEOUT).decode()
                assert len(answer) == len(line) and answer.endswith(line[-2:])
        # The reader goes away (as `| head -1` does): the next answer hits a closed pipe.
        proc.stdout.close()
        proc.stdin.write("还有一行\n".encode())
        proc.stdin.close()
        assert proc.wait(TIMEOUT) == 141
        assert proc.stderr.read() == b""  # no traceback, no "Exception ignored"
    finally:
        proc.kill()
        proc.wait()


def write_corpus(root: Path, files: int = 24, lines: int = 15) -> None:
    rng = random.Random(0)
    common = "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下"
    for i in range(files):
        path = root / f"part{i % 3}" / f"doc{i:02d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join("".join(rng.choices(common, k=30)) + "。\r\n" for _ in range(lines))
        path.write_bytes(text.encode("gb18030" if i % 2 else "utf-8"))


def outputs(root: Path) -> dict[str, bytes]:
    files = (p for p in root.rglob("*") if p.is_file() and p.name != DoneLog.NAME)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


# electra-correct, but the process sends itself SIGINT as its third model call begins: a real
# Ctrl-C at a point that does not depend on how fast the machine is.
CTRL_C_AT_THIRD_CALL = """
import os, signal, sys
from electra_corrector.cli.main import main
from electra_corrector.engine.corrector import Corrector
original, calls = Corrector.correct_batch, []
def correct_batch(self, texts):
    calls.append(1)
    if len(calls) == 3:
        os.kill(os.getpid(), signal.SIGINT)
    return original(self, texts)
Corrector.correct_batch = correct_batch
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_then_resume_equals_an_uninterrupted_run(tiny_model_dir, tmp_path):
    src, out, reference = tmp_path / "in", tmp_path / "out", tmp_path / "reference"
    write_corpus(src)
    # Batches of one line: each line is corrected the same way whatever else is running.
    argv = ["--model", str(tiny_model_dir), "--batch-size", "1"]
    argv += ["--input-dir", str(src), "--output-dir", str(out)]

    interrupted = subprocess.run(
        [sys.executable, "-c", CTRL_C_AT_THIRD_CALL, *argv],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=ENV,
    )
    assert interrupted.returncode == 130, interrupted.stderr
    assert interrupted.stderr.strip() == "electra-correct: interrupted"
    command = [*COMMAND, *argv]
    partial = outputs(out)
    assert 0 < len(partial) < 24  # two calls of 8 lines each finish the first file
    assert all(name.split("/")[-1].startswith("doc") for name in partial)  # no temp files left

    resumed = subprocess.run(
        [*command, "--resume"], capture_output=True, text=True, timeout=TIMEOUT, env=ENV
    )
    assert resumed.returncode == 0, resumed.stderr
    finished = 24 - len(partial)
    assert resumed.stderr.strip() == (
        f"electra-correct: {finished} files corrected, 0 failed, {len(partial)} skipped"
    )

    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        argv = ["--model", str(tiny_model_dir), "--batch-size", "1", "--quiet"]
        assert main([*argv, "--input-dir", str(src), "--output-dir", str(reference)]) == 0
    finally:
        torch.set_num_threads(threads)
    assert outputs(out) == outputs(reference)
    assert outputs(reference) != outputs(src)  # the engine did change things


def test_a_full_or_closed_standard_output_is_one_line(tiny_model_dir, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("今天天汽很好。\n" * 50, encoding="utf-8")
    command = [*COMMAND, "--model", str(tiny_model_dir), str(source)]
    with open("/dev/full", "wb") as full:
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, env=ENV)
    assert (done.returncode, done.stderr) == (
        1,
        "electra-correct: cannot write standard output: No space left on device\n",
    )
    closed = subprocess.run(
        ["bash", "-c", '"$@" >&-', "bash", *command], stderr=subprocess.PIPE, text=True, env=ENV
    )
    assert (closed.returncode, closed.stderr) == (2, "electra-correct: standard output is closed\n")
