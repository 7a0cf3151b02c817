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

import logging
import os
import re
import shutil
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from electra_corrector.base.errors import ModelLoadError, ModelNotFoundError

ENV_VAR = "ELECTRA_CORRECT_MODEL"
PLAIN_LAYOUT = ("discriminator", "generator")


def hfl_layout(size: str) -> tuple[str, str]:
    """The (discriminator, generator) folder names of HFL's released `size` archives."""
    return (
        f"chinese_electra_{size}_discriminator_pytorch",
        f"chinese_electra_{size}_generator_pytorch",
    )


PAIR_LAYOUTS = (hfl_layout("base"), hfl_layout("small"), PLAIN_LAYOUT)
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
TYPO_COUNTS_FILE = "typo_counts.tsv"  # how often real writers made each substitution
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")

log = logging.getLogger("electra_corrector")

# A config outside these bounds is refused before any weights are built: a hostile or broken
# config.json (100,000 layers, -1 heads) must not exhaust memory or crash deep inside torch.
CONFIG_LIMITS = {
    "num_hidden_layers": (1, 64),
    "hidden_size": (1, 8192),
    "num_attention_heads": (1, 128),
    "intermediate_size": (1, 32768),
    "embedding_size": (1, 8192),
    "vocab_size": (1, 500_000),
    "max_position_embeddings": (8, 16384),
}
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
HUB_PROBE_SECONDS = 3.0

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

    @property
    def name(self) -> str:
        """A name without local paths: the folder's own name, or the hub id."""
        if self.root:
            return self.root.name
        if Path(self.discriminator).exists():
            return f"{Path(self.discriminator).name}+{Path(self.generator).name}"
        return self.discriminator


def cached_file(name: str, filename: str) -> Path | None:
    """`filename` of the model folder `name`, or of hub id `name`'s cached copy; None if absent."""
    folder = Path(name)
    if folder.is_dir():
        return folder / filename if (folder / filename).is_file() else None
    from huggingface_hub import try_to_load_from_cache

    try:
        cached = try_to_load_from_cache(name, filename)
    except ValueError:  # not a valid hub id either
        return None
    return Path(cached) if isinstance(cached, str) else None


@dataclass
class LoadedModels:
    discriminator: object  # ElectraForPreTraining
    generator: object  # ElectraForMaskedLM
    tokenizer: object  # a fast BERT tokenizer
    source: ModelSource


def default_search_path() -> list[Path]:
    """Where a model is looked for when none is named, in order."""
    package = Path(__file__).resolve().parents[1]
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
            if folder == searched[0] and len(searched) > 1:
                # Not the bundled model, picked only because of the working directory: say so.
                log.warning("using the model in %s (found in the working directory)", folder)
            return found
    looked = ", ".join(str(p) for p in searched)
    raise ModelNotFoundError(f"no model found (looked in {looked}). {HOW_TO_GET}")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def checked_config(name: str, local_files_only: bool = False):
    """The model's config, refused when its shape is outside CONFIG_LIMITS (before any weights
    are built from it)."""
    from transformers import ElectraConfig

    try:
        config = ElectraConfig.from_pretrained(name, local_files_only=local_files_only)
    except Exception as exc:
        raise ModelLoadError(f"cannot read the config.json of {name}: {_first_line(exc)}") from exc
    for key, (low, high) in CONFIG_LIMITS.items():
        value = getattr(config, key, None)
        if type(value) is not int or not low <= value <= high:
            raise ModelLoadError(
                f"{name}/config.json: {key} is {value!r}, not a whole number in [{low}, {high}]"
            )
    if config.hidden_size % config.num_attention_heads:
        raise ModelLoadError(f"{name}/config.json: hidden_size must divide by num_attention_heads")
    return config


def _load_one(cls, name: str, head: str, dtype, local_files_only: bool = False):
    """Load one model; refuse it when its task head is missing from the weights."""
    config = checked_config(name, local_files_only)
    try:
        model, info = cls.from_pretrained(
            name,
            config=config,
            dtype=dtype,
            output_loading_info=True,
            local_files_only=local_files_only,
        )
    except Exception as exc:  # the loaders raise many types; all mean "this is not usable"
        raise ModelLoadError(f"cannot load {name}: {_first_line(exc)}") from exc
    if model.config.model_type != "electra":
        raise ModelLoadError(f"{name} is a {model.config.model_type!r} model, not ELECTRA")
    missing = [k for k in info.get("missing_keys", ()) if k.startswith(head)]
    if missing:
        kind = "discriminator" if head.startswith("discriminator") else "generator"
        raise ModelLoadError(f"{name} is not an ELECTRA {kind}: its weights lack {head}")
    return model.eval()


