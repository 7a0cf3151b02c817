"""A corpus corrected on a Ray cluster (Ray Data), from Python or by electra-correct-ray.

    from electra_corrector.cluster.distributed import Engine, correct_tree, runtime

    with runtime(num_cpus=4):
        outcome = correct_tree("corpus", "fixed", Engine(batch_size=16), glob="*.txt")

Actors that each load one Corrector correct rows of lines in batches (map_batches). correct_tree
mirrors a folder of text files as `electra-correct --input-dir ... --output-dir ...` would (the
files ⇄ rows layer is linerows.py); correct_tree_to_parquet writes one row per line instead, and
correct_parquet corrects a column of Parquet rows, keeping their other columns.

Ray is an optional extra, imported only inside functions: pip install 'electra-correct[ray]'.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from electra_corrector.base.errors import CorrectorError
from electra_corrector.cluster import linerows
from electra_corrector.document import correcting
from electra_corrector.document.outcome import Outcome
from electra_corrector.document.outputs import UTF8_FORMATS
from electra_corrector.document.render import renderer
from electra_corrector.textio import discovery

# Lines per block and per actor call, in model batches (batch_size), as the CLI hands them to
# the engine (correcting.SORT_WINDOW); blocks this small let one big file spread over all
# actors.
BATCHES_PER_CALL = correcting.SORT_WINDOW


class InputError(CorrectorError, ValueError):
    """An input, output or cluster that cannot be used as asked; `parameter` names the culprit
    where one parameter is."""

    def __init__(self, problem: str, parameter: str | None = None):
        super().__init__(f"{parameter} {problem}" if parameter else problem)
        self.problem, self.parameter = problem, parameter


@dataclass(frozen=True)
class Engine:
    """The Corrector each actor loads: Corrector(model, device, batch_size=..., **keywords)."""

    model: str | None = None  # a folder or hub id; None: the default search (loading.resolve)
    device: str | None = None  # "cuda..." puts one actor on each GPU
    batch_size: int = 32
    threads: int | None = None  # torch threads per actor
    keywords: Mapping[str, Any] = field(default_factory=dict)  # threshold, precision, max_edits...

    @property
    def on_gpu(self) -> bool:
        return bool(self.device) and self.device.startswith("cuda")

    def pinned(self) -> Engine:
        """The same engine naming the model folder found here, as workers may run elsewhere;
        raises CorrectorError when there is none."""
        from electra_corrector.models.loading import resolve

        source = resolve(self.model)
        if source.root is None:  # a hub id: each worker fetches it
            return self
        return replace(self, model=str(source.root.resolve()))

    def load(self):
        from electra_corrector.engine.process import corrector_for_process

        return corrector_for_process(
            threads=self.threads,
            model=self.model,
            device=self.device,
            batch_size=self.batch_size,
            **self.keywords,
        )


@contextmanager
def runtime(
    address: str | None = None, num_cpus: int | None = None, quiet: bool = False
) -> Iterator[None]:
    """Ray for the pipeline: an existing cluster (`address`, e.g. "auto"), a local runtime of
    `num_cpus` (default: all), or the one already started in this process; `quiet` turns off
    Ray's logs and progress bars. A runtime started here is shut down on leaving."""
    import ray

    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address,
            num_cpus=num_cpus,
            log_to_driver=not quiet,
            logging_level=logging.ERROR if quiet else logging.INFO,
        )
    if quiet:
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        ray.data.DataContext.get_current().enable_progress_bars = not quiet
        yield
    finally:
        if started:
            ray.shutdown()


def correct_tree(
    input_dir: str,
    output_dir: str,
    engine: Engine,
    *,
    glob: str | Iterable[str] = "*",
    exclude: Iterable[str] = (),
    syntax: str = "auto",
    output_format: str = "text",
    concurrency: int | None = None,
) -> Outcome:
    """The text files under `input_dir` that `electra-correct --input-dir` would read (`glob`:
    one pattern or several, `exclude` globs), corrected as it corrects them (`syntax`: the code of
    .md and .rst files is never edited) and rendered as `output_format` (text, jsonl, marked,
    report) into the same paths under `output_dir`."""
    tree = linerows.MirrorTree.of(input_dir, output_dir)
    rows, found = _line_rows(tree, glob, exclude, syntax)
    outcome = Outcome(failed=list(found.problems), notes=found.notes())
    if rows is None:
        return outcome
    rows = _corrected(rows, engine, concurrency, render=output_format)
    written = rows.groupby("file").map_groups(
        linerows.write_file,
        batch_format="pyarrow",
        fn_kwargs={"tree": tree, "json_output": output_format in UTF8_FORMATS},
    )
    for row in written.iter_rows():
        if row["error"] is None:
            outcome.corrected += 1
        else:
            outcome.failed.append(f"{row['file']}: {row['error']}")
    outcome.failed.sort()
    return outcome


def correct_tree_to_parquet(
    input_dir: str,
    output_dir: str,
    engine: Engine,
    *,
    glob: str | Iterable[str] = "*",
    exclude: Iterable[str] = (),
    syntax: str = "auto",
    concurrency: int | None = None,
) -> Outcome:
    """The files correct_tree would read as Parquet rows of file, line, source, text, edits and
    error (a row of line 0 for a file that could not be read); the outcome names the files that
    discovery left out (its count of corrected files stays 0)."""
    rows, found = _line_rows(linerows.MirrorTree.of(input_dir, output_dir), glob, exclude, syntax)
    if rows is not None:
        corrected = _corrected(rows, engine, concurrency).map_batches(
            linerows.line_records, batch_format="pyarrow"
        )
        _write_parquet(corrected, output_dir)
    return Outcome(failed=list(found.problems), notes=found.notes())


