"""The one fingerprint of what made an output (issue 21): the model's files by their bytes, read
again when they change in place; the options, all of them or only those that shape proposals."""

from __future__ import annotations

import copy
import shutil
from dataclasses import replace
from pathlib import Path

from electra_corrector.models.fingerprint import model_digest
from electra_corrector.models.loading import ModelSource, find_pair
from electra_corrector.models.testing import write_tiny_pair


def test_the_model_digest_follows_the_files_not_the_folder(tiny_model_dir, tmp_path):
    model = Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))
    first = model_digest(find_pair(model))
    renamed = Path(shutil.copytree(model, tmp_path / "renamed"))
    assert model_digest(find_pair(renamed)) == first

    other = write_tiny_pair(tmp_path / "other", seed=1)  # retrained in place, same process
    shutil.copyfile(
        other / "generator" / "model.safetensors", model / "generator" / "model.safetensors"
    )
    retrained = model_digest(find_pair(model))
    assert retrained != first
    (model / "typo_counts.tsv").write_text("门\t们\t5\n", encoding="utf-8")
    assert model_digest(find_pair(model)) not in (first, retrained)
    for missing in (str(tmp_path / "none"), "nobody/not-cached-discriminator"):
        assert model_digest(ModelSource(missing, missing)) == "unknown"


def test_proposals_only_leaves_out_the_accept_rule(tiny_corrector):
    stricter = copy.copy(tiny_corrector)
    stricter.options = replace(tiny_corrector.options, min_gain=3.0, lm_weight=0.5)
    assert stricter.fingerprint() != tiny_corrector.fingerprint()
    assert stricter.fingerprint(proposals_only=True) == tiny_corrector.fingerprint(
        proposals_only=True
    )
    wider = copy.copy(tiny_corrector)
    wider.options = replace(tiny_corrector.options, top_k=5)
    assert wider.fingerprint(proposals_only=True) != tiny_corrector.fingerprint(proposals_only=True)
    assert tiny_corrector.fingerprint(format="jsonl") != tiny_corrector.fingerprint()
