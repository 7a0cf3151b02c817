"""README's layout tables name every module and script in the tree, and nothing that is not."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_layout_matches_the_tree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    found = re.findall(r"`([\w/]+\.(?:py|sh)|[\w]+/)`", layout)
    named = {n.rsplit("/", 1)[-1] if n.endswith((".py", ".sh")) else n for n in found}
    package = ROOT / "electra_corrector"
    modules = {p.name for p in package.glob("*.py") if p.name != "__init__.py"}
    folders = {f"{p.name}/" for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"}
    scripts = {p.name for p in (ROOT / "scripts").iterdir() if p.suffix in (".py", ".sh")}
    expected = modules | folders | scripts
    assert expected - named == set(), "in the tree, missing from README's layout"
    stale = {n for n in named - expected if n.endswith((".py", ".sh"))} - {"paths.py"}
    assert stale == set(), "in README's layout, not in the tree"
