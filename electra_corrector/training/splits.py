"""The fixed held-out rule: which sentences and pairs training never sees.

A sentence is held out by a hash of its text, not by its position or a seeded shuffle, so the rule
does not depend on which files a run reads, in what order, or with which seed: every model,
every session, trains without exactly the same dev material, and tuning reads only that.
"""

from __future__ import annotations

import hashlib

# Share of clean corpus sentences held out (at most CLEAN_DEV_PER_GENRE of them per file are used).
CLEAN_DEV_SHARE = 0.01
CLEAN_DEV_PER_GENRE = 400
# Share of the extra real error pairs (../shared/data/pairs) held out.
PAIR_DEV_SHARE = 0.15


def hash_share(text: str) -> float:
    """A stable number in [0, 1) for `text`."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def is_dev_sentence(sentence: str) -> bool:
    return hash_share(sentence) < CLEAN_DEV_SHARE


def is_dev_pair(source: str) -> bool:
    return hash_share(source) < PAIR_DEV_SHARE
