"""Shared fixtures: tiny models written to temp folders, never downloaded."""

from __future__ import annotations

import gc
import io
import shutil
import sys
from pathlib import Path

import pytest
from shared_data import SHARED_DATA

from electra_corrector.cli.main import main
from electra_corrector.models.testing import write_tiny_pair


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A random tiny D+G pair (64 positions, so windowing is exercised by short texts)."""
    return write_tiny_pair(tmp_path_factory.mktemp("tiny"))


# Eager settings: the random discriminator flags many characters and any confusable candidate
# is taken, so the engine edits a lot and invariants are really exercised.
EAGER = dict(threshold=0.3, top_k=21128, min_gain=-1e9)


@pytest.fixture(scope="session")
def tiny_corrector(tiny_model_dir):
    from electra_corrector import Corrector

    # fp32: the random model's decisions all sit on the edge, where bf16's rounding (auto's
    # choice on some CPUs) would make the engine-logic properties below flaky.
    return Corrector(tiny_model_dir, precision="fp32", **EAGER)


@pytest.fixture(scope="session")
def eager_model_dir(tiny_model_dir, tmp_path_factory):
    """The tiny random model with a corrector_config.json holding the eager settings, so
    subprocesses and default options exercise the engine too."""
    from electra_corrector.engine.options import MODEL_SETTINGS_FILE, CorrectorOptions

    root = tmp_path_factory.mktemp("eager") / "model"
    shutil.copytree(tiny_model_dir, root)
    (root / MODEL_SETTINGS_FILE).write_text(CorrectorOptions(**EAGER).to_json(), encoding="utf-8")
    return root


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the checkout")
    return SHARED_DATA


@pytest.fixture(scope="session")
def typo_model_dir(tmp_path_factory) -> Path:
    """A hand-set model that corrects exactly one typo, 唷 -> 友 (我跟我朋唷打算 -> 朋友), so that
    what a command prints can be predicted edit by edit."""
    from electra_corrector.models.loading import bundled_tokenizer
    from tests.handset import handset_pair

    tokenizer = bundled_tokenizer()
    disc, gen = handset_pair(tokenizer, flagged="唷", preferred="友")
    return write_tiny_pair(tmp_path_factory.mktemp("typo"), discriminator=disc, generator=gen)


@pytest.fixture
def cli(capsysbinary, monkeypatch, eager_model_dir):
    """Runs main(argv) with the eager tiny model; returns (status, stdout bytes, stderr text)."""

    def run(*argv, stdin: bytes = b""):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        try:
            status = main([*map(str, argv), "--model", str(eager_model_dir)])
        except SystemExit as e:  # argparse: --help, --version, usage errors
            status = e.code
        out, err = capsysbinary.readouterr()
        return status, out, err.decode()

    return run


@pytest.fixture(autouse=True)
def _unfreeze_the_heap():
    """The console scripts exempt loaded objects from the GC for good (cliutil); run in this
    process, each test's main() would pile its models onto the permanent generation."""
    yield
    gc.unfreeze()


@pytest.fixture
def correct(capsysbinary, typo_model_dir):
    """main(argv) in this process with the hand-set model that fixes every 唷 it is shown:
    (status, stdout bytes, stderr text)."""
    from electra_corrector.cli.main import main

    def run(*argv):
        status = main([*map(str, argv), "--model", str(typo_model_dir), "-q"])
        out, err = capsysbinary.readouterr()
        return status, out, err.decode()

    return run
