"""The loader: every layout, both weight formats, and clear refusals."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from electra_corrector.base.errors import ModelLoadError, ModelNotFoundError
from electra_corrector.models.loading import HOW_TO_GET, find_pair, load_models, resolve, save_model
from electra_corrector.models.testing import HFL_DIRS, build_tiny_models, write_tiny_pair


@pytest.mark.parametrize("layout", ["plain", "hfl"])
@pytest.mark.parametrize("weights", ["safetensors", "bin"])
def test_loads_each_layout_and_weight_format(tmp_path, layout, weights):
    write_tiny_pair(tmp_path, layout=layout, weights=weights)
    source = resolve(tmp_path)
    expected = ("discriminator", "generator") if layout == "plain" else HFL_DIRS
    assert (Path(source.discriminator).name, Path(source.generator).name) == expected
    loaded = load_models(source)
    assert type(loaded.discriminator).__name__ == "ElectraForPreTraining"
    assert type(loaded.generator).__name__ == "ElectraForMaskedLM"
    assert len(loaded.tokenizer) == 21128


def test_same_weights_from_either_format(tmp_path):
    import torch

    disc, gen = build_tiny_models(seed=3)
    write_tiny_pair(tmp_path / "a", weights="safetensors", discriminator=disc, generator=gen)
    write_tiny_pair(tmp_path / "b", weights="bin", discriminator=disc, generator=gen)
    a, b = load_models(resolve(tmp_path / "a")), load_models(resolve(tmp_path / "b"))
    ids = torch.tensor([[101, 2769, 1762, 102]])
    assert torch.equal(a.discriminator(ids).logits, b.discriminator(ids).logits)
    assert torch.equal(a.generator(ids).logits, b.generator(ids).logits)


def test_hfl_checkpoints_win_over_the_plain_pair(tmp_path):
    write_tiny_pair(tmp_path, layout="plain")
    write_tiny_pair(tmp_path, layout="hfl")
    assert Path(resolve(tmp_path).discriminator).name == HFL_DIRS[0]


def test_naming_an_hfl_discriminator_folder_finds_its_generator(tmp_path):
    write_tiny_pair(tmp_path, layout="hfl")
    source = resolve(tmp_path / HFL_DIRS[0])
    assert Path(source.generator).name == HFL_DIRS[1]


def test_default_search_looks_in_the_working_directory_first(tmp_path, monkeypatch):
    write_tiny_pair(tmp_path / "data" / "electra_models")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ELECTRA_CORRECT_MODEL", raising=False)
    assert resolve().root == tmp_path / "data" / "electra_models"


def test_environment_variable_names_the_model(tmp_path, monkeypatch):
    write_tiny_pair(tmp_path / "m")
    monkeypatch.setenv("ELECTRA_CORRECT_MODEL", str(tmp_path / "m"))
    assert resolve().root == tmp_path / "m"


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError) as info:
        resolve(tmp_path / "nowhere")
    assert "nowhere" in str(info.value) and HOW_TO_GET in str(info.value)


def test_folder_without_a_pair_is_a_clear_error(tmp_path):
    (tmp_path / "discriminator").mkdir()
    assert find_pair(tmp_path) is None
    with pytest.raises(ModelNotFoundError, match="no discriminator"):
        resolve(tmp_path)


def test_hub_id_maps_discriminator_to_generator():
    source = resolve("hfl/chinese-electra-180g-small-discriminator")
    assert source.generator == "hfl/chinese-electra-180g-small-generator"


def test_mismatched_vocabularies_are_refused(tmp_path):
    write_tiny_pair(tmp_path)
    vocab = tmp_path / "generator" / "vocab.txt"
    lines = vocab.read_text(encoding="utf-8").splitlines()
    lines[2000], lines[2001] = lines[2001], lines[2000]
    vocab.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="different vocabularies"):
        load_models(resolve(tmp_path))


def test_swapped_models_are_refused(tmp_path):
    write_tiny_pair(tmp_path)
    os.rename(tmp_path / "discriminator", tmp_path / "x")
    os.rename(tmp_path / "generator", tmp_path / "discriminator")
    os.rename(tmp_path / "x", tmp_path / "generator")
    with pytest.raises(ModelLoadError, match="not an ELECTRA discriminator"):
        load_models(resolve(tmp_path))


def test_broken_weights_are_a_clear_error(tmp_path):
    write_tiny_pair(tmp_path)
    (tmp_path / "discriminator" / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelLoadError, match="cannot load"):
        load_models(resolve(tmp_path))


class _Exploit:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_pickled_code_in_a_bin_file_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    disc, gen = build_tiny_models()
    save_model(disc, tmp_path / "m" / "discriminator", weights="bin")
    save_model(gen, tmp_path / "m" / "generator", weights="bin")
    with open(tmp_path / "m" / "discriminator" / "pytorch_model.bin", "wb") as f:
        pickle.dump({"x": _Exploit()}, f)
    with pytest.raises(ModelLoadError):
        load_models(resolve(tmp_path / "m"))
    assert not (tmp_path / "pwned").exists()


def test_copy_of_a_model_folder_loads(tmp_path, tiny_model_dir):
    shutil.copytree(tiny_model_dir, tmp_path / "copy")
    assert load_models(resolve(tmp_path / "copy")).source.root == tmp_path / "copy"


def test_loading_leaves_the_host_process_logging_as_it_was(tiny_model_dir):
    from huggingface_hub import utils as hub_utils
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_info()
    hf_logging.enable_progress_bar()
    try:
        load_models(resolve(tiny_model_dir))
        assert hf_logging.get_verbosity() == hf_logging.INFO
        assert hf_logging.is_progress_bar_enabled()
        assert not hub_utils.are_progress_bars_disabled()
    finally:
        hf_logging.set_verbosity_warning()


def test_the_vocabulary_constants_are_the_shipped_vocabulary():
    from electra_corrector.models.assets import MASK_ID, SEP_ID, UNK_ID, VOCAB_SIZE, vocab_path

    # split, not splitlines: some tokens hold characters splitlines breaks at (\x85, \u2028)
    tokens = vocab_path().read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert len(tokens) == VOCAB_SIZE
    assert (tokens[UNK_ID], tokens[SEP_ID], tokens[MASK_ID]) == ("[UNK]", "[SEP]", "[MASK]")
