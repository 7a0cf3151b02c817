"""Training that spans sessions: each session trains one stage in the background, from where the
last one stopped, and keeps its weights in the checkout for the next.

The run lives in training/NAME/ (committed: fp16 weights, a few tens of MB, once a session at
most) with stages.jsonl, a line per stage. A stage starts from training/NAME, or, for the
first, from the shipped model grown to --layers layers (scripts/grow.py); it trains with the
recipe below for --minutes (checkpoints in runs/NAME-sK/ckpt, git-ignored, so an interrupted
stage goes on with --resume), then `keep` exports it to training/NAME with the shipped decoding
rules and tunes it and the shipped model on dev the same way (tune.py --candidates 5, the settings
and ceilings of the shipped model's own tuning).
A stage's weights replace the shipped model only by hand, and only when they beat it there.

    python scripts/long_run.py train --minutes 100 &    # a session's stage, in the background
    python scripts/long_run.py train --minutes 100 --resume   # after a crash, same session
    python scripts/long_run.py keep                     # at the session's end; then commit
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "electra_models"
# bf16 autocast: 1.5-2x fp32's steps/s on this AVX512-BF16 CPU (stage 1 of long4 ran in fp32)
RECIPE = ["--lr", "3e-4", "--keep-fraction", "0.1", "--g-objective", "candidates"]
RECIPE += ["--precision", "bf16"]
RECIPE += ["--checkpoint-minutes", "10", "--eval-minutes", "15", "--no-progress"]
# The settings the shipped model's tuning varied (the others are its rules), so scores compare.
VARIED = "min_gain,lm_flag,detection_weight,lm_weight"


def stages(kept: Path) -> list[dict]:
    log = kept / "stages.jsonl"
    if not log.is_file():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def stage_name(args: argparse.Namespace) -> str:
    return f"{args.name}-s{len(stages(args.kept)) + 1}"


def train(args: argparse.Namespace) -> None:
    start = args.kept
    if not (start / "discriminator").is_dir():
        start = Path("runs") / f"{args.name}-grown"
        grow = [sys.executable, "scripts/grow.py", "--layers", str(args.layers), "--out", start]
        subprocess.run([*map(str, grow)], check=True)
    name = stage_name(args)
    command = [sys.executable, "scripts/train.py", "--init", str(start), "--name", name]
    command += ["--seed", str(11 + len(stages(args.kept))), "--minutes", str(args.minutes)]
    command += ["--threads", str(args.threads), "--out", f"runs/{name}/final", *RECIPE]
    subprocess.run(command + (["--resume"] if args.resume else []), check=True)


def keep(args: argparse.Namespace) -> None:
    name = stage_name(args)
    final = Path("runs") / name / "final"
    if not (final / "discriminator").is_dir():
        sys.exit(f"{final}: no finished stage (scripts/train.py --export-only --name {name})")
    config = json.loads((final / "corrector_config.json").read_text(encoding="utf-8"))
    rules = json.loads((SHIPPED / "corrector_config.json").read_text(encoding="utf-8"))
    limits = rules["tuned"]  # the ceilings the shipped model was tuned under
    rules = {k: v for k, v in rules.items() if k not in ("trained", "tuned", "model")}
    (final / "corrector_config.json").write_text(
        json.dumps({**config, **rules}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    sys.path.insert(0, str(ROOT / "scripts"))
    import tune

    same_way = ["--dev", str(args.dev), "--candidates", "5", "--vary", VARIED]
    same_way += ["--max-clean", str(limits["max_clean"]), "--max-fpr", str(limits["max_fpr"])]
    same_way += ["--max-learner-fpr", str(limits["max_learner_fpr"])]
    scores = {}
    for label, model in (("stage", final), ("shipped", SHIPPED)):
        scores[label] = tune.main(["--model", str(model), *same_way])["pooled"]
    args.kept.mkdir(parents=True, exist_ok=True)
    for part in ("discriminator", "generator"):
        shutil.rmtree(args.kept / part, ignore_errors=True)
        shutil.copytree(final / part, args.kept / part)
    shutil.copy(final / "corrector_config.json", args.kept / "corrector_config.json")
    record = {"stage": name, "trained": config.get("trained"), "dev_pooled": scores}
    with (args.kept / "stages.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(json.dumps(record["dev_pooled"]))


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("phase", choices=("train", "keep"))
    p.add_argument("--name", default="long4", help="the run: training/NAME, runs/NAME-sK")
    p.add_argument("--layers", type=int, default=4, help="first stage: the shipped model grown")
    p.add_argument("--minutes", type=float, default=100.0)
    p.add_argument("--threads", type=int, default=1, help="1 leaves a core for other work")
    p.add_argument("--resume", action="store_true", help="continue this stage's checkpoint")
    p.add_argument("--dev", type=Path, default=Path("runs/dev"), help="scripts/build_dev.py")
    args = p.parse_args(argv)
    args.kept = ROOT / "training" / args.name
    if args.phase == "train":
        train(args)
    else:
        keep(args)


if __name__ == "__main__":
    main()