def correct_parquet(
    input_dir: str,
    output_dir: str,
    engine: Engine,
    *,
    text_column: str = "text",
    concurrency: int | None = None,
) -> None:
    """Parquet rows with `text_column` corrected: that column becomes `source`, beside it come
    `text` and `edits` (and `file`, the Parquet file of the row); other columns stay."""
    import ray

    fs, path = linerows.filesystem(input_dir)
    rows = ray.data.read_parquet(path, filesystem=fs, include_paths=True)
    names = set(rows.schema().names)
    if text_column not in names:
        raise InputError(f"{text_column!r}: not in the input ({', '.join(names)})", "text_column")
    clash = {"file", "source", "text", "edits"} & (names - {text_column})
    if clash:
        added = ", ".join(sorted(clash))
        raise InputError(f"the input already has columns the output adds: {added}")
    rows = rows.rename_columns({text_column: "source", "path": "file"})
    _write_parquet(_corrected(rows, engine, concurrency), output_dir)


def _line_rows(
    tree: linerows.MirrorTree, glob: str | Iterable[str], exclude: Iterable[str], markup: str
):
    """The line rows of the files to read (None when there are none) and what discovery found."""
    import ray

    if not tree.is_folder():
        raise InputError(f"{tree.root}: not a directory", "input_dir")
    if tree.local and tree.local_output:
        real = Path(tree.root).resolve()
        if Path(tree.out_root).resolve() in (real, *real.parents):
            raise InputError("must not be or contain the input folder", "output_dir")
    elif tree.out_base == tree.base:
        raise InputError("must differ from the input folder", "output_dir")
    patterns = [glob] if isinstance(glob, str) else list(glob)
    for pattern in patterns:
        if problem := discovery.pattern_problem(pattern):
            raise InputError(f"{pattern}: {problem}", "glob")
    paths, found = tree.inputs(patterns, list(exclude))
    if not paths:
        return None, found
    files = ray.data.read_binary_files(paths, include_paths=True, filesystem=tree.fs)
    rows = files.map_batches(
        linerows.read_lines,
        batch_format="pyarrow",
        fn_kwargs={"tree": tree, "markup": markup},
    )
    return rows, found


def _corrected(rows, engine: Engine, concurrency: int | None, render: str | None = None):
    """`rows` with a `source` column, corrected by a pool of actors."""
    rows_per_call = engine.batch_size * BATCHES_PER_CALL
    return rows.repartition(target_num_rows_per_block=rows_per_call).map_batches(
        _CorrectRows,
        fn_constructor_kwargs={"engine": engine.pinned(), "render": render},
        batch_size=rows_per_call,
        batch_format="pyarrow",
        compute=_actor_pool(engine, concurrency),
        num_gpus=1 if engine.on_gpu else 0,
        # An actor reserves no CPU: holding them all (one CPU, one actor) it would starve the
        # read and repartition tasks that feed it, and never finish. The pool's size, at most
        # one actor per CPU (or GPU), is what shares the CPUs out.
        num_cpus=0,
    )


def _actor_pool(engine: Engine, concurrency: int | None):
    import ray

    if concurrency:
        return ray.data.ActorPoolStrategy(size=concurrency)
    unit = "GPU" if engine.on_gpu else "CPU"
    available = int(ray.cluster_resources().get(unit, 0))
    if available < 1:
        raise InputError(f"{engine.device}: the Ray cluster has no {unit}s", "device")
    return ray.data.ActorPoolStrategy(min_size=1, max_size=available)


def _write_parquet(rows, output_dir: str) -> None:
    fs, path = linerows.filesystem(output_dir)
    rows.write_parquet(path, filesystem=fs)


class _CorrectRows:
    """A Ray actor: one Corrector, loaded once, applied to batches of rows with a `source` column.

    Adds `rendered` (the output text of each line, as electra-correct renders it; "" for header
    rows) when `render` names a format, else `text` and `edits`.
    """

    def __init__(self, engine: Engine, render: str | None):
        self.corrector = engine.load()
        self.render = renderer(render) if render else None

    def __call__(self, batch):
        import pyarrow as pa

        sources = batch["source"].to_pylist()
        corrections = correcting.corrected(self.corrector, linerows.units(batch))
        if self.render is None:
            # A null in a Parquet column stays null.
            texts = [
                None if s is None else c.text for s, c in zip(sources, corrections, strict=True)
            ]
            texts = pa.array(texts, pa.string())
            edits = [[e.to_json() for e in c.edits] for c in corrections]
            edits = pa.array(edits, linerows.edits_type())
            return batch.append_column("text", texts).append_column("edits", edits)
        rows = zip(
            corrections,
            batch["ending"].to_pylist(),
            batch["line"].to_pylist(),
            batch["file"].to_pylist(),
            strict=True,
        )
        rendered = [self.render(*row) if row[2] else "" for row in rows]  # line 0: a header
        return batch.append_column("rendered", pa.array(rendered, pa.string()))
