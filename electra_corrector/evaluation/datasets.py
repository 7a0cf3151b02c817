"""Evaluation data as aligned (source, target) pairs: SIGHAN .sgml, `source<TAB>target` TSV, JSONL.

A file that cannot be parsed raises DatasetError. A single pair that cannot be scored (source and
target of different lengths, a SIGHAN <WRONG> that is not at its <LOCATION>, a traditional to
simplified conversion that changes a length) is left out and named, with its file and line, in
`Dataset.rejected`, so the caller can report exactly which pairs the scores do not cover.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from electra_corrector.base.errors import CorrectorError, describe

DATASET_FORMATS = ("sgml", "tsv", "jsonl")
EXTENSIONS = {".sgml": "sgml", ".tsv": "tsv", ".jsonl": "jsonl"}


class DatasetError(CorrectorError, ValueError):
    """The file is unreadable or not in the expected format; the message names file and line."""


class Entry(NamedTuple):
    line: int  # 1-based line of the pair in its file
    source: str
    target: str
    problem: str = ""  # why the pair cannot be used; empty when it can


@dataclass
class Dataset:
    path: Path
    format: str
    sha1: str  # of the file's bytes, for the evaluation signature
    pairs: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # "file:line: reason", one per pair left out

    @property
    def name(self) -> str:
        return self.path.name


def detect_format(path: Path) -> str:
    try:
        return EXTENSIONS[Path(path).suffix.lower()]
    except KeyError:
        raise DatasetError(
            f"{path}: cannot tell the format from the extension; "
            f"name one of {', '.join(DATASET_FORMATS)}"
        ) from None


def load_dataset(path: Path | str, format: str = "auto", t2s: bool = False) -> Dataset:
    """Read every usable pair of `path`; `t2s` converts traditional characters to simplified."""
    path = Path(path)
    fmt = detect_format(path) if format == "auto" else format
    if fmt not in DATASET_FORMATS:
        raise DatasetError(f"unknown format {fmt!r}; expected one of {', '.join(DATASET_FORMATS)}")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DatasetError(describe(e, f"{path}: cannot read it")) from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DatasetError(f"{path}: not UTF-8 text (byte {e.start})") from e
    convert = simplifier() if t2s else None
    dataset = Dataset(path=path, format=fmt, sha1=hashlib.sha1(raw).hexdigest())
    for entry in PARSERS[fmt](text, path):
        source, target, problem = entry.source, entry.target, entry.problem
        if not problem and len(source) != len(target):
            problem = f"source has {len(source)} characters, target {len(target)}"
        if not problem and convert:
            source, target = convert(source), convert(target)
            if len(source) != len(target):
                problem = "traditional to simplified conversion changed the length"
        if problem:
            dataset.rejected.append(f"{path}:{entry.line}: {problem}")
        else:
            dataset.pairs.append((source, target))
    return dataset


def simplifier():
    """OpenCC's traditional-to-simplified converter, imported only when asked for."""
    try:
        import opencc
    except ImportError:
        raise DatasetError(
            "traditional to simplified conversion needs OpenCC: pip install opencc"
        ) from None
    return opencc.OpenCC("t2s").convert


class LineIndex:
    """1-based line numbers of character offsets, by bisection (SIGHAN files run to 50k lines)."""

    def __init__(self, text: str):
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_at(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1


SENTENCE = re.compile(r"<SENTENCE\b[^>]*>(.*?)</SENTENCE>", re.S)
TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
MISTAKE = re.compile(
    r"<MISTAKE\b[^>]*>\s*<LOCATION>(.*?)</LOCATION>\s*<WRONG>(.*?)</WRONG>"
    r"\s*<CORRECTION>(.*?)</CORRECTION>\s*</MISTAKE>",
    re.S,
)


def parse_sgml(text: str, path: Path) -> Iterator[Entry]:
    """SIGHAN <SENTENCE> records; the target is the TEXT with each MISTAKE's CORRECTION applied."""
    line_at = LineIndex(text).line_at
    found = False
    for sentence in SENTENCE.finditer(text):
        found = True
        body, body_start = sentence.group(1), sentence.start(1)
        text_match = TEXT.search(body)
        if text_match is None:
            raise DatasetError(f"{path}:{line_at(sentence.start())}: <SENTENCE> has no <TEXT>")
        source = text_match.group(1).strip()
        line = line_at(body_start + text_match.start(1))
        target, problem = list(source), ""
        for mistake in MISTAKE.finditer(body):
            problem = mistake_problem(source, *(g.strip() for g in mistake.groups()))
            if problem:
                line = line_at(body_start + mistake.start())
                break
            location, wrong, correction = mistake.groups()
            start = int(location) - 1
            target[start : start + len(wrong.strip())] = correction.strip()
        yield Entry(line, source, "".join(target), problem)
    if not found:
        raise DatasetError(f"{path}: no <SENTENCE> records found; is this a SIGHAN .sgml file?")


def mistake_problem(source: str, location: str, wrong: str, correction: str) -> str:
    """Why a MISTAKE cannot be applied to `source`, or "" when it can."""
    if not location.isdigit() or not 1 <= int(location) <= len(source):
        return f"LOCATION {location!r} is outside the {len(source)}-character TEXT"
    if not wrong or len(wrong) != len(correction):
        return f"WRONG {wrong!r} and CORRECTION {correction!r} are not a substitution"
    start = int(location) - 1
    found = source[start : start + len(wrong)]
    if found != wrong:
        return f"LOCATION {location} holds {found!r}, but WRONG says {wrong!r}"
    return ""


def parse_tsv(text: str, path: Path) -> Iterator[Entry]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise DatasetError(
                f"{path}:{number}: expected source<TAB>target, found {len(fields)} fields"
            )
        yield Entry(number, fields[0], fields[1])


def parse_jsonl(text: str, path: Path) -> Iterator[Entry]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise DatasetError(f"{path}:{number}: invalid JSON: {e.msg}") from e
        if not (
            isinstance(record, dict)
            and isinstance(record.get("source"), str)
            and isinstance(record.get("target"), str)
        ):
            raise DatasetError(f"{path}:{number}: expected an object with string source and target")
        yield Entry(number, record["source"], record["target"])


PARSERS = {"sgml": parse_sgml, "tsv": parse_tsv, "jsonl": parse_jsonl}
