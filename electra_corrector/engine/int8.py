"""int8 inference on CPUs whose result for a line never depends on the lines batched with it.

Every Linear layer of both models runs in int8: weights quantized per output channel, and its
input with one fixed scale per layer, measured once at load time by running the fp32 models over
a small shipped calibration text (CALIBRATION_FILE: 32 public-domain statute and broadcast-news
sentences; more bought no agreement with fp32 worth its load time). Dynamic quantization
(torch's quantize_dynamic) instead takes the scale from each batch's largest value, so a line's
corrections could change with its neighbours: 3 of 400 dev sentences did. The fixed scale costs
nothing in speed (the same fbgemm kernel); a row with values beyond the calibrated range
(RANGE_MARGIN wider than seen) is computed in fp32 instead: 0.05% of rows on the dev set.
Embeddings, LayerNorms and attention stay fp32. Nothing is written to the model folder.
"""

from __future__ import annotations

import warnings

import torch  # this module is imported only once int8 is chosen

from electra_corrector.models.assets import asset_path

CALIBRATION_FILE = "calibration.txt"
CALIBRATION_BATCH = 16
RANGE_MARGIN = 1.25  # calibrated input range widened by this factor on each side


def calibration_sentences() -> list[str]:
    return asset_path(CALIBRATION_FILE).read_text(encoding="utf-8").splitlines()


def quantize(models, sentences: list[str] | None = None) -> None:
    """Replace every Linear of models.discriminator and models.generator (in place) by a
    fixed-scale int8 one, the scales measured on `sentences` (default: the shipped text)."""
    sentences = calibration_sentences() if sentences is None else sentences
    limit = min(m.config.max_position_embeddings for m in (models.discriminator, models.generator))
    batches = _batches(models.tokenizer, sentences, min(limit, 128), models.discriminator.device)
    with torch.inference_mode():
        ranges = _input_ranges(models, batches)
    for model in (models.discriminator, models.generator):
        for parent, name, linear in _linears(model):
            low, high = ranges.get(id(linear), (-1.0, 1.0))
            setattr(parent, name, FixedScaleInt8Linear(linear, low, high))


def _batches(tokenizer, sentences: list[str], max_length: int, device) -> list[dict]:
    ordered = sorted(sentences, key=len)  # little padding, so pads hardly shape the ranges
    return [
        tokenizer(
            ordered[i : i + CALIBRATION_BATCH],
            padding=True,
            truncation=True,
            max_length=max_length,
            return_tensors="pt",
        ).to(device)
        for i in range(0, len(ordered), CALIBRATION_BATCH)
    ]


def _linears(model):
    for parent in model.modules():
        for name, child in parent.named_children():
            if type(child) is torch.nn.Linear:
                yield parent, name, child


def _input_ranges(models, batches) -> dict[int, tuple[float, float]]:
    """(min, max) of each Linear's input (keyed by id) over the batches, widened by
    RANGE_MARGIN, from the fp32 models."""
    seen: dict[int, tuple[float, float]] = {}

    def record(module, args):
        x = args[0]
        low, high = seen.get(id(module), (0.0, 0.0))
        seen[id(module)] = (min(low, x.min().item()), max(high, x.max().item()))

    generator = models.generator
    layers = [x for m in (models.discriminator, generator) for _, _, x in _linears(m)]
    hooks = [linear.register_forward_pre_hook(record) for linear in layers]
    try:
        for batch in batches:
            models.discriminator(**batch)
            # The 21k-way output layer would cost more than everything else here; what it
            # needs is only the range of its input, the prediction layer's output.
            hidden = generator.electra(**batch).last_hidden_state
            record(generator.generator_lm_head, (generator.generator_predictions(hidden),))
    finally:
        for hook in hooks:
            hook.remove()
    return {key: (low * RANGE_MARGIN, high * RANGE_MARGIN) for key, (low, high) in seen.items()}


class FixedScaleInt8Linear(torch.nn.Module):
    """A Linear in int8 whose input scale is fixed: quint8 maps [low, high] (holding 0) onto
    0..255, so each row's output depends on that row alone. A row with a value outside that
    range (text unlike the calibration text, or a hand-built model) is computed in fp32
    rather than clipped: rare, and then exact."""

    def __init__(self, linear: torch.nn.Linear, low: float, high: float):
        super().__init__()
        weight = linear.weight.detach().float()
        scales = (weight.abs().amax(1) / 127).clamp_min(1e-12).double()
        zeros = torch.zeros(len(scales), dtype=torch.long)
        bias = None if linear.bias is None else linear.bias.detach().float()
        with warnings.catch_warnings():  # quantized tensors are deprecated, not yet gone
            warnings.simplefilter("ignore")
            quantized = torch.quantize_per_channel(weight, scales, zeros, 0, torch.qint8)
            self.packed = torch.ops.quantized.linear_prepack(quantized, bias)
        self.scale = max(high - low, 1e-8) / 255
        self.zero_point = int(min(max(round(-low / self.scale), 0), 255))
        self.low = -self.zero_point * self.scale
        self.high = (255 - self.zero_point) * self.scale
        self.weight, self.bias = linear.weight.detach(), linear.bias  # for the rare fp32 rows
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x):
        op = torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32
        out = op(x, self.scale, self.zero_point, self.packed)
        outside = (x.amax(-1) > self.high) | (x.amin(-1) < self.low)
        if outside.any():
            out[outside] = torch.nn.functional.linear(x[outside], self.weight, self.bias)
        return out
