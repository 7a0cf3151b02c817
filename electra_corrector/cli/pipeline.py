"""Correcting files, a directory tree or a stream: one batching pipeline for all three.

Inputs are read a line at a time and lines from consecutive inputs share a `correct_batch` call,
so many small files batch as well as one big one, while memory holds about one batch. An input
with its own output file (a tree, --in-place) is written to a temporary file that is renamed
only once the input is complete; a failed or interrupted input leaves no output behind.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

from electra_corrector.base.errors import describe
from electra_corrector.document import correcting
from electra_corrector.document.formats import (
    DocxFormat,
    EpubFormat,
    TextFormat,
    Unit,
    format_for,
    is_binary,
    lines_read,
)
from electra_corrector.document.outcome import Outcome
from electra_corrector.document.render import LineOutput, Output
from electra_corrector.engine.result import Correction, Proposal
from electra_corrector.markup import ignores
from electra_corrector.textio import discovery
from electra_corrector.textio.files import (
    UTF8,
    AtomicFile,
    DirectFile,
    LineReader,
    Prefetcher,
    TextEncoding,
    TextError,
    open_output,
    open_tree_output,
)


@dataclass(eq=False)
class Job:
    """One input and where its corrected lines go."""

    source: Path | None  # None: standard input
    output: Path | None = None  # its own file; None: the run's shared output stream
    tree: Path | None = None  # the output folder `output` lies in, for a tree run
    reader: LineReader | None = field(default=None, init=False)
    writer: LineOutput | None = field(default=None, init=False)
    sink: AtomicFile | DirectFile | None = field(default=None, init=False)
    format: TextFormat | DocxFormat | EpubFormat | None = field(default=None, init=False)
    input_stat: os.stat_result | None = field(default=None, init=False)  # as reading began
    failed: bool = field(default=False, init=False)
    changed: bool = field(default=False, init=False)  # some line had an edit

    @property
    def label(self) -> str:
        return "<stdin>" if self.source is None else str(self.source)


class _Line(NamedTuple):
    job: Job
    unit: Unit


class _End(NamedTuple):
    job: Job
    error: str | None  # why the input could not be read through, None when it was


# (job, line number, its correction, the proposals behind it) -> the correction to write
Review = Callable[[Job, int, Correction, list[Proposal]], Correction]


class Pipeline:
    """Reads jobs, corrects their lines in batches, writes and finishes each job in order.

    `input_encoding` None detects each input's (textio.LineReader); `output_encoding` None writes
    each output in its input's encoding (`utf8_output`: UTF-8).
    `report` receives one line per failed input; `progress` (a tqdm bar) counts input bytes.
    `markup` is a syntax.SYNTAXES choice, which picks each input's document format
    (document/formats.py): edits inside its code, links and tags are dropped; in source code
    only comments and strings are corrected, each on its own. Source files are read whole
    before their first line is corrected (a lexer needs all of it); the rest stream.
    `test_strings` False leaves the string literals of tests' source files alone.
    `stdin_name` is the name standard input is shown and scanned under.
    `writes_documents`: the output is each corrected document (not a report or diff), so a Word
    document's is the document itself; `track_changes`, an author, writes its corrections as
    tracked changes.
    `review` (--interactive) gets each line's correction that has edits, with the engine's
    proposals behind it, and returns what is written instead; an exception it raises stops the
    run, and outputs not yet complete are discarded.
    """

    def __init__(
        self,
        corrector,
        output: Output,
        batch_size: int,
        report: Callable[[str], None],
        shared: BinaryIO | None = None,
        output_encoding: TextEncoding | None = None,
        utf8_output: bool = False,
        input_encoding: TextEncoding | None = None,
        progress=None,
        markup: str = "auto",
        test_strings: bool = True,
        stdin_name: str | None = None,
        done: Callable[[Job], None] | None = None,
        temp_tag: Callable[[], str] | None = None,
        review: Review | None = None,
        writes_documents: bool = False,
        track_changes: str | None = None,
    ):
        self.corrector = corrector
        self.output = output
        self.batch_size = batch_size
        self.report = report
        self.shared = shared
        self.output_encoding = output_encoding or (UTF8 if utf8_output else None)
        self.input_encoding = input_encoding
        self.progress = progress
        self.markup = markup
        self.stdin_name = stdin_name
        self.done = done  # told of each job whose output is complete
        self.temp_tag = temp_tag  # names the temporary files of a tree's outputs (DoneLog)
        self.review = review
        self.test_strings = test_strings
        self.writes_documents = writes_documents
        self.track_changes = track_changes
        self.outcome = Outcome()
        self._unfinished: list[Job] = []

    def run_files(self, jobs: Iterable[Job], stdin: BinaryIO | None = None) -> Outcome:
        """Corrects each file (a job without a source reads `stdin`), in batches of lines."""
        window = correcting.SORT_WINDOW * self.batch_size
        return self._run(_batched(self._read(jobs, stdin), window))

    def run_stream(self, stdin: BinaryIO) -> Outcome:
        """Answers each line of stdin as soon as it and the lines already there are corrected."""
        prefetcher = Prefetcher(self._read([Job(None)], stdin), 4 * self.batch_size)
        return self._run(prefetcher.batches(self.batch_size))

    def _run(self, batches: Iterable[list]) -> Outcome:
        try:
            for batch in batches:
                self._process(batch)
                if self.shared:
                    self.shared.flush()
        finally:
            for job in self._unfinished:  # interrupted: leave no partial outputs
                if job.sink:
                    job.sink.discard()
        return self.outcome

    def _read(self, jobs: Iterable[Job], stdin: BinaryIO | None) -> Iterator:
        for job in jobs:
            self._unfinished.append(job)
            try:
                if job.source is not None and job.output == job.source:
                    _check_rewritable(job.source)
                opened = nullcontext(stdin) if job.source is None else job.source.open("rb")
                with opened as stream:
                    if job.source is not None:
                        job.input_stat = os.fstat(stream.fileno())
                    job.format = format_for(
                        self._name(job), self.markup, self.test_strings, self.track_changes
                    )
                    if job.format.binary:
                        lines = job.format.lines(stream)
                    else:
                        job.reader = LineReader(stream, self.input_encoding)
                        lines = lines_read(job.reader)
                    self._start_output(job)
                    for unit in job.format.units(lines):
                        self._warn_of_directives(job, unit.line.body, unit.line.number)
                        yield _Line(job, unit)
            except (OSError, TextError) as e:
                yield _End(job, describe(e))
            else:
                yield _End(job, None)

    def _warn_of_directives(self, job: Job, body: str, number: int) -> None:
        """A warning, `path:line: ...`, for each inline directive written wrong: it does
        nothing, which the writer should know (the input still counts as corrected)."""
        for word in ignores.malformed(body):
            known = ", ".join(ignores.KNOWN)
            self.report(
                f"{job.label}:{number}: warning: 'electra-correct: {word}' is no directive "
                f"({known}) and does nothing"
            )

    def _start_output(self, job: Job) -> None:
        if job.output is not None:
            try:
                if job.tree is not None:
                    tag = self.temp_tag() if self.temp_tag else "t"
                    job.sink = open_tree_output(job.tree, job.output.relative_to(job.tree), tag)
                else:
                    job.sink = open_output(job.output)
            except OSError as e:
                raise TextError(describe(e, f"cannot write {job.output}")) from None
        stream = job.sink.stream if job.sink else self.shared
        if job.format.binary and self.writes_documents:
            job.writer = job.format.output(stream)
            return
        reader = job.reader  # its encoding is known only once enough is read: asked late

        def encoding() -> TextEncoding:
            return self.output_encoding or (reader.encoding if reader else UTF8)

        job.writer = self.output(stream, self._name(job), encoding)

    def _name(self, job: Job) -> str | None:
        return self.stdin_name if job.source is None else str(job.source)

    def _process(self, batch: list) -> None:
        lines = [item for item in batch if isinstance(item, _Line) and not item.job.failed]
        units = [line.unit for line in lines]
        if self.review is None:
            done = [(c, None) for c in correcting.corrected(self.corrector, units)]
        else:  # the proposals behind each correction, for the review to apply some of
            done = correcting.proposed(self.corrector, units)
        corrected = {id(line): found for line, found in zip(lines, done, strict=True)}
        for item in batch:
            if isinstance(item, _End):
                self._finish(item)
            elif id(item) in corrected and not item.job.failed:
                correction, found = corrected[id(item)]
                if self.review is not None and correction.edits:
                    number = item.unit.line.number
                    correction = self.review(item.job, number, correction, found)
                self._write(item, correction)

    def _write(self, item: _Line, correction) -> None:
        job, line = item.job, item.unit.line
        job.changed = job.changed or bool(correction.edits)
        try:
            job.writer.write(correction, line.ending, line.number)
        except TextError as e:
            self._fail(job, f"line {line.number}: {e}")
        except OSError as e:
            if job.sink is None:  # the shared output: nothing more can be written anywhere
                raise
            self._fail(job, describe(e, f"cannot write {job.sink.path}"))
        if self.progress is not None:
            self.progress.update(line.size)

    def _finish(self, end: _End) -> None:
        job = end.job
        if job.failed:
            return
        if end.error is not None:
            self._fail(job, end.error)
            return
        try:
            job.writer.finish()
            if job.sink:
                job.sink.commit()
        except OSError as e:
            if job.sink is None:
                raise
            self._fail(job, describe(e, f"cannot write {job.sink.path}"))
            return
        self._unfinished.remove(job)
        self.outcome.corrected += 1
        self.outcome.changed += job.changed
        if self.done is not None:
            self.done(job)

    def _fail(self, job: Job, message: str) -> None:
        job.failed = True
        if job.sink:
            job.sink.discard()
        self._unfinished.remove(job)
        self.outcome.failed.append(f"{job.label}: {message}")
        self.report(self.outcome.failed[-1])


def _batched(items: Iterable, size: int) -> Iterator[list]:
    """Groups items so that each group holds `size` lines; a job's end rides with its last
    line, so that a job is finished (its output committed, its review over) before the next
    group's model call, where a Ctrl-C would otherwise lose it."""
    batch, lines = [], 0
    for item in items:
        if lines >= size and isinstance(item, _Line):
            yield batch
            batch, lines = [], 0
        batch.append(item)
        lines += isinstance(item, _Line)
    if batch:
        yield batch


