"""The benchmark's runs of the electra-correct command itself: how fast --help answers, how soon
the first line through stdin comes back, and a synthetic corpus through --input-dir."""

from __future__ import annotations

import math
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELP_RUNS, FIRST_LINE_RUNS = 5, 3
CLI_TIMEOUT_S = 600
CORPUS_FILES = 8


def cli_command() -> list[str]:
    """electra-correct from this interpreter's environment, else from PATH, else `python -m`."""
    beside = Path(sys.executable).with_name("electra-correct")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("electra-correct")
    return [found] if found else [sys.executable, "-m", "electra_corrector"]


def model_args(cfg: dict) -> list[str]:
    args = ["--threshold", str(cfg["threshold"]), "--batch-size", str(cfg["batch_size"])]
    if cfg["model"]:
        args += ["--model", cfg["model"]]
    if cfg["device"] != "cpu":
        args += ["--device", cfg["device"]]
    return args


def help_seconds() -> float | None:
    """Median wall time of `electra-correct --help`, or None when it does not run."""
    times = []
    for _ in range(HELP_RUNS):
        start = time.perf_counter()
        try:
            done = subprocess.run([*cli_command(), "--help"], capture_output=True, check=False)
        except OSError:
            return None
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return None
    return statistics.median(times)


def first_line_once(cfg: dict, line: str) -> float | None:
    """Seconds from starting electra-correct to its answer to one line on stdin."""
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            [*cli_command(), *model_args(cfg)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        proc.stdin.write(line.encode("utf-8") + b"\n")
        proc.stdin.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            if not selector.select(CLI_TIMEOUT_S):
                return None
            answer = proc.stdout.readline()
        seconds = time.perf_counter() - start
        return seconds if answer.strip() else None
    except OSError:
        return None
    finally:
        proc.kill()
        proc.wait()


def first_line_seconds(cfg: dict, line: str) -> float | None:
    times = []
    for _ in range(FIRST_LINE_RUNS):
        seconds = first_line_once(cfg, line)
        if seconds is None:
            return None
        times.append(seconds)
    return statistics.median(times)


def write_corpus(folder: Path, sentences: list[str], megabytes: float) -> tuple[int, int]:
    """CORPUS_FILES text files of the sentences, repeated to `megabytes` MB; (bytes, chars)."""
    block = "\n".join(sentences) + "\n"
    per_file = int(megabytes * 1e6 / CORPUS_FILES)
    repeats = max(1, math.ceil(per_file / len(block.encode("utf-8"))))
    total_bytes = total_chars = 0
    for i in range(CORPUS_FILES):
        text = block * repeats
        path = folder / f"part{i:02d}.txt"
        path.write_text(text, encoding="utf-8")
        total_bytes += path.stat().st_size
        total_chars += len(text)
    return total_bytes, total_chars


def corpus_run(cfg: dict, sentences: list[str], megabytes: float) -> dict:
    """Wall time, MB/s and peak RSS of `electra-correct --input-dir` over a synthetic corpus."""
    with tempfile.TemporaryDirectory(prefix="electra-bench-") as tmp:
        source, target = Path(tmp) / "in", Path(tmp) / "out"
        source.mkdir()
        size, chars = write_corpus(source, sentences, megabytes)
        command = [*cli_command(), "--input-dir", str(source), "--output-dir", str(target)]
        start = time.perf_counter()
        proc = subprocess.Popen([*command, *model_args(cfg), "-q"])
        # wait4 gives this child's own resource usage, so its peak RSS is not mixed with others'.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it has been reaped
        seconds = time.perf_counter() - start
    return {
        "megabytes": size / 1e6,
        "files": CORPUS_FILES,
        "chars": chars,
        "seconds": seconds,
        "mb_per_s": size / 1e6 / seconds,
        "chars_per_s": chars / seconds,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "exit_status": proc.returncode,
    }
