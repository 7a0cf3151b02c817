"""Readers for SIGHAN .sgml, TSV and JSONL evaluation data."""

import json
import sys

import pytest

from electra_corrector.evaluation.datasets import DatasetError, load_dataset

# Both SGML layouts of the shared data: TEXT on its own indented line (test13-15) and inline
# (train14/15), a sentence without MISTAKE, two MISTAKEs, and a WRONG that is not at its LOCATION.
SGML = """<SENTENCE>
  <TEXT>
    下个星期，我跟我朋唷打算去法国玩儿。
  </TEXT>
  <MISTAKE>
   <LOCATION>10</LOCATION>
    <WRONG>唷</WRONG>
    <CORRECTION>友</CORRECTION>
  </MISTAKE>
</SENTENCE>

<SENTENCE>
   <TEXT>敬祝身体建慷。</TEXT>
    <MISTAKE>
        <LOCATION>5</LOCATION>
        <WRONG>建</WRONG>
        <CORRECTION>健</CORRECTION>
    </MISTAKE>
    <MISTAKE>
        <LOCATION>6</LOCATION>
        <WRONG>慷</WRONG>
        <CORRECTION>康</CORRECTION>
    </MISTAKE>
</SENTENCE>
<SENTENCE>
   <TEXT>我很高兴。</TEXT>
</SENTENCE>
<SENTENCE>
   <TEXT>都有一翻不可告人的悲剧。</TEXT>
    <MISTAKE>
        <LOCATION>5</LOCATION>
        <WRONG>翻</WRONG>
        <CORRECTION>番</CORRECTION>
    </MISTAKE>
</SENTENCE>
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sgml_applies_corrections_and_names_a_misplaced_wrong(tmp_path):
    data = load_dataset(write(tmp_path, "test.sgml", SGML))
    assert data.format == "sgml"
    assert data.pairs == [
        ("下个星期，我跟我朋唷打算去法国玩儿。", "下个星期，我跟我朋友打算去法国玩儿。"),
        ("敬祝身体建慷。", "敬祝身体健康。"),
        ("我很高兴。", "我很高兴。"),
    ]
    [message] = data.rejected
    assert message == f"{tmp_path / 'test.sgml'}:30: LOCATION 5 holds '不', but WRONG says '翻'"


@pytest.mark.parametrize(
    ("mistake", "problem"),
    [
        (
            "<LOCATION>9</LOCATION><WRONG>是</WRONG><CORRECTION>事</CORRECTION>",
            "outside the 4-character TEXT",
        ),
        ("<LOCATION>1</LOCATION><WRONG>我</WRONG><CORRECTION></CORRECTION>", "not a substitution"),
    ],
)
def test_sgml_mistake_that_cannot_apply_is_rejected(tmp_path, mistake, problem):
    text = f"<SENTENCE><TEXT>我很高兴</TEXT><MISTAKE>{mistake}</MISTAKE></SENTENCE>"
    data = load_dataset(write(tmp_path, "x.sgml", text))
    assert data.pairs == []
    assert problem in data.rejected[0]


def test_sgml_without_sentences_is_a_format_error(tmp_path):
    with pytest.raises(DatasetError, match="no <SENTENCE>"):
        load_dataset(write(tmp_path, "x.sgml", "<ESSAY></ESSAY>"))


def test_tsv_rejects_unequal_lengths_by_file_and_line(tmp_path):
    path = write(
        tmp_path, "x.tsv", "对不气\t对不起\n\n我很高兴\t我很高兴啊\n真麻烦你了\t真麻烦你了\n"
    )
    data = load_dataset(path)
    assert data.pairs == [("对不气", "对不起"), ("真麻烦你了", "真麻烦你了")]
    assert data.rejected == [f"{path}:3: source has 4 characters, target 5"]
    assert len(data.sha1) == 40


def test_tsv_line_without_a_tab_is_a_format_error(tmp_path):
    with pytest.raises(DatasetError, match=r"x\.tsv:2: expected source<TAB>target"):
        load_dataset(write(tmp_path, "x.tsv", "对不气\t对不起\n对不起\n"))


def test_jsonl_reads_source_and_target(tmp_path):
    lines = [{"source": "对不气", "target": "对不起", "id": 7}, {"source": "我", "target": "我"}]
    path = write(tmp_path, "x.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in lines))
    assert load_dataset(path).pairs == [("对不气", "对不起"), ("我", "我")]


@pytest.mark.parametrize("line", ['{"source": "对不气"}', "[1, 2]", "{not json"])
def test_jsonl_bad_record_is_a_format_error(tmp_path, line):
    with pytest.raises(DatasetError, match=r"x\.jsonl:1: "):
        load_dataset(write(tmp_path, "x.jsonl", line + "\n"))


def test_explicit_format_overrides_the_extension(tmp_path):
    path = write(tmp_path, "pairs.txt", "对不气\t对不起\n")
    with pytest.raises(DatasetError, match="cannot tell the format"):
        load_dataset(path)
    assert load_dataset(path, format="tsv").pairs == [("对不气", "对不起")]


def test_unreadable_file_is_a_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match="cannot read"):
        load_dataset(tmp_path / "missing.tsv")
    (tmp_path / "latin1.tsv").write_bytes("caf\xe9\tcafe\n".encode("latin-1"))
    with pytest.raises(DatasetError, match="not UTF-8"):
        load_dataset(tmp_path / "latin1.tsv")


def test_t2s_converts_source_and_target(tmp_path):
    pytest.importorskip("opencc")
    path = write(tmp_path, "x.tsv", "這個問提很難\t這個問題很難\n")
    data = load_dataset(path, t2s=True)
    assert data.pairs == [("这个问提很难", "这个问题很难")]


def test_t2s_skips_a_pair_whose_length_changes(tmp_path, monkeypatch):
    import electra_corrector.evaluation.datasets as datasets

    # A stand-in converter that changes the length of one side only, as phrase rules can.
    monkeypatch.setattr(datasets, "simplifier", lambda: lambda s: s.replace("乾隆", "隆"))
    path = write(tmp_path, "x.tsv", "乾隆年间\t干隆年间\n对不气\t对不起\n")
    data = load_dataset(path, t2s=True)
    assert data.pairs == [("对不气", "对不起")]
    assert data.rejected == [f"{path}:1: traditional to simplified conversion changed the length"]


def test_t2s_without_opencc_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "opencc", None)  # makes `import opencc` fail
    with pytest.raises(DatasetError, match="pip install opencc"):
        load_dataset(write(tmp_path, "x.tsv", "對不氣\t對不起\n"), t2s=True)
