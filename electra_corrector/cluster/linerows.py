"""Text files as rows of lines, and back: the data layer of the Ray pipeline (distributed.py).

Each file is decoded exactly as electra-correct decodes it (textio.LineReader) into rows (file,
line, source, ending); a header row, line 0, carries the file's encoding or why it could not be
read. The files are chosen as electra-correct --input-dir chooses them (textio/discovery.py). Once
corrected and rendered, a file's rows are written back in line order, in its input's encoding, to
the mirror of its path, as electra-correct writes a local output tree (following no link). Local
paths and any filesystem pyarrow reads (s3://, gs://) work alike; pyarrow is imported only inside
functions.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from electra_corrector.base.errors import describe
from electra_corrector.document.formats import Line, Unit, format_for
from electra_corrector.markup.masking import Range
from electra_corrector.textio.discovery import Found, discover, excluded, matches
from electra_corrector.textio.files import (
    UTF8,
    LineReader,
    LineWriter,
    TextEncoding,
    TextError,
    open_tree_output,
    split_line_ending,
    store_remotely,
)


@dataclass(frozen=True)
class MirrorTree:
    """An input folder of text files and its mirror: where each file's rows come from and go."""

    root: str  # the input folder as given: electra-correct names files by it, and so do the rows
    fs: object  # pyarrow FileSystem of the input
    base: str  # the input folder on `fs`
    out_root: str  # the output folder as given
    out_fs: object
    out_base: str

    @classmethod
    def of(cls, input_dir: str, output_dir: str) -> MirrorTree:
        fs, base = filesystem(input_dir)
        out_fs, out_base = filesystem(output_dir)
        return cls(input_dir, fs, base.rstrip("/"), output_dir, out_fs, out_base.rstrip("/"))

    @property
    def local(self) -> bool:
        return "://" not in self.root

    @property
    def local_output(self) -> bool:
        return "://" not in self.out_root

    def is_folder(self) -> bool:
        from pyarrow import fs

        return self.fs.get_file_info(self.base).type == fs.FileType.Directory

    def inputs(self, patterns: list[str], exclude: list[str]) -> tuple[list[str], Found]:
        """The paths on `fs` of the files to read, chosen as electra-correct --input-dir chooses
        them (textio/discovery.py), and what was left out; never anything in the output."""
        if not self.local:  # an object store: no links to follow, only names to match
            return self._listed(patterns, exclude), Found()
        output = Path(self.out_root) if self.local_output else None
        found = discover(Path(self.root), patterns, exclude, output)
        paths, kept = [], []
        for path in found.files:
            relative = path.relative_to(self.root).as_posix()
            try:  # Arrow's strings are UTF-8; a name that is not cannot travel in a row
                relative.encode("utf-8")
            except UnicodeEncodeError:
                shown = os.fsencode(path).decode("utf-8", "backslashreplace")
                found.problems.append(
                    f"{shown}: the file name is not UTF-8 (Ray needs it); skipped"
                )
                continue
            kept.append(path)
            paths.append(f"{self.base}/{relative}")
        found.files = kept
        return paths, found

    def _listed(self, patterns: list[str], exclude: list[str]) -> list[str]:
        from pyarrow import fs

        listed = self.fs.get_file_info(fs.FileSelector(self.base, recursive=True))
        return sorted(
            info.path
            for info in listed
            if info.type == fs.FileType.File
            and matches(PurePosixPath(self.relative(info.path)), patterns)
            and not excluded(PurePosixPath(self.relative(info.path)), exclude)
            and not info.path.startswith(self.out_base + "/")
        )

    def relative(self, path: str) -> str:
        return path[len(self.base) + 1 :]

    def label(self, relative: str) -> str:
        if "://" in self.root:
            return f"{self.root.rstrip('/')}/{relative}"
        return str(Path(self.root, relative))

    def write(self, relative: str, data: bytes) -> str | None:
        """Writes the output of `relative`, complete or not at all; None, or why it failed. A
        local output tree follows no link and writes only regular files, as electra-correct's."""
        if not self.local_output:
            store_remotely(self.out_fs, f"{self.out_base}/{relative}", data)
            return None
        try:
            with open_tree_output(Path(self.out_root), Path(relative)) as sink:
                sink.stream.write(data)
        except OSError as e:
            return describe(e, f"cannot write {Path(self.out_root, relative)}")
        return None


