"""electra-correct-ray: a corpus corrected on a Ray cluster (Ray Data), output as electra-correct's.

Text input: each file is decoded exactly as the CLI decodes it (textio.LineReader) into rows
(file, line, source, ending); a header row, line 0, carries the file's encoding or why it could not
be read. Actors that each load one Corrector correct the rows in batches (map_batches). Mirrored
output (text, jsonl, diff) then groups the rows by file and writes each file in line order, in its
input's encoding, as `electra-correct --input-dir ... --output-dir ...` would; parquet output is one
row per line. Parquet input keeps its own columns beside the corrected ones.

Ray is an optional extra, imported only inside functions: pip install 'electra-correct[ray]'.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from electra_corrector import __version__
from electra_corrector.cliutil import (
    OK,
    SOME_FAILED,
    USAGE_ERROR,
    add_model_options,
    load_corrector,
    say,
)
from electra_corrector.formats import FORMATS, UTF8_FORMATS, format_name, renderer
from electra_corrector.textio import (
    UTF8,
    LineReader,
    LineWriter,
    TextEncoding,
    TextError,
    split_line_ending,
)

PROG = "electra-correct-ray"
INSTALL_HINT = "pip install 'electra-correct[ray]'"
# Lines per block and per actor call, in model batches (--batch-size): correct_batch sorts them
# by length before cutting model batches, so several batches' worth pad less than one; blocks
# this small let one big file spread over all actors.
BATCHES_PER_CALL = 8

EPILOG = """\
examples:
  electra-correct-ray --input-dir corpus --output-dir fixed --glob '*.txt'
                           a local Ray runtime on this machine; output as electra-correct's
  electra-correct-ray --address auto --device cuda --input-dir s3://bucket/crawl \\
      --output-dir s3://bucket/fixed --format parquet
                           an existing cluster, one GPU per actor; rows of file, line, source,
                           text, edits (and error, for a file that could not be read)
  electra-correct-ray --input-format parquet --text-column body --input-dir docs.parquet \\
      --output-dir fixed --format parquet

exit status: 0 all files corrected; 1 some could not be read (each named on stderr);
2 bad arguments, Ray missing, or no model found"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Correct a corpus of Chinese text on a Ray cluster (Ray Data).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = parser.add_argument_group("data (local paths or any filesystem Ray reads: s3://, gs://)")
    data.add_argument("--input-dir", required=True, metavar="DIR", help="the corpus")
    data.add_argument("--output-dir", required=True, metavar="DIR", help="where results go")
    data.add_argument(
        "--input-format",
        choices=("text", "parquet"),
        default="text",
        help="text: files under DIR (default); parquet: a Parquet file or folder",
    )
    data.add_argument(
        "--glob", default="*", metavar="PATTERN", help="text file names, in any subfolder"
    )
    data.add_argument(
        "--text-column", default="text", metavar="COL", help="Parquet column to correct"
    )
    data.add_argument(
        "--format",
        type=format_name,
        choices=(*FORMATS, "parquet"),
        default="text",
        help="text, jsonl, marked, report: a mirror of the input tree as electra-correct writes "
        "it; parquet: rows with file, line, source, text, edits",
    )
    add_model_options(parser)
    cluster = parser.add_argument_group("cluster")
    cluster.add_argument(
        "--address", help="an existing Ray cluster (e.g. auto); default: start one"
    )
    cluster.add_argument(
        "--num-cpus", type=int, metavar="N", help="CPUs of the local Ray runtime (default: all)"
    )
    cluster.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="corrector actors, each with its own model and a CPU (or a GPU with --device cuda); "
        "leave a CPU for reading and writing (default: 1 up to one per CPU or GPU, as needed)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or summary")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.input_format == "parquet" and args.format != "parquet":
        parser.error("Parquet input has no files or lines to mirror; use --format parquet")
    if args.address and args.num_cpus:
        parser.error("--num-cpus sizes a local runtime; an existing cluster has its own")
    try:
        import ray
    except ImportError:
        _say(f"Ray is not installed: {INSTALL_HINT}")
        return USAGE_ERROR
    from electra_corrector.errors import CorrectorError
    from electra_corrector.loading import resolve

    try:
        source = resolve(args.model)
    except CorrectorError as e:
        _say(str(e))
        return USAGE_ERROR
    if source.root is not None:  # workers may run elsewhere: name the folder the driver found
        args.model = str(source.root.resolve())
    started = not ray.is_initialized()
    if started:
        ray.init(
            address=args.address,
            num_cpus=args.num_cpus,
            log_to_driver=not args.quiet,
            logging_level=logging.ERROR if args.quiet else logging.INFO,
        )
    if args.quiet:
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        ray.data.DataContext.get_current().enable_progress_bars = not args.quiet
        return _run(parser, args)
    finally:
        if started:
            ray.shutdown()


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import ray

    if args.input_format == "parquet":
        rows = _parquet_rows(parser, args)
    else:
        tree = _Tree.of(args.input_dir, args.output_dir)
        if not tree.is_folder():
            parser.error(f"--input-dir {args.input_dir}: not a directory")
        if tree.out_base == tree.base:
            parser.error("--output-dir must differ from --input-dir")
        paths = tree.files(args.glob)
        if not paths:
            parser.error(f"--input-dir {args.input_dir}: no files match {args.glob!r}")
        rows = ray.data.read_binary_files(paths, include_paths=True, filesystem=tree.fs)
        rows = rows.map_batches(_read_lines, batch_format="pyarrow", fn_kwargs={"tree": tree})
    mirror = args.format != "parquet"
    rows_per_call = args.batch_size * BATCHES_PER_CALL
    corrected = rows.repartition(target_num_rows_per_block=rows_per_call).map_batches(
        _CorrectRows,
        fn_constructor_kwargs={"args": args, "render": args.format if mirror else None},
        batch_size=rows_per_call,
        batch_format="pyarrow",
        compute=_actor_pool(parser, args),
        num_gpus=1 if _on_gpu(args) else 0,
    )
    if mirror:
        return _write_mirror(corrected, tree, args)
    if args.input_format == "text":
        corrected = corrected.map_batches(_line_records, batch_format="pyarrow")
    fs, path = _filesystem(args.output_dir)
    corrected.write_parquet(path, filesystem=fs)
    if not args.quiet:
        _say(f"wrote Parquet to {args.output_dir}")
    return OK


