"""electra-correct-eval end to end on a hand-set model, its failure modes, and evaluate()."""

import json

import pytest

from electra_corrector.engine.result import Correction
from electra_corrector.evaluation import evaluate
from electra_corrector.evaluation.cli import main
from electra_corrector.models.testing import write_tiny_pair

# The hand-set model flags 唷 and 天 and proposes 友, which the confusion table allows for 唷 only.
PAIRS = [
    ("我跟我朋唷打算去玩", "我跟我朋友打算去玩"),  # fixed
    ("今天天气很好", "今天天气很好"),  # flagged, no confusable candidate: left alone
    ("对不气", "对不起"),  # missed
    ("唷，你好", "唷，你好"),  # error-free, over-corrected
]


@pytest.fixture(scope="module")
def handset_dir(tmp_path_factory):
    from electra_corrector.models.loading import bundled_tokenizer
    from tests.handset import handset_pair

    tokenizer = bundled_tokenizer()
    disc, gen = handset_pair(tokenizer, flagged="唷天", preferred="友")
    return write_tiny_pair(tmp_path_factory.mktemp("handset"), discriminator=disc, generator=gen)


@pytest.fixture
def data_file(tmp_path):
    path = tmp_path / "pairs.tsv"
    lines = [f"{s}\t{t}" for s, t in PAIRS] + ["太短\t太短了"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_report_errors_file_and_rejected_pairs(handset_dir, data_file, tmp_path, capsys):
    errors = tmp_path / "errors.jsonl"
    argv = [str(data_file), "--model", str(handset_dir), "--json", "--errors", str(errors)]
    assert main([*argv, "--batch-size", "3"]) == 0
    out, err = capsys.readouterr()
    [result] = json.loads(out)["results"]
    m = result["metrics"]
    assert (m["sentences"], m["sentences_with_errors"], m["false_positives"]) == (4, 2, 1)
    assert m["sentence_correction"]["tp"] == m["sentence_detection"]["tp"] == 1
    assert m["sentence_correction"]["precision"] == m["sentence_correction"]["recall"] == 0.5
    assert (m["char_correction"]["tp"], m["char_correction"]["predicted"]) == (1, 2)
    assert result["rejected"] == [f"{data_file}:5: source has 2 characters, target 3"]
    assert "left out 1 of 5 pairs" in err and f"{data_file}:5:" in err
    sig = result["signature"]
    assert sig.startswith("electra-correct:") and f"|model:{handset_dir.name}|weights:" in sig
    assert "|threshold:" in sig and "|data:pairs.tsv|format:tsv|t2s:no|n:4|" in sig
    assert sig.endswith(f"|sha1:{result['sha1']}") and len(result["sha1"]) == 40

    wrong = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [(w["index"], w["prediction"]) for w in wrong] == [(2, "对不气"), (3, "友，你好")]
    assert wrong[1]["edits"][0]["offset"] == 0 and wrong[1]["edits"][0]["right"] == "友"


def signature_fields(data_file, model, capsys) -> dict[str, str]:
    assert main([str(data_file), "--model", str(model), "--json", "--precision", "fp32"]) == 0
    sig = json.loads(capsys.readouterr().out)["results"][0]["signature"]
    return dict(field.split(":", 1) for field in sig.split("|"))


def test_signature_is_portable_and_names_the_exact_weights(
    handset_dir, data_file, tmp_path, capsys
):
    import shutil

    import torch
    import transformers

    fields = signature_fields(data_file, handset_dir, capsys)
    assert "/" not in "".join(fields.values())  # no local paths to leak or to differ
    assert (fields["torch"], fields["transformers"]) == (
        torch.__version__,
        transformers.__version__,
    )
    assert (fields["device"], fields["precision"]) == ("cpu", "fp32")
    assert len(fields["weights"]) == 12 and int(fields["weights"], 16) >= 0
    # The same weights under another name keep their hash; other weights change it.
    shutil.copytree(handset_dir, tmp_path / "renamed")
    renamed = signature_fields(data_file, tmp_path / "renamed", capsys)
    assert renamed["model"] == "renamed" and renamed["weights"] == fields["weights"]
    other = signature_fields(data_file, write_tiny_pair(tmp_path / "other", seed=1), capsys)
    assert other["weights"] != fields["weights"]
    # The confusion table shapes every candidate: the user's confusions change its hash.
    (tmp_path / "mine.txt").write_text("期代 期待\n", encoding="utf-8")
    argv = [str(data_file), "--model", str(handset_dir), "--json", "--precision", "fp32"]
    assert main([*argv, "--confusions", str(tmp_path / "mine.txt")]) == 0
    sig = json.loads(capsys.readouterr().out)["results"][0]["signature"]
    mine = dict(field.split(":", 1) for field in sig.split("|"))
    assert len(fields["confusion"]) == 12 and mine["confusion"] != fields["confusion"]


def test_errors_file_is_left_alone_when_the_model_does_not_load(data_file, tmp_path, capsys):
    errors = tmp_path / "errors.jsonl"
    errors.write_text("yesterday's errors\n", encoding="utf-8")
    argv = [str(data_file), "--model", str(tmp_path / "no-such-model"), "--errors", str(errors)]
    assert main(argv) == 2
    assert errors.read_text(encoding="utf-8") == "yesterday's errors\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors.jsonl", "pairs.tsv"]


