"""The numeric precision the models run in: what each name means, what `auto` picks, and whether
a device can run it.

  fp32   as trained.
  fp16, bf16   weights and activations in that float type (cast at load time).
  int8   CPU only: every Linear layer of both models quantized dynamically (int8 weights per
         output channel, activations quantized on the fly); embeddings and LayerNorms stay fp32.
         Built in memory at load time; nothing is written to the model folder.
  auto   fp16 on CUDA; on a CPU, bf16 where it has bf16 instructions (AVX512-BF16 or AMX), else
         fp32. Whatever it picks falls back to fp32 when the device cannot run it.

Why not int8 for auto: auto may pick only a precision that changes no decision a user would
notice. With the word-knowledge accept rule, on the bundled model and 2,584 dev sentences
(scripts/agreement.py), int8 agreed with fp32 on 99.8% of sentences and bf16 on 100%, at 2.0x
and 1.8x fp32's speed; but int8 quantizes activations with one scale per batch, so a line's
result then depends on the lines it is batched with (3 of 400 dev sentences differed between
correct_batch and one at a time; fp32 and bf16: none). A tool that promises the same output
however it batches (the CLI, streams, Ray) cannot default to that. With session 2's rule int8
also agreed on only 98.2%.
"""

from __future__ import annotations

import logging
import warnings

from electra_corrector.errors import CorrectorError

PRECISIONS = ("auto", "fp32", "int8", "fp16", "bf16")
AGREEMENT = 0.99  # share of sentences whose edits must equal fp32's for auto to choose a precision

log = logging.getLogger("electra_corrector")


def float_type(precision: str):
    """The torch dtype weights are loaded in for `precision` (int8 is quantized from fp32)."""
    import torch

    return {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision, torch.float32)


def _has_bf16_instructions() -> bool:
    import torch

    # Private helpers of torch.cpu: absent in some builds, and then we cannot tell.
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def preferred(device) -> str:
    """What `auto` asks for on `device` (a torch.device)."""
    if device.type == "cuda":
        return "fp16"
    if device.type == "cpu" and _has_bf16_instructions():
        return "bf16"
    return "fp32"


def quantize(model):
    """`model` with its Linear layers replaced by dynamically quantized int8 ones (in place)."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    # torch.ao.quantization warns that it is deprecated in favour of torchao (an extra
    # dependency); it still works, and a torch without it makes int8 unavailable, not broken.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec = {torch.nn.Linear: per_channel_dynamic_qconfig}
        return quantize_dynamic(model, spec, dtype=torch.qint8, inplace=True)


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
            probe = quantize(probe)
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
        quantize(models.discriminator)
        quantize(models.generator)
