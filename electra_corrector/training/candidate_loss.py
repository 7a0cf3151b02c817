"""The generator objective that matches how the corrector decodes: choose among confusables.

At decode time the generator only ever compares the written character with its confusables
(candidates.py). Training the same comparison directly, a softmax over {written char} plus
its confusables at every CJK position, spends all of a small CPU budget on that decision
instead of on a 21,128-way output layer. The head is the model's own generator_lm_head, so
the exported model is an ordinary ElectraForMaskedLM and decodes unchanged.
"""

from __future__ import annotations

import numpy as np

from electra_corrector.base.charset import is_cjk
from electra_corrector.engine.confusion import KINDS, ConfusionTable

PAD = -1


def candidate_table(
    vocab: dict[str, int], table: ConfusionTable, counts, width: int = 32
) -> np.ndarray:
    """(vocab size, width) ids: column 0 the token itself, then its confusables, the kinds
    the accept rule trusts most first (confusion.KINDS order), the most common first within
    a kind: table v2 gives many characters more confusables than fit."""
    rows = np.full((max(vocab.values()) + 1, width), PAD, dtype=np.int64)
    rows[:, 0] = np.arange(len(rows))
    for ch, token in vocab.items():
        if not is_cjk(ch):
            continue
        others = sorted(
            table.alternatives(ch, vocab),
            key=lambda o: (_kind_rank(table.kind(ch, o)), -counts.get(o, 0)),
        )
        ids = [vocab[o] for o in others[: width - 1]]
        rows[token, 1 : 1 + len(ids)] = ids
    return rows


def _kind_rank(kind: str | None) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def candidate_loss(generator, hidden, written, original, table):
    """Cross entropy of the `original` char among the `written` one and its confusables.

    hidden: (n, hidden) generator states at the scored positions; written/original: (n,) ids.
    Returns (loss, predicted ids, kept): positions whose original is not among the candidates
    (a real typo outside the table, which the corrector could not fix either) are left out.
    """
    import torch
    import torch.nn.functional as F

    cands = table[written]  # (n, width)
    hit = cands == original[:, None]
    kept = hit.any(1)
    cands, hit = cands[kept], hit[kept]
    projected = generator.generator_predictions(hidden[kept])  # (n, embedding)
    head = generator.generator_lm_head
    safe = cands.clamp(min=0)
    logits = torch.einsum("ne,nwe->nw", projected, head.weight[safe]) + head.bias[safe]
    logits = logits.masked_fill(cands == PAD, float("-inf"))
    predicted = cands.gather(1, logits.argmax(1, keepdim=True)).squeeze(1)
    if len(logits) == 0:
        return logits.sum(), predicted, kept
    return F.cross_entropy(logits, hit.float().argmax(1)), predicted, kept