def _on_gpu(args: argparse.Namespace) -> bool:
    return bool(args.device) and args.device.startswith("cuda")


def _actor_pool(parser: argparse.ArgumentParser, args: argparse.Namespace):
    import ray

    if args.concurrency:
        return ray.data.ActorPoolStrategy(size=args.concurrency)
    unit = "GPU" if _on_gpu(args) else "CPU"
    available = int(ray.cluster_resources().get(unit, 0))
    if available < 1:
        parser.error(f"--device {args.device}: the Ray cluster has no {unit}s")
    return ray.data.ActorPoolStrategy(min_size=1, max_size=available)


class _CorrectRows:
    """A Ray actor: one Corrector, loaded once, applied to batches of rows with a `source` column.

    Adds `rendered` (the output text of each line, as electra-correct renders it; "" for header
    rows) when `render` names a format, else `text` and `edits`.
    """

    def __init__(self, args: argparse.Namespace, render: str | None):
        self.corrector = load_corrector(args)
        self.render = renderer(render) if render else None

    def __call__(self, batch):
        import pyarrow as pa

        sources = batch["source"].to_pylist()
        corrections = self.corrector.correct_batch(s or "" for s in sources)
        if self.render is None:
            # A null in a Parquet column stays null.
            texts = [
                None if s is None else c.text for s, c in zip(sources, corrections, strict=True)
            ]
            texts = pa.array(texts, pa.string())
            edits = pa.array([[e.to_json() for e in c.edits] for c in corrections], _edits_type())
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


def _edits_type():
    import pyarrow as pa

    return pa.list_(
        pa.struct(
            [
                ("offset", pa.int64()),
                ("wrong", pa.string()),
                ("right", pa.string()),
                ("score", pa.float64()),
            ]
        )
    )


@dataclass(frozen=True)
class _Tree:
    """An input folder of text files and its mirror: where each file's rows come from and go."""

    root: str  # --input-dir as given: the CLI names files by it, so jsonl output names them alike
    fs: object  # pyarrow FileSystem of the input
    base: str  # the input folder on `fs`
    out_fs: object
    out_base: str

    @classmethod
    def of(cls, input_dir: str, output_dir: str) -> _Tree:
        fs, base = _filesystem(input_dir)
        out_fs, out_base = _filesystem(output_dir)
        return cls(input_dir, fs, base.rstrip("/"), out_fs, out_base.rstrip("/"))

    def is_folder(self) -> bool:
        from pyarrow import fs

        return self.fs.get_file_info(self.base).type == fs.FileType.Directory

    def files(self, pattern: str) -> list[str]:
        """Files under the input matching `pattern` in any subfolder (as Path.rglob), sorted;
        never anything inside the output folder."""
        from pyarrow import fs

        found = self.fs.get_file_info(fs.FileSelector(self.base, recursive=True))
        return sorted(
            info.path
            for info in found
            if info.type == fs.FileType.File
            and PurePosixPath(self.relative(info.path)).match(pattern)
            and not info.path.startswith(self.out_base + "/")
        )

    def relative(self, path: str) -> str:
        return path[len(self.base) + 1 :]

    def label(self, relative: str) -> str:
        if "://" in self.root:
            return f"{self.root.rstrip('/')}/{relative}"
        return str(Path(self.root, relative))

    def target(self, relative: str) -> str:
        return f"{self.out_base}/{relative}"


