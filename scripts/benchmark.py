"""Speed of electra-correct against a pycorrector-style baseline and a bare-forward floor.

Usage:
    python scripts/benchmark.py                       # default model and HFL-small shapes, CPU
    python scripts/benchmark.py --threads 1 --precisions fp32 int8 bf16 --shapes bundled hfl-small
    python scripts/benchmark.py --model DIR --limit 50 --batch-size 32 --json bench.json
    python scripts/benchmark.py --skip-baseline       # the baseline is by far the slowest part
    python scripts/benchmark.py --corpus-mb 50        # also time a large --input-dir run (slow)
    python scripts/benchmark.py --threads 1           # on a small CPU shared with other work

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
  floor     the engine's own spans (same batches, sorted by length), padded in advance; timed
            are only the discriminator forward, the threshold, and the generator over the rows
            that hold a flag with its output layer at the flagged positions.
Start-up: `electra-correct --help` (median of 5 runs) and the time from starting
`electra-correct` to its answer to one line written to its stdin (median of 3 runs); "n/a" when
the command does not work. --corpus-mb N: N MB of the sentences, repeated, in 8 files, through
`electra-correct --input-dir`: wall time (model load included), MB/s, peak RSS of that process.
The table printed at the end is markdown, ready for the README; --json FILE keeps every number.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from electra_corrector.errors import CorrectorError
from electra_corrector.evaluation import load_dataset
from electra_corrector.loading import resolve
from electra_corrector.options import CorrectorOptions
from electra_corrector.precision import PRECISIONS
from electra_corrector.training.paths import SHARED_DATA

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = SHARED_DATA / "sighan" / "sighan15_test.tsv"
# engine and floor back to back: similar machine load; blind: the engine without word knowledge
SETTINGS = ("engine", "blind", "floor", "baseline")
WARMUP_SENTENCES = 8
HELP_RUNS, FIRST_LINE_RUNS = 5, 3
CLI_TIMEOUT_S = 600
CORPUS_FILES = 8

# pycorrector's split_2_short_text and is_chinese_string.
PYCORRECTOR_BLOCK = re.compile("([\u4e00-\u9fa5a-zA-Z0-9+#&]+)")
PYCORRECTOR_HAN = re.compile("^[\u4e00-\u9fa5]+$")


# ----------------------------------------------------------------------------- child processes


def peak_rss_mb() -> float:
    """This process's peak resident set size so far."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    except (OSError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synchronize(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(run, warm_up, work, device: str, repeats: int) -> dict:
    """Run once on `warm_up`, then time `repeats` passes over `work`: median seconds, counts."""
    loaded = time.perf_counter()
    run(warm_up)
    times = []
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        counts = run(work)
        synchronize(device)
        times.append(time.perf_counter() - start)
    return {"seconds": statistics.median(times), "passes": times, "loaded_at": loaded, **counts}


def bench_engine(cfg: dict, sentences: list[str], word_knowledge: bool = True) -> dict:
    from electra_corrector import corrector as engine

    corrector = engine.Corrector(
        cfg["model"],
        cfg["device"],
        cfg["threshold"],
        batch_size=cfg["batch_size"],
        precision=cfg["precision"],
        word_knowledge=word_knowledge,
    )
    # Count the engine's flags by wrapping the function it calls, leaving its code untouched.
    flagged = [0]
    flag = engine.flag

    def counting_flag(*args):
        found = flag(*args)
        flagged[0] += len(found)
        return found

    engine.flag = counting_flag

    def run(texts):
        flagged[0] = 0
        results = corrector.correct_batch(texts)
        return {"flagged": flagged[0], "edits": sum(len(r.edits) for r in results)}

    return timed(run, sentences[:WARMUP_SENTENCES], sentences, cfg["device"], cfg["repeats"])


