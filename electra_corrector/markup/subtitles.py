"""Subtitles: only the text of each cue is prose. SRT and WebVTT: cue numbers and identifiers,
timing lines with their settings, the WebVTT header and NOTE, STYLE and REGION blocks, tags
(`<i>`, `<c.yellow>`, `<00:01.000>`), `{\\an8}`-style overrides and character references are
never edited. ASS/SSA: only the Text field of Dialogue lines, without its override blocks
`{\\...}` and escapes (`\\N`, `\\h`)."""

from __future__ import annotations

import re

from electra_corrector.markup.masking import Range

EXTENSIONS = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ass"}
_TIMING = re.compile(r"\s*(\d+:)?\d+:\d+[,.]\d+\s*-->")
_MARKUP = re.compile(r"<[^>]*>|\{[^}]*\}|&[#\w]*;")
_ASS_MARKUP = re.compile(r"\{[^}]*\}|\\[Nnh]")


def _cue_text(text: str) -> list[Range]:
    """A line of cue text: its tags, overrides and references protected."""
    return [m.span() for m in _MARKUP.finditer(text)]


def cue_lines(bodies: list[str]) -> list[list[Range]]:
    """SRT and WebVTT alike: a cue's text is the lines after its timing line, up to a blank
    line; numbers, identifiers, the header and NOTE, STYLE and REGION blocks are not."""
    result, in_cue = [], False
    for body in bodies:
        if not body.strip():
            in_cue = False
            result.append([])
        elif in_cue:
            result.append(_cue_text(body))
        else:  # a cue number or identifier, a timing line, or anything outside a cue
            in_cue = bool(_TIMING.match(body))
            result.append([(0, len(body))])
    return result


def ass_lines(bodies: list[str]) -> list[list[Range]]:
    """The [Events] section's Format line says which field is Text (the last, the 10th by
    default); it may hold commas, the fields before it cannot."""
    result, text_field = [], 9
    for body in bodies:
        whole = [(0, len(body))]
        key, _, value = body.partition(":")
        key = key.strip().lower()
        if key == "format" and "text" in value.lower():
            fields = [f.strip().lower() for f in value.split(",")]
            text_field = fields.index("text") if "text" in fields else text_field
        if key != "dialogue":
            result.append(whole)
            continue
        start, commas = len(key) + 1, 0
        while commas < text_field:
            comma = body.find(",", start)
            if comma < 0:
                break
            start, commas = comma + 1, commas + 1
        if commas < text_field:  # too few fields: not a line we understand
            result.append(whole)
            continue
        text = body[start:]
        spans = [(start + a, start + b) for a, b in (m.span() for m in _ASS_MARKUP.finditer(text))]
        result.append([(0, start), *spans])
    return result


SCANNERS = {"srt": cue_lines, "vtt": cue_lines, "ass": ass_lines}
