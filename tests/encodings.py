"""Every input encoding the tool detects, as functions from text to the bytes of a file."""

from __future__ import annotations

import codecs

ENCODINGS = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8 with BOM": lambda s: s.encode("utf-8-sig"),
    "utf-16-le with BOM": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-16-be with BOM": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    "gb18030": lambda s: s.encode("gb18030"),
    "gbk": lambda s: s.encode("gbk"),
}