def bench_floor(cfg: dict, sentences: list[str]) -> dict:
    import torch

    from electra_corrector.alignment import NO_CHAR
    from electra_corrector.candidates import generator_logits
    from electra_corrector.corrector import Corrector
    from electra_corrector.detection import pad, replaced_probabilities

    corrector = Corrector(
        cfg["model"],
        cfg["device"],
        cfg["threshold"],
        batch_size=cfg["batch_size"],
        precision=cfg["precision"],
    )
    models, size, threshold = corrector.models, corrector.batch_size, corrector.options.threshold
    pad_id = models.tokenizer.pad_token_id

    def prepare(texts):
        spans = corrector.spans(texts)
        batches = []
        for i in range(0, len(spans), size):
            chunk = spans[i : i + size]
            ids, mask = pad(chunk, pad_id, corrector.device)
            correctable = torch.zeros(ids.shape, dtype=torch.bool)
            for row, span in enumerate(chunk):
                correctable[row, : len(span.char_at)] = torch.tensor(span.char_at) != NO_CHAR
            batches.append((ids, mask, correctable.to(corrector.device)))
        return batches

    def forward(batches):
        flagged = 0
        with torch.inference_mode():
            for ids, mask, correctable in batches:
                probs = replaced_probabilities(models.discriminator, ids, mask)
                hits = (probs > threshold) & correctable
                rows = hits.any(1).nonzero().squeeze(1)
                if rows.numel():
                    sub_rows, cols = hits[rows].nonzero(as_tuple=True)
                    generator_logits(models.generator, ids[rows], mask[rows], sub_rows, cols)
                    flagged += len(cols)
        return {"flagged": flagged}

    warm_up, work = prepare(sentences[:WARMUP_SENTENCES]), prepare(sentences)
    return timed(forward, warm_up, work, cfg["device"], cfg["repeats"])


def logit(p: float) -> float:
    """The discriminator logit above which P(replaced) exceeds p (0.5 -> pycorrector's 0)."""
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return math.log(p / (1 - p))


class PycorrectorStyle:
    """pycorrector 0.5.0's ElectraCorrector.electra_correct, on our models and confusion table."""

    def __init__(self, models, threshold: float, device: str):
        from transformers import pipeline

        from electra_corrector.confusion import default_table

        self.tokenizer = models.tokenizer
        self.discriminator = models.discriminator
        self.fill_mask = pipeline(
            "fill-mask",
            model=models.generator.to(device),
            tokenizer=models.tokenizer,
            top_k=5,
            device=device if device.startswith("cuda") else None,
        )
        self.cut = logit(threshold)
        # pycorrector has no limit; blocks longer than the model's positions would crash it.
        self.max_chars = self.discriminator.config.max_position_embeddings - 2
        self.table = default_table()
        self.counts = {"flagged": 0, "flagged_tokens": 0, "blocks": 0, "edits": 0}

    def blocks(self, text: str) -> list[tuple[str, int]]:
        found, start = [], 0
        for blk in PYCORRECTOR_BLOCK.split(text):
            if blk:
                for i in range(0, len(blk), self.max_chars):
                    found.append((blk[i : i + self.max_chars], start + i))
                start += len(blk)
        return found

    def detect(self, blk: str) -> list[int]:
        inputs = self.tokenizer.encode(blk, return_tensors="pt")
        import torch

        logits = self.discriminator(inputs).logits  # no no_grad: as pycorrector
        predictions = torch.round((torch.sign(logits - self.cut) + 1) / 2)
        return [i for i, x in enumerate(predictions.tolist()[0][1:-1]) if x > 0]

    def correct(self, text: str) -> tuple[str, list[tuple[str, str, int, int]]]:
        corrected, details = [], []
        for blk, start in self.blocks(text):
            self.counts["blocks"] += 1
            error_ids = self.detect(blk)
            self.counts["flagged_tokens"] += len(error_ids)
            chars = list(blk)
            for idx in error_ids:
                if idx >= len(chars):  # more tokens than chars: pycorrector raises IndexError
                    continue
                s = chars[idx]
                if not PYCORRECTOR_HAN.match(s):
                    continue
                self.counts["flagged"] += 1
                chars[idx] = self.tokenizer.mask_token
                predicts = self.fill_mask("".join(chars))
                top_tokens = [self.tokenizer.convert_ids_to_tokens(p["token"]) for p in predicts]
                if top_tokens and s not in top_tokens:
                    candidates = self.table.confusables(s)
                    for token in top_tokens:
                        if token in candidates:
                            details.append((s, token, start + idx, start + idx + 1))
                            chars[idx] = token
                            break
                if chars[idx] == self.tokenizer.mask_token:
                    chars[idx] = s
            corrected.append("".join(chars))
        self.counts["edits"] += len(details)
        return "".join(corrected), sorted(details, key=lambda d: d[2])


