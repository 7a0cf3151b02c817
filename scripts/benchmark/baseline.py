"""The benchmark's baseline: pycorrector 0.5.0's ElectraCorrector algorithm, on our models.

One sentence at a time, cut into blocks by pycorrector's regex, the discriminator run per block at
batch 1 without no_grad, token i taken as character i, and one fill-mask pipeline call (top 5) per
flagged Chinese character; the first of the 5 tokens in our confusion table for that character
replaces it (pycorrector's own candidate search is far slower: see __main__.py).
"""

from __future__ import annotations

import math
import re

# pycorrector's split_2_short_text and is_chinese_string.
PYCORRECTOR_BLOCK = re.compile("([\u4e00-\u9fa5a-zA-Z0-9+#&]+)")
PYCORRECTOR_HAN = re.compile("^[\u4e00-\u9fa5]+$")


def logit(p: float) -> float:
    """The discriminator logit above which P(replaced) exceeds p (0.5 -> pycorrector's 0)."""
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return math.log(p / (1 - p))


class PycorrectorStyle:
    """pycorrector 0.5.0's ElectraCorrector.electra_correct, on our models and confusion table."""

    def __init__(self, models, threshold: float, device: str):
        from transformers import pipeline

        from electra_corrector.engine.confusion import default_table

        self.tokenizer = models.tokenizer
        self.discriminator = models.discriminator
        self.fill_mask = pipeline(
            "fill-mask",
            model=models.generator.to(device),
            tokenizer=models.tokenizer,
            top_k=5,
            device=device if device.startswith("cuda") else None,
        )
        self.cut = logit(threshold)
        # pycorrector has no limit; blocks longer than the model's positions would crash it.
        self.max_chars = self.discriminator.config.max_position_embeddings - 2
        self.table = default_table()
        self.counts = {"flagged": 0, "flagged_tokens": 0, "blocks": 0, "edits": 0}

    def blocks(self, text: str) -> list[tuple[str, int]]:
        found, start = [], 0
        for blk in PYCORRECTOR_BLOCK.split(text):
            if blk:
                for i in range(0, len(blk), self.max_chars):
                    found.append((blk[i : i + self.max_chars], start + i))
                start += len(blk)
        return found

    def detect(self, blk: str) -> list[int]:
        inputs = self.tokenizer.encode(blk, return_tensors="pt")
        import torch

        logits = self.discriminator(inputs).logits  # no no_grad: as pycorrector
        predictions = torch.round((torch.sign(logits - self.cut) + 1) / 2)
        return [i for i, x in enumerate(predictions.tolist()[0][1:-1]) if x > 0]

    def correct(self, text: str) -> tuple[str, list[tuple[str, str, int, int]]]:
        corrected, details = [], []
        for blk, start in self.blocks(text):
            corrected.append(self.correct_block(blk, start, details))
        self.counts["edits"] += len(details)
        return "".join(corrected), sorted(details, key=lambda d: d[2])

    def correct_block(self, blk: str, start: int, details: list) -> str:
        """One block corrected; each edit appended to `details` as (wrong, right, start, end)."""
        self.counts["blocks"] += 1
        error_ids = self.detect(blk)
        self.counts["flagged_tokens"] += len(error_ids)
        chars = list(blk)
        for idx in error_ids:
            if idx >= len(chars):  # more tokens than chars: pycorrector raises IndexError
                continue
            s = chars[idx]
            if not PYCORRECTOR_HAN.match(s):
                continue
            self.counts["flagged"] += 1
            token = self.substitute(chars, idx)
            if token is not None:
                details.append((s, token, start + idx, start + idx + 1))
                chars[idx] = token
        return "".join(chars)

    def substitute(self, chars: list[str], idx: int) -> str | None:
        """The first of the generator's top 5 at `idx` that is a confusion of the character
        there, unless the character itself is among them."""
        s = chars[idx]
        chars[idx] = self.tokenizer.mask_token
        predicts = self.fill_mask("".join(chars))
        chars[idx] = s
        top_tokens = [self.tokenizer.convert_ids_to_tokens(p["token"]) for p in predicts]
        if not top_tokens or s in top_tokens:
            return None
        candidates = self.table.confusables(s)
        return next((token for token in top_tokens if token in candidates), None)
