"""Tiny random ELECTRA pairs for tests and examples: the real vocabulary, toy sizes, no download."""

from __future__ import annotations

from pathlib import Path

from electra_corrector.models.assets import VOCAB_SIZE
from electra_corrector.models.loading import PLAIN_LAYOUT, hfl_layout, save_model

HFL_DIRS = hfl_layout("small")


def tiny_config(max_positions: int = 64, **overrides):
    from transformers import ElectraConfig

    shape = dict(
        vocab_size=VOCAB_SIZE,
        embedding_size=16,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_positions,
    )
    shape.update(overrides)
    return ElectraConfig(**shape)


def build_tiny_models(seed: int = 0, max_positions: int = 64, **overrides):
    """Return (discriminator, generator) with random weights from a fixed seed."""
    import torch
    from transformers import ElectraForMaskedLM, ElectraForPreTraining

    torch.manual_seed(seed)
    config = tiny_config(max_positions, **overrides)
    return ElectraForPreTraining(config).eval(), ElectraForMaskedLM(config).eval()


def write_tiny_pair(
    root: Path,
    layout: str = "plain",
    weights: str = "safetensors",
    discriminator=None,
    generator=None,
    seed: int = 0,
    max_positions: int = 64,
) -> Path:
    """Write a discriminator + generator pair under `root` in the plain or HFL folder layout."""
    root = Path(root)
    if discriminator is None or generator is None:
        discriminator, generator = build_tiny_models(seed, max_positions)
    d_dir, g_dir = PLAIN_LAYOUT if layout == "plain" else HFL_DIRS
    save_model(discriminator, root / d_dir, weights)
    save_model(generator, root / g_dir, weights)
    return root
