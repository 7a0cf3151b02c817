"""The edits a run finds, in the formats CI tools read: GitHub workflow commands (a line per
edit), and one document for the whole run as JSON, SARIF 2.1.0 (code scanning) or reviewdog's
rdjson. They report; no corrected text is written. Positions and levels are findings.py's.

A document is written once, when every input has been read, so a reader never sees half of one;
until then only each edit's position, characters and score are kept, never the text.
Columns count from 1 in the unit each format defines: characters (Unicode code points) in json
and github, as in report lines; UTF-16 code units in SARIF (its default `columnKind`, which is
stated); UTF-8 bytes in rdjson (reviewdog's Position).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from electra_corrector import __version__
from electra_corrector.document.findings import Finding, level, message
from electra_corrector.document.outcome import Outcome
from electra_corrector.document.outputs import DOCUMENT_FORMATS
from electra_corrector.document.render import STDIN_NAME, Output, rendered, shown_name
from electra_corrector.engine.result import Correction

TOOL = "electra-correct"
RULE = "wrong-character"
_RDJSON_SEVERITY = {"error": "ERROR", "warning": "WARNING", "note": "INFO"}
_GITHUB_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}
JSON_VERSION = 1  # of the --format json document; tests/data/report.schema.json describes it
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub workflow commands -------------------------------------------------------------------


def _escape_data(text: str) -> str:
    """A command's message, escaped as the Actions toolkit does (so a newline cannot end it)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A property value (file=, title=): also `:` and `,`, which would end it."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(correction: Correction, number: int, file: str | None) -> str:
    """`::warning file=a.md,line=3,endLine=3,col=5,endColumn=6,title=…::唷 -> 友: …` per edit."""
    where = STDIN_NAME if file is None else file
    lines = []
    for edit in correction.edits:
        found = Finding.of(correction, edit, number)
        properties = {
            "file": where,
            "line": number,
            "endLine": number,
            "col": found.column,
            "endColumn": found.end_column,
            "title": TOOL,
        }
        shown = ",".join(
            f"{key}={_escape_property(str(value))}" for key, value in properties.items()
        )
        command = _GITHUB_COMMAND[level(edit.score)]
        lines.append(f"::{command} {shown}::{_escape_data(message(edit))}\n")
    return "".join(lines)


def github_output() -> Output:
    return rendered(lambda correction, ending, number, file: github_lines(correction, number, file))


# Whole-run documents ------------------------------------------------------------------------


class Findings:
    """What a run found, file by file, written as one document by `write` at the end.

    Only inputs read through are kept (a failed input's edits are dropped with it, and its
    failure is reported in the document instead).
    """

    def __init__(self, shape: str):
        if shape not in DOCUMENT_FORMATS:
            raise ValueError(f"unknown document format {shape!r}")
        self.shape = shape
        self.files: list[tuple[str, list[Finding]]] = []

    def output(self) -> Output:
        findings = self

        class Collecting:
            def __init__(self, stream: BinaryIO, name: str | None, encoding):
                self._name = STDIN_NAME if name is None else name
                self._found: list[Finding] = []

            def write(self, correction: Correction, ending: str, number: int) -> None:
                self._found += [Finding.of(correction, e, number) for e in correction.edits]

            def finish(self) -> None:
                findings.files.append((self._name, self._found))

        return Collecting

    def write(self, stream: BinaryIO, outcome: Outcome) -> None:
        build = {"json": self._json, "sarif": self._sarif, "rdjson": self._rdjson}[self.shape]
        document = json.dumps(build(outcome), ensure_ascii=False, indent=2)
        stream.write(document.encode("utf-8") + b"\n")  # one write: all of it or nothing
        stream.flush()

    def _json(self, outcome: Outcome) -> dict:
        files = [
            {"path": shown_name(name), "edits": [_json_edit(found) for found in found_in]}
            for name, found_in in self.files
        ]
        edits = sum(len(found_in) for _, found_in in self.files)
        summary = {
            "files": len(self.files),
            "files_with_edits": sum(bool(found_in) for _, found_in in self.files),
            "edits": edits,
            "failed": len(outcome.failed),
        }
        return {
            "version": JSON_VERSION,
            "tool": {"name": TOOL, "version": __version__},
            "files": files,
            "failed": list(outcome.failed),
            "summary": summary,
        }

    def _sarif(self, outcome: Outcome) -> dict:
        results = [
            _sarif_result(found, _uri(name)) for name, found_in in self.files for found in found_in
        ]
        rule = {
            "id": RULE,
            "name": "WrongCharacter",
            "shortDescription": {"text": "A Chinese character that looks mistyped"},
            "fullDescription": {
                "text": "A character the models take for a typo of a similar-sounding or "
                "similar-looking one; the fix replaces it."
            },
            "defaultConfiguration": {"level": "warning"},
        }
        invocation = {
            "executionSuccessful": not outcome.failed,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": failure}} for failure in outcome.failed
            ],
        }
        driver = {"name": TOOL, "version": __version__, "semanticVersion": __version__}
        run = {
            "tool": {"driver": {**driver, "rules": [rule]}},
            "invocations": [invocation],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }
        return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}

    def _rdjson(self, outcome: Outcome) -> dict:
        diagnostics = [
            _rdjson_diagnostic(found, shown_name(name))
            for name, found_in in self.files
            for found in found_in
        ]
        return {"source": {"name": TOOL}, "diagnostics": diagnostics}


def _json_edit(found: Finding) -> dict:
    return {"line": found.line, "column": found.column, **found.edit.to_json()}


def _uri(name: str) -> str:
    """A SARIF artifact URI: relative paths stay relative (GitHub resolves them from the
    repository root); the bytes of the name are percent-encoded, so any name survives."""
    if name != STDIN_NAME and Path(name).is_absolute():
        return Path(os.path.abspath(name)).as_uri()
    return quote(os.fsencode(name).replace(os.sep.encode(), b"/"), safe="/")


def _sarif_result(found: Finding, uri: str) -> dict:
    edit = found.edit
    region = {
        "startLine": found.line,
        "startColumn": found.utf16,
        "endLine": found.line,
        "endColumn": found.utf16_end,
    }
    location = {"artifactLocation": {"uri": uri}, "region": region}
    fix = {
        "description": {"text": f"Replace {edit.wrong} with {edit.right}"},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": uri},
                "replacements": [
                    {"deletedRegion": region, "insertedContent": {"text": edit.right}}
                ],
            }
        ],
    }
    properties = {"score": round(edit.score, 4)}
    if edit.evidence is not None:
        properties["evidence"] = edit.evidence.to_json()
    return {
        "ruleId": RULE,
        "ruleIndex": 0,
        "level": level(edit.score),
        "message": {"text": message(edit)},
        "locations": [{"physicalLocation": location}],
        "fixes": [fix],
        "properties": properties,
    }


def _rdjson_diagnostic(found: Finding, path: str) -> dict:
    span = {
        "start": {"line": found.line, "column": found.utf8},
        "end": {"line": found.line, "column": found.utf8_end},
    }
    edit = found.edit
    return {
        "message": message(edit),
        "location": {"path": path, "range": span},
        "severity": _RDJSON_SEVERITY[level(edit.score)],
        "code": {"value": RULE},
        "suggestions": [{"range": span, "text": edit.right}],
    }
