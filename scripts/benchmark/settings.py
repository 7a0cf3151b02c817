"""The benchmark's timed settings, each run inside its own subprocess (run_child): the engine, the
engine without word knowledge, the bare-forward floor and the pycorrector-style baseline.

Everything goes through the package's public API: Corrector.correct_batch and Corrector.spans,
and detection.py's and candidates.py's functions for the floor and the flag count.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path

from .baseline import PycorrectorStyle

WARMUP_SENTENCES = 8


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


def load_corrector(cfg: dict, word_knowledge: bool = True, **overrides):
    """The corrector as the console scripts load it (loaded objects exempt from the GC)."""
    from electra_corrector.engine.process import corrector_for_process

    return corrector_for_process(
        model=cfg["model"],
        device=cfg["device"],
        threshold=cfg["threshold"],
        batch_size=cfg["batch_size"],
        precision=cfg["precision"],
        word_knowledge=word_knowledge,
        **overrides,
    )


def span_batches(corrector, texts: list[str]):
    """The engine's model inputs for `texts`, in its batches: (spans, input_ids, attention_mask)."""
    from electra_corrector.engine.detection import pad

    spans, size = corrector.spans(texts), corrector.batch_size
    for i in range(0, len(spans), size):
        chunk = spans[i : i + size]
        yield (chunk, *pad(chunk, corrector.models.tokenizer.pad_token_id, corrector.device))


def count_flags(corrector, texts: list[str]) -> int:
    """Characters the engine flags in `texts`, i.e. sends to the generator: the discriminator run
    again, untimed, through the steps Corrector.propose takes."""
    import torch

    from electra_corrector.engine.detection import flag, replaced_probabilities

    threshold, flagged = corrector.options.threshold, 0
    with torch.inference_mode():
        for spans, ids, mask in span_batches(corrector, texts):
            probs = replaced_probabilities(corrector.models.discriminator, ids, mask)
            flagged += len(flag(spans, probs, threshold))
    return flagged


def bench_engine(cfg: dict, sentences: list[str], word_knowledge: bool = True, **overrides) -> dict:
    corrector = load_corrector(cfg, word_knowledge, **overrides)

    def run(texts):
        return {"edits": sum(len(r.edits) for r in corrector.correct_batch(texts))}

    found = timed(run, sentences[:WARMUP_SENTENCES], sentences, cfg["device"], cfg["repeats"])
    edits = found.pop("edits")
    return {**found, "flagged": count_flags(corrector, sentences), "edits": edits}


def bench_floor(cfg: dict, sentences: list[str]) -> dict:
    import torch

    from electra_corrector.engine.alignment import NO_CHAR
    from electra_corrector.engine.candidates import generator_states
    from electra_corrector.engine.detection import replaced_probabilities

    corrector = load_corrector(cfg)
    models, threshold = corrector.models, corrector.options.threshold

    def prepare(texts):
        batches = []
        for spans, ids, mask in span_batches(corrector, texts):
            correctable = torch.zeros(ids.shape, dtype=torch.bool)
            for row, span in enumerate(spans):
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
                    generator_states(models.generator, ids[rows], mask[rows], sub_rows, cols)
                    flagged += len(cols)
        return {"flagged": flagged}

    warm_up, work = prepare(sentences[:WARMUP_SENTENCES]), prepare(sentences)
    return timed(forward, warm_up, work, cfg["device"], cfg["repeats"])


def bench_baseline(cfg: dict, sentences: list[str]) -> dict:
    import torch

    from electra_corrector.models.loading import load_models, resolve

    models = load_models(resolve(cfg["model"]), "cpu", torch.float32)
    baseline = PycorrectorStyle(models, cfg["baseline_threshold"], cfg["device"])

    def run(texts):
        baseline.counts = dict.fromkeys(baseline.counts, 0)
        for text in texts:
            baseline.correct(text)
        return dict(baseline.counts)

    # One pass: it is slow enough to average out noise, and repeating it would take minutes.
    return timed(run, sentences[:WARMUP_SENTENCES], sentences, cfg["device"], 1)


BENCHES = {
    "engine": bench_engine,
    "blind": lambda cfg, sentences: bench_engine(cfg, sentences, word_knowledge=False),
    "variant": lambda cfg, sentences: bench_engine(cfg, sentences, **cfg["variant"]),
    "floor": bench_floor,
    "baseline": bench_baseline,
}


def run_child(setting: str, cfg_file: Path) -> None:
    """Inside a subprocess: load, warm up, time one setting; print one JSON line."""
    cfg = json.loads(cfg_file.read_text(encoding="utf-8"))
    sentences = cfg["sentences"]
    start = time.perf_counter()  # the load time below counts imports of torch and transformers
    import torch
    import transformers

    transformers.logging.set_verbosity_error()
    counts = BENCHES[setting](cfg, sentences)
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
