"""The engine's sentences/s in this checkout against another checkout of the project, alternated.

A speed floor stated against an earlier engine ("no slower than 0.7x the engine at the start of
this work") needs both engines timed on the same machine at the same time: each round times the
other checkout, then this one, then each --variant of this one, every one in a fresh process
whose `electra_corrector` (and default model, data/electra_models) is its checkout's own.

    git worktree add /tmp/before 28a7c86
    python -m scripts.benchmark.against /tmp/before --data runs/dev/learner.tsv \\
        --variant lm_flag=null

With --cli, each process times the electra-correct command instead (cli.main.main on a file of
the sentences, written to /dev/null), less its time on one sentence, so that the model's
loading is not counted: the front end's reading, units, batching and writing are.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

# Only what every version of the package has: Corrector(**options) and correct_batch.
CHILD = r"""
import json, sys, time
import torch
torch.set_num_threads(int(sys.argv[3]))
from electra_corrector import Corrector
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
texts = [line.split("\t")[0] for line in lines if line.strip()][: int(sys.argv[2])]
corrector = Corrector(model="data/electra_models", **json.loads(sys.argv[4]))
corrector.correct_batch(texts[:64])
times = []
for _ in range(int(sys.argv[5])):
    started = time.perf_counter()
    corrector.correct_batch(texts)
    times.append(time.perf_counter() - started)
print(len(texts) / sorted(times)[len(times) // 2])  # the median pass
"""

# The same sentences through the command line of each version (cli.main.main, which every
# version has), less the time of a run on one sentence (start-up, model loading).
CLI_CHILD = r"""
import json, os, sys, tempfile, time
import torch
torch.set_num_threads(int(sys.argv[3]))
from electra_corrector.cli.main import main
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
texts = [line.split("\t")[0] for line in lines if line.strip()][: int(sys.argv[2])]
folder = tempfile.mkdtemp()
def written(name, rows):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in rows))
    return path
full, one = written("full.txt", texts), written("one.txt", texts[:1])
def timed(path):
    started = time.perf_counter()
    assert main([path, "-o", os.devnull, "-q", "--threads", sys.argv[3]]) == 0
    return time.perf_counter() - started
timed(one)
repeats = int(sys.argv[5])
median = lambda found: sorted(found)[len(found) // 2]
t_full = median([timed(full) for _ in range(repeats)])
t_one = median([timed(one) for _ in range(repeats)])
print((len(texts) - 1) / (t_full - t_one))
"""


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("other", type=Path, help="the other checkout (e.g. a git worktree)")
    p.add_argument("--data", type=Path, required=True, help="source<TAB>target lines to correct")
    p.add_argument("--limit", type=int, default=600, help="sentences, the first N")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3, help="timed passes in each process")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument(
        "--variant",
        nargs="+",
        default=[],
        metavar="NAME=JSON",
        help="also time this checkout with a setting changed, e.g. lm_flag=null",
    )
    p.add_argument(
        "--cli", action="store_true", help="time the electra-correct command, not the engine"
    )
    return p.parse_args(argv)


def rate(checkout: Path, args: argparse.Namespace, options: dict) -> float:
    """Sentences/s of one process running `checkout`'s engine."""
    command = [
        sys.executable,
        "-c",
        CLI_CHILD if args.cli else CHILD,
        str(args.data.resolve()),
        str(args.limit),
        str(args.threads),
        json.dumps(options),
        str(args.repeats),
    ]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{checkout}: the timing process failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.split()[-1])


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.cli and args.variant:
        raise SystemExit("--variant sets Corrector options; --cli times the command as it is")
    here = Path(__file__).resolve().parents[2]
    settings = [("other checkout", args.other.resolve(), {}), ("this checkout", here, {})]
    for spec in args.variant:
        name, _, value = spec.partition("=")
        settings.append((f"this, {spec}", here, {name: json.loads(value)}))
    rates: dict[str, list[float]] = {name: [] for name, _, _ in settings}
    for _ in range(args.rounds):
        for name, checkout, options in settings:
            rates[name].append(rate(checkout, args, options))
    base = statistics.median(rates["other checkout"])
    print(f"{args.limit} sentences of {args.data}, {args.threads} thread(s), medians of rounds")
    what = "command line" if args.cli else "engine"
    print(f"| {what} | sentences/s | vs the other checkout | rounds |")
    print("|---|---:|---:|---|")
    for name, found in rates.items():
        middle = statistics.median(found)
        rounds = ", ".join(f"{r:.0f}" for r in found)
        print(f"| {name} | {middle:.1f} | {middle / base:.2f}x | {rounds} |")


if __name__ == "__main__":
    main()
