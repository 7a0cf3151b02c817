"""Every user error is one line on stderr and the documented status (2 for arguments, devices,
encodings, model folders and settings files); the API refuses what it cannot use."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from electra_corrector.base.errors import CorrectorError
from electra_corrector.cli.main import main
from electra_corrector.models.loading import resolve


def run(capsys, *argv):
    try:
        status = main([*map(str, argv)])
    except SystemExit as e:
        status = e.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line(status, out, err, expected_status=2, says=""):
    assert (status, out) == (expected_status, "")
    assert err.count("\n") == 1 and err.startswith("electra-correct: "), err
    assert says in err


@pytest.fixture
def model_copy(tiny_model_dir, tmp_path):
    root = tmp_path / "model"
    shutil.copytree(tiny_model_dir, root)
    return root


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "corrector_config.json: Expecting"),
        ('{"threshold": NaN}', "NaN is not a number JSON allows"),
        ('{"threshold": "0.5"}', "threshold must be float"),
        ('{"threshold": null}', "threshold must be float"),
        ('{"threshold": true}', "threshold must be float"),
        ('{"threshold": 1e400}', "threshold must be a finite number"),
        ('{"top_k": 0}', "top_k must be at least 1"),
        ('{"top_k": 2.5}', "top_k must be int"),
        ('{"max_edits": -3}', "must not be negative"),
        ('{"use_confusion": "no"}', "use_confusion must be bool"),
        ('{"generator_input": "both"}', "generator_input must be"),
        ("[0.5]", "expected a JSON object"),
        ('{"candidates": 0}', "candidates must be at least 1"),
        ('{"word_knowledge": 1}', "word_knowledge must be bool"),
        ('{"max_lm_loss": "2"}', "max_lm_loss must be float"),
        ('{"max_lm_loss": 1e400}', "max_lm_loss must be a finite number"),
        ('{"protect": "张三丰"}', "protect must be a list of non-empty strings"),
        (
            '{"protect": ["张三丰", 3]}',
            "protect must be a list of non-empty strings, got the item 3",
        ),
        ('{"protect": [""]}', "got the item ''"),
        (
            '{"confusions": [["门", "们", "门"]]}',
            "confusions must be a list of [wrong, right] pairs",
        ),
        ('{"confusions": [["期代", "期"]]}', "got the item ('期代', '期')"),
        ('{"confusions": ["门们"]}', "got the item '门们'"),
    ],
)
def test_bad_settings_file_is_one_line_and_status_2(capsys, model_copy, content, says):
    (model_copy / "corrector_config.json").write_text(content, encoding="utf-8")
    result = run(capsys, "--model", model_copy, "-o", model_copy / "out.txt", "-")
    assert_one_line(*result, says=says)


def test_settings_file_with_a_bom_is_read(model_copy):
    from electra_corrector.engine.options import CorrectorOptions

    (model_copy / "corrector_config.json").write_bytes('\ufeff{"top_k": 7}'.encode())
    assert CorrectorOptions.load(model_copy).top_k == 7


def test_settings_file_lists_become_the_options_tuples(model_copy):
    from electra_corrector.engine.options import CorrectorOptions

    settings = {"max_lm_loss": None, "protect": ["张三丰"], "confusions": [["期代", "期待"]]}
    (model_copy / "corrector_config.json").write_text(json.dumps(settings), encoding="utf-8")
    options = CorrectorOptions.load(model_copy)
    assert options.max_lm_loss is None
    assert options.protect == ("张三丰",)
    assert options.confusions == (("期代", "期待"),)


@pytest.mark.parametrize(
    ("key", "value"),
    [("num_hidden_layers", 100_000), ("num_attention_heads", -1), ("intermediate_size", 0)],
)
def test_model_config_outside_sane_limits_is_refused_before_weights_are_built(
    capsys, model_copy, key, value
):
    path = model_copy / "generator" / "config.json"
    config = json.loads(path.read_text())
    config[key] = value
    path.write_text(json.dumps(config))
    result = run(capsys, "--model", model_copy, "-")
    assert_one_line(*result, says=f"config.json: {key} is {value!r}")


def test_empty_vocab_is_one_line_and_status_2(capsys, model_copy):
    for part in ("discriminator", "generator"):
        (model_copy / part / "vocab.txt").write_text("")
    assert_one_line(*run(capsys, "--model", model_copy, "-"), says="vocab.txt")


@pytest.mark.parametrize("device", ["mps", "meta", "cuda:7", "no-such-device"])
def test_unavailable_device_is_one_line_and_status_2(capsys, tiny_model_dir, device):
    if device == "mps":
        import torch

        if torch.backends.mps.is_available():
            pytest.skip("mps is available here")
    result = run(capsys, "--model", tiny_model_dir, "--device", device, "-")
    assert_one_line(*result, says="device")


@pytest.mark.parametrize(
    "argv",
    [["--output-encoding", "base64"], ["--input-encoding", "rot13"], ["--threads", "0"]],
)
def test_bad_options_are_status_2(capsys, argv):
    status, out, err = run(capsys, *argv, "-")
    assert (status, out) == (2, "")
    assert "electra-correct: error:" in err


def test_an_offline_hub_id_fails_in_seconds(monkeypatch):
    from electra_corrector import Corrector

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    for proxy in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    start = time.monotonic()
    with pytest.raises(CorrectorError, match="the hub cannot be reached"):
        Corrector("nobody/no-such-discriminator")
    assert time.monotonic() - start < 30


def test_a_model_in_the_working_directory_is_named_on_stderr(
    tiny_model_dir, tmp_path, monkeypatch, caplog
):
    shutil.copytree(tiny_model_dir, tmp_path / "data" / "electra_models")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ELECTRA_CORRECT_MODEL", raising=False)
    source = resolve()
    assert source.root == tmp_path / "data" / "electra_models"
    assert "using the model in" in caplog.text and str(source.root) in caplog.text