def _filesystem(location: str):
    """(pyarrow FileSystem, path on it) for a URI or a local path."""
    from pyarrow import fs

    return fs.FileSystem.from_uri(location if "://" in location else os.path.abspath(location))


def _line_schema():
    import pyarrow as pa

    return pa.schema(
        [
            ("file", pa.string()),  # as electra-correct names it: --input-dir joined with its path
            ("line", pa.int64()),  # 1-based; 0 is the file's header row
            ("source", pa.string()),  # the line without its ending
            ("ending", pa.string()),
            # Header rows only:
            ("codec", pa.string()),
            ("bom", pa.binary()),
            ("error", pa.string()),  # why the file could not be read
            ("target", pa.string()),  # its mirror's path on the output filesystem
        ]
    )


def _read_lines(batch, tree: _Tree):
    """Files (path, bytes) to line rows, one table per file."""
    import pyarrow as pa

    for path, data in zip(batch["path"].to_pylist(), batch["bytes"].to_pylist(), strict=True):
        relative = tree.relative(path)
        reader = LineReader(io.BytesIO(data))
        try:
            lines, error = [split_line_ending(text) for text in reader], None
        except TextError as e:
            lines, error = [], str(e)
        encoding = reader.encoding  # settled only once the whole file has been read
        count = len(lines)
        yield pa.table(
            {
                "file": [tree.label(relative)] * (count + 1),
                "line": list(range(count + 1)),
                "source": ["", *(body for body, _ in lines)],
                "ending": ["", *(ending for _, ending in lines)],
                "codec": [encoding.codec] + [None] * count,
                "bom": [encoding.bom] + [None] * count,
                "error": [error] + [None] * count,
                "target": [tree.target(relative)] + [None] * count,
            },
            schema=_line_schema(),
        )


def _write_mirror(corrected, tree: _Tree, args: argparse.Namespace) -> int:
    written = corrected.groupby("file").map_groups(
        _write_file,
        batch_format="pyarrow",
        fn_kwargs={"fs": tree.out_fs, "json_output": args.format in UTF8_FORMATS},
    )
    done, failed = 0, []
    for row in written.iter_rows():
        if row["error"] is None:
            done += 1
        else:
            failed.append(f"{row['file']}: {row['error']}")
    for message in sorted(failed):
        _say(message)
    if not args.quiet:
        _say(f"{done} files corrected, {len(failed)} failed")
    return SOME_FAILED if failed else OK


def _write_file(rows, fs, json_output: bool):
    """All rows of one file, written in line order like electra-correct's --output-dir."""
    import pyarrow as pa

    rows = rows.sort_by("line").to_pydict()
    file, error = rows["file"][0], rows["error"][0]
    if error is None:
        # As the CLI: each output in its input's encoding, JSON lines in UTF-8.
        encoding = UTF8 if json_output else TextEncoding(rows["codec"][0], rows["bom"][0])
        buffer = io.BytesIO()
        writer = LineWriter(buffer, lambda: encoding)
        for text in rows["rendered"][1:]:
            writer.write(text)
        writer.finish()
        _put(fs, rows["target"][0], buffer.getvalue())
    return pa.table({"file": [file], "error": pa.array([error], pa.string())})


def _put(fs, path: str, data: bytes) -> None:
    """Write a whole file that appears complete or not at all (a temporary file, then a move)."""
    folder, name = path.rsplit("/", 1)
    fs.create_dir(folder, recursive=True)
    temporary = f"{folder}/.{name}.{uuid.uuid4().hex}.tmp"
    with fs.open_output_stream(temporary) as stream:
        stream.write(data)
    fs.move(temporary, path)


def _line_records(batch):
    """Line rows as Parquet records: header rows dropped, except those saying a file failed."""
    import pyarrow.compute as pc

    keep = pc.or_(pc.greater(batch["line"], 0), pc.is_valid(batch["error"]))
    return batch.filter(keep).select(["file", "line", "source", "text", "edits", "error"])


def _parquet_rows(parser: argparse.ArgumentParser, args: argparse.Namespace):
    import ray

    fs, path = _filesystem(args.input_dir)
    rows = ray.data.read_parquet(path, filesystem=fs, include_paths=True)
    names = set(rows.schema().names)
    if args.text_column not in names:
        parser.error(f"--text-column {args.text_column!r}: not in the input ({', '.join(names)})")
    clash = {"file", "source", "text", "edits"} & (names - {args.text_column})
    if clash:
        parser.error(f"the input already has columns the output adds: {', '.join(sorted(clash))}")
    return rows.rename_columns({args.text_column: "source", "path": "file"})


def _say(message: str) -> None:
    say(PROG, message)
