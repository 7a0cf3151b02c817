"""Reports are never stale or split: a report document written with -o is complete even when
an input cannot be read (the failure recorded in it), and a file name with a newline stays on
its one report line."""

from __future__ import annotations

import json
import re


def test_a_report_file_is_written_whole_with_the_failure_recorded(correct, tmp_path):
    good, report = tmp_path / "good.txt", tmp_path / "report.sarif"
    good.write_text("我跟朋唷打算去法国。\n", encoding="utf-8")
    report.write_text("an old report\n", encoding="utf-8")
    status, _, err = correct("--format", "sarif", "-o", report, good, tmp_path / "missing.txt")
    assert status == 1 and "missing.txt" in err
    [run] = json.loads(report.read_text(encoding="utf-8"))["runs"]
    [notification] = run["invocations"][0]["toolExecutionNotifications"]
    assert "missing.txt" in notification["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is False
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in run["results"]]
    assert [(r["startLine"], r["startColumn"]) for r in regions] == [(1, 4)]


def test_corrected_text_to_one_file_still_appears_only_when_every_input_was_read(correct, tmp_path):
    good, out = tmp_path / "good.txt", tmp_path / "out.txt"
    good.write_text("我跟朋唷打算去法国。\n", encoding="utf-8")
    status, _, _ = correct("-o", out, good, tmp_path / "missing.txt")
    assert status == 1 and not out.exists()


def test_a_file_name_with_a_newline_is_quoted_on_its_report_line(correct, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "a\nb.txt"
    (tmp_path / name).write_text("我跟朋唷打算去法国。\n", encoding="utf-8")
    status, out, err = correct("--check", name)
    assert status == 1, err
    assert re.fullmatch(r'"a\\nb\.txt":1:4: 唷 -> 友 \(\d\.\d\d\)\n', out.decode("utf-8"))
