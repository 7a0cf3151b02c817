"""The layers, from the bottom: base/ (what all share); the engine, word knowledge and model
folders, which import nothing from file I/O, markup, the document core or the front ends, so
that the library works (and can be read) without them; the document core, which imports no
front end; and the front ends, none of which imports another. No two subpackages import each
other, directly or round a cycle."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "electra_corrector"
LOWER = ("engine", "knowledge", "models")
UPPER = (
    "cli",
    "cluster",
    "lsp",
    "server",
    "textio",
    "markup",
    "document",
    "evaluation",
    "training",
)
FRONT_ENDS = ("cli", "cluster", "lsp", "server", "evaluation")
SUBPACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


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


def _subpackage_imports() -> dict[str, dict[str, set[str]]]:
    """{subpackage: {subpackage it imports: the `path imports name` lines}}."""
    found: dict[str, dict[str, set[str]]] = {name: {} for name in SUBPACKAGES}
    for name in SUBPACKAGES:
        for path in sorted((PACKAGE / name).rglob("*.py")):
            for imported in imported_modules(path.read_text(encoding="utf-8"), module_name(path)):
                parts = imported.split(".")
                target = parts[1] if parts[0] == "electra_corrector" and len(parts) > 1 else None
                if target in found and target != name:
                    line = f"{path.relative_to(PACKAGE)} imports {imported}"
                    found[name].setdefault(target, set()).add(line)
    return found


def _lines(imports: dict[str, set[str]], names) -> set[str]:
    return {line for name in names for line in imports.get(name, ())}


def test_base_imports_nothing_of_the_package():
    assert _subpackage_imports()["base"] == {}


def test_the_document_core_imports_no_front_end():
    assert _lines(_subpackage_imports()["document"], FRONT_ENDS) == set()


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_no_front_end_imports_another(front_end):
    others = [name for name in FRONT_ENDS if name != front_end]
    assert _lines(_subpackage_imports()[front_end], others) == set()


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle of `graph` ({node: the nodes it points to}), each once, from its least node."""
    found = []

    def walk(path: list[str]) -> None:
        for successor in sorted(graph.get(path[-1], ())):
            if successor == path[0]:
                found.append(path)
            elif successor > path[0] and successor not in path:
                walk([*path, successor])

    for start in sorted(graph):
        walk([start])
    return found


def test_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_subpackages_import_each_other_round_a_cycle():
    imports = _subpackage_imports()
    graph = {name: set(imported) for name, imported in imports.items()}
    shown = [
        " -> ".join(cycle)
        + f" -> {cycle[0]}: "
        + "; ".join(
            sorted(
                next(iter(imports[a][b]))
                for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)
            )
        )
        for cycle in cycles(graph)
    ]
    assert shown == []
