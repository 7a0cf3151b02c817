"""A tiny model with hand-set weights: D flags known characters, G prefers one known character.

All transformer layers are made identities (their output projections are zeroed), so a token's
final hidden state depends only on its own embedding. Embeddings are zero except for the flagged
characters, so the discriminator's head sees a large first component exactly there.
"""

from __future__ import annotations

import torch

from electra_corrector.models.testing import build_tiny_models

FLAG_BIAS = -3.0  # logit where nothing is flagged: sigmoid(-3) = 0.05


def _silence_layers(model) -> None:
    model.electra.embeddings.position_embeddings.weight.zero_()
    model.electra.embeddings.token_type_embeddings.weight.zero_()
    model.electra.embeddings.word_embeddings.weight.zero_()
    for layer in model.electra.encoder.layer:
        layer.attention.output.dense.weight.zero_()
        layer.attention.output.dense.bias.zero_()
        layer.output.dense.weight.zero_()
        layer.output.dense.bias.zero_()


@torch.no_grad()
def handset_pair(
    tokenizer, flagged: str, preferred: str, extra_bias: dict[str, float] | None = None
):
    """(discriminator, generator): D flags each char of `flagged`; G favours `preferred`.

    `extra_bias` adds generator logits for more characters (e.g. to make G like an original).
    """
    disc, gen = build_tiny_models(embedding_size=32, hidden_size=32)
    _silence_layers(disc)
    _silence_layers(gen)
    for ch in flagged:
        disc.electra.embeddings.word_embeddings.weight[tokenizer.convert_tokens_to_ids(ch), 0] = (
            10.0
        )
    head = disc.discriminator_predictions
    head.dense.weight.copy_(torch.eye(32))
    head.dense.bias.zero_()
    head.dense_prediction.weight.zero_()
    head.dense_prediction.weight[0, 0] = 1.0  # the flagged chars reach about +5.6 here
    head.dense_prediction.bias.fill_(FLAG_BIAS)
    gen.generator_lm_head.weight.zero_()
    gen.generator_lm_head.bias.zero_()
    gen.generator_lm_head.bias[tokenizer.convert_tokens_to_ids(preferred)] = 8.0
    for ch, bias in (extra_bias or {}).items():
        gen.generator_lm_head.bias[tokenizer.convert_tokens_to_ids(ch)] = bias
    return disc, gen
