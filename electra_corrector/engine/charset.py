"""Which characters the corrector may touch."""

# CJK Unified Ideographs and their extensions: the only characters ever replaced.
_CJK_RANGES = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EBEF),
    (0x30000, 0x323AF),
    (0xF900, 0xFAFF),
)


def is_cjk(ch: str) -> bool:
    """True for a single CJK ideograph (not punctuation, kana or full-width forms)."""
    if len(ch) != 1:
        return False
    cp = ord(ch)
    if 0x4E00 <= cp <= 0x9FFF:  # the common case, first
        return True
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)