def bench_baseline(cfg: dict, sentences: list[str]) -> dict:
    import torch

    from electra_corrector.loading import load_models

    models = load_models(resolve(cfg["model"]), "cpu", torch.float32)
    baseline = PycorrectorStyle(models, cfg["baseline_threshold"], cfg["device"])

    def run(texts):
        baseline.counts = dict.fromkeys(baseline.counts, 0)
        for text in texts:
            baseline.correct(text)
        return dict(baseline.counts)

    # One pass: it is slow enough to average out noise, and repeating it would take minutes.
    return timed(run, sentences[:WARMUP_SENTENCES], sentences, cfg["device"], 1)


def run_child(setting: str, cfg_file: Path) -> None:
    """Inside a subprocess: load, warm up, time one setting; print one JSON line."""
    cfg = json.loads(cfg_file.read_text(encoding="utf-8"))
    sentences = cfg["sentences"]
    start = time.perf_counter()  # the load time below counts imports of torch and transformers
    import torch
    import transformers

    transformers.logging.set_verbosity_error()
    bench = {
        "engine": bench_engine,
        "blind": lambda cfg, sentences: bench_engine(cfg, sentences, word_knowledge=False),
        "floor": bench_floor,
        "baseline": bench_baseline,
    }[setting]
    counts = bench(cfg, sentences)
    load_s = counts.pop("loaded_at") - start
    seconds, chars = counts["seconds"], sum(map(len, sentences))
    report = {
        "setting": setting,
        "precision": "fp32" if setting == "baseline" else cfg["precision"],
        "sentences": len(sentences),
        "chars": chars,
        "sentences_per_s": len(sentences) / seconds,
        "chars_per_s": chars / seconds,
        "peak_rss_mb": peak_rss_mb(),
        "load_s": load_s,
        "torch_threads": torch.get_num_threads(),
        "gpu": torch.cuda.get_device_name() if cfg["device"].startswith("cuda") else None,
        **counts,
    }
    print(json.dumps(report))


