"""The benchmark's report: the machine, and markdown tables ready for the README."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path

from .startup import FIRST_LINE_RUNS, HELP_RUNS

NAMES = {
    "engine": "electra-correct, batched ({batch_size})",
    "blind": "the same without word knowledge",
    "variant": "the same with {variant_text}",
    "floor": "floor: bare D + G forward",
    "baseline": "pycorrector-style, one block at a time",
}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def describe_machine(device: str) -> dict:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch": version("torch"),
        "transformers": version("transformers"),
        "python": platform.python_version(),
        "device": device,
    }


def header(machine: dict, threads: int | None) -> str:
    return (
        f"machine: {machine['cpu']}, {machine['cores']} cores, torch {machine['torch']}, "
        f"transformers {machine['transformers']}, device {machine['device']}, "
        f"threads {threads or 'default'}"
    )


def ratio(numerator: dict | None, denominator: dict | None) -> float | None:
    """Time of one setting over another's (None when either was not run)."""
    if not numerator or not denominator:
        return None
    return numerator["seconds"] / denominator["seconds"]


def fmt(value, spec: str = ",.1f", suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{suffix}"


def markdown_table(label: str, results: dict, cfg: dict) -> str:
    """One model's runs: every precision's engine and floor, and the baseline."""
    rows = [
        f"{label}: {cfg['model_id']}",
        "",
        "| setting | precision | sentences/s | chars/s | flagged chars | edits "
        "| speed-up over baseline | time / own floor | speed over fp32 engine | peak RSS "
        "| import+load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows += [table_row(key, results, cfg) for key in results]
    return "\n".join(rows)


def table_row(key: str, results: dict, cfg: dict) -> str:
    """The row of results[key] ("setting/precision"), with its ratios to the other runs."""
    r, (setting, precision) = results[key], key.split("/")
    baseline, fp32 = results.get("baseline/fp32"), results.get("engine/fp32")
    floor = results.get(f"floor/{precision}")
    return (
        f"| {NAMES[setting].format(**cfg)} | {precision} | {fmt(r['sentences_per_s'])} "
        f"| {fmt(r['chars_per_s'], ',.0f')} | {r['flagged']:,} | {fmt(r.get('edits'), ',')} "
        f"| {fmt(ratio(baseline, r), '.1f', '×')} "
        f"| {fmt(ratio(r, floor) if setting != 'baseline' else None, '.2f', '×')} "
        f"| {fmt(ratio(fp32, r) if setting in ('engine', 'blind') else None, '.2f', '×')}"
        f"{own_speed(results, r, precision) if setting == 'variant' else ''} "
        f"| {fmt(r['peak_rss_mb'], ',.0f', ' MB')} | {fmt(r['load_s'], '.1f', ' s')} |"
    )


def own_speed(results: dict, r: dict, precision: str) -> str:
    """A variant's speed over the engine of its own precision, as ` (0.93× own)`."""
    return f" ({fmt(ratio(results.get(f'engine/{precision}'), r), '.2f', '×')} own)"


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
