"""Which characters are which: those the corrector may touch, those that end a sentence."""

# The marks that end a sentence: windows (alignment.py) and training sentences (training/corpus.py)
# are both cut after them.
SENTENCE_MARKS = "。！？；!?;"
# Windows and the trigram context (charlm.py) also stop at an ellipsis and a line break. Training
# sentences do not stop at …: the dev rule (training/splits.py) hashes them as they were first cut.
SENTENCE_ENDS = frozenset(SENTENCE_MARKS + "…\n")

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