def measure_setting(setting: str, cfg_file: Path) -> dict:
    command = [sys.executable, __file__, "--child", setting, "--child-config", str(cfg_file)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark: the {setting} run failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- the CLI


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


# ----------------------------------------------------------------------------- report


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ratio(numerator: dict | None, denominator: dict | None) -> float | None:
    """Time of one setting over another's (None when either was not run)."""
    if not numerator or not denominator:
        return None
    return numerator["seconds"] / denominator["seconds"]


def fmt(value, spec: str = ",.1f", suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{suffix}"


def markdown_table(label: str, results: dict, cfg: dict) -> str:
    """One model's runs: every precision's engine and floor, and the baseline."""
    baseline, fp32 = results.get("baseline/fp32"), results.get("engine/fp32")
    names = {
        "engine": f"electra-correct, batched ({cfg['batch_size']})",
        "blind": "the same without word knowledge",
        "floor": "floor: bare D + G forward",
        "baseline": "pycorrector-style, one block at a time",
    }
    rows = [
        f"{label}: {cfg['model_id']}",
        "",
        "| setting | precision | sentences/s | chars/s | flagged chars | edits "
        "| speed-up over baseline | time / own floor | speed over fp32 engine | peak RSS "
        "| import+load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, r in results.items():
        setting, precision = key.split("/")
        floor = results.get(f"floor/{precision}")
        rows.append(
            f"| {names[setting]} | {precision} | {fmt(r['sentences_per_s'])} "
            f"| {fmt(r['chars_per_s'], ',.0f')} | {r['flagged']:,} | {fmt(r.get('edits'), ',')} "
            f"| {fmt(ratio(baseline, r), '.1f', '×')} "
            f"| {fmt(ratio(r, floor) if setting != 'baseline' else None, '.2f', '×')} "
            f"| {fmt(ratio(fp32, r) if setting in ('engine', 'blind') else None, '.2f', '×')} "
            f"| {fmt(r['peak_rss_mb'], ',.0f', ' MB')} | {fmt(r['load_s'], '.1f', ' s')} |"
        )
    return "\n".join(rows)


def startup_table(start: dict, corpus: dict | None) -> str:
    rows = [
        "| start-up and corpus | value |",
        "|---|---:|",
        f"| `electra-correct --help` (median of {HELP_RUNS}) "
        f"| {fmt(start['help_s'], '.2f', ' s')} |",
        f"| first corrected line through stdin, from process start (median of {FIRST_LINE_RUNS}) "
        f"| {fmt(start['first_line_s'], '.2f', ' s')} |",
    ]
    if corpus:
        failed = f", FAILED (exit {corpus['exit_status']})" if corpus["exit_status"] else ""
        rows.append(
            f"| `--input-dir` corpus, {corpus['megabytes']:.1f} MB in {corpus['files']} files "
            f"| {corpus['seconds']:.1f} s, {corpus['mb_per_s']:.3f} MB/s, "
            f"{corpus['chars_per_s']:,.0f} chars/s, peak RSS {corpus['peak_rss_mb']:,.0f} MB"
            f"{failed} |"
        )
    return "\n".join(rows)


def corpus_note(engine: dict, sentences: list[str], megabytes: float = 50) -> str:
    per_char = sum(len(s.encode("utf-8")) for s in sentences) / sum(map(len, sentences))
    minutes = megabytes * 1e6 / per_char / engine["chars_per_s"] / 60
    return (
        f"note: large-corpus mode is off; `--corpus-mb {megabytes:g}` would take about "
        f"{minutes:,.0f} min at the engine's speed measured here."
    )


# ----------------------------------------------------------------------------- HFL-shaped models

# HFL's published shapes (../shared/data/README.md); all have vocab 21128 and 512 positions.
HFL_SHAPES = {
    "hfl-small": (
        "small",
        dict(hidden_size=256, num_hidden_layers=12, num_attention_heads=4, intermediate_size=1024),
        dict(hidden_size=64, num_hidden_layers=12, num_attention_heads=1, intermediate_size=256),
        128,
    ),
    "hfl-base": (
        "base",
        dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072),
        dict(hidden_size=192, num_hidden_layers=12, num_attention_heads=3, intermediate_size=768),
        768,
    ),
}
SHAPES = ("bundled", *HFL_SHAPES)
FLAG_LOGIT_STD = 2.0


def calibrate_flags(discriminator, sentences: list[str], threshold: float, share: float) -> None:
    """Rescale the discriminator's output layer so that its logits on the sentences' CJK
    characters spread as a trained model's do (standard deviation FLAG_LOGIT_STD; random weights
    give nearly equal logits) and `share` of them score P(replaced) > threshold."""
    import torch

    from electra_corrector.charset import is_cjk
    from electra_corrector.loading import bundled_tokenizer

    tokenizer = bundled_tokenizer()
    tokens = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    cjk = torch.tensor([is_cjk(t) for t in tokens])
    head = discriminator.discriminator_predictions.dense_prediction
    logits = []
    with torch.inference_mode():
        for i in range(0, len(sentences), 32):
            batch = tokenizer(
                sentences[i : i + 32], padding=True, truncation=True, return_tensors="pt"
            )
            out = discriminator(batch["input_ids"], batch["attention_mask"]).logits
            logits.append(out[cjk[batch["input_ids"]] & batch["attention_mask"].bool()])
    logits = torch.cat(logits) - head.bias
    scale = FLAG_LOGIT_STD / logits.std().item()
    cut = (logits * scale).quantile(1 - share).item()
    with torch.no_grad():
        head.weight *= scale
        head.bias.fill_(logit(threshold) - cut)


def build_hfl_model(
    shape: str, folder: Path, sentences: list[str], threshold: float, share: float
) -> None:
    """A random D + G pair of HFL's `shape`, in HFL's folder layout under `folder`."""
    import torch
    from transformers import ElectraConfig, ElectraForMaskedLM, ElectraForPreTraining

    from electra_corrector.loading import hfl_layout, save_model

    size, d_shape, g_shape, embedding = HFL_SHAPES[shape]
    common = dict(vocab_size=21128, max_position_embeddings=512, embedding_size=embedding)
    torch.manual_seed(0)
    disc = ElectraForPreTraining(ElectraConfig(**common, **d_shape)).eval()
    gen = ElectraForMaskedLM(ElectraConfig(**common, **g_shape)).eval()
    calibrate_flags(disc, sentences, threshold, share)
    d_dir, g_dir = hfl_layout(size)
    save_model(disc, folder / d_dir)
    save_model(gen, folder / g_dir)


# ----------------------------------------------------------------------------- main


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
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-startup", action="store_true", help="no start-up timings")
    parser.add_argument("--corpus-mb", type=float, default=0, metavar="N", help="default: off")
    parser.add_argument("--child", choices=SETTINGS, help=argparse.SUPPRESS)
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
    }


def describe_machine(device: str) -> dict:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch": version("torch"),
        "transformers": version("transformers"),
        "python": platform.python_version(),
        "device": device,
    }


