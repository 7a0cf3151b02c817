"""Find and load an ELECTRA discriminator + generator pair and their shared tokenizer.

Layouts understood in a model folder (first match wins, so HFL checkpoints a user drops beside
the bundled model take precedence):
  chinese_electra_base_{discriminator,generator}_pytorch/   (HFL's released archives)
  chinese_electra_small_{discriminator,generator}_pytorch/
  discriminator/ + generator/                               (this project's layout)
Each model folder holds config.json, vocab.txt and model.safetensors or pytorch_model.bin.
Loading never runs code from a model folder: safetensors first, .bin only through transformers'
weights-only load, and never trust_remote_code.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from electra_corrector.errors import ModelLoadError, ModelNotFoundError

ENV_VAR = "ELECTRA_CORRECT_MODEL"
PAIR_LAYOUTS = (
    ("chinese_electra_base_discriminator_pytorch", "chinese_electra_base_generator_pytorch"),
    ("chinese_electra_small_discriminator_pytorch", "chinese_electra_small_generator_pytorch"),
    ("discriminator", "generator"),
)
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")

HOW_TO_GET = (
    "Put a model in data/electra_models/ (HFL's chinese_electra_*_pytorch folders, or "
    "discriminator/ + generator/), pass --model DIR, set $ELECTRA_CORRECT_MODEL, "
    "or train one with `python scripts/train.py`."
)


@dataclass(frozen=True)
class ModelSource:
    """Where a discriminator and generator come from: local folders or hub ids."""

    discriminator: str
    generator: str
    root: Path | None = None  # folder that may hold corrector_config.json

    @property
    def label(self) -> str:
        return str(self.root) if self.root else f"{self.discriminator} + {self.generator}"


@dataclass
class LoadedModels:
    discriminator: object  # ElectraForPreTraining
    generator: object  # ElectraForMaskedLM
    tokenizer: object  # a fast BERT tokenizer
    source: ModelSource


def default_search_path() -> list[Path]:
    """Where a model is looked for when none is named, in order."""
    package = Path(__file__).resolve().parent
    candidates = [
        Path.cwd() / "data" / "electra_models",
        package.parent / "data" / "electra_models",  # a source checkout or editable install
        package / "bundled_models",  # inside an installed wheel
    ]
    unique: list[Path] = []
    for path in candidates:
        if path not in unique:
            unique.append(path)
    return unique


def _has_weights(folder: Path) -> bool:
    return (folder / "config.json").is_file() and any((folder / w).is_file() for w in WEIGHT_FILES)


def find_pair(folder: Path) -> ModelSource | None:
    """The model pair inside `folder`, in one of the known layouts, or None."""
    for d_name, g_name in PAIR_LAYOUTS:
        d_dir, g_dir = folder / d_name, folder / g_name
        if _has_weights(d_dir) and _has_weights(g_dir):
            return ModelSource(str(d_dir), str(g_dir), folder)
    # A single HFL discriminator folder named directly: its generator is the sibling.
    if _has_weights(folder) and "discriminator" in folder.name:
        sibling = folder.with_name(folder.name.replace("discriminator", "generator"))
        if _has_weights(sibling):
            return ModelSource(str(folder), str(sibling), folder.parent)
    return None


def resolve(
    model: str | os.PathLike | None = None,
    discriminator: str | None = None,
    generator: str | None = None,
) -> ModelSource:
    """Turn what the user named (or nothing) into a ModelSource, or raise ModelNotFoundError."""
    if discriminator or generator:
        if not (discriminator and generator):
            raise ModelNotFoundError("name both --discriminator and --generator, or use --model")
        return ModelSource(str(discriminator), str(generator))
    if model is None and os.environ.get(ENV_VAR):
        model = os.environ[ENV_VAR]
    if model is not None:
        path = Path(model).expanduser()
        if path.exists():
            found = find_pair(path)
            if found is None:
                raise ModelNotFoundError(
                    f"no discriminator + generator pair found in {path}. {HOW_TO_GET}"
                )
            return found
        name = str(model)
        if _HUB_ID.match(name) and "discriminator" in name:
            return ModelSource(name, name.replace("discriminator", "generator"))
        raise ModelNotFoundError(f"model {name!r} is neither a folder nor a hub id. {HOW_TO_GET}")
    searched = default_search_path()
    for folder in searched:
        found = find_pair(folder)
        if found is not None:
            return found
    looked = ", ".join(str(p) for p in searched)
    raise ModelNotFoundError(f"no model found (looked in {looked}). {HOW_TO_GET}")


def _load_one(cls, name: str, head: str, dtype):
    """Load one model; refuse it when its task head is missing from the weights."""
    try:
        model, info = cls.from_pretrained(name, dtype=dtype, output_loading_info=True)
    except Exception as exc:  # the loaders raise many types; all mean "this is not usable"
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise ModelLoadError(f"cannot load {name}: {type(exc).__name__}: {first_line}") from exc
    if model.config.model_type != "electra":
        raise ModelLoadError(f"{name} is a {model.config.model_type!r} model, not ELECTRA")
    missing = [k for k in info.get("missing_keys", ()) if k.startswith(head)]
    if missing:
        kind = "discriminator" if head.startswith("discriminator") else "generator"
        raise ModelLoadError(f"{name} is not an ELECTRA {kind}: its weights lack {head}")
    return model.eval()


def _load_tokenizer(name: str):
    from transformers import BertTokenizerFast

    try:
        return BertTokenizerFast.from_pretrained(name)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"cannot load the tokenizer (vocab.txt) of {name}: {exc}") from exc


def load_models(source: ModelSource, device: str = "cpu", dtype=None) -> LoadedModels:
    """Load D, G and the tokenizer; refuse a pair whose vocabularies differ."""
    import torch
    from transformers import ElectraForMaskedLM, ElectraForPreTraining
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    dtype = dtype or torch.float32
    tokenizer = _load_tokenizer(source.generator)
    d_vocab = _load_tokenizer(source.discriminator).get_vocab()
    if d_vocab != tokenizer.get_vocab():
        raise ModelLoadError(
            f"discriminator {source.discriminator} and generator {source.generator} "
            "have different vocabularies; they must come from the same release"
        )
    disc = _load_one(
        ElectraForPreTraining, source.discriminator, "discriminator_predictions", dtype
    )
    gen = _load_one(ElectraForMaskedLM, source.generator, "generator_lm_head", dtype)
    for model, name in ((disc, source.discriminator), (gen, source.generator)):
        if model.config.vocab_size < len(tokenizer):
            raise ModelLoadError(f"{name}: vocab.txt has more tokens than the model's embeddings")
    return LoadedModels(disc.to(device), gen.to(device), tokenizer, source)
