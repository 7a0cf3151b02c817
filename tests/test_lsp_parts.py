"""The language server's parts that need no server: its settings, adding a term to the
project's protect list, and positions in each encoding a client may negotiate."""

from __future__ import annotations

import sys

import pytest

from electra_corrector.document.settings import RepoSettingsError
from electra_corrector.lsp import settings
from electra_corrector.lsp.protectfile import ProtectError, add_term

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_the_editors_settings_win_over_the_file_and_its_terms_add_to_the_files(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.electra-correct]\nthreshold = 0.2\nprotect = ["张三丰"]\n', encoding="utf-8"
    )
    found = settings.read(
        tmp_path,
        settings.editor_section(
            {"electra-correct": {"threshold": 0.4, "protect": ["肝部"], "syntax": None}}
        ),
    )
    assert (found.args.threshold, found.terms, found.found) == (
        0.4,
        ("张三丰", "肝部"),
        tmp_path / "pyproject.toml",
    )
    # A new term keeps the model: only model settings make another one.
    assert found.model_key() == settings.read(tmp_path, {"threshold": 0.4}).model_key()
    assert found.model_key() != settings.read(tmp_path, {}).model_key()


def test_a_bad_editor_setting_names_its_key(tmp_path):
    with pytest.raises(RepoSettingsError, match="threshold"):
        settings.read(tmp_path, {"threshold": "lots"})
    with pytest.raises(RepoSettingsError, match="unknown key 'colour'"):
        settings.read(tmp_path, {"colour": "never"})


def test_a_term_is_added_to_the_list_keeping_comments_and_other_tables(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\n\n[tool.electra-correct]\nprotect = [\n  "张三丰",  # a name\n]\n'
        "\n[tool.ruff]\nline-length = 100\n",
        encoding="utf-8",
    )
    assert add_term(pyproject, tmp_path, '朋"唷') == pyproject
    text = pyproject.read_text(encoding="utf-8")
    assert "# a name" in text
    data = tomllib.loads(text)
    assert data["tool"]["electra-correct"]["protect"] == ["张三丰", '朋"唷']
    assert data["tool"]["ruff"] == {"line-length": 100}
    add_term(pyproject, tmp_path, '朋"唷')  # already there: nothing changes
    assert pyproject.read_text(encoding="utf-8") == text


def test_a_term_goes_where_the_settings_keep_their_terms(tmp_path):
    made = add_term(None, tmp_path, "我门")  # no settings file: one is made
    assert tomllib.loads(made.read_text(encoding="utf-8")) == {"protect": ["我门"]}
    own = tmp_path / ".electra-correct.toml"
    own.write_text('threshold = 0.1\nprotect = "terms.txt"\n', encoding="utf-8")
    (tmp_path / "terms.txt").write_text("# names\n张三丰", encoding="utf-8")
    assert add_term(own, tmp_path, "肝部") == tmp_path / "terms.txt"
    assert (tmp_path / "terms.txt").read_text(encoding="utf-8") == "# names\n张三丰\n肝部\n"
    own.write_text("threshold = 0.1\n[other]\nx = 1\n", encoding="utf-8")
    add_term(own, tmp_path, "肝部")  # a new key in the top-level table, before [other]
    assert tomllib.loads(own.read_text(encoding="utf-8")) == {
        "threshold": 0.1,
        "protect": ["肝部"],
        "other": {"x": 1},
    }


def test_a_table_it_cannot_edit_as_text_is_left_alone(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool]\nelectra-correct = { threshold = 0.1 }\n", encoding="utf-8")
    with pytest.raises(ProtectError, match="add it by hand"):
        add_term(pyproject, tmp_path, "肝部")
    assert pyproject.read_text(encoding="utf-8").count("\n") == 2


@pytest.mark.parametrize(
    ("encoding", "column"), [("utf-16", 14), ("utf-8", 4 + 4 + 3 * 10), ("utf-32", 12)]
)
def test_a_diagnostic_counts_the_negotiated_code_units(encoding, column):
    pytest.importorskip("pygls")
    from pygls.workspace import PositionCodec, TextDocument

    from electra_corrector.document.findings import Finding
    from electra_corrector.engine.result import Correction, Edit
    from electra_corrector.lsp.server import _UNITS, _diagnostic

    text = "😀𠀋他说这件事很重要，我门一定\n"
    doc = TextDocument("file:///a.txt", text, position_codec=PositionCodec(encoding))
    edit = Edit(text.index("门"), "门", "们", 0.99)
    correction = Correction.applied(doc.lines[0].rstrip("\n"), [edit])
    found = _diagnostic(Finding.of(correction, edit, 1), _UNITS[doc.position_codec.encoding])
    assert found.range.start.line == 0
    assert (found.range.start.character, found.range.end.character) == (
        column,
        column + (3 if encoding == "utf-8" else 1),
    )


def test_a_term_is_never_written_outside_the_workspace(tmp_path):
    outside, workspace = tmp_path / "outside", tmp_path / "workspace"
    outside.mkdir()
    workspace.mkdir()
    target = outside / "settings.toml"
    target.write_text('protect = ["张三丰"]\n', encoding="utf-8")
    link = workspace / ".electra-correct.toml"
    link.symlink_to(target)
    with pytest.raises(ProtectError, match="outside the workspace"):
        add_term(link, workspace, "肝部")
    # a settings file above the workspace (discovery looks upwards), and a terms file outside
    above = tmp_path / "pyproject.toml"
    above.write_text('[tool.electra-correct]\nprotect = ["张三丰"]\n', encoding="utf-8")
    with pytest.raises(ProtectError, match="outside the workspace"):
        add_term(above, workspace, "肝部")
    own = workspace / "settings.toml"
    own.write_text('protect = "../outside/terms.txt"\n', encoding="utf-8")
    with pytest.raises(ProtectError, match="outside the workspace"):
        add_term(own, workspace, "肝部")
    assert target.read_text(encoding="utf-8") == 'protect = ["张三丰"]\n'
    assert above.read_text(encoding="utf-8").count("肝部") == 0
    assert not (outside / "terms.txt").exists()