def print_header(machine: dict, sentences: list[str], args: argparse.Namespace) -> None:
    print(
        f"machine: {machine['cpu']}, {machine['cores']} cores, torch {machine['torch']}, "
        f"transformers {machine['transformers']}, device {args.device}, "
        f"threads {args.threads or 'default'}"
    )
    print(
        f"{len(sentences)} sentences, {sum(map(len, sentences)):,} chars from {args.data}; "
        f"batch size {args.batch_size}; precisions {', '.join(args.precisions)}",
        flush=True,
    )


def measure_model(cfg: dict, args: argparse.Namespace, tmp: Path) -> dict:
    """Every precision's engine and floor, alternated over --rounds, and the baseline once."""
    print(
        f"model {cfg['model_id']}: engine and floor flag P(replaced) > {cfg['threshold']}; the "
        f"baseline flags logit > {logit(cfg['baseline_threshold']):.3g}",
        flush=True,
    )
    settings = ("engine", "blind", "floor") if args.word_knowledge_cost else ("engine", "floor")
    jobs = [(setting, p) for p in args.precisions for setting in settings]
    results: dict[str, dict] = {}
    for round_ in range(args.rounds):
        for setting, precision in jobs if round_ % 2 == 0 else reversed(jobs):
            cfg_file = tmp / f"config-{precision}.json"
            cfg_file.write_text(
                json.dumps({**cfg, "precision": precision}, ensure_ascii=False), encoding="utf-8"
            )
            print(f"timing {setting} {precision} ...", flush=True)
            found, key = measure_setting(setting, cfg_file), f"{setting}/{precision}"
            if key not in results or found["seconds"] < results[key]["seconds"]:
                results[key] = found
    if not args.skip_baseline:
        print("timing the baseline ...", flush=True)
        cfg_file = tmp / "config-baseline.json"
        cfg_file.write_text(json.dumps(cfg, ensure_ascii=False), encoding="utf-8")
        results["baseline/fp32"] = measure_setting("baseline", cfg_file)
    return results


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
    print_header(machine, sentences, args)
    payload: dict = {"machine": machine, "data": str(args.data), "models": {}}
    tables, cfgs = [], []
    with tempfile.TemporaryDirectory(prefix="electra-bench-") as tmp:
        for shape in args.shapes:
            if shape == "bundled":
                cfg = make_config(args, sentences, args.model)
            else:
                print(f"building a random {shape} model ...", flush=True)
                # No corrector_config.json: it runs at the default threshold or --threshold.
                threshold = CorrectorOptions().updated(threshold=args.threshold).threshold
                folder = Path(tmp) / shape
                build_hfl_model(shape, folder, sentences, threshold, args.flag_share)
                cfg = make_config(args, sentences, str(folder))
            cfgs.append(cfg)
            results = measure_model(cfg, args, Path(tmp))
            tables.append(markdown_table(shape, results, cfg))
            config = {k: v for k, v in cfg.items() if k not in ("sentences", "precision")}
            payload["models"][shape] = {"config": config, **results}
        first = next(iter(payload["models"].values()))
        engine = next(v for k, v in first.items() if k.startswith("engine/"))
        machine["torch_threads"] = engine["torch_threads"]
        cfg = cfgs[0]  # start-up and corpus runs: the first model
        if not args.skip_startup:
            print("timing start-up ...", flush=True)
            payload["startup"] = {
                "help_s": help_seconds(),
                "first_line_s": first_line_seconds(cfg, sentences[0]),
            }
        if args.corpus_mb > 0:
            print(f"timing a {args.corpus_mb:g} MB corpus ...", flush=True)
            payload["corpus"] = corpus_run(cfg, sentences, args.corpus_mb)
    print(f"\ntorch threads: {machine['torch_threads']}\n")
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
        print(corpus_note(engine, sentences))
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