def _check_rewritable(path: Path) -> None:
    """--in-place replaces regular files only (not a FIFO, which would also block the read)."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise TextError("not a regular file; --in-place rewrites only regular files")


class DoneLog:
    """What made each output of a tree run, as black's cache does: the input's path, size and
    mtime and the run's fingerprint, one JSON line per finished output, in a file in the output
    folder; and a line per run with the random tag its temporary files carry.

    --resume skips an output only when its line matches the input and fingerprint of this run;
    an input changed since (or another input with the same size and mtime), another model or
    other settings, or no line at all: it is done again. It removes only temporary files whose
    tag a run recorded here before making them, never a user's file that merely looks alike.
    """

    NAME = ".electra-correct-done.jsonl"

    def __init__(self, output_dir: Path, fingerprint: str):
        self.output_dir = output_dir
        self.path = output_dir / self.NAME
        self.fingerprint = fingerprint
        self._tag: str | None = None

    def _lines(self) -> Iterator[dict]:
        try:
            with _log_file(self.path, os.O_RDONLY) as log:
                lines = log.read().decode("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return
        for line in lines:
            with contextlib.suppress(ValueError):  # a line cut short by a crash
                record = json.loads(line)
                if isinstance(record, dict):
                    yield record

    def finished(self) -> set[tuple]:
        """The key of every output recorded."""
        records = set()
        for r in self._lines():
            with contextlib.suppress(KeyError, TypeError):
                records.add((r["output"], r["input"], r["size"], r["mtime_ns"], r["run"]))
        return records

    def key(self, output: Path, source: Path, source_stat: os.stat_result | None = None) -> tuple:
        relative = output.relative_to(self.output_dir).as_posix()
        source_stat = source_stat or source.stat()
        where = os.path.realpath(source)
        return (relative, where, source_stat.st_size, source_stat.st_mtime_ns, self.fingerprint)

    def record(self, job: Job) -> None:
        output, where, size, mtime, run = self.key(job.output, job.source, job.input_stat)
        self._append(
            {"output": output, "input": where, "size": size, "mtime_ns": mtime, "run": run}
        )

    def temp_tag(self) -> str:
        """The tag of this run's temporary files, recorded before the first is made."""
        if self._tag is None:
            self._tag = secrets.token_hex(8)
            self.output_dir.mkdir(parents=True, exist_ok=True)
            self._append({"temp_tag": self._tag})
        return self._tag

    def remove_temporaries(self) -> None:
        """Deletes the temporary files that recorded runs left in the output tree (killed
        ones), at any depth; symlinked folders are not followed."""
        tags = {r.get("temp_tag") for r in self._lines()} - {None}
        for folder, _, names in os.walk(self.output_dir):
            for name in names:
                path = Path(folder, name)
                if AtomicFile.tag_of(name) in tags and stat.S_ISREG(path.lstat().st_mode):
                    path.unlink()

    def _append(self, record: dict) -> None:
        # Without its line an output is merely redone by --resume (and a temporary file of a
        # killed run left in place), so a failure here is no error.
        line = json.dumps(record).encode("ascii")  # a name's undecodable bytes as \udcxx
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        with contextlib.suppress(OSError), _log_file(self.path, flags) as log:
            log.write(line + b"\n")


