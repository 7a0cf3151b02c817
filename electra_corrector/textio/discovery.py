"""Which files of an input folder a tree run reads: the one discovery behind
`electra-correct --input-dir` and `electra-correct-ray`.

A file is read when its path relative to the folder matches a pattern as Path.rglob would
(`*.txt` and `**/*.txt` at any depth, the top level included) and no part of it is hidden
(`.git`, `.venv`, `.notes.txt`) or matched by an exclude glob (the relative path or any one of its
parts: `build`, `*.min.md`, `docs/api`). Symlinks, to files and to folders alike, are followed
when they lead inside the folder (a linked folder is walked under the link's name) and otherwise
named and skipped, as is a link to a folder that holds it (a loop). An output folder inside the
input folder is never read. A folder or file that cannot be read is named; a binary file (a NUL
byte in the first 8 KiB, as git and grep judge, unless a UTF-16 BOM explains it) is named and
left alone, unless the caller reads it as a document of bytes (a Word document).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch, fnmatchcase
from pathlib import Path, PurePosixPath

from electra_corrector.base.errors import describe
from electra_corrector.textio.files import BOM_ENCODINGS

BINARY_HEAD = 8192  # bytes looked at to judge whether a file is text


@dataclass
class Found:
    files: list[Path] = field(default_factory=list)  # input_dir / relative path, sorted
    binary: list[Path] = field(default_factory=list)  # left alone, no failure
    problems: list[str] = field(default_factory=list)  # `path: why` for inputs not read

    def notes(self) -> list[str]:
        """What was left alone without a failure, one line each."""
        return [f"{path}: not text (binary), skipped" for path in self.binary]


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot select files inside the input folder, or None when it can."""
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        return "a pattern inside --input-dir (no '/...' or '..')"
    return None


def matches(relative: PurePosixPath, patterns: Iterable[str]) -> bool:
    """Whether Path.rglob(pattern) would find `relative` for one of `patterns`."""
    return any(_match(relative.parts, ("**", *PurePosixPath(p).parts)) for p in patterns)


def _match(parts: Sequence[str], pattern: Sequence[str]) -> bool:
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_match(parts[i:], pattern[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], pattern[0]) and _match(parts[1:], pattern[1:])


def excluded(relative: PurePosixPath, exclude: Iterable[str]) -> bool:
    """Whether `relative` is hidden or an exclude glob matches it or one of its parts."""
    if any(part.startswith(".") for part in relative.parts):
        return True
    posix = relative.as_posix()
    return any(
        fnmatch(posix, g) or any(fnmatch(part, g) for part in relative.parts) for g in exclude
    )


def is_binary(head: bytes) -> bool:
    """Whether the first BINARY_HEAD bytes of a file say it is not text."""
    return b"\0" in head and not any(head.startswith(e.bom) for e in BOM_ENCODINGS)


def discover(
    input_dir: Path,
    patterns: Iterable[str] = ("*",),
    exclude: Iterable[str] = (),
    output_dir: Path | None = None,
    documents: Callable[[Path], bool] | None = None,
) -> Found:
    """The files under `input_dir` to read, as the module docstring says; `documents` tells
    which binary files are read all the same (as documents of bytes)."""
    walk = _Walk(input_dir, list(patterns), list(exclude), output_dir, documents)
    walk.folder(input_dir, PurePosixPath(), Path(os.path.realpath(input_dir)))
    walk.found.files.sort(key=lambda path: path.parts)
    return walk.found


@dataclass
class _Walk:
    root: Path
    patterns: list[str]
    exclude: list[str]
    output_dir: Path | None
    documents: Callable[[Path], bool] | None = None
    found: Found = field(default_factory=Found)

    def __post_init__(self):
        self.real_root = Path(os.path.realpath(self.root))
        self.real_output = Path(os.path.realpath(self.output_dir)) if self.output_dir else None

    def folder(self, path: Path, relative: PurePosixPath, real: Path, above=()) -> None:
        try:
            with os.scandir(path) as entries:
                listed = sorted(entries, key=lambda entry: entry.name)
        except OSError as e:
            self.found.problems.append(describe(e, f"{path}: cannot read this folder"))
            return
        above = (*above, real)
        for entry in listed:
            self.entry(entry, path / entry.name, relative / entry.name, real / entry.name, above)

    def entry(self, entry, path: Path, relative: PurePosixPath, real: Path, above) -> None:
        if excluded(relative, self.exclude):
            return
        if entry.is_symlink():
            real = Path(os.path.realpath(path))
            if real != self.real_root and not _inside(real, self.real_root):
                self.found.problems.append(
                    f"{path}: leads outside --input-dir (a symlink?); skipped"
                )
                return
        if self.real_output and (real == self.real_output or _inside(real, self.real_output)):
            return  # an output folder inside the input: never read
        if entry.is_dir():
            if real in above:
                self.found.problems.append(f"{path}: a symlink to a folder holding it; skipped")
            else:
                self.folder(path, relative, real, above)
        elif entry.is_file() and matches(relative, self.patterns):
            self.file(path)
        # Anything else (a FIFO, a device, a dangling link) is no text file: not read.

    def file(self, path: Path) -> None:
        try:
            with path.open("rb") as stream:
                head = stream.read(BINARY_HEAD)
        except OSError as e:
            self.found.problems.append(describe(e, str(path)))
            return
        binary = is_binary(head) and not (self.documents and self.documents(path))
        (self.found.binary if binary else self.found.files).append(path)


def _inside(path: Path, folder: Path) -> bool:
    return folder in path.parents
