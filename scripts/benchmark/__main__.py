"""Speed of electra-correct against a pycorrector-style baseline and a bare-forward floor.

Usage:
    python -m scripts.benchmark                       # default model and HFL-small shapes, CPU
    python -m scripts.benchmark --threads 1 --precisions fp32 int8 bf16 --shapes bundled hfl-small
    python -m scripts.benchmark --model DIR --limit 50 --batch-size 32 --json bench.json
    python -m scripts.benchmark --skip-baseline       # the baseline is by far the slowest part
    python -m scripts.benchmark --corpus-mb 50        # also time a large --input-dir run (slow)
    python -m scripts.benchmark --threads 1           # on a small CPU shared with other work

Models (--shapes): `bundled` is --model or the default model; `hfl-small` and `hfl-base` are
random models of HFL's published shapes, built on the fly in HFL's folder layout (never
downloaded), their discriminator's output bias set so that --flag-share of the CJK characters
(3%) is flagged at the threshold: the work a real model does on mostly clean text. Each model runs
every --precisions entry (engine and its own floor), alternated --rounds times, and the baseline
(fp32, as pycorrector) once.

Settings, all on the same model, sentences and machine, each timed in its own subprocess so that
its peak RSS is its own (load, warm up on a few sentences, then the median of --repeats timed
passes; the baseline gets one pass):
  engine    Corrector.correct_batch over all sentences (--batch-size).
  baseline  pycorrector's ElectraCorrector algorithm, reimplemented on our loaded models: one
            sentence at a time, cut into blocks by the regex ([\u4e00-\u9fa5a-zA-Z0-9+#&]+)
            (punctuation runs are blocks too), the discriminator run per block at batch 1 without
            no_grad, token i taken as character i, and one transformers fill-mask pipeline call
            (top 5) per flagged Chinese character; the first of the 5 tokens that is in our
            confusion table for that character replaces it. pycorrector flags logit > 0, i.e.
            P(replaced) > 0.5; here the cut is the engine's threshold (the same thing at 0.5) so
            that both flag comparable numbers, or --baseline-threshold. Its candidate set is our
            cached confusion table, far cheaper than pycorrector's generate_items (about 60 ms of
            pypinyin calls per flagged character, plus a 2.95 GB kenlm model loaded on first
            use), so the real pycorrector is slower than this baseline. As in pycorrector, the
            discriminator stays on the CPU and only the pipeline goes to --device.
  variant   the engine with --variant's settings changed (e.g. a new rule's cost).
  floor     the engine's own spans (same batches, sorted by length), padded in advance; timed
            are only the discriminator forward, the threshold, and the generator's encoder over
            the rows that hold a flag, up to its output layer's input at the flagged positions
            (the output layer itself is part of candidate picking, at the candidates only).
Start-up: `electra-correct --help` (median of 5 runs) and the time from starting
`electra-correct` to its answer to one line written to its stdin (median of 3 runs); "n/a" when
the command does not work. --corpus-mb N: N MB of the sentences, repeated, in 8 files, through
`electra-correct --input-dir`: wall time (model load included), MB/s, peak RSS of that process.
The table printed at the end is markdown, ready for the README; --json FILE keeps every number.

This file is the driver; beside it: settings.py (the timed settings, one subprocess each),
baseline.py, models.py (the HFL-shaped models), startup.py, report.py. Run it from the checkout's
root, as a package: `python -m scripts.benchmark`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from electra_corrector.base.errors import CorrectorError
from electra_corrector.engine.options import CorrectorOptions
from electra_corrector.engine.precision import PRECISIONS
from electra_corrector.evaluation import load_dataset
from electra_corrector.models.loading import resolve
from scripts.shared_data import SHARED_DATA

from .baseline import logit
from .models import HFL_SHAPES, build_hfl_model
from .report import corpus_note, describe_machine, header, markdown_table, startup_table
from .settings import BENCHES, run_child
from .startup import corpus_run, first_line_seconds, help_seconds

DEFAULT_DATA = SHARED_DATA / "sighan" / "sighan15_test.tsv"
SHAPES = ("bundled", *HFL_SHAPES)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="sources are used")
    parser.add_argument("--limit", type=int, default=300, help="sentences (default: 300)")
    parser.add_argument("--model", help="model folder or hub id (default: the model search)")
    parser.add_argument(
        "--shapes",
        nargs="+",
        choices=SHAPES,
        default=["bundled", "hfl-small"],
        help="bundled: --model or the default model; hfl-*: random models of HFL's shapes",
    )
    parser.add_argument(
        "--precisions", nargs="+", choices=PRECISIONS[1:], default=["fp32", "int8", "bf16"]
    )
    parser.add_argument(
        "--flag-share",
        type=float,
        default=0.03,
        help="share of CJK characters the random HFL-shaped discriminators flag (default: 0.03)",
    )
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--threshold", type=float, help="default: the model's")
    parser.add_argument("--baseline-threshold", type=float, help="default: --threshold")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--repeats", type=int, default=5, help="timed passes of engine and floor (median)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="alternate all precisions this often (odd rounds reversed); the fastest is kept",
    )
    parser.add_argument(
        "--threads", type=int, metavar="N", help="torch threads in every run (default: torch's)"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write all numbers here")
    parser.add_argument(
        "--word-knowledge-cost",
        action="store_true",
        help="also time each engine without word knowledge, alternated with it",
    )
    parser.add_argument(
        "--variant",
        nargs="+",
        metavar="NAME=VALUE",
        default=[],
        help="also time each engine with these settings changed (values in JSON, e.g. "
        "lm_flag=12 second_pass=take), alternated with it",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-startup", action="store_true", help="no start-up timings")
    parser.add_argument("--corpus-mb", type=float, default=0, metavar="N", help="default: off")
    parser.add_argument("--child", choices=BENCHES, help=argparse.SUPPRESS)
    parser.add_argument("--child-config", type=Path, help=argparse.SUPPRESS)
    return parser


def make_config(args: argparse.Namespace, sentences: list[str], model: str | None) -> dict:
    """What every child needs; the threshold is the model's unless --threshold overrides it."""
    try:
        source = resolve(model)
    except CorrectorError as e:
        raise SystemExit(f"benchmark: {e}") from None
    options = CorrectorOptions.load(source.root) if source.root else CorrectorOptions()
    threshold = options.updated(threshold=args.threshold).threshold
    baseline = threshold if args.baseline_threshold is None else args.baseline_threshold
    return {
        "model": model,
        "model_id": source.label,
        "device": args.device,
        "threshold": threshold,
        "baseline_threshold": baseline,
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "precision": "fp32",
        "sentences": sentences,
        "variant": parse_variant(args.variant),
        "variant_text": " ".join(args.variant),
    }


