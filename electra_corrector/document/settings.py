"""Settings kept with a repository: `[tool.electra-correct]` in pyproject.toml, or the top level of
.electra-correct.toml, in the working directory or the nearest folder above it that has one (as
ruff and black find theirs). They become the command line's defaults, so flags win.

Keys are the long options' names: model, device, threshold, batch-size, max-edits-per-sentence,
syntax, write-test-strings, color, include (globs, replaced by --glob), exclude (globs, extended
by --exclude), protect (a file, or a list of terms) and confusions (a file). Relative paths
count from the file's folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from electra_corrector.base.errors import CorrectorError, describe
from electra_corrector.base.small_files import UnusableFile, read_text
from electra_corrector.document.console import say

OWN_FILE = ".electra-correct.toml"
KEYS = {  # key -> the argparse destination it sets
    "model": "model",
    "device": "device",
    "threshold": "threshold",
    "batch-size": "batch_size",
    "max-edits-per-sentence": "max_edits_per_sentence",
    "syntax": "syntax",
    "write-test-strings": "write_test_strings",
    "color": "color",
    "include": "include",
    "exclude": "exclude",
    "protect": "protect",
    "confusions": "confusions",
}
_PATHS = ("protect", "confusions")


class RepoSettingsError(CorrectorError):
    """A settings file that cannot be used; the message names the file and the key."""


def add_option(parser: argparse.ArgumentParser) -> None:
    """--config, and the default of the settings' `include` globs (which --glob replaces)."""
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="settings from FILE, not the nearest one"
    )
    parser.set_defaults(include=None)


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """`argv` parsed over the repository's settings: the file `--config` names, else the nearest
    one from the working folder. The file's keys become the parser's defaults, so flags win;
    a key the front end has no option for (color, for electra-correct-ray) is left unused."""
    args = parser.parse_args(argv)
    try:  # relative paths and the settings search need it
        os.getcwd()
    except OSError as e:
        raise RepoSettingsError(
            describe(e, "cannot use the working folder (was it deleted?)")
        ) from None
    explicit = getattr(args, "config", None)
    found = (explicit, read(explicit) or {}) if explicit is not None else discover(Path.cwd())
    if found is None:
        return args
    apply(parser, *found)
    return parser.parse_args(argv)


def parse_or_say(parser: argparse.ArgumentParser, argv: list[str] | None):
    """parse(), or None when the settings cannot be used, said in one line on stderr."""
    try:
        return parse(parser, argv)
    except RepoSettingsError as e:
        say(parser.prog, str(e))
        return None


def discover(start: Path) -> tuple[Path, dict] | None:
    """The nearest settings file at or above `start` and its settings, or None."""
    for folder in (start, *start.parents):
        own = folder / OWN_FILE
        if own.is_file():
            return own, read(own)
        project = folder / "pyproject.toml"
        if project.is_file():
            table = read(project)
            if table is not None:
                return project, table
    return None


def read(path: Path) -> dict | None:
    """The settings in `path`; for a pyproject.toml without our table, None."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        data = tomllib.loads(read_text(path))
    except UnusableFile as e:
        raise RepoSettingsError(str(e)) from None
    except OSError as e:
        raise RepoSettingsError(describe(e, f"{path}: cannot read it")) from None
    except tomllib.TOMLDecodeError as e:
        raise RepoSettingsError(f"{path}: {e}") from None
    if path.name != "pyproject.toml":
        return data
    table = data.get("tool", {}).get("electra-correct")
    if table is not None and not isinstance(table, dict):
        raise RepoSettingsError(f"{path}: [tool.electra-correct] must be a table")
    return table


def apply(parser: argparse.ArgumentParser, path: Path, settings: dict) -> None:
    """Makes `settings` the parser's defaults, checked and converted as the flags would be."""
    actions = {action.dest: action for action in parser._actions}
    actions["include"] = actions["exclude"]  # converted alike; a dest of its own, see the CLI
    defaults = {}
    for key, value in settings.items():
        if key not in KEYS:
            raise RepoSettingsError(f"{path}: unknown key {key!r} (known: {', '.join(KEYS)})")
        if KEYS[key] not in actions:
            continue
        try:
            defaults[KEYS[key]] = _convert(actions[KEYS[key]], key, value, path.parent)
        except (TypeError, ValueError, argparse.ArgumentTypeError) as e:
            raise RepoSettingsError(f"{path}: {key}: {e}") from None
    parser.set_defaults(**defaults)


def _convert(action: argparse.Action, key: str, value, folder: Path):
    if key == "protect" and isinstance(value, list):  # terms in place of a file of terms
        if "" in value:
            raise ValueError("an empty term protects nothing")
        return [_text(term) for term in value]
    if action.nargs == 0:  # a flag
        if not isinstance(value, bool):
            raise TypeError("must be true or false")
        return value
    if isinstance(action, argparse._AppendAction):
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            raise TypeError("must be a glob or a list of globs")
        return [_text(v) for v in values]
    kinds = (str, int, float) if action.type else (str,)  # model, device: names, not numbers
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise TypeError(f"must be a {'number' if action.type else 'string'}")
    if key in _PATHS or (key == "model" and (folder / str(value)).exists()):
        return folder / str(value)
    converted = action.type(str(value)) if action.type else value
    if action.choices and converted not in action.choices:
        raise ValueError(f"must be one of {', '.join(map(str, action.choices))}")
    return converted


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value