def load_tokenizer(name: str, local_files_only: bool = False):
    """The fast BERT tokenizer of a model folder (or hub id) holding vocab.txt, checked for the
    special tokens the engine uses."""
    from transformers import BertTokenizerFast

    try:
        tokenizer = BertTokenizerFast.from_pretrained(name, local_files_only=local_files_only)
    except Exception as exc:
        raise ModelLoadError(
            f"cannot load the tokenizer (vocab.txt) of {name}: {_first_line(exc)}"
        ) from exc
    vocab = tokenizer.get_vocab()
    # Tokens the tokenizer added by itself are not in the file (ids from vocab_size on).
    missing = [
        t for t in SPECIAL_TOKENS if vocab.get(t, tokenizer.vocab_size) >= tokenizer.vocab_size
    ]
    if missing:
        raise ModelLoadError(f"the vocab.txt of {name} lacks {', '.join(missing)}")
    return tokenizer


def bundled_tokenizer():
    """The tokenizer over the shipped vocabulary (the one all Chinese ELECTRA models share)."""
    from electra_corrector.models.assets import vocab_path

    return load_tokenizer(str(vocab_path().parent))


def save_model(
    model, folder: Path, weights: str = "safetensors", vocab: Path | None = None
) -> Path:
    """Write one model folder as the loader reads it: config.json, vocab.txt and weights
    (model.safetensors, or pytorch_model.bin as older releases ship them)."""
    import torch

    from electra_corrector.models.assets import vocab_path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(vocab or vocab_path(), folder / "vocab.txt")
    if weights == "safetensors":
        model.save_pretrained(folder)
    elif weights == "bin":
        model.config.save_pretrained(folder)
        torch.save(model.state_dict(), folder / WEIGHT_FILES[1])
    else:
        raise ValueError(f"unknown weights format {weights!r}")
    return folder


def _hub_unreachable(source: ModelSource) -> bool:
    """True when `source` names hub ids and the hub cannot be reached: then only the local cache
    is tried, so that an offline machine fails in seconds, not after minutes of retries."""
    offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0")
    if Path(source.discriminator).exists() or offline:
        return False  # a folder; or offline already, which the loaders honour
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return False  # reached through a proxy: a direct probe would prove nothing
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    port = endpoint.port or (80 if endpoint.scheme == "http" else 443)
    try:
        socket.create_connection((endpoint.hostname, port), timeout=HUB_PROBE_SECONDS).close()
    except OSError:
        return True
    return False


@contextmanager
def _quiet_transformers():
    """transformers' warnings and progress bars off while our models load, then as they were:
    the host process's own logging is not ours to change."""
    from huggingface_hub import utils as hub_utils
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars, hub_bars_off = (
        hf_logging.is_progress_bar_enabled(),
        hub_utils.are_progress_bars_disabled(),
    )
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
        if not hub_bars_off:
            hub_utils.enable_progress_bars()


def load_models(source: ModelSource, device: str = "cpu", dtype=None) -> LoadedModels:
    """Load D, G and the tokenizer; refuse a pair whose vocabularies differ."""
    import torch

    dtype = dtype or torch.float32
    offline = _hub_unreachable(source)
    try:
        with _quiet_transformers():
            return _load_pair(source, device, dtype, offline)
    except ModelLoadError as e:
        if offline:
            message = f"{e} (the hub cannot be reached; only the local cache was tried)"
            raise ModelLoadError(message) from e
        raise


def _load_pair(source: ModelSource, device, dtype, offline: bool) -> LoadedModels:
    from transformers import ElectraForMaskedLM, ElectraForPreTraining

    tokenizer = load_tokenizer(source.generator, offline)
    d_vocab = load_tokenizer(source.discriminator, offline).get_vocab()
    if d_vocab != tokenizer.get_vocab():
        raise ModelLoadError(
            f"discriminator {source.discriminator} and generator {source.generator} "
            "have different vocabularies; they must come from the same release"
        )
    disc = _load_one(
        ElectraForPreTraining, source.discriminator, "discriminator_predictions", dtype, offline
    )
    gen = _load_one(ElectraForMaskedLM, source.generator, "generator_lm_head", dtype, offline)
    for model, name in ((disc, source.discriminator), (gen, source.generator)):
        if model.config.vocab_size < len(tokenizer):
            raise ModelLoadError(f"{name}: vocab.txt has more tokens than the model's embeddings")
    return LoadedModels(disc.to(device), gen.to(device), tokenizer, source)
