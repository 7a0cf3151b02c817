"""The layers: the engine, word knowledge and model folders import nothing from file I/O, markup
or the front ends, so that the library works (and can be read) without them."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "electra_corrector"
LOWER = ("engine", "knowledge", "models")
UPPER = ("cli", "cluster", "lsp", "textio", "markup", "evaluation", "training")


def imported_modules(source: str, module: str) -> set[str]:
    """Every module `source` (the text of `module`) imports, at the top or inside a function,
    as an absolute dotted name."""
    package = module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *filter(None, [base])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def test_imports_inside_functions_and_relative_ones_are_seen():
    source = "import os\ndef f():\n    from ..cli import main\n    from .options import X\n"
    found = imported_modules(source, "electra_corrector.engine.corrector")
    assert {"os", "electra_corrector.cli.main", "electra_corrector.engine.options.X"} <= found


@pytest.mark.parametrize("layer", LOWER)
def test_lower_layers_import_no_upper_layer(layer):
    wrong = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in imported_modules(path.read_text(encoding="utf-8"), module_name(path))
        if any(
            name == f"electra_corrector.{up}" or name.startswith(f"electra_corrector.{up}.")
            for up in UPPER
        )
    }
    assert wrong == set()