def parse_variant(items: list[str]) -> dict:
    """--variant's NAME=VALUE items as settings, each value read as JSON (a bare word as text)."""
    variant = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or name not in CorrectorOptions.__dataclass_fields__:
            raise SystemExit(f"benchmark: --variant wants NAME=VALUE of a setting, got {item!r}")
        try:
            variant[name] = json.loads(text)
        except json.JSONDecodeError:
            variant[name] = text
    return variant


def shape_config(shape: str, args: argparse.Namespace, sentences: list[str], tmp: Path) -> dict:
    """The config of one --shapes entry, building its random model first for an HFL shape."""
    if shape == "bundled":
        return make_config(args, sentences, args.model)
    print(f"building a random {shape} model ...", flush=True)
    # No corrector_config.json: it runs at the default threshold or --threshold.
    threshold = CorrectorOptions().updated(threshold=args.threshold).threshold
    build_hfl_model(shape, tmp / shape, sentences, threshold, args.flag_share)
    return make_config(args, sentences, str(tmp / shape))


def measure_setting(setting: str, cfg: dict, cfg_file: Path) -> dict:
    """One setting timed in a fresh subprocess (bench_settings.run_child), so that its peak RSS
    is its own."""
    cfg_file.write_text(json.dumps(cfg, ensure_ascii=False), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        __spec__.name,
        "--child",
        setting,
        "--child-config",
        str(cfg_file),
    ]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark: the {setting} run failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_model(cfg: dict, args: argparse.Namespace, tmp: Path) -> dict:
    """Every precision's engine and floor, alternated over --rounds, and the baseline once."""
    print(
        f"model {cfg['model_id']}: engine and floor flag P(replaced) > {cfg['threshold']}; the "
        f"baseline flags logit > {logit(cfg['baseline_threshold']):.3g}",
        flush=True,
    )
    settings = ("engine", "blind", "floor") if args.word_knowledge_cost else ("engine", "floor")
    if args.variant:
        settings = ("engine", "variant", *settings[1:])
    jobs = [(setting, p) for p in args.precisions for setting in settings]
    results: dict[str, dict] = {}
    for round_ in range(args.rounds):
        for setting, precision in jobs if round_ % 2 == 0 else reversed(jobs):
            print(f"timing {setting} {precision} ...", flush=True)
            cfg_file = tmp / f"config-{precision}.json"
            found = measure_setting(setting, {**cfg, "precision": precision}, cfg_file)
            key = f"{setting}/{precision}"
            if key not in results or found["seconds"] < results[key]["seconds"]:
                results[key] = found
    if not args.skip_baseline:
        print("timing the baseline ...", flush=True)
        results["baseline/fp32"] = measure_setting("baseline", cfg, tmp / "config-baseline.json")
    return results


