"""From text to token-id rows: the training set, and the fixed dev split written for tuning."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from electra_corrector.training import splits
from electra_corrector.training.corpus import (
    cap_characters,
    extra_training_pairs,
    genre_sentences,
    hold_out,
    overlap_texts,
    sighan_training_pairs,
    without_texts,
    write_pairs,
)
from electra_corrector.training.corruption import Corruptor

MAX_TOKENS = 128
# The dev split never changes with --seed, so every model is tuned on the same sentences.
DEV_SEED = 20260101
DEV_PAIR_SHARE = 0.10
DEV_CLEAN = 2000
# Characters of training text taken from each corpus file at most, so that no register (laws and
# CCTV news are 60% of the shared corpus) dominates.
GENRE_CHARS = 3_000_000
ENCODE_CHUNK = 20_000  # sentences tokenized at a time: the tokenizer's Python lists are bulky

IdPair = tuple[np.ndarray, np.ndarray]


@dataclass
class TextSplits:
    train_sentences: list[str]
    train_pairs: list[tuple[str, str]]
    dev_sentences: list[str]
    dev_pairs: list[tuple[str, str]]
    stats: dict  # per corpus file: train sentences and characters; per pair source: pairs


@dataclass
class Datasets:
    clean: list[np.ndarray]  # clean sentences, corrupted afresh at every use
    pairs: list[IdPair]  # real (wrong, right) pairs
    dev: list[IdPair]  # held-out real pairs + fixed corruptions of held-out clean sentences
    clean_text: list[str]  # the clean training sentences (for character frequencies)
    pair_text: list[tuple[str, str]]  # the real training pairs (for the typo counts)


def encode(tokenizer, texts: list[str]) -> list[np.ndarray]:
    if not texts:  # the fast tokenizer fails on an empty batch
        return []
    rows = []
    for start in range(0, len(texts), ENCODE_CHUNK):
        chunk = texts[start : start + ENCODE_CHUNK]
        encoded = tokenizer(chunk, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        rows += [np.array(ids, dtype=np.int64) for ids in encoded]
    return rows


def encode_pairs(tokenizer, pairs: list[tuple[str, str]]) -> list[IdPair]:
    """Token-id pairs; a pair whose sides tokenize to different lengths is dropped."""
    sources = encode(tokenizer, [s for s, _ in pairs])
    targets = encode(tokenizer, [t for _, t in pairs])
    return [(s, t) for s, t in zip(sources, targets, strict=True) if len(s) == len(t)]


def text_splits(
    corpus_files: list[Path],
    sighan_dir: Path | None,
    pairs_dir: Path | None = None,
    genre_chars: int = GENRE_CHARS,
) -> TextSplits:
    """Training and dev text; nothing the fixed held-out rule (splits.py) reserves is trained on.

    Clean sentences: each corpus file deduplicated (also against earlier files), its dev share
    set aside, the rest capped at `genre_chars` characters. Pairs: the SIGHAN training pairs less
    their fixed dev split, plus every file in `pairs_dir` less its dev share; sentences that also
    occur in the SIGHAN-15 test set (sighan15_train_test_overlap.txt) are dropped everywhere.
    """
    overlap = overlap_texts(sighan_dir) if sighan_dir else set()
    stats = {"corpus": {}, "pairs": {}}
    seen: set[str] = set()
    train_sentences, dev_sentences = [], []
    for path in corpus_files:
        train, dev = genre_sentences(path)
        train = [s for s in train if s not in seen and s not in overlap]
        seen.update(train)
        train = cap_characters(train, genre_chars)
        train_sentences += train
        dev_sentences += [s for s in dev if s not in overlap][: splits.CLEAN_DEV_PER_GENRE]
        stats["corpus"][Path(path).stem] = {
            "sentences": len(train),
            "chars": sum(map(len, train)),
        }
    # An even sample keeps the clean dev file quick to tune on, with every genre in it.
    dev_sentences = dev_sentences[:: max(1, math.ceil(len(dev_sentences) / DEV_CLEAN))]
    train_pairs, dev_pairs = training_pairs(sighan_dir, pairs_dir, stats["pairs"])
    return TextSplits(train_sentences, train_pairs, dev_sentences, dev_pairs, stats)


def training_pairs(
    sighan_dir: Path | None, pairs_dir: Path | None, stats: dict | None = None
) -> tuple[list, list]:
    """(train, dev) real pairs: the SIGHAN training pairs split by the fixed rule, plus every
    file in `pairs_dir` less its dev share and less anything already among the SIGHAN pairs;
    no sentence of the SIGHAN-15 test set in either. `stats` gets the counts."""
    stats = {} if stats is None else stats
    overlap = overlap_texts(sighan_dir) if sighan_dir else set()
    train_pairs, dev_pairs = pair_splits(sighan_dir) if sighan_dir else ([], [])
    stats["sighan_train"] = len(train_pairs)
    if pairs_dir:
        known = set(train_pairs) | set(dev_pairs)
        extra = [
            p for p in without_texts(extra_training_pairs(pairs_dir), overlap) if p not in known
        ]
        stats["extra"] = len(extra)
        train_pairs = train_pairs + extra
    return train_pairs, dev_pairs


def pair_splits(sighan_dir: Path):
    """(train pairs, dev pairs) of the SIGHAN training files: the same fixed split every time,
    less the sentences that also occur in the SIGHAN-15 test set (in neither part)."""
    pairs = sighan_training_pairs(sighan_dir)
    overlap = overlap_texts(sighan_dir)
    train, dev = hold_out(pairs, int(len(pairs) * DEV_PAIR_SHARE), DEV_SEED)
    return without_texts(train, overlap), without_texts(dev, overlap)


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
    text: TextSplits,
    corruptor_for,
    dev_out: Path | None = None,
) -> tuple[Datasets, Corruptor]:
    """Tokenized datasets; `corruptor_for(train_sentences)` builds the typo injector.

    The dev split is written next to `dev_out` (see write_dev_split).
    """
    if dev_out:
        write_dev_split(dev_out, text.dev_pairs, text.dev_sentences)
    corruptor = corruptor_for(text.train_sentences)
    rng = np.random.default_rng(DEV_SEED)
    dev = encode_pairs(tokenizer, text.dev_pairs)
    dev += [(corruptor.corrupt(ids, rng), ids) for ids in encode(tokenizer, text.dev_sentences)]
    data = Datasets(
        clean=encode(tokenizer, text.train_sentences),
        pairs=encode_pairs(tokenizer, text.train_pairs),
        dev=dev,
        clean_text=text.train_sentences,
        pair_text=text.train_pairs,
    )
    return data, corruptor
