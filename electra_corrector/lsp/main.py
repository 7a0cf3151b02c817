"""electra-correct-lsp: the console script. pygls is an optional extra (`.[lsp]`), so a missing
one is a one-line message, exit 2."""

from __future__ import annotations

import argparse

from electra_corrector import __version__
from electra_corrector.document.console import USAGE_ERROR, say

PROG = "electra-correct-lsp"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Chinese spelling diagnostics and quick fixes for any editor with an LSP "
        "client. Speaks the Language Server Protocol over stdin and stdout; settings come from "
        "the project's .electra-correct.toml or [tool.electra-correct] in pyproject.toml, and "
        "the editor's 'electra-correct' settings section (same keys).",
    )
    parser.add_argument(
        "--stdio", action="store_true", help="accepted for LSP clients that pass it (the default)"
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.parse_args(argv)
    try:
        from electra_corrector.lsp.server import serve
    except ImportError as e:
        say(PROG, f"needs pygls and lsprotocol ({e}); pip install 'electra-correct[lsp]'")
        return USAGE_ERROR
    return serve()
