"""From text to token-id rows: the training set, and the fixed dev split written for tuning."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from electra_corrector.training.corpus import (
    corpus_sentences,
    hold_out,
    sighan_training_pairs,
    write_pairs,
)
from electra_corrector.training.corruption import Corruptor

MAX_TOKENS = 128
# The dev split never changes with --seed, so every model is tuned on the same sentences.
DEV_SEED = 20260101
DEV_PAIR_SHARE = 0.10
DEV_CLEAN = 2000

IdPair = tuple[np.ndarray, np.ndarray]


@dataclass
class Datasets:
    clean: list[np.ndarray]  # clean sentences, corrupted afresh at every use
    pairs: list[IdPair]  # real (wrong, right) pairs
    dev: list[IdPair]  # held-out real pairs + fixed corruptions of held-out clean sentences
    clean_text: list[str]  # the clean training sentences (for character frequencies)
    pair_text: list[tuple[str, str]]  # the real training pairs (for the typo counts)


def load_tokenizer():
    """Fast BERT tokenizer over the shipped vocabulary (it needs a folder holding vocab.txt)."""
    from transformers import BertTokenizerFast

    from electra_corrector.assets import vocab_path

    return BertTokenizerFast.from_pretrained(str(vocab_path().parent))


def encode(tokenizer, texts: list[str]) -> list[np.ndarray]:
    if not texts:  # the fast tokenizer fails on an empty batch
        return []
    encoded = tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    return [np.array(ids, dtype=np.int64) for ids in encoded]


def encode_pairs(tokenizer, pairs: list[tuple[str, str]]) -> list[IdPair]:
    """Token-id pairs; a pair whose sides tokenize to different lengths is dropped."""
    sources = encode(tokenizer, [s for s, _ in pairs])
    targets = encode(tokenizer, [t for _, t in pairs])
    return [(s, t) for s, t in zip(sources, targets, strict=True) if len(s) == len(t)]


def text_splits(corpus_files: list[Path], sighan_dir: Path | None):
    """(train sentences, train pairs, dev sentences, dev pairs) as text."""
    sentences = corpus_sentences(corpus_files)
    train_sentences, dev_sentences = hold_out(
        sentences, min(DEV_CLEAN, len(sentences) // 10), DEV_SEED
    )
    train_pairs, dev_pairs = pair_splits(sighan_dir) if sighan_dir else ([], [])
    return train_sentences, train_pairs, dev_sentences, dev_pairs


def pair_splits(sighan_dir: Path):
    """(train pairs, dev pairs) of the SIGHAN training files: the same fixed split every time."""
    pairs = sighan_training_pairs(sighan_dir)
    return hold_out(pairs, int(len(pairs) * DEV_PAIR_SHARE), DEV_SEED)


def clean_dev_path(dev_out: Path) -> Path:
    """Where the clean part of the dev split goes: runs/dev.tsv -> runs/dev_clean.tsv."""
    dev_out = Path(dev_out)
    return dev_out.with_name(f"{dev_out.stem}_clean{dev_out.suffix}")


def write_dev_split(
    dev_out: Path, dev_pairs: list[tuple[str, str]], dev_sentences: list[str]
) -> tuple[Path, Path]:
    """The dev split for tuning decoding settings, as source<TAB>target files.

    `dev_out`: the held-out SIGHAN pairs, then the corrected side of each as an error-free
    learner sentence. SIGHAN test sets are about half error-free learner text, which draws far
    more false alarms than edited prose, so a dev split without it misjudges them (measured:
    4% of clean dev sentences changed, 22% of SIGHAN-15's error-free ones, same settings).
    `clean_dev_path(dev_out)`: held-out corpus sentences, unchanged: the check on news-like text.
    """
    echoes = [(t, t) for s, t in dev_pairs if s != t]
    return (
        write_pairs(dev_out, dev_pairs + echoes),
        write_pairs(clean_dev_path(dev_out), [(s, s) for s in dev_sentences]),
    )


def build(
    tokenizer,
    corpus_files: list[Path],
    sighan_dir: Path | None,
    corruptor_for,
    dev_out: Path | None = None,
) -> tuple[Datasets, Corruptor]:
    """Tokenized datasets; `corruptor_for(train_sentences)` builds the typo injector.

    The dev split is written next to `dev_out` (see write_dev_split).
    """
    train_sentences, train_pairs, dev_sentences, dev_pairs = text_splits(corpus_files, sighan_dir)
    if dev_out:
        write_dev_split(dev_out, dev_pairs, dev_sentences)
    corruptor = corruptor_for(train_sentences)
    rng = np.random.default_rng(DEV_SEED)
    dev = encode_pairs(tokenizer, dev_pairs)
    dev += [(corruptor.corrupt(ids, rng), ids) for ids in encode(tokenizer, dev_sentences)]
    data = Datasets(
        clean=encode(tokenizer, train_sentences),
        pairs=encode_pairs(tokenizer, train_pairs),
        dev=dev,
        clean_text=train_sentences,
        pair_text=train_pairs,
    )
    return data, corruptor
