"""The layout tables (docs/development.md) name every module, subpackage and script in the tree,
and no other; README's first screen holds the set-up and the uses, and its links resolve."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "electra_corrector"
# Subpackages whose modules the table describes as a whole, by folder.
DESCRIBED_AS_A_WHOLE = ("evaluation", "training")


def _layout() -> str:
    page = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    return page[page.index("## Layout") :]


def test_readme_layout_matches_the_tree():
    found = re.findall(r"`([\w/]+\.(?:py|sh)|[\w]+/)`", _layout())
    named = {n.removeprefix("scripts/") for n in found}
    modules = {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if p.name != "__init__.py" and p.relative_to(PACKAGE).parts[0] not in DESCRIBED_AS_A_WHOLE
    }
    folders = {f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    scripts = {
        p.name
        for p in (ROOT / "scripts").rglob("*")
        if p.suffix in (".py", ".sh")
        and p.name not in ("__main__.py", "__init__.py")
        and "__pycache__" not in p.parts
    }
    scripts |= {f"{p.name}/" for p in (ROOT / "scripts").iterdir() if p.is_dir()} - {"__pycache__/"}
    expected = modules | folders | scripts
    assert expected - named == set(), "in the tree, missing from the layout"
    stale = {n for n in named - expected if n.endswith((".py", ".sh"))} - {"paths.py"}
    assert stale == set(), "in the layout, not in the tree"


def test_every_module_sits_in_a_subpackage():
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top == {"__init__.py", "__main__.py"}


def test_readme_starts_with_the_set_up_and_the_uses_and_its_links_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme[: readme.index("## More")]
    for heading in ("## Set-up", "### Files", "### A stream", "### A whole corpus"):
        assert heading in first_screen
    assert len(first_screen.splitlines()) < 110
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:\s]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name}: broken link {target}"