def _log_file(path: Path, flags: int) -> BinaryIO:
    """The done log opened as a regular file: a symlink there (OSError) is never followed and a
    FIFO (refused) never blocks; the log lies in the output tree, which may hold anything."""
    fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK, 0o666)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EPERM, "not a regular file", str(path))
    return open(fd, "rb" if flags == os.O_RDONLY else "ab")


class TreePlan(NamedTuple):
    jobs: list[Job]
    skipped: int  # outputs already done (--resume)
    found: discovery.Found  # what discovery left alone or could not read, besides the jobs


def tree_jobs(
    input_dir: Path,
    output_dir: Path | None,
    patterns: Iterable[str] = ("*",),
    exclude: Iterable[str] = (),
    done: DoneLog | None = None,
    markup: str = "auto",
) -> TreePlan:
    """Jobs for the files of `input_dir` that discovery selects (textio/discovery.py), mirrored
    under `output_dir` (None: each to the shared output); with `done` (--resume), outputs it
    records as made from the same input and settings are skipped. `markup` is the syntax
    choice, which says which binary files are documents to read (Word)."""

    def documents(path: Path) -> bool:
        return is_binary(str(path), markup)

    found = discovery.discover(input_dir, patterns, exclude, output_dir, documents)
    tree = TreePlan([], 0, found)
    finished = done.finished() if done else set()
    if done:  # an interrupted run's temporary files, if it was killed
        done.remove_temporaries()
    for path in tree.found.files:
        relative = path.relative_to(input_dir)
        target = output_dir / relative if output_dir is not None else None
        if done and target.is_file() and done.key(target, path) in finished:
            tree = tree._replace(skipped=tree.skipped + 1)
            continue
        tree.jobs.append(Job(path, target, output_dir))
    return tree
