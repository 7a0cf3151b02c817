"""Zips for the tests of the formats that are zips (Word documents, EPUB books)."""

from __future__ import annotations

import io
import zipfile


def zip_of(entries: dict[str, bytes | str], deflated: bool = False) -> bytes:
    """A zip of `entries` in their order, stored or deflated; a `mimetype` member is always
    stored, as EPUB requires."""
    method = zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else method)
    return buffer.getvalue()


def members(data: bytes) -> list[tuple[str, int, bytes]]:
    """Each member's name, compression method and uncompressed bytes, in the zip's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, i.compress_type, z.read(i)) for i in z.infolist()]
