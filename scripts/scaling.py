"""Model size against CPU minutes: train each shape from scratch on the same text for the same
training minutes, tune each on the multi-genre dev set with the same grid and ceilings, and print
the table the model card reports.

Every shape gets the shipped model's decoding rules (word knowledge, kinds and their costs,
lm_flag), so that only the weights differ; tune.py then picks the grid's values for each. Dev
loss curves are in runs/scaling/NAME/train_log.jsonl (evaluation time is not training time).

    python scripts/train.py --save-sample runs/sample && python scripts/build_dev.py
    python scripts/scaling.py --minutes 12 --threads 1          # about 1.5 hours, 4 shapes
    python scripts/scaling.py --shapes 2,256 4,256 --minutes 2  # a quick look

Results go to runs/scaling/results.jsonl (one line per shape, kept between runs: a shape
already measured with the same minutes and precision is not trained again). On a CPU without
AVX512-BF16, bf16 is emulated and about 10x slower: use --precision fp32 there.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

SHAPES = ["2,256", "4,256", "6,256", "4,384"]
ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "electra_models"
WORK = Path("runs/scaling")


def full_shape(short: str) -> str:
    """layers,hidden → layers,hidden,heads,intermediate as train.py takes it (64 per head)."""
    layers, hidden = (int(x) for x in short.split(","))
    return f"{layers},{hidden},{hidden // 64},{hidden * 4}"


def run_name(shape: str, precision: str) -> str:
    """2,256 → 2x256 (bf16, the first runs) or 2x256-fp32: a run of each precision its own."""
    name = "x".join(shape.split(","))
    return name if precision == "bf16" else f"{name}-{precision}"


def trained(shape: str, args: argparse.Namespace) -> Path:
    name = run_name(shape, args.precision)
    model = WORK / name / "model"
    command = [
        sys.executable,
        str(ROOT / "scripts" / "train.py"),
        "--sample", str(args.sample),
        "--d-shape", full_shape(shape),
        "--g-shape", full_shape(shape),
        "--minutes", str(args.minutes),
        "--threads", str(args.threads),
        "--precision", args.precision,
        "--lr", str(args.lr),
        "--keep-fraction", "0.1",
        "--g-objective", "candidates",
        "--seed", str(args.seed),
        "--eval-minutes", str(args.minutes / 4),
        "--checkpoint-minutes", "5",
        "--no-progress",
        "--name", f"scaling/{name}",
        "--dev-out", str(WORK / "split" / "dev.tsv"),
        "--out", str(model),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    # The shipped decoding rules, so that tuning compares weights and nothing else.
    config = model / "corrector_config.json"
    mine = json.loads(config.read_text(encoding="utf-8"))
    rules = json.loads((SHIPPED / "corrector_config.json").read_text(encoding="utf-8"))
    rules = {k: v for k, v in rules.items() if k not in ("trained", "tuned", "model")}
    config.write_text(json.dumps({**mine, **rules}, ensure_ascii=False, indent=2), "utf-8")
    return model


def curve(shape: str, precision: str) -> list[dict]:
    log = WORK / run_name(shape, precision) / "train_log.jsonl"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def parameters(model: Path) -> int:
    from safetensors import safe_open

    total = 0
    for part in ("discriminator", "generator"):
        with safe_open(model / part / "model.safetensors", "np") as weights:
            total += sum(math.prod(weights.get_slice(k).get_shape()) for k in weights.keys())  # noqa: SIM118
    return total


def measured(shape: str, args: argparse.Namespace) -> dict:
    import torch

    sys.path.insert(0, str(ROOT / "scripts"))
    import tune

    model = trained(shape, args)
    torch.set_num_threads(args.threads)
    result = tune.main(["--model", str(model), "--dev", str(args.dev), "--candidates", "5"])
    return {
        "shape": shape,
        "minutes": args.minutes,
        "threads": args.threads,
        "precision": args.precision,
        "parameters": parameters(model),
        "curve": curve(shape, args.precision),
        **result,
    }


def row(r: dict) -> str:
    last = r["curve"][-1]
    clean = {k: v["fpr"] for k, v in r["per_file"].items() if k.startswith("clean_")}
    p = r["pooled"]
    return (
        f"| {r['shape'].replace(',', ' x ')} | {r['parameters'] / 1e6:.1f}M | {last['step']:,} "
        f"| {last['tokens'] / 1e6:.1f}M | {last['d_loss']:.4f} | {last['g_acc_wrong']:.1%} "
        f"| {p['f1']:.1%} / {p['precision']:.1%} / {p['recall']:.1%} "
        f"| {r['per_file']['learner']['f1']:.1%} | {max(clean.values()):.2%} "
        f"| {sum(clean.values()) / len(clean):.2%} |"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--shapes", nargs="+", default=SHAPES, help="layers,hidden (default: %(default)s)"
    )
    p.add_argument("--minutes", type=float, default=12.0, help="training minutes of each shape")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--precision", default="bf16", choices=("fp32", "bf16"))
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sample", type=Path, default=Path("runs/sample"))
    p.add_argument("--dev", type=Path, default=Path("runs/dev"))
    args = p.parse_args(argv)
    results_file = WORK / "results.jsonl"
    results = {}
    if results_file.is_file():
        for line in results_file.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            results[r["shape"], r["minutes"], r.get("precision", "bf16")] = r
    for shape in args.shapes:
        if (shape, args.minutes, args.precision) not in results:
            results[shape, args.minutes, args.precision] = r = measured(shape, args)
            with results_file.open("a", encoding="utf-8") as out:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(
        f"\n{args.minutes:g} training minutes each, {args.threads} thread(s), {args.precision}\n"
        "| layers x hidden | parameters (D+G) | steps | tokens | dev D loss "
        "| G top-1 at wrong chars | dev pooled F1 / P / R | learner F1 | worst clean genre "
        "| mean clean |\n|---|---:|---:|---:|---:|---:|---|---:|---:|---:|"
    )
    for shape in args.shapes:
        print(row(results[shape, args.minutes, args.precision]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
