"""The benchmark's random models of HFL's published shapes, built on the fly (never downloaded)
in HFL's folder layout, their discriminator calibrated to flag as a trained model would."""

from __future__ import annotations

from pathlib import Path

from electra_corrector.models.assets import VOCAB_SIZE

from .baseline import logit

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
FLAG_LOGIT_STD = 2.0


def calibrate_flags(discriminator, sentences: list[str], threshold: float, share: float) -> None:
    """Rescale the discriminator's output layer so that its logits on the sentences' CJK
    characters spread as a trained model's do (standard deviation FLAG_LOGIT_STD; random weights
    give nearly equal logits) and `share` of them score P(replaced) > threshold."""
    import torch

    from electra_corrector.base.charset import is_cjk
    from electra_corrector.models.loading import bundled_tokenizer

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

    from electra_corrector.models.loading import hfl_layout, save_model

    size, d_shape, g_shape, embedding = HFL_SHAPES[shape]
    common = dict(vocab_size=VOCAB_SIZE, max_position_embeddings=512, embedding_size=embedding)
    torch.manual_seed(0)
    disc = ElectraForPreTraining(ElectraConfig(**common, **d_shape)).eval()
    gen = ElectraForMaskedLM(ElectraConfig(**common, **g_shape)).eval()
    calibrate_flags(disc, sentences, threshold, share)
    d_dir, g_dir = hfl_layout(size)
    save_model(disc, folder / d_dir)
    save_model(gen, folder / g_dir)