def filesystem(location: str):
    """(pyarrow FileSystem, path on it) for a URI or a local path."""
    from pyarrow import fs

    return fs.FileSystem.from_uri(location if "://" in location else os.path.abspath(location))


def line_schema():
    import pyarrow as pa

    return pa.schema(
        [
            (
                "file",
                pa.string(),
            ),  # as electra-correct names it: the input folder joined with its path
            ("line", pa.int64()),  # 1-based; 0 is the file's header row
            ("source", pa.string()),  # the line without its ending
            ("ending", pa.string()),
            # Header rows only:
            ("codec", pa.string()),
            ("bom", pa.binary()),
            ("error", pa.string()),  # why the file could not be read
            ("relative", pa.string()),  # its path inside the input (and the output) folder
            # Spans of `source` that are never edited (markup: code, links), [start, end) each.
            ("protected", pa.list_(pa.list_(pa.int64()))),
            # Source code: the spans corrected, each alone (masking.pieces); null: all of it.
            ("pieces", pa.list_(pa.list_(pa.int64()))),
            ("joined", pa.bool_()),  # the pieces read as one text (prose split by markup)
        ]
    )


def edits_type():
    """The `edits` column: a list of Edit.to_json() objects per line."""
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


def read_lines(batch, tree: MirrorTree, markup: str = "auto"):
    """Files (path, bytes) to line rows, one table per file; each line's protected spans and
    pieces are its unit's in the file's document format (`markup`: a syntax.SYNTAXES choice),
    as in the CLI."""
    import pyarrow as pa

    for path, data in zip(batch["path"].to_pylist(), batch["bytes"].to_pylist(), strict=True):
        relative = tree.relative(path)
        label = tree.label(relative)
        reader = LineReader(io.BytesIO(data))
        try:
            lines, error = [split_line_ending(text) for text in reader], None
        except TextError as e:
            lines, error = [], str(e)
        encoding = reader.encoding  # settled only once the whole file has been read
        count = len(lines)
        numbered = (Line(n, body, ending) for n, (body, ending) in enumerate(lines, 1))
        # Ray writes what it corrects: tests' string literals (typos on purpose) stay as they are.
        units = list(format_for(label, markup, test_strings=False).units(numbered))
        yield pa.table(
            {
                "file": [label] * (count + 1),
                "line": list(range(count + 1)),
                "source": ["", *(body for body, _ in lines)],
                "ending": ["", *(ending for _, ending in lines)],
                "codec": [encoding.codec] + [None] * count,
                "bom": [encoding.bom] + [None] * count,
                "error": [error] + [None] * count,
                "relative": [relative] + [None] * count,
                "protected": [[], *([list(r) for r in u.protected] for u in units)],
                "pieces": [None, *(_spans(u.pieces) for u in units)],
                "joined": [False, *(u.joined for u in units)],
            },
            schema=line_schema(),
        )


def _spans(spans: list[Range] | None) -> list[list[int]] | None:
    return None if spans is None else [list(r) for r in spans]


def units(batch) -> list[Unit]:
    """The unit of each row of `batch` (document/formats.py), from its source, protected spans
    and pieces; a row without those columns (Parquet input) is a unit of plain text."""
    sources = [s or "" for s in batch["source"].to_pylist()]
    names = batch.column_names
    protected = batch["protected"].to_pylist() if "protected" in names else [[]] * len(sources)
    pieces = batch["pieces"].to_pylist() if "pieces" in names else [None] * len(sources)
    joined = batch["joined"].to_pylist() if "joined" in names else [False] * len(sources)
    return [
        Unit(
            Line(0, body, ""),
            [tuple(r) for r in spans or ()],
            None if parts is None else [tuple(r) for r in parts],
            bool(together),
        )
        for body, spans, parts, together in zip(sources, protected, pieces, joined, strict=True)
    ]


def write_file(rows, tree: MirrorTree, json_output: bool):
    """All rows of one file, with a `rendered` column, written in line order like
    electra-correct's --output-dir; returns the file's name and error (null once written)."""
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
        error = tree.write(rows["relative"][0], buffer.getvalue())
    return pa.table({"file": [file], "error": pa.array([error], pa.string())})


def line_records(batch):
    """Line rows as Parquet records: header rows dropped, except those saying a file failed."""
    import pyarrow.compute as pc

    keep = pc.or_(pc.greater(batch["line"], 0), pc.is_valid(batch["error"]))
    return batch.filter(keep).select(["file", "line", "source", "text", "edits", "error"])
