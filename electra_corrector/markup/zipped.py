"""Zip containers (Word documents, EPUB books), read safely and written back with only the
edited members changed.

Refused, with a one-line reason (ContainerError) before anything is written: a file that is no
zip or a truncated or damaged one (every member's checksum is checked up front), a member's name
that leads outside the container (`../x`, `/x`, `C:x`, `a\\b`) or comes twice, encrypted
members, members that inflate past MAX_MEMBER (a zip bomb). Written back, every member keeps its
place, order, name, time, compression and attributes, the unedited ones their bytes; a container
without edits is the input's bytes.
"""

from __future__ import annotations

import io
import shutil
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import BinaryIO

MAX_MEMBER = 512 * 1024 * 1024  # bytes a member may inflate to
# What zipfile raises for a damaged or unreadable zip: besides BadZipFile, NotImplementedError
# (Deflate64, a "version needed" it lacks, patched data) and ValueError (a negative seek).
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error)
_DAMAGED += (NotImplementedError, ValueError, OSError)


class ContainerError(ValueError):
    """A file that cannot be read as the container it should be; says why in one line."""


class Container:
    """The members of a zip file's bytes `data`; `kind` names it in errors ("Word document")."""

    def __init__(self, data: bytes, kind: str):
        self.data = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self._check_members()
            damaged = self.zip.testzip()
        except _DAMAGED as e:
            raise ContainerError(f"not a readable {kind} (a damaged zip: {e})") from None
        if damaged is not None:
            raise ContainerError(f"{damaged}: damaged (its checksum does not match)")

    def names(self) -> list[str]:
        return self.zip.namelist()

    def _check_members(self) -> None:
        seen = set()
        for info in self.zip.infolist():
            name = info.filename
            path = PurePosixPath(name)
            if path.is_absolute() or ".." in path.parts or "\\" in name or ":" in name:
                raise ContainerError(f"a member's name leads outside the file: {name!r}")
            if name in seen:
                raise ContainerError(f"the member {name!r} comes twice")
            seen.add(name)
            if info.flag_bits & 0x1:
                raise ContainerError(f"{name} is encrypted")
            if info.file_size > MAX_MEMBER:
                raise ContainerError(f"{name} inflates to {info.file_size} bytes (a zip bomb?)")

    def read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except _DAMAGED as e:
            raise ContainerError(f"{name}: damaged ({e})") from None

    def write(self, stream: BinaryIO, changed: dict[str, bytes]) -> None:
        """Writes the container to `stream` with the members `changed` names replaced."""
        if not changed:
            stream.write(self.data)
            return
        # Built in memory, then written: on a stream that cannot seek (a pipe) zipfile would add
        # data descriptors, which some readers of EPUB's stored mimetype refuse.
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as out:
            out.comment = self.zip.comment
            for info in self.zip.infolist():
                kept = _copied_info(info)
                if info.filename in changed:
                    out.writestr(kept, changed[info.filename])
                    continue
                with self.zip.open(info) as source, out.open(kept, "w") as target:
                    shutil.copyfileobj(source, target)
        stream.write(buffer.getvalue())


def _copied_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A member's entry as it was: name, time, compression, attributes, comment, extra fields
    (timestamps, owners; not Zip64's, which zipfile writes itself where needed)."""
    kept = zipfile.ZipInfo(info.filename, info.date_time)
    kept.extra = _without_zip64(info.extra)
    kept.create_version = info.create_version
    kept.compress_type = info.compress_type
    kept.comment = info.comment
    kept.external_attr = info.external_attr
    kept.internal_attr = info.internal_attr
    kept.create_system = info.create_system
    return kept


def _without_zip64(extra: bytes) -> bytes:
    """The extra fields but Zip64's (header id 1), which zipfile adds again itself."""
    kept, at = [], 0
    while at + 4 <= len(extra):
        size = int.from_bytes(extra[at + 2 : at + 4], "little")
        if int.from_bytes(extra[at : at + 2], "little") != 1:
            kept.append(extra[at : at + 4 + size])
        at += 4 + size
    return b"".join(kept)
