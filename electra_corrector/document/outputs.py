"""The one registry of output formats: what each is, how it is written, and which front ends
offer it. A front end builds its --format choices and help from here."""

from __future__ import annotations

from typing import NamedTuple


class OutputFormat(NamedTuple):
    name: str
    help: str
    front_ends: frozenset[str]  # "cli" (electra-correct), "ray" (electra-correct-ray)
    utf8: bool = False  # written in UTF-8 whatever the input's encoding (for programs)
    reports: bool = False  # for CI: exits 1 when it reports an edit, as --check does
    whole_run: bool = False  # one document for the whole run, written once at the end


_BOTH = frozenset({"cli", "ray"})
_CLI = frozenset({"cli"})
REGISTRY = (
    OutputFormat("text", "the corrected text (default)", _BOTH),
    OutputFormat("jsonl", "a JSON object per line, with the edits", _BOTH, utf8=True),
    OutputFormat("marked", "changes marked inline: 我跟我朋[唷→友]", _BOTH),
    OutputFormat("report", "a path:line:col line per edit", _BOTH, utf8=True),
    OutputFormat("github", "GitHub workflow commands", _CLI, utf8=True, reports=True),
    OutputFormat("json", "one JSON document", _CLI, utf8=True, reports=True, whole_run=True),
    OutputFormat("sarif", "SARIF 2.1.0", _CLI, utf8=True, reports=True, whole_run=True),
    OutputFormat("rdjson", "reviewdog's rdjson", _CLI, utf8=True, reports=True, whole_run=True),
    OutputFormat(
        "parquet", "rows of file, line, source, text, edits", frozenset({"ray"}), utf8=True
    ),
)
FORMATS = {f.name: f for f in REGISTRY}

# The formats written a line at a time, for each line of the input (render.renderer).
LINE_FORMATS = tuple(f.name for f in REGISTRY if not f.reports and f.front_ends == _BOTH)
FINDING_FORMATS = tuple(f.name for f in REGISTRY if f.reports)
DOCUMENT_FORMATS = tuple(f.name for f in REGISTRY if f.whole_run)
UTF8_FORMATS = tuple(f.name for f in REGISTRY if f.utf8)


def offered(front_end: str) -> tuple[str, ...]:
    return tuple(f.name for f in REGISTRY if front_end in f.front_ends)


def help_text(front_end: str) -> str:
    """`name: what it is` for each format `front_end` offers, for --format's help."""
    return "; ".join(f"{f.name}: {f.help}" for f in REGISTRY if front_end in f.front_ends)