def test_table_report_with_limit(handset_dir, data_file, capsys):
    assert main([str(data_file), "--model", str(handset_dir), "--limit", "1"]) == 0
    out = capsys.readouterr().out
    [row] = [line for line in out.splitlines() if line.startswith("sentence correction")]
    assert row.split()[2:] == ["100.00"] * 4 + ["1"] * 3
    assert "sentences/s" in out
    assert "|n:1|" in out.splitlines()[-1] and out.splitlines()[-1].startswith("signature: ")


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("electra-correct-eval: error: ")
    return err


def test_unreadable_data_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "missing.tsv")]) == 2
    assert "missing.tsv: cannot read" in one_line_error(capsys)


def test_data_without_usable_pairs_exits_2(tmp_path, capsys):
    path = tmp_path / "x.jsonl"
    path.write_text('{"source": "对不气", "target": "对不起了"}\n', encoding="utf-8")
    assert main([str(path)]) == 2
    assert capsys.readouterr().err.strip().endswith(f"{path}: no usable pairs")


def test_missing_model_exits_2(tmp_path, capsys):
    path = tmp_path / "x.tsv"
    path.write_text("对不气\t对不起\n", encoding="utf-8")
    assert main([str(path), "--model", str(tmp_path / "no-such-model")]) == 2
    assert "no-such-model" in one_line_error(capsys)


def test_bad_option_is_an_argparse_error(data_file, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([str(data_file), "--threshold", "1.5"])
    assert exit_info.value.code == 2


class UppercaseCorrector:
    """Stands in for Corrector: 'corrects' a to A and records its batch sizes."""

    def __init__(self):
        self.batches = []

    def correct_batch(self, texts):
        self.batches.append(len(texts))
        return [Correction(t, t.replace("a", "A"), ()) for t in texts]


def test_evaluate_runs_in_batches_and_scores_the_texts():
    corrector = UppercaseCorrector()
    pairs = [("xa", "xA"), ("ab", "Ab"), ("bb", "bb"), ("ba", "bb"), ("aa", "aa")]
    metrics, predictions = evaluate(corrector, pairs, batch_size=2)
    assert corrector.batches == [2, 2, 1]
    assert [p.text for p in predictions] == ["xA", "Ab", "bb", "bA", "AA"]
    assert metrics.sentence_correction.tp == 2
    assert metrics.sentence_detection.tp == 3
    assert metrics.false_positives == 1


def test_shares_the_model_options_of_electra_correct(handset_dir, data_file, capsys):
    argv = [str(data_file), "--model", str(handset_dir), "--json", "--no-word-knowledge"]
    assert main([*argv, "--max-edits-per-sentence", "1", "--threads", "1"]) == 0
    sig = json.loads(capsys.readouterr().out)["results"][0]["signature"]
    assert "|max_edits:1|" in sig and "|word_knowledge:False|" in sig


def test_console_scripts_share_plumbing_not_each_other():
    import subprocess
    import sys

    code = (
        "import sys, electra_corrector.cluster.main, electra_corrector.evaluation.cli;"
        "assert 'electra_corrector.cli.main' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
