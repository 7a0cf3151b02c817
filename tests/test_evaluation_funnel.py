"""The recall funnel and pycorrector's sentence metric, on hand-made cases whose every stage is
known, and electra-correct-eval --funnel on the hand-set model."""

import json

import pytest

from electra_corrector.engine.result import Proposal
from electra_corrector.evaluation.cli import main
from electra_corrector.evaluation.funnel import STAGES, funnel
from electra_corrector.evaluation.metrics import Scores, compute_metrics
from tests.test_evaluation_cli import data_file, handset_dir  # noqa: F401 (fixtures)


def proposal(offset, wrong, right):
    return Proposal(offset, wrong, right, probability=0.9, gain=1.0, score=0.5)


def test_each_gold_edit_is_counted_at_the_first_stage_that_loses_it():
    table = {("门", "们"), ("在", "再"), ("气", "起"), ("做", "作"), ("的", "地")}
    pairs = [
        ("我门在试", "我们再试"),  # 门→们 accepted; 在→再 proposed, rejected
        ("对不气", "对不起"),  # not flagged
        ("做业", "作业"),  # flagged, only 左 proposed: not among the candidates
        ("乌鸦", "乌鸭"),  # 鸦→鸭 not in the table
        ("好的", "好的"),  # no gold edit: an over-correction is not the funnel's business
    ]
    proposals = [
        [proposal(1, "门", "们"), proposal(2, "在", "再"), proposal(2, "在", "载")],
        [],
        [proposal(0, "做", "左")],
        [proposal(1, "鸦", "鸭")],
        [proposal(1, "的", "地")],
    ]
    predictions = ["我们在试", "对不气", "做业", "乌鸭", "好地"]
    result = funnel(pairs, proposals, predictions, lambda w, r: (w, r) in table)
    assert result.total == 5
    assert result.counts == dict(zip(STAGES, [1, 1, 1, 1, 1], strict=True))
    assert result.examples["accepted"] == [("我门在试", 1, "门", "们")]
    assert result.examples["rejected by the accept rule"] == [("我门在试", 2, "在", "再")]
    assert result.examples["not in the confusion table"] == [("乌鸦", 1, "鸦", "鸭")]
    stages = result.to_dict()["stages"]
    assert stages["not flagged"]["share"] == pytest.approx(0.2)
    assert "对不[气→起]" in result.describe()
    # per confusion: 在→再 is the named 在/再 group, listed first; the others by their two chars
    pairs = result.to_dict()["pairs"]
    assert next(iter(pairs)) == "在/再"
    assert pairs["在/再"]["rejected by the accept rule"] == 1
    assert pairs["们/门"]["accepted"] == 1 and pairs["作/做"]["not among the candidates"] == 1
    assert "在/再" in result.describe().split("by confusion")[1]


def test_pycorrector_metric_counts_a_wrong_fix_as_a_miss_only():
    m = compute_metrics(
        ["我门", "他再家", "好的", "很好"],
        ["我们", "他在家", "好的", "很好"],
        ["我们", "他载家", "好地", "很好"],  # fixed, wrongly fixed, over-corrected, left alone
    )
    assert m.pycorrector == Scores(tp=1, predicted=2, gold=2)  # the wrong fix is no FP here
    assert m.sentence_correction == Scores(tp=1, predicted=3, gold=2)
    assert m.to_dict()["pycorrector_sentence"]["precision"] == pytest.approx(0.5)


def test_eval_funnel_on_the_handset_model(handset_dir, data_file, capsys):  # noqa: F811
    assert main([str(data_file), "--model", str(handset_dir), "--funnel", "--json"]) == 0
    [run] = json.loads(capsys.readouterr().out)["results"]
    stages = run["funnel"]["stages"]
    # 唷→友 is flagged, proposed and taken; 气→起 is never flagged by the hand-set model
    assert stages["accepted"]["count"] == 1
    assert stages["accepted"]["examples"][0]["wrong"] == "唷"
    assert run["funnel"]["gold_edits"] == 2
    assert stages["not flagged"]["count"] + stages["not in the confusion table"]["count"] == 1
    assert "pycorrector_sentence" in run["metrics"]
    assert main([str(data_file), "--model", str(handset_dir), "--funnel"]) == 0
    assert "funnel of 2 gold character edits" in capsys.readouterr().out
