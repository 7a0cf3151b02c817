"""LanguageTool's HTTP API, as its clients read it: the parameters of /v2/check, annotated text
(`data`), and the shapes of its answers. Offsets and lengths count UTF-16 code units, as
LanguageTool (Java) counts them."""

from __future__ import annotations

import json
from collections.abc import Mapping

from electra_corrector import __version__
from electra_corrector.document.correcting import Checked
from electra_corrector.document.findings import Finding, length

LANGUAGES = ("zh-CN", "zh", "auto")  # what we check; any other language gets no matches
RULE = {
    "id": "ELECTRA_CORRECT_MISSPELLING",
    "description": "Likely a wrong character (electra-correct)",
    "issueType": "misspelling",
    "category": {"id": "TYPOS", "name": "Possible Typo"},
}
LEVELS = ("default", "picky")
CONTEXT = 40  # code points shown each side of a match, about what LanguageTool shows
SOFTWARE = {
    "name": "electra-correct",
    "version": __version__,
    "buildDate": "",
    "apiVersion": 1,
    "premium": False,
    "status": "",
}


class BadRequest(ValueError):
    """A parameter or body LanguageTool would refuse: answered 400 with this message."""


class Check:
    """The parameters of one /v2/check call."""

    def __init__(self, params: Mapping[str, str]):
        self.language = params.get("language", "")
        if not self.language:
            raise BadRequest("missing parameter 'language'")
        if ("text" in params) == ("data" in params):
            raise BadRequest("give exactly one of the parameters 'text' and 'data'")
        if "text" in params:
            self.text, self.markup = params["text"], []
        else:
            self.text, self.markup = annotated(params["data"])
        self.level = params.get("level", "default")
        if self.level not in LEVELS:
            raise BadRequest(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        rules = _names(params.get("disabledRules"))
        categories = _names(params.get("disabledCategories"))
        enabled_only = params.get("enabledOnly", "false") == "true"
        self.checked = (
            self.language in LANGUAGES
            and RULE["id"] not in rules
            and RULE["category"]["id"] not in categories
            and (not enabled_only or RULE["id"] in _names(params.get("enabledRules")))
        )


def _names(value: str | None) -> set[str]:
    return {name.strip() for name in (value or "").split(",") if name.strip()}


def annotated(data: str) -> tuple[str, list[tuple[int, int]]]:
    """The whole document of LanguageTool's annotated text, markup included (offsets count it),
    and the markup parts' spans in it (code points), never checked."""
    try:
        parts = json.loads(data)["annotation"]
    except (ValueError, TypeError, KeyError):
        raise BadRequest("'data' must be JSON of the form {\"annotation\": [...]}") from None
    if not isinstance(parts, list):
        raise BadRequest("'annotation' must be a list")
    pieces, markup, at = [], [], 0
    for part in parts:
        if not isinstance(part, dict):
            raise BadRequest("each annotation part must be an object")
        if isinstance(part.get("text"), str):
            piece = part["text"]
        elif isinstance(part.get("markup"), str):
            piece = part["markup"]
            markup.append((at, at + len(piece)))
        else:
            raise BadRequest("each annotation part needs a string 'text' or 'markup'")
        pieces.append(piece)
        at += len(piece)
    return "".join(pieces), markup


def matches(checked: Checked, level: str) -> list[dict]:
    """The LanguageTool matches of `checked`'s findings; "default" leaves out the least sure
    (level "note"), as LanguageTool keeps its picky rules for level=picky."""
    return [
        _match(checked, finding)
        for finding in checked.findings
        if level == "picky" or finding.level != "note"
    ]


def _match(checked: Checked, finding: Finding) -> dict:
    text, edit = checked.source, finding.edit
    start = checked.offset(finding)  # code points, for slicing
    line_start = checked.line_starts[finding.line - 1]
    line_end = text.find("\n", line_start)
    sentence = text[line_start : line_end if line_end >= 0 else len(text)].rstrip("\r")
    before = max(0, start - CONTEXT)
    context = text[before : start + len(edit.wrong) + CONTEXT]
    return {
        "message": f"Possible typo: {edit.wrong} → {edit.right} (score {edit.score:.2f})",
        "shortMessage": "Spelling mistake",
        "replacements": [{"value": edit.right}],
        "offset": checked.offset(finding, "utf16"),
        "length": length(edit.wrong, "utf16"),
        "context": {
            "text": context,
            "offset": length(text[before:start], "utf16"),
            "length": length(edit.wrong, "utf16"),
        },
        "sentence": sentence,
        "type": {"typeName": "UnknownWord"},
        "rule": RULE,
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def answer(language: str, found: list[dict]) -> dict:
    """The body of a /v2/check answer."""
    code = "zh-CN" if language in LANGUAGES else language
    name = "Chinese" if language in LANGUAGES else language
    detected = {"name": name, "code": code, "confidence": 1.0}
    return {
        "software": SOFTWARE,
        "warnings": {"incompleteResults": False},
        "language": {"name": name, "code": code, "detectedLanguage": detected},
        "matches": found,
    }


def languages() -> list[dict]:
    """/v2/languages: what we check."""
    return [{"name": "Chinese", "code": "zh", "longCode": "zh-CN"}]