def measure_command(cfg: dict, args: argparse.Namespace, sentences: list[str]) -> dict:
    """The electra-correct command's start-up and --corpus-mb timings, as asked."""
    found = {}
    if not args.skip_startup:
        print("timing start-up ...", flush=True)
        found["startup"] = {
            "help_s": help_seconds(),
            "first_line_s": first_line_seconds(cfg, sentences[0]),
        }
    if args.corpus_mb > 0:
        print(f"timing a {args.corpus_mb:g} MB corpus ...", flush=True)
        found["corpus"] = corpus_run(cfg, sentences, args.corpus_mb)
    return found


def first_engine(payload: dict) -> dict:
    """The first model's first engine run: the report's torch threads and its engine speed."""
    first = next(iter(payload["models"].values()))
    return next(v for k, v in first.items() if k.startswith("engine/"))


def print_report(payload: dict, tables: list[str], args, sentences: list[str]) -> None:
    print(f"\ntorch threads: {payload['machine']['torch_threads']}\n")
    print("\n\n".join(tables))
    if "startup" in payload:
        print()
        print(startup_table(payload["startup"], payload.get("corpus")))
    print()
    print(
        "flagged chars: characters the setting sent to the generator; time: median of "
        f"{args.repeats} passes (the baseline: one); import+load: torch, transformers, model."
    )
    if args.corpus_mb <= 0:
        print(corpus_note(first_engine(payload), sentences))


def main() -> None:
    args = build_parser().parse_args()
    if args.child:
        run_child(args.child, args.child_config)
        return
    if args.threads:
        # Inherited by every subprocess, the electra-correct runs included; torch reads it at start.
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
    sentences = [source for source, _ in load_dataset(args.data).pairs][: args.limit]
    machine = describe_machine(args.device)
    print(header(machine, args.threads))
    print(
        f"{len(sentences)} sentences, {sum(map(len, sentences)):,} chars from {args.data}; "
        f"batch size {args.batch_size}; precisions {', '.join(args.precisions)}",
        flush=True,
    )
    payload: dict = {"machine": machine, "data": str(args.data), "models": {}}
    tables, cfgs = [], []
    with tempfile.TemporaryDirectory(prefix="electra-bench-") as tmp:
        for shape in args.shapes:
            cfg = shape_config(shape, args, sentences, Path(tmp))
            cfgs.append(cfg)
            results = measure_model(cfg, args, Path(tmp))
            tables.append(markdown_table(shape, results, cfg))
            config = {k: v for k, v in cfg.items() if k not in ("sentences", "precision")}
            payload["models"][shape] = {"config": config, **results}
        machine["torch_threads"] = first_engine(payload)["torch_threads"]
        payload.update(measure_command(cfgs[0], args, sentences))  # the first model
    print_report(payload, tables, args, sentences)
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
