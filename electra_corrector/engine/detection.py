"""The discriminator: a replaced-token probability for every token, and the flags it raises."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from electra_corrector.engine.alignment import NO_CHAR, Span
from electra_corrector.engine.confusion import ConfusionTable

if TYPE_CHECKING:
    from electra_corrector.knowledge.charlm import CharNgrams


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


class ContextFlags:
    """Flags from the character trigram model: a position where some confusable substitute
    would raise the trigram log-probability around it, less its frequency advantage (the
    model's bias toward common characters, as in the accept rule), by more than a margin.
    The discriminator misses errors whose context holds the clue; this sees them. Vectorised:
    every confusable of every position of a batch is scored in one call. `kinds`: only the
    confusables of these kinds of confusion are tried (None: all)."""

    def __init__(
        self, table: ConfusionTable, ngrams: CharNgrams, kinds: Collection[str] | None = None
    ):
        self.table = table
        self.ngrams = ngrams
        self.kinds = kinds
        self._csr = None

    def _confusables(self):
        """(start, count, flat): each trigram id's confusables, flat[start : start + count]."""
        if self._csr is None:
            import numpy as np

            ids = self.ngrams.ids
            size = max(ids.values()) + 1
            lists = [[] for _ in range(size)]
            for ch, i in ids.items():
                lists[i] = [ids[o] for o in self.table.alternatives(ch, ids, self.kinds)]
            count = np.array([len(x) for x in lists], dtype=np.int64)
            start = np.cumsum(count) - count
            flat = np.array([i for x in lists for i in x], dtype=np.int64)
            self._csr = (start, count, flat)
        return self._csr

    def best_rise(self, windows) -> object:
        """For each row of n-gram id windows (charlm.windows), the largest `lm - frequency`
        (as the proposals' evidence has them) of a confusable put in the middle; -inf where the
        character has none."""
        import numpy as np

        start, count, flat = self._confusables()
        middle = self.ngrams.order - 1
        original = windows[:, middle]
        n = count[original]
        rise = np.full(len(windows), -np.inf)
        if not n.sum():
            return rise
        row = np.repeat(np.arange(len(windows)), n)
        at = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) + np.repeat(start[original], n)
        replaced = windows[row]
        replaced[:, middle] = flat[at]
        # lm - frequency, computed as evidence.py computes them for a proposal
        lm, counts = self.ngrams.window_logprob, self.ngrams.log_counts
        score = (lm(replaced) - lm(windows)[row]) - (counts(replaced[:, 2]) - counts(original)[row])
        np.maximum.at(rise, row, score)
        return rise

    def flag(self, spans: list[Span], texts: list[str], probs, threshold: float, margin: float):
        """(row, token, probability) for each correctable token at or under threshold that the
        trigram model flags at `margin` (flag() raises the others)."""
        import numpy as np

        from electra_corrector.knowledge.charlm import windows

        probs = probs.cpu()
        under = (~(probs > threshold)).numpy()  # exactly what flag() leaves
        found, cut = [], []
        for row, span in enumerate(spans):
            char_at = np.asarray(span.char_at)
            cols = np.flatnonzero((char_at != NO_CHAR) & under[row, : len(char_at)])
            if len(cols):
                found.append((row, cols, probs[row, cols].tolist()))
                cut.append(windows(texts[span.text_index], char_at[cols], self.ngrams.order))
        if not found:
            return []
        flagged = self.best_rise(np.concatenate(cut)) > margin
        hits, k = [], 0
        for row, cols, row_probs in found:
            mine = flagged[k : k + len(cols)]
            k += len(cols)
            hits += [(row, int(c), p) for c, p, m in zip(cols, row_probs, mine, strict=True) if m]
        return hits
