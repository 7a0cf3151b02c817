"""Building, loading and exporting the discriminator + generator pair."""

from __future__ import annotations

from pathlib import Path

from electra_corrector.models.assets import VOCAB_SIZE
from electra_corrector.models.loading import PLAIN_LAYOUT, find_pair, load_models, save_model


def shape_config(layers: int, hidden: int, heads: int, intermediate: int, embedding: int = 128):
    from transformers import ElectraConfig

    return ElectraConfig(
        vocab_size=VOCAB_SIZE,
        embedding_size=embedding,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=intermediate,
        max_position_embeddings=512,  # the same position table size as HFL's models
    )


def fresh_pair(d_config, g_config, seed: int):
    import torch
    from transformers import ElectraForMaskedLM, ElectraForPreTraining

    torch.manual_seed(seed)
    return ElectraForPreTraining(d_config), ElectraForMaskedLM(g_config)


def pretrained_pair(root: Path):
    """Load (discriminator, generator) from a folder in any layout the loader knows, through the
    same checks as the corrector's loader (config limits, task heads, one vocabulary)."""
    source = find_pair(Path(root))
    if source is None:
        raise FileNotFoundError(f"{root} holds no discriminator + generator pair")
    loaded = load_models(source)
    return loaded.discriminator, loaded.generator


def export_pair(discriminator, generator, out: Path) -> Path:
    """Write both models as fp16 safetensors + config + vocab under out/discriminator|generator.

    fp16 halves the download; the config still says float32, so a plain from_pretrained()
    computes in float32 on the CPU, as with HFL's checkpoints.
    """
    import copy

    import torch

    out = Path(out)
    for model, name in zip((discriminator, generator), PLAIN_LAYOUT, strict=True):
        half = copy.deepcopy(model).half().eval()
        save_model(half, out / name)
        half.config.dtype = torch.float32
        half.config.save_pretrained(out / name)
    return out


def pair_from_checkpoint(path: Path):
    """(discriminator, generator) with the weights of a training checkpoint."""
    import torch
    from transformers import ElectraConfig, ElectraForMaskedLM, ElectraForPreTraining

    state = torch.load(path, map_location="cpu", weights_only=False)
    discriminator = ElectraForPreTraining(ElectraConfig.from_dict(state["d_config"]))
    generator = ElectraForMaskedLM(ElectraConfig.from_dict(state["g_config"]))
    discriminator.load_state_dict(state["d"])
    generator.load_state_dict(state["g"])
    return discriminator, generator, state


def size_mb(model, bytes_per_param: int = 2) -> float:
    return sum(p.numel() for p in model.parameters()) * bytes_per_param / 1e6
