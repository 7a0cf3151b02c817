"""The numeric precision the models run in: what each name means, what `auto` picks, and whether
a device can run it.

  fp32   as trained.
  fp16, bf16   weights and activations in that float type (cast at load time).
  int8   CPU only: every Linear layer of both models in int8 (weights per output channel,
         inputs with one fixed scale per layer measured at load time on a shipped calibration
         text; int8.py). Embeddings, LayerNorms and attention stay fp32. Built in memory at load
         time; nothing is written to the model folder.
  auto   int8 on a CPU, fp16 on CUDA, fp32 elsewhere. Whatever it picks falls back to fp32 when
         the device cannot run it.

Why int8 for auto: auto may pick only a precision that changes no decision a user would notice,
and on the default model and 2,584 dev sentences (scripts/agreement.py) int8's edits equal
fp32's on 99.81% of sentences (bf16: 99.88%), at about 2x fp32's speed. Its fixed input scales
make a line's result independent of the lines batched with it (400 of 400 sentences alike
batched and alone; fp32 and bf16 flipped one edge decision with the batch shape); torch's
dynamic int8 (one scale per batch) changed 3 of 400, which a tool that promises the same output
however it batches (the CLI, streams, Ray) cannot have.
"""

from __future__ import annotations

import logging

from electra_corrector.base.errors import CorrectorError

PRECISIONS = ("auto", "fp32", "int8", "fp16", "bf16")
AGREEMENT = 0.99  # share of sentences whose edits must equal fp32's for auto to choose a precision

log = logging.getLogger("electra_corrector")


def float_type(precision: str):
    """The torch dtype weights are loaded in for `precision` (int8 is quantized from fp32)."""
    import torch

    return {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision, torch.float32)


def preferred(device) -> str:
    """What `auto` asks for on `device` (a torch.device)."""
    return {"cuda": "fp16", "cpu": "int8"}.get(device.type, "fp32")


def unavailable(precision: str, device) -> str | None:
    """Why `device` cannot run `precision`, or None when it can: a tiny Linear + LayerNorm +
    softmax is run in it, as the models would be."""
    import torch

    if precision == "fp32":
        return None
    if precision == "int8" and device.type != "cpu":
        return "int8 runs on CPUs only"
    try:
        probe = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.LayerNorm(8))
        x = torch.ones(2, 8)
        if precision == "int8":
            from electra_corrector.engine.int8 import FixedScaleInt8Linear

            probe[0] = FixedScaleInt8Linear(probe[0], -1.0, 1.0)
        else:
            probe, x = probe.to(device, float_type(precision)), x.to(device, float_type(precision))
        with torch.inference_mode():
            probe(x).softmax(-1).float().sum().item()
    except (RuntimeError, NotImplementedError, ImportError, AssertionError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return first_line
    return None


def settle(requested: str, device) -> str:
    """The precision to load: `auto` resolved, and checked against `device`.

    An explicit precision the device cannot run is an error; `auto` falls back to fp32.
    """
    if requested not in PRECISIONS:
        raise CorrectorError(
            f"unknown precision {requested!r}; choose from {', '.join(PRECISIONS)}"
        )
    chosen = preferred(device) if requested == "auto" else requested
    problem = unavailable(chosen, device)
    if problem is None:
        return chosen
    if requested == "auto":
        log.info("precision auto: %s cannot run on %s (%s); using fp32", chosen, device, problem)
        return "fp32"
    raise CorrectorError(f"precision {chosen} cannot run on {device}: {problem}")


def convert(models, precision: str) -> None:
    """Turn freshly loaded models into `precision`'s form (only int8 needs a step)."""
    if precision == "int8":
        from electra_corrector.engine.int8 import quantize

        quantize(models)
