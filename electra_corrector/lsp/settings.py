"""The server's settings: the project's settings file, found and read as the command line finds
and reads it (document/settings.py), with the editor's settings (initializationOptions,
workspace/didChangeConfiguration) over it. Both take the same keys; relative paths in the
editor's count from the workspace root. The editor's protect list adds to the file's.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from electra_corrector.document import settings as repo_settings
from electra_corrector.document.options import corrector_keywords, load_corrector, settings_parser

SECTION = "electra-correct"  # the editor's settings section, as the file's table is named
# Settings that shape the Corrector; any other change keeps the model loaded.
_MODEL_KEYS = ("model", "device", "precision", "batch_size", "threads")


@dataclass(frozen=True)
class Settings:
    args: argparse.Namespace  # as the command line would parse them
    found: Path | None  # the settings file, if the project has one
    terms: tuple[str, ...]  # protected terms: the file's, then the editor's

    @property
    def syntax(self) -> str:
        return self.args.syntax

    def model_key(self) -> tuple:
        """What the Corrector is built from: equal keys, the same Corrector. Reads the
        confusions file (CorrectorError when it is bad)."""
        keywords = corrector_keywords(self._model_args())
        return (*(getattr(self.args, k) for k in _MODEL_KEYS), *sorted(keywords.items()))

    def load_corrector(self):
        """A Corrector for these settings (slow: loads the model). Protected terms are left to
        the caller, so that a new term never reloads the model."""
        return load_corrector(self._model_args())

    def _model_args(self) -> argparse.Namespace:
        return argparse.Namespace(**{**vars(self.args), "protect": None})


def read(root: Path, editor: dict | None) -> Settings:
    """The settings for a workspace at `root`; RepoSettingsError (its message names the file or the
    editor's settings and the key) or CorrectorError (a file of terms) when they are bad."""
    from electra_corrector.knowledge.userdict import read_terms

    parser = settings_parser("electra-correct-lsp")
    found = repo_settings.discover(root)
    if found is not None:
        repo_settings.apply(parser, *found)
    from_file = parser.parse_args([])
    args = from_file
    if editor:
        repo_settings.apply(parser, root / "(editor settings)", editor)
        args = parser.parse_args([])
    terms = []
    for protect in (from_file.protect, args.protect if editor and "protect" in editor else None):
        if protect is not None:
            terms += read_terms(protect) if isinstance(protect, Path) else protect
    return Settings(args, found[0] if found else None, tuple(dict.fromkeys(terms)))


def editor_section(settings) -> dict:
    """Our section of what an editor sent: {"electra-correct": {...}}, or the section itself;
    RepoSettingsError when it is not a table."""
    if settings is None:
        return {}
    if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
        settings = settings[SECTION]
    elif not isinstance(settings, dict) or SECTION in settings:
        raise repo_settings.RepoSettingsError(f"editor settings: {SECTION} must be a table")
    return {key: value for key, value in settings.items() if value is not None}  # None: unset
