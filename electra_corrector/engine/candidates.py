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

from electra_corrector.base.charset import is_cjk
from electra_corrector.engine.confusion import ConfusionTable
from electra_corrector.engine.options import CorrectorOptions


class Candidate(NamedTuple):
    token_id: int
    char: str
    gain: float  # log-probability over the original's, typo prior included
    score: float  # generator probability of the chosen character among the plausible ones
    kind: str = ""  # the kind of confusion the table holds it for (confusion.KINDS)


def generator_states(generator, input_ids, attention_mask, rows, cols):
    """The input of the generator's output layer at the given (row, col) positions only: the
    21k-way output layer is its most expensive part, so CandidatePicker.best applies it where a
    flag was raised, and there, when it can, only to the rows of the candidates."""
    hidden = generator.electra(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    return generator.generator_predictions(hidden[rows, cols])


class CandidatePicker:
    def __init__(
        self,
        tokenizer,
        options: CorrectorOptions,
        table: ConfusionTable,
        typo_counts: dict[tuple[str, str], int] | None = None,
    ):
        vocab = tokenizer.get_vocab()
        self.options = options
        self.char_of = {i: t for t, i in vocab.items() if is_cjk(t)}
        self.id_of = {t: i for i, t in self.char_of.items()}
        self.table = table
        # wrong char -> {right id: log-prob bonus} for the typos seen in training
        self._prior: dict[str, dict[int, float]] = {}
        if options.typo_prior and typo_counts:
            for (wrong, right), n in typo_counts.items():
                if right in self.id_of:
                    bonus = options.typo_prior * math.log1p(n)
                    self._prior.setdefault(wrong, {})[self.id_of[right]] = bonus
        self._rows: dict[str, tuple[object, object]] = {}
        self._all_cjk = None

    def _row(self, written: str):
        """(candidate ids, prior bonus of each) for a written character, in the vocabulary or
        not; cached, as the same characters recur constantly. The ids may include the
        character's own (best() masks it); without the confusion filter every character shares
        one tensor of all CJK ids."""
        import torch

        if written not in self._rows:
            if not is_cjk(written):
                ids = torch.zeros(0, dtype=torch.long)
            elif self.options.use_confusion:
                chars = self.table.alternatives(written, self.id_of)
                ids = torch.tensor(sorted(self.id_of[c] for c in chars), dtype=torch.long)
            else:
                if self._all_cjk is None:
                    self._all_cjk = torch.tensor(sorted(self.char_of))
                ids = self._all_cjk
            prior = self._prior.get(written)
            if prior:
                bonus = torch.tensor([prior.get(i, 0.0) for i in ids.tolist()])
            else:  # a view of one zero: no memory per token, even for 14k candidates
                bonus = torch.zeros(1).expand(len(ids))
            self._rows[written] = (ids.long(), bonus.float())
        return self._rows[written]

    def best(
        self, written: list[str], original_ids: list[int], states, head, n: int = 1
    ) -> list[list[Candidate]]:
        """Up to `n` most likely plausible substitutes for each written character, given the
        token the models read there (`original_ids`), best first, given the generator's output
        layer `head` and its input `states` there (one row per token); an empty list where
        there is none. All rows at once: per-row tensor calls cost more than the arithmetic.

        The confusables are those of the character the models read (the tokenizer reads a
        compatibility ideograph as its unified form), or of the written one where they read
        [UNK]. A character outside the vocabulary has no logit of its own to beat: there a
        candidate's gain is its log-probability among the confusables (at most 0), and the
        discriminator and word knowledge must carry the edit.

        Logits, not log-probabilities: everything compared is a difference or a ranking within
        one row, where the softmax normaliser cancels. Unless the top_k filter needs the whole
        vocabulary's ranking, only the original's and the candidates' logits are computed:
        a few dozen rows of the output layer instead of 21,128."""
        import torch
        from torch.nn.utils.rnn import pad_sequence

        read = [self.char_of.get(i, ch) for i, ch in zip(original_ids, written, strict=True)]
        rows = [self._row(ch) for ch in read]
        if not any(len(ids) for ids, _ in rows):
            return [[] for _ in rows]
        ids = pad_sequence([ids for ids, _ in rows], batch_first=True)
        bonus = pad_sequence([b for _, b in rows], batch_first=True)
        lengths = torch.tensor([len(ids) for ids, _ in rows])
        present = torch.arange(ids.shape[1]) < lengths.unsqueeze(1)
        original = torch.tensor(original_ids).unsqueeze(1)
        valid = present & (ids != original)
        ranked = self.options.top_k < head.out_features
        # Without the confusion filter every CJK character is a candidate: then the whole
        # layer is the cheaper way.
        whole_vocabulary = ranked or ids.shape[1] * 16 > head.out_features
        if whole_vocabulary:
            logits = head(states).float().cpu()
            original_logit, scores = logits.gather(1, original), logits.gather(1, ids)
        else:
            # Only the rows' own candidates, not the padding: their counts vary widely
            # (table v2: 86 on average for common characters, up to 281).
            everyone = torch.arange(len(rows))
            original_logit = _logits_at(head, states, everyone, original.squeeze(1)).unsqueeze(1)
            scores = torch.zeros(ids.shape)
            scores[present] = _logits_at(
                head, states, everyone.repeat_interleave(lengths), ids[present]
            )
        scores = scores.masked_fill(~valid, -math.inf)
        unread = torch.tensor([i not in self.char_of for i in original_ids]).unsqueeze(1)
        among = scores.logsumexp(1, keepdim=True)
        original_logit = torch.where(unread, among, original_logit)
        picks = (scores + bonus).topk(min(n, ids.shape[1]), dim=1).indices
        chosen = ids.gather(1, picks)
        chosen_logit = scores.gather(1, picks)
        gain = chosen_logit + bonus.gather(1, picks) - original_logit
        if ranked:
            kth_best = logits.topk(self.options.top_k, dim=1).values[:, -1:]
            plausible = chosen_logit >= kth_best
        else:
            plausible = torch.ones_like(chosen_logit, dtype=torch.bool)
        plausible &= valid.gather(1, picks)
        # Probability among the plausible characters here (the original and its candidates):
        # meaningful for a generator trained on candidates only, as for a full-vocabulary one.
        normaliser = torch.where(unread, among, among.logaddexp(original_logit))
        score = (chosen_logit - normaliser).exp()
        kind = self.table.kind if self.options.use_confusion else _no_kind
        return [
            [
                Candidate(token, self.char_of[token], g, sc, kind(wrong, self.char_of[token]) or "")
                for token, g, sc, ok in zip(*row, strict=True)
                if ok
            ]
            for wrong, *row in zip(
                read,
                chosen.tolist(),
                gain.tolist(),
                score.tolist(),
                plausible.tolist(),
                strict=True,
            )
        ]


def _logits_at(head, states, rows, columns):
    """head(states)[rows[i], columns[i]] for each i, on the CPU in fp32 whatever the model's
    device and precision: the same numbers as the full layer's, from a few dozen rows of its
    weight per state."""
    import torch

    rows, columns = rows.to(states.device), columns.to(states.device)
    logits = torch.einsum("nh,nh->n", head.weight[columns].float(), states[rows].float())
    if head.bias is not None:
        logits = logits + head.bias[columns].float()
    return logits.cpu()


def _no_kind(wrong: str, right: str) -> str:
    """Without the confusion filter a candidate is of no kind."""
    return ""
