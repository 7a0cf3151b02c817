"""Tiny random ELECTRA pairs for tests and examples: the real vocabulary, toy sizes, no download."""

from __future__ import annotations

import shutil
from pathlib import Path

from electra_corrector.assets import vocab_path

HFL_DIRS = (
    "chinese_electra_small_discriminator_pytorch",
    "chinese_electra_small_generator_pytorch",
)


def tiny_config(max_positions: int = 64, **overrides):
    from transformers import ElectraConfig

    shape = dict(
        vocab_size=21128,
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


def save_model(
    model, folder: Path, weights: str = "safetensors", vocab: Path | None = None
) -> Path:
    """Write config.json, vocab.txt and weights (model.safetensors or pytorch_model.bin)."""
    import torch

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(vocab or vocab_path(), folder / "vocab.txt")
    if weights == "safetensors":
        model.save_pretrained(folder)
    elif weights == "bin":
        model.config.save_pretrained(folder)
        torch.save(model.state_dict(), folder / "pytorch_model.bin")
    else:
        raise ValueError(f"unknown weights format {weights!r}")
    return folder


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
    d_dir, g_dir = ("discriminator", "generator") if layout == "plain" else HFL_DIRS
    save_model(discriminator, root / d_dir, weights)
    save_model(generator, root / g_dir, weights)
    return root
