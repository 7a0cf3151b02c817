"""Text in and out, byte-exact: encodings and BOMs, line endings, streaming, atomic file writes.

A corrector may only change characters inside lines, so everything else must survive a round trip
unchanged: the encoding (UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM, GB18030), the BOM itself,
each line's ending (LF or CRLF, none on a last line) and blank lines.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import queue
import secrets
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from electra_corrector.base.errors import CorrectorError
from electra_corrector.textio.sniff import why_not_gb18030


class TextError(CorrectorError):
    """Input that cannot be read (or output that cannot be written) as text; says where and why."""


@dataclass(frozen=True)
class TextEncoding:
    codec: str  # Python codec for the bytes after the BOM
    bom: bytes = b""

    def __str__(self) -> str:
        return self.codec.upper() + (" with BOM" if self.bom else "")

    @classmethod
    def named(cls, name: str) -> TextEncoding:
        """The encoding a user names (`utf-8-sig`, `utf-16` write a BOM); LookupError if unknown."""
        info = codecs.lookup(name)
        # base64, zlib, rot13 map bytes to bytes or str to str; the others turn text into escapes
        # or ASCII-compatible forms, so a file would come back as other text.
        if not info._is_text_encoding or info.name in _NOT_FILE_ENCODINGS:
            raise LookupError(f"{name} is not a text encoding")
        codec = info.name
        with_bom = {
            "utf-8-sig": ("utf-8", codecs.BOM_UTF8),
            "utf-16": ("utf-16-le", codecs.BOM_UTF16_LE),
            "utf-32": ("utf-32-le", codecs.BOM_UTF32_LE),
        }
        return cls(*with_bom.get(codec, (codec, b"")))


_NOT_FILE_ENCODINGS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined"}
)

UTF8 = TextEncoding("utf-8")
GB18030 = TextEncoding("gb18030")  # a superset of GBK and GB2312
BOM_ENCODINGS = (
    TextEncoding("utf-8", codecs.BOM_UTF8),
    TextEncoding("utf-16-le", codecs.BOM_UTF16_LE),
    TextEncoding("utf-16-be", codecs.BOM_UTF16_BE),
)
# The BOMs a named encoding that has one may start with (as its Python codec accepts them).
_NAMED_BOMS = {
    "utf-8": (TextEncoding("utf-8", codecs.BOM_UTF8),),
    "utf-16-le": BOM_ENCODINGS[1:],
    "utf-32-le": (
        TextEncoding("utf-32-le", codecs.BOM_UTF32_LE),
        TextEncoding("utf-32-be", codecs.BOM_UTF32_BE),
    ),
}


def split_line_ending(line: str) -> tuple[str, str]:
    """("text", "\\r\\n"), ("text", "\\n") or ("text", "") for a last line without one."""
    if line.endswith("\r\n"):
        return line[:-2], "\r\n"
    if line.endswith("\n"):
        return line[:-1], "\n"
    return line, ""


MAX_LINE_BYTES = 10 * 2**20  # a longer line fails its input instead of filling memory
SNIFF_BYTES = 64 * 2**10  # how much of a seekable input the GB18030 check may look at


class LineReader:
    """The lines of a binary stream as str, each ending as in the input ("\\n", "\\r\\n" or none).

    A named `encoding` is used as named: a BOM is looked for only when it has one (utf-8-sig,
    utf-16, utf-32: either byte order). Without one, the encoding is taken from a BOM; else it is
    UTF-8, or GB18030 when the first line that is not valid UTF-8 comes before any non-ASCII line
    (ASCII is the same in both, so nothing read so far changes) and it (with what follows, when
    the input can be read ahead) looks like Chinese text (sniff.py): GB18030 decodes almost any
    bytes, so Big5, EUC-KR or broken UTF-8 would otherwise come out as garbage. Lines are read
    one at a time, so a pipe's lines arrive as they are written. Each line must encode back to
    exactly its bytes (Big5 decodes some pairs to characters it writes as other pairs), else it
    is refused: what is written would not be what was read.
    """

    def __init__(self, stream: BinaryIO, encoding: TextEncoding | None = None):
        self.line_number = 0  # of the last line returned
        self.bytes_read = 0
        if encoding is None:
            boms = BOM_ENCODINGS
        else:
            boms = _NAMED_BOMS.get(encoding.codec, ()) if encoding.bom else ()
        head = _read_bom(stream, boms)
        bom_encoding = next((e for e in boms if e.bom == head), None)
        if bom_encoding or encoding:
            if bom_encoding:
                self.encoding, self.bytes_read, head = bom_encoding, len(head), b""
            else:  # what was read looking for a BOM is text
                self.encoding = TextEncoding(encoding.codec)  # no BOM in, so none out
            raw = _Rejoined(head, stream)
            # newline="\n": split only at "\n" and translate nothing, so "\r\n" survives.
            text = io.TextIOWrapper(
                io.BufferedReader(raw),
                encoding=self.encoding.codec,
                errors=_MARK_INVALID,
                newline="\n",
            )
            self._lines = self._decoded_lines(text, raw.record)
        else:
            self.encoding = UTF8
            self._lines = self._sniffed_lines(_byte_lines(head, stream), stream)

    def __iter__(self) -> Iterator[str]:
        return self._lines

    def _sniffed_lines(self, raw_lines: Iterator[bytes], stream: BinaryIO) -> Iterator[str]:
        all_ascii = True
        for raw in raw_lines:
            self.line_number += 1
            self.bytes_read += len(raw)
            self._check_length(len(raw))
            if b"\0" in raw:  # binary, whatever the encoding: say so before judging one
                raise self._nul()
            try:
                line = raw.decode(self.encoding.codec)
            except UnicodeDecodeError:
                if not (all_ascii and self.encoding == UTF8):
                    raise self._not_decodable() from None
                sample = raw[:SNIFF_BYTES] + _peek(stream, SNIFF_BYTES - len(raw))
                problem = why_not_gb18030(sample)
                if problem:
                    raise TextError(f"line {self.line_number}: {problem}") from None
                self.encoding = GB18030
                try:
                    line = raw.decode(GB18030.codec)
                except UnicodeDecodeError:
                    raise self._not_decodable() from None
            all_ascii = all_ascii and raw.isascii()
            if self.encoding != UTF8:  # strict UTF-8 decoding always round-trips
                self._check_round_trip(raw, line.encode(self.encoding.codec))
            yield self._checked(line)

    def _decoded_lines(self, text: io.TextIOWrapper, record: bytearray) -> Iterator[str]:
        # A character takes at least one byte, so this many characters bound the line's bytes.
        for line in iter(lambda: text.readline(MAX_LINE_BYTES + 1), ""):
            self.line_number += 1
            self._check_length(len(line))
            if _INVALID in line:
                raise self._not_decodable()
            data = line.encode(self.encoding.codec)
            # The decoder has taken this line's bytes (and maybe more) from the front of record.
            self._check_round_trip(bytes(record[: len(data)]), data)
            del record[: len(data)]
            self.bytes_read += len(data)
            yield self._checked(line)

    def _check_round_trip(self, raw: bytes, data: bytes) -> None:
        """TextError unless `data`, a line encoded again, is the `raw` bytes it was read from."""
        if data != raw:
            raise TextError(
                f"line {self.line_number}: {self.encoding.codec.upper()} text that would not be "
                "written back byte for byte"
            )

    def _check_length(self, size: int) -> None:
        if size > MAX_LINE_BYTES:
            raise TextError(
                f"line {self.line_number}: longer than {MAX_LINE_BYTES // 2**20} MB "
                "without a line break (not text?)"
            )

    def _not_decodable(self) -> TextError:
        return TextError(f"line {self.line_number}: not valid {self.encoding.codec.upper()} text")

    def _checked(self, line: str) -> str:
        if "\0" in line:
            raise self._nul()
        return line

    def _nul(self) -> TextError:
        return TextError(f"line {self.line_number}: contains NUL bytes (a binary file?)")


# The text decoder reads ahead, so a strict one would fail while an earlier line is being read.
# Instead, undecodable bytes become a lone surrogate, which no valid text contains, and the line
# that holds one is reported.
_MARK_INVALID = "electra-corrector-mark-invalid"
_INVALID = "\ud800"
codecs.register_error(_MARK_INVALID, lambda error: (_INVALID, error.end))


def _read_bom(stream: BinaryIO, boms: Iterable[TextEncoding]) -> bytes:
    """The BOM (one of `boms`') at the start of `stream`, or the bytes read to rule one out.

    Byte by byte, so that a pipe whose first line is shorter than a BOM does not stall.
    """
    head = b""
    while any(e.bom.startswith(head) and e.bom != head for e in boms):
        byte = stream.read(1)
        if not byte:
            break
        head += byte
    return head


def _peek(stream: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes ahead in a seekable stream, leaving its position; b"" for a pipe."""
    if size <= 0:
        return b""
    try:
        if not stream.seekable():
            return b""
        position = stream.tell()
        data = stream.read(size)
        stream.seek(position)
    except (OSError, ValueError):
        return b""
    return data


class _Rejoined(io.RawIOBase):
    """`head`, then the rest of `stream`: bytes already read, put back in front.

    Every byte handed out is appended to `record`, for its reader to check and take off.
    """

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = head
        self._stream = stream
        self.record = bytearray()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            self.record += buffer[:n]
            return n
        # read1: what a pipe has now, without waiting to fill the buffer.
        read = getattr(self._stream, "read1", self._stream.read)
        data = read(len(buffer))
        buffer[: len(data)] = data
        self.record += data
        return len(data)


def _byte_lines(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    """Lines split at b"\\n", which never occurs inside a UTF-8 or GB18030 character."""
    # `head` holds BOM-like bytes then one more; only that last one can be b"\\n".
    limit = MAX_LINE_BYTES + 1  # one byte more than allowed, so that too long is seen
    first = head if head.endswith(b"\n") else head + stream.readline(limit - len(head))
    if first:
        yield first
        yield from iter(lambda: stream.readline(limit), b"")


class LineWriter:
    """Encodes lines onto a binary stream, starting with the encoding's BOM.

    `encoding` is a function because a reader's encoding is settled only as it reads; it can
    only change while everything read was ASCII, which encodes the same either way.
    """

    def __init__(self, stream: BinaryIO, encoding: Callable[[], TextEncoding]):
        self._stream = stream
        self._encoding = encoding
        self._started = False

    def write(self, text: str) -> None:
        encoding = self._encoding()
        self._start(encoding)
        try:
            data = text.encode(encoding.codec)
        except UnicodeEncodeError as e:
            raise TextError(f"cannot write {e.object[e.start]!r} in {encoding}") from None
        self._stream.write(data)

    def finish(self) -> None:
        """Write the BOM of an input that had nothing else, so it too round-trips."""
        self._start(self._encoding())

    def _start(self, encoding: TextEncoding) -> None:
        if not self._started:
            self._started = True
            self._stream.write(encoding.bom)


class AtomicFile:
    """A binary file that appears at `path` complete or not at all.

    Written to a temporary file in the same folder, then flushed, fsynced and renamed over `path`
    on `commit()`; `discard()` (or an exception or Ctrl-C inside a `with` block) removes it and
    leaves `path` as it was. Temporary names are ".{name}.{tag}.{8 random characters}.tmp":
    `tag` (letters and digits) lets whoever chose it find the files a killed run left, and
    only those (tag_of). A symlink at `path` is kept: its target is replaced. The replaced
    file's mode, owner and group are kept (its other hard links keep the old content: the new
    file is a new inode).
    """

    def __init__(self, path: Path, tag: str = "t"):
        if not tag.isalnum():
            raise ValueError(f"a temporary file's tag is letters and digits, got {tag!r}")
        self.path = Path(os.path.realpath(path))
        fd, temp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.{tag}.", suffix=".tmp"
        )
        self._temp = Path(temp)
        self.stream: BinaryIO = os.fdopen(fd, "wb")

    @staticmethod
    def tag_of(name: str) -> str | None:
        """The tag in `name` if it has the form of an AtomicFile's temporary name, else None."""
        if not (name.startswith(".") and name.endswith(".tmp")):
            return None
        parts = name[1:-4].rsplit(".", 2)
        return parts[1] if len(parts) == 3 and parts[0] and len(parts[2]) == 8 else None

    @staticmethod
    def temporary_name(name: str, tag: str = "t") -> str:
        """A temporary name of the form tag_of recognises, for a writer that cannot use mkstemp
        (a remote filesystem, store_remotely)."""
        return f".{name}.{tag}.{secrets.token_hex(4)}.tmp"

    def commit(self) -> None:
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            _take_over_metadata(self._temp, self.path)
            os.replace(self._temp, self.path)
        except BaseException:
            self.discard()
            raise
        _fsync_folder(self.path.parent)

    def discard(self) -> None:
        # Flushing what is left may fail (a full disk): the file goes anyway.
        with contextlib.suppress(OSError):
            self.stream.close()
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


class DirectFile:
    """Writes straight into a FIFO, device or terminal, which cannot be replaced by renaming.

    Same interface as AtomicFile; what was written cannot be taken back.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.stream: BinaryIO = open(path, "wb")  # noqa: SIM115 (closed on commit or discard)

    def commit(self) -> None:
        self.stream.close()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()


def open_output(path: Path) -> AtomicFile | DirectFile:
    """Where a whole output goes: a regular file is replaced atomically, anything else (a FIFO,
    /dev/null, a terminal) is written through. OSError when that is impossible (no folder, a
    directory, no permission)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = stat.S_IFREG
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    return AtomicFile(path) if stat.S_ISREG(mode) else DirectFile(path)


def open_tree_output(root: Path, relative: Path, tag: str = "t") -> AtomicFile:
    """The output `relative` of a tree mirrored under `root`, its folders made as needed.

    Nothing below `root` is followed or written through: a symlink (which may lead to any of the
    user's files), a FIFO (which would block) or a device where a folder or the file belongs is
    refused with OSError naming it, before anything is made outside the tree. (`root` itself may
    be a symlink: the user named it.) `tag` marks its temporary file (AtomicFile)."""
    root.mkdir(parents=True, exist_ok=True)
    real, shown = Path(os.path.realpath(root)), root
    for i, part in enumerate(relative.parts):
        real, shown = real / part, shown / part
        last = i == len(relative.parts) - 1
        if not last:
            with contextlib.suppress(FileExistsError):
                real.mkdir()
        try:
            mode = os.lstat(real).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(mode):
            raise OSError(errno.EPERM, f"{shown} is a symlink (an output tree follows none)")
        if not (stat.S_ISREG(mode) if last else stat.S_ISDIR(mode)):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            why = "an output tree writes only regular files" if last else "not a folder"
            raise OSError(errno.EPERM, f"{shown} is {kind} ({why})")
    return AtomicFile(real, tag)


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFREG: "a file",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def store_remotely(fs, path: str, data: bytes) -> None:
    """Write a whole file on a pyarrow filesystem other than the local one so that it appears
    complete or not at all: AtomicFile's temporary name, then a move."""
    folder, name = path.rsplit("/", 1)
    fs.create_dir(folder, recursive=True)
    temporary = f"{folder}/{AtomicFile.temporary_name(name)}"
    with fs.open_output_stream(temporary) as stream:
        stream.write(data)
    fs.move(temporary, path)


def _take_over_metadata(temp: Path, path: Path) -> None:
    """Give the new file the mode, owner and group of the one it replaces (a new one gets the
    usual 0o666 & ~umask). An owner that cannot be kept is an error: the file stays as it was."""
    try:
        old = path.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        return
    new = temp.stat()
    if (new.st_uid, new.st_gid) != (old.st_uid, old.st_gid):
        try:
            os.chown(temp, old.st_uid, old.st_gid)
        except PermissionError:
            raise PermissionError(
                errno.EPERM, "cannot keep its owner and group; left unchanged", str(path)
            ) from None
    os.chmod(temp, stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; elsewhere a folder cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def private_stdin() -> BinaryIO:
    """Standard input through a reader of our own, for reading in a background thread.

    When the program ends while that thread is blocked in a read (Ctrl-C, `| head`), the
    interpreter would abort trying to lock sys.stdin.buffer; nothing at exit touches this one.
    """
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file: nothing blocks at exit
        return sys.stdin.buffer
    return open(fd, "rb", closefd=False)  # outlives this function on purpose


class Prefetcher:
    """Runs an iterator in a background thread, so a consumer can take what has already arrived.

    `batches(n)` yields lists of up to n items: it waits for the first, then adds only items that
    are already queued. A live stream is answered as it comes; a fast one is batched. At most
    `capacity` items wait in memory. An exception in the iterator is raised after its items.
    """

    _END = object()

    def __init__(self, items: Iterable, capacity: int):
        self._queue: queue.Queue = queue.Queue(maxsize=capacity)
        thread = threading.Thread(target=self._fill, args=(items,), daemon=True)
        thread.start()

    def _fill(self, items: Iterable) -> None:
        try:
            for item in items:
                self._queue.put(item)
        except BaseException as e:
            self._queue.put(_Raised(e))
        self._queue.put(self._END)

    def batches(self, size: int) -> Iterator[list]:
        done = False
        while not done:
            batch = []
            item = self._queue.get()
            while True:
                if item is self._END:
                    done = True
                    break
                if isinstance(item, _Raised):
                    yield batch
                    raise item.error
                batch.append(item)
                if len(batch) >= size:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                yield batch


@dataclass(frozen=True)
class _Raised:
    error: BaseException
