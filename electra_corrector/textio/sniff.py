"""Whether bytes that are not UTF-8 can be trusted to be GB18030 Chinese text.

GB18030 decodes almost any byte pairs, so decoding without an error proves nothing: Big5, EUC-KR
and EUC-JP text, and UTF-8 with a stray byte, all "decode" to other characters. What gives them
away is the result: Chinese text is made mostly of a few common characters, while those decode to
rare characters, kana or private-use code points. GB18030 is accepted only on that evidence.
"""

from __future__ import annotations

import codecs
from functools import lru_cache

from electra_corrector.models.assets import asset_path

# Share of non-ASCII characters that must be common characters or CJK punctuation. Measured on
# SIGHAN-15 sentences (GB18030) and random EUC-KR text: at 16 characters and more, 0.1% of
# Chinese lines fall below it and no Korean line reaches it; shorter samples must be all common.
MIN_COMMON_SHARE = 0.8
MIN_SAMPLE = 16


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(asset_path("common_hanzi.txt").read_text(encoding="utf-8").replace("\n", ""))


def _is_common(ch: str) -> bool:
    cp = ord(ch)
    # General punctuation (“”…—), CJK punctuation (。、「」) and full-width forms (，！０Ａ).
    punctuation = 0x2000 <= cp <= 0x206F or 0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF
    return punctuation or ch in _common()


def why_not_gb18030(data: bytes) -> str | None:
    """None when `data` (the start of an input that is not UTF-8; it may end inside a character)
    reads as GB18030 Chinese; otherwise why not, for the user."""
    if _looks_like_broken_utf8(data):
        return "not valid UTF-8 (a stray byte in UTF-8 text?)"
    # Bytes GB18030 cannot decode at all are left to the reader, which names their line.
    others = [ch for ch in _decode_start(data, "gb18030") if not ch.isascii() and ch != "\ufffd"]
    common = sum(map(_is_common, others))
    if len(others) < MIN_SAMPLE:
        enough = 0 < common == len(others)
    else:
        enough = common >= MIN_COMMON_SHARE * len(others)
    if not enough:
        return "neither UTF-8 nor recognisably GB18030 Chinese (Big5, EUC-KR, EUC-JP?)"
    return None


def _looks_like_broken_utf8(data: bytes) -> bool:
    """More well-formed multi-byte UTF-8 characters than bad bytes: UTF-8 with a few bad bytes.

    GB18030 text almost never forms a valid UTF-8 sequence, so its count stays near zero.
    """
    decoded = _decode_start(data, "utf-8")
    bad = decoded.count("\ufffd")
    return sum(not ch.isascii() for ch in decoded) - bad > bad


def _decode_start(data: bytes, codec: str) -> str:
    """Decode, leaving out a character cut off at the end; bad bytes become U+FFFD."""
    return codecs.getincrementaldecoder(codec)(errors="replace").decode(data, final=False)
