"""The discriminator: a replaced-token probability for every token, and the flags it raises."""

from __future__ import annotations

from electra_corrector.engine.alignment import NO_CHAR, Span


def pad(spans: list[Span], pad_id: int, device):
    """Stack spans into (input_ids, attention_mask) tensors, right-padded."""
    import torch

    width = max(len(s.input_ids) for s in spans)
    ids = torch.full((len(spans), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(spans), width), dtype=torch.long)
    for row, span in enumerate(spans):
        ids[row, : len(span.input_ids)] = torch.tensor(span.input_ids)
        mask[row, : len(span.input_ids)] = 1
    return ids.to(device), mask.to(device)


def replaced_probabilities(discriminator, input_ids, attention_mask):
    """sigmoid of the discriminator's logit: P(this token was replaced), shape [batch, tokens]."""
    logits = discriminator(input_ids=input_ids, attention_mask=attention_mask).logits
    return logits.float().sigmoid()


def flag(spans: list[Span], probs, threshold: float) -> list[tuple[int, int, float]]:
    """(row, token, probability) for each correctable token whose probability exceeds threshold."""
    import torch

    char_at = torch.full(probs.shape, NO_CHAR, dtype=torch.long)
    for row, span in enumerate(spans):
        char_at[row, : len(span.char_at)] = torch.tensor(span.char_at)
    probs = probs.cpu()  # one device sync, not one per flag
    hits = ((probs > threshold) & (char_at != NO_CHAR)).nonzero().tolist()
    return [(row, col, float(probs[row, col])) for row, col in hits]
