"""The report formats CI tools read, through the real console script: --format json, sarif and
rdjson (one document a run, each validated against its schema in tests/data) and github
(workflow commands, escaped as the Actions toolkit does). Each exits 1 when it reports an edit.

The hand-set model corrects exactly one typo, 唷 -> 友, so every expected edit is known.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

from electra_corrector.document.reports import _escape_data, _escape_property
from tests.test_cli_workflows import CLEAN, FIX, TYPO, run

pytestmark = pytest.mark.slow  # subprocess CLI runs of each report format

DATA = Path(__file__).parent / "data"
# A character outside the BMP before the typo: one code point, two UTF-16 units, four UTF-8 bytes.
DIRTY = "第一行没有错。\n😀我跟我朋唷打算去法国玩儿。朋唷们好\n"


def validate(document: dict, schema: str) -> None:
    schema = json.loads((DATA / schema).read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(document)


def typos(text: str) -> list[tuple[int, str]]:
    """(line number, the line's text before the typo) of each typo, to count columns from."""
    return [
        (number, line[:column])
        for number, line in enumerate(text.splitlines(), 1)
        for column, char in enumerate(line)
        if char == TYPO
    ]


@pytest.fixture(scope="module")
def tree(tmp_path_factory, typo_model_dir):
    root = tmp_path_factory.mktemp("findings")
    (root / "docs").mkdir()
    (root / "docs" / "dirty 朋.txt").write_text(DIRTY, encoding="utf-8")
    (root / "docs" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    return root, ("--model", typo_model_dir)


def test_json_is_one_document_of_files_edits_and_summary(tree):
    root, model = tree
    dirty, clean = "docs/dirty 朋.txt", "docs/clean.txt"
    status, out, err = run("--format", "json", dirty, clean, "missing.txt", *model, cwd=root)
    assert status == 1
    assert err == "electra-correct: missing.txt: No such file or directory\n"
    document = json.loads(out)
    validate(document, "report.schema.json")
    assert [f["path"] for f in document["files"]] == [dirty, clean]
    edits = document["files"][0]["edits"]
    assert [(e["line"], e["column"], e["offset"]) for e in edits] == [
        (number, len(before) + 1, len(before)) for number, before in typos(DIRTY)
    ]
    assert {(e["wrong"], e["right"]) for e in edits} == {(TYPO, FIX)}
    assert all(0 < e["score"] <= 1 and "probability" in e["evidence"] for e in edits)
    assert document["files"][1]["edits"] == []
    assert document["failed"] == ["missing.txt: No such file or directory"]
    assert document["summary"] == {"files": 2, "files_with_edits": 1, "edits": 2, "failed": 1}
    assert (root / "docs" / "dirty 朋.txt").read_text(encoding="utf-8") == DIRTY  # reported only


def test_sarif_validates_and_gives_utf16_regions_levels_and_fixes(tree):
    root, model = tree
    status, out, err = run("--format", "sarif", "--input-dir", "docs", *model, cwd=root)
    assert (status, err) == (1, "electra-correct: 1 of 2 files would be corrected, 0 failed\n")
    log = json.loads(out)
    validate(log, "sarif-2.1.0.schema.json")
    (sarif_run,) = log["runs"]
    assert sarif_run["columnKind"] == "utf16CodeUnits"
    assert sarif_run["invocations"][0]["executionSuccessful"] is True
    rules = sarif_run["tool"]["driver"]["rules"]
    expected = [
        (number, len(before.encode("utf-16-le")) // 2 + 1) for number, before in typos(DIRTY)
    ]
    found = []
    for result in sarif_run["results"]:
        assert result["ruleId"] == rules[result["ruleIndex"]]["id"]
        assert result["level"] == "error"  # the hand-set model is sure
        location = result["locations"][0]["physicalLocation"]
        assert unquote(location["artifactLocation"]["uri"]) == "docs/dirty 朋.txt"
        assert " " not in location["artifactLocation"]["uri"]  # a URI, percent-encoded
        region = location["region"]
        assert region["endColumn"] == region["startColumn"] + 1
        found.append((region["startLine"], region["startColumn"]))
        (change,) = result["fixes"][0]["artifactChanges"]
        (replacement,) = change["replacements"]
        assert replacement == {"deletedRegion": region, "insertedContent": {"text": FIX}}
    assert found == expected
    assert expected[0][1] == len("😀我跟我朋") + 2  # the emoji takes two UTF-16 units


def test_rdjson_validates_with_utf8_byte_columns_and_suggestions(tree):
    root, model = tree
    status, out, _ = run("--format", "rdjson", "docs/dirty 朋.txt", *model, cwd=root)
    assert status == 1
    result = json.loads(out)
    validate(result, "rdjson.schema.json")
    lines = DIRTY.encode("utf-8").splitlines()
    spans = []
    for diagnostic in result["diagnostics"]:
        assert diagnostic["location"]["path"] == "docs/dirty 朋.txt"
        span = diagnostic["location"]["range"]
        line = lines[span["start"]["line"] - 1]
        assert line[span["start"]["column"] - 1 : span["end"]["column"] - 1] == TYPO.encode()
        assert diagnostic["suggestions"] == [{"range": span, "text": FIX}]
        assert diagnostic["severity"] == "ERROR"
        spans.append((span["start"]["line"], span["start"]["column"]))
    assert spans == [(n, len(before.encode()) + 1) for n, before in typos(DIRTY)]


def _commands(out: bytes) -> list[tuple[str, dict, str]]:
    """(command, properties, message) of each `::command k=v,k=v::message` line, unescaped."""
    parsed = []
    for line in out.decode("utf-8").splitlines():
        assert line.startswith("::")
        head, text = line[2:].split("::", 1)
        command, shown = head.split(" ", 1)
        pairs = (item.split("=", 1) for item in shown.split(","))
        parsed.append((command, {k: unquote(v) for k, v in pairs}, unquote(text)))
    return parsed


def test_github_commands_escape_names_with_commas_colons_and_newlines(tree):
    root, model = tree
    names = ["a,b:c.txt", "new\nline%.txt"]
    for name in names:
        (root / name).write_text(DIRTY, encoding="utf-8")
    status, out, _ = run("--format", "github", *names, *model, cwd=root)
    assert status == 1
    commands = _commands(out)  # a name's comma, colon or newline would break this parse
    assert [(props["file"], int(props["line"]), int(props["col"])) for _, props, _ in commands] == [
        (name, number, len(before) + 1) for name in names for number, before in typos(DIRTY)
    ]
    assert b"file=a%2Cb%3Ac.txt," in out and b"file=new%0Aline%25.txt," in out
    assert {command for command, _, _ in commands} == {"error"}
    assert all(text.startswith(f"{TYPO} -> {FIX}") for _, _, text in commands)


def test_github_escaping_follows_the_actions_toolkit():
    assert _escape_data("50% 对\r\n下一行: a,b") == "50%25 对%0D%0A下一行: a,b"
    assert _escape_property("50% 对\r\n下一行: a,b") == "50%25 对%0D%0A下一行%3A a%2Cb"


@pytest.mark.parametrize("shape", ["json", "sarif", "rdjson", "github"])
def test_nothing_found_exits_0_with_an_empty_report(tree, shape):
    root, model = tree
    status, out, err = run("--format", shape, *model, cwd=root, stdin=CLEAN.encode())
    assert (status, err) == (0, "")
    if shape == "github":
        assert out == b""
        return
    document = json.loads(out)
    if shape == "json":
        validate(document, "report.schema.json")
        assert document["files"] == [{"path": "-", "edits": []}]
    elif shape == "sarif":
        validate(document, "sarif-2.1.0.schema.json")
        assert document["runs"][0]["results"] == []
    else:
        validate(document, "rdjson.schema.json")
        assert document["diagnostics"] == []


def test_report_formats_refuse_outputs_they_do_not_write(tmp_path):
    for argv, why in (
        (("--format", "sarif", "--input-dir", ".", "--output-dir", "out"), "one UTF-8 report"),
        (("--format", "json", "--output-encoding", "gbk", "x.txt"), "one UTF-8 report"),
        (("--format", "github", "--in-place", "x.txt"), "--format must be text"),
    ):
        status, out, err = run(*argv, cwd=tmp_path)
        assert (status, out) == (2, b""), argv
        last = err.splitlines()[-1]
        assert last.startswith("electra-correct: error: ") and why in last, argv
