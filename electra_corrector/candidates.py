"""The generator's job: propose a substitute at each flagged position, and keep only plausible ones.

A candidate must be a CJK character, differ from the original, be among the generator's top_k and
be a known confusion of the original (same/similar pinyin or shape) unless that filter is off. Its
gain is how far it beats the original's log-probability; substitutions that the model's training
pairs show people really make (typo_counts) get a bonus there: a noisy-channel prior, weighted by
options.typo_prior. Whether the gain suffices is CorrectorOptions.accepts' call.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from electra_corrector.charset import is_cjk
from electra_corrector.confusion import ConfusionTable
from electra_corrector.options import CorrectorOptions


class Candidate(NamedTuple):
    token_id: int
    char: str
    gain: float  # log-probability over the original's, typo prior included
    score: float  # generator probability of the chosen character among the plausible ones


def generator_log_probs(generator, input_ids, attention_mask, rows, cols):
    """Log-probabilities over the vocabulary at the given (row, col) positions only.

    The 21k-way output layer is the generator's most expensive part, so it runs only where a
    flag was raised rather than at every token.
    """
    hidden = generator.electra(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    picked = hidden[rows, cols]
    logits = generator.generator_lm_head(generator.generator_predictions(picked))
    return logits.float().log_softmax(-1)


class CandidatePicker:
    def __init__(
        self,
        tokenizer,
        options: CorrectorOptions,
        table: ConfusionTable,
        typo_counts: dict[tuple[str, str], int] | None = None,
    ):
        import torch

        vocab = tokenizer.get_vocab()
        self.options = options
        self.char_of = {i: t for t, i in vocab.items() if is_cjk(t)}
        self.id_of = {t: i for i, t in self.char_of.items()}
        self.table = table
        self._cjk_ids = torch.tensor(sorted(self.char_of))
        self._confusion_ids: dict[int, object] = {}
        # original id -> (candidate ids, log-prob bonus) for the typos seen in training
        self._prior: dict[int, tuple[object, object]] = {}
        if options.typo_prior and typo_counts:
            by_wrong: dict[int, list[tuple[int, float]]] = {}
            for (wrong, right), n in typo_counts.items():
                if wrong in self.id_of and right in self.id_of:
                    bonus = options.typo_prior * math.log1p(n)
                    by_wrong.setdefault(self.id_of[wrong], []).append((self.id_of[right], bonus))
            for wrong_id, items in by_wrong.items():
                ids, bonuses = zip(*items, strict=True)
                self._prior[wrong_id] = (torch.tensor(ids), torch.tensor(bonuses))

    def _candidates(self, token_id: int):
        """Token ids this token may be corrected to (cached: the same chars recur constantly)."""
        import torch

        if not self.options.use_confusion:
            return self._cjk_ids
        if token_id not in self._confusion_ids:
            chars = self.table.confusables(self.char_of[token_id])
            ids = sorted(self.id_of[c] for c in chars if c in self.id_of)
            self._confusion_ids[token_id] = torch.tensor(ids, dtype=torch.long)
        return self._confusion_ids[token_id]

    def best(self, original_id: int, log_probs) -> Candidate | None:
        """The most likely plausible substitute for `original_id` given one row of log-probs."""
        if original_id not in self.char_of:
            return None
        ids = self._candidates(original_id)
        ids = ids[ids != original_id]
        if ids.numel() == 0:
            return None
        adjusted = log_probs
        if original_id in self._prior:
            prior_ids, bonus = self._prior[original_id]
            adjusted = log_probs.clone()
            adjusted[prior_ids] += bonus
        chosen = int(ids[int(adjusted[ids].argmax())])
        chosen_lp = log_probs[chosen]
        rank = int((log_probs > chosen_lp).sum())
        if rank >= self.options.top_k:
            return None
        # Probability among the plausible characters here (the original and its candidates):
        # meaningful for a generator trained on candidates only, as for a full-vocabulary one.
        among = log_probs[ids].logsumexp(0).logaddexp(log_probs[original_id])
        gain = float(adjusted[chosen] - log_probs[original_id])
        return Candidate(chosen, self.char_of[chosen], gain, float((chosen_lp - among).exp()))
