"""Token-budget batches of (corrupted, original) id rows, reproducible from (seed, step) alone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from electra_corrector.training.corruption import Corruptor


@dataclass
class Batch:
    inputs: np.ndarray  # (rows, length) corrupted ids, 0-padded: what the writer wrote
    targets: np.ndarray  # (rows, length) original ids: what they meant
    attention: np.ndarray  # (rows, length) 1 for real tokens, 0 for padding
    content: np.ndarray  # (rows, length) True for real tokens other than [CLS]/[SEP]

    @property
    def tokens(self) -> int:
        return int(self.attention.sum())


def pad_rows(pairs: list[tuple[np.ndarray, np.ndarray]]) -> Batch:
    length = max(len(source) for source, _ in pairs)
    inputs = np.zeros((len(pairs), length), dtype=np.int64)
    targets = np.zeros_like(inputs)
    attention = np.zeros_like(inputs)
    for row, (source, target) in enumerate(pairs):
        inputs[row, : len(source)] = source
        targets[row, : len(target)] = target
        attention[row, : len(source)] = 1
    content = attention.astype(bool)
    content[:, 0] = False  # [CLS]
    content[np.arange(len(pairs)), attention.sum(1) - 1] = False  # [SEP]
    return Batch(inputs, targets, attention, content)


class BatchSampler:
    """Each batch: rows of similar length (little padding), a fixed share of them real pairs.

    The batch for a step depends only on (seed, step), so a resumed run sees the same data.
    """

    def __init__(
        self,
        clean: list[np.ndarray],
        pairs: list[tuple[np.ndarray, np.ndarray]],
        corruptor: Corruptor,
        batch_tokens: int,
        pair_fraction: float,
        seed: int,
    ):
        self._clean = _by_length(clean)
        self._pairs = [pairs[i] for i in np.argsort([len(s) for s, _ in pairs], kind="stable")]
        self._pair_lengths = np.array([len(s) for s, _ in self._pairs])
        self._corruptor = corruptor
        self._batch_tokens = batch_tokens
        self._pair_fraction = pair_fraction if pairs else 0.0
        self._seed = seed

    def batch(self, step: int) -> Batch:
        rng = np.random.default_rng([self._seed, step])
        sentences, lengths = self._clean
        # An anchor sentence picks the length; the rows are drawn among sentences near it.
        length = int(lengths[rng.integers(len(lengths))])
        rows = max(1, self._batch_tokens // length)
        n_pairs = round(rows * self._pair_fraction)
        chosen = []
        low, high = np.searchsorted(lengths, [length - 4, length], side="right")
        for index in rng.integers(low, high, size=rows - n_pairs):
            original = sentences[index]
            chosen.append((self._corruptor.corrupt(original, rng), original))
        if n_pairs:
            low, high = _window(self._pair_lengths, length, n_pairs)
            for index in rng.integers(low, high, size=n_pairs):
                chosen.append(self._pairs[index])
        return pad_rows(chosen)


def _by_length(rows: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    order = np.argsort([len(r) for r in rows], kind="stable")
    return [rows[i] for i in order], np.array([len(rows[i]) for i in order])


def _window(lengths: np.ndarray, length: int, wanted: int) -> tuple[int, int]:
    """Index range of sorted `lengths` at most `length` long, widened down to `wanted` items."""
    high = max(int(np.searchsorted(lengths, length, side="right")), min(wanted, len(lengths)))
    low = max(0, min(int(np.searchsorted(lengths, length - 8)), high - wanted))
    return low, high
