"""What a model folder is, as a digest of its files' bytes, and the one hash of "what produced
this output" built on it (Corrector.fingerprint): --resume's key, tune.py's cache key and the
eval signature all use them, so a model retrained in place is never taken for the old one."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from electra_corrector.models.loading import (
    TYPO_COUNTS_FILE,
    WEIGHT_FILES,
    ModelSource,
    cached_file,
)

# Beside the weights, what changes the models' answers: the shape and the vocabulary. The
# typo counts shape the candidates; corrector_config.json is left out, since its values are in
# the options every fingerprint holds (so tune.py --save keeps its own cache valid).
_MODEL_FILES = ("config.json", "vocab.txt")


def model_digest(source: ModelSource, length: int = 12) -> str:
    """A short SHA-256 over both models' weights, config.json and vocab.txt (for a hub id, its
    cached copies) and the folder's typo_counts.tsv; "unknown" when the weights are not found."""
    files = []
    for name in (source.discriminator, source.generator):
        weights = next(filter(None, (cached_file(name, w) for w in WEIGHT_FILES)), None)
        if weights is None:
            return "unknown"
        files += [weights, *(cached_file(name, f) for f in _MODEL_FILES)]
    if source.root is not None:
        files.append(source.root / TYPO_COUNTS_FILE)
    return _digest(tuple((str(f), _identity(f)) if f else ("", None) for f in files))[:length]


def fingerprint(fields: dict) -> str:
    """A short hash of `fields` (JSON values), the same for equal fields in any order."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _identity(path: Path) -> tuple | None:
    """What tells a file's versions apart without reading it (None: there is none)."""
    try:
        s = os.stat(path)
    except FileNotFoundError:
        return None
    return (s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns)


@lru_cache(maxsize=16)
def _digest(files: tuple[tuple[str, tuple | None], ...]) -> str:
    """SHA-256 over the files' bytes, each marked by its place and whether it exists, read once
    per process for each version of them (a file rewritten in place has a new mtime and ctime,
    so it is read again)."""
    digest = hashlib.sha256()
    for number, (path, identity) in enumerate(files):
        digest.update(f"{number}:{identity is not None}\n".encode())
        if identity is not None:
            with open(path, "rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()
