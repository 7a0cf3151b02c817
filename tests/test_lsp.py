"""electra-correct-lsp driven over stdio by a real LSP client (pytest-lsp), on the bundled
model: one server for the module (the model loads once), the tests in the order written."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")  # the `lsp` extra

import attrs  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

from electra_corrector.document.findings import level  # noqa: E402
from electra_corrector.lsp.server import PROTECT_COMMAND, SOURCE  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

pytestmark = pytest.mark.slow  # starts the language server

SERVER = [sys.executable, "-m", "electra_corrector.lsp"]
CAPABILITIES = client_capabilities("visual-studio-code")  # offers no positionEncodings: UTF-16


def _converter():
    converter = default_converter()

    # lsprotocol 2025.0 reads any code action with a "command" key as a bare Command (its
    # command then a dict turned str); the key's type tells them apart.
    def command_or_action(item, _):
        kind = types.Command if isinstance(item.get("command"), str) else types.CodeAction
        return converter.structure(item, kind)

    converter.register_structure_hook(types.Command | types.CodeAction, command_or_action)
    return converter


def _recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics in order (it keeps only the
    latest per document), with an event set on each."""
    client = LanguageClient(converter_factory=_converter)
    client.published, client.arrived = [], asyncio.Event()

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.published.append(params)
        client.arrived.set()

    register_lsp_features(
        client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish}
    )
    return client


HANG = 600  # seconds after which a wait is a failure, not a slow machine (no timing asserted)


async def diagnostics(client, uri: str, version: int | None = None, after: int = 0):
    """The first diagnostics published for `uri` (at `version`, when given) after the
    `after`-th publication."""

    async def first():
        while True:
            for params in client.published[after:]:
                if params.uri == uri and version in (None, params.version):
                    return params.diagnostics
            client.arrived.clear()
            await client.arrived.wait()

    return await asyncio.wait_for(first(), HANG)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest_lsp.fixture(
    scope="module", config=ClientServerConfig(SERVER, client_factory=_recording_client)
)
async def client(lsp_client: LanguageClient, workspace: Path):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=CAPABILITIES, root_uri=workspace.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


def open_document(client, uri: str, text: str, language: str = "plaintext") -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, 1, text))
    )


def change(client, uri: str, version: int, edits: list[types.TextEdit]) -> None:
    changes = [types.TextDocumentContentChangePartial(e.range, e.new_text) for e in edits]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version), changes
        )
    )


def utf16_column(line: str, index: int) -> int:
    return len(line[:index].encode("utf-16-le")) // 2


def applied(text: str, edits: list[types.TextEdit]) -> str:
    """`text` with `edits` applied the way an editor does: positions in UTF-16 code units."""
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        start, end = edit.range.start, edit.range.end
        assert start.line == end.line
        units = lines[start.line].encode("utf-16-le")
        line = units[: 2 * start.character].decode("utf-16-le") + edit.new_text
        lines[start.line] = line + units[2 * end.character :].decode("utf-16-le")
    return "".join(lines)


async def code_actions(client, uri: str, found: list[types.Diagnostic]):
    params = types.CodeActionParams(
        types.TextDocumentIdentifier(uri), found[0].range, types.CodeActionContext(found)
    )
    return await client.text_document_code_action_async(params)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_typo_after_an_emoji_and_an_extension_b_character(client, workspace):
    # Opened at once after initialize, while the model still loads: checked once it is there.
    uri = (workspace / "essay.txt").as_uri()
    text = "😀𠀋他说这件事很重要，我门一定要再试一次。\n今天天气很好，我们去公园散步。\n"
    open_document(client, uri, text)
    [found] = await diagnostics(client, uri, 1)
    column = utf16_column(text, text.index("门"))
    assert column == text.index("门") + 2  # both characters before it take two UTF-16 units
    assert found.range == types.Range(types.Position(0, column), types.Position(0, column + 1))
    assert found.source == SOURCE
    # the level --check reports, under the editor's name for it
    severity = types.DiagnosticSeverity
    names = {"error": severity.Error, "warning": severity.Warning, "note": severity.Information}
    assert (found.data["level"], found.severity) == (
        level(found.data["score"]),
        names[level(found.data["score"])],
    )
    actions = await code_actions(client, uri, [found])
    [fix] = [a for a in actions if a.title == "Replace 门 with 们"]
    assert fix.is_preferred and fix.kind == types.CodeActionKind.QuickFix
    edits = fix.edit.changes[uri]
    fixed = applied(text, edits)
    assert fixed == text.replace("我门", "我们")
    change(client, uri, 2, edits)
    assert list(await diagnostics(client, uri, 2)) == []


IGNORABLE = [  # (file, language id, text, line with the typo): the directive has a safe place
    ("notes.md", "markdown", "# 标题\n\n今天天气很好，我门去公园散步。\n", 2),
    ("app.py", "python", "x = 1  # 今天天气很好，我门去公园散步。\n", 0),
]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("name,language,text,number", IGNORABLE)
async def test_ignore_this_line_writes_the_directive_and_clears_it(
    client, workspace, name, language, text, number
):
    uri = (workspace / name).as_uri()
    open_document(client, uri, text, language)
    [found] = await diagnostics(client, uri, 1)
    assert found.range.start.line == number
    actions = await code_actions(client, uri, [found])
    [ignore] = [a for a in actions if a.title.startswith("Ignore this line")]
    edits = ignore.edit.changes[uri]
    ignored = applied(text, edits)
    assert "electra-correct: ignore" in ignored.splitlines()[number]
    assert (
        ignored.replace(" <!-- electra-correct: ignore -->", "").replace(
            " electra-correct: ignore", ""
        )
        == text
    )  # nothing else changed
    change(client, uri, 2, edits)
    assert list(await diagnostics(client, uri, 2)) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_no_ignore_is_offered_where_it_would_change_the_code(client, workspace):
    uri = (workspace / "strings.py").as_uri()
    text = 's = "今天天气很好，我门去公园散步。"\n'
    open_document(client, uri, text, "python")
    [found] = await diagnostics(client, uri, 1)
    actions = await code_actions(client, uri, [found])
    assert any(a.title.startswith("Replace") for a in actions)
    assert not [a for a in actions if a.title.startswith("Ignore this line")]


# The same documents as files: prose, Markdown with code, source code with a typo in a comment
# and in a string (each corrected alone), an emoji and an extension-B character before typos.
SAME_AS_CHECK = {
    "same.txt": "😀𠀋他说这件事很重要，我门一定要再试一次。\n下个星期，我跟我朋唷打算去法国。\n",
    "same.md": "# 标题\n\n`我门的代码` 今天天气很好，我门去公园散步。\n\n```\n我门\n```\n",
    "same.py": '# 这个函数很重要，我门一定要测试。\nx = f("😀我跟我朋唷打算去法国玩儿。")\n',
}


@pytest.mark.asyncio(loop_scope="module")
async def test_diagnostics_are_the_findings_of_check(client, workspace):
    """Each diagnostic is a finding `--check --format sarif` reports for the same file: the
    same line, UTF-16 columns, level and score (both front ends go through document/)."""
    import json
    import subprocess

    languages = {".txt": "plaintext", ".md": "markdown", ".py": "python"}
    from_editor = set()
    for name, text in SAME_AS_CHECK.items():
        (workspace / name).write_text(text, encoding="utf-8")
        uri = (workspace / name).as_uri()
        open_document(client, uri, text, languages[Path(name).suffix])
        for d in await diagnostics(client, uri, 1):
            start, end = d.range.start, d.range.end
            where = (name, start.line + 1, start.character + 1, end.character + 1)
            from_editor.add((*where, d.data["level"], round(d.data["score"], 4)))
    run = subprocess.run(
        [sys.executable, "-m", "electra_corrector", "--check", "--format", "sarif", *SAME_AS_CHECK],
        cwd=workspace,
        capture_output=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    [sarif_run] = json.loads(run.stdout)["runs"]
    from_check = set()
    for result in sarif_run["results"]:
        location = result["locations"][0]["physicalLocation"]
        region = location["region"]
        where = (
            location["artifactLocation"]["uri"],
            region["startLine"],
            region["startColumn"],
            region["endColumn"],
        )
        from_check.add((*where, result["level"], result["properties"]["score"]))
    assert from_editor == from_check
    assert {found[0] for found in from_check} == set(SAME_AS_CHECK)  # each file has a typo


@pytest.mark.asyncio(loop_scope="module")
async def test_a_change_that_arrives_while_a_check_runs_wins(client, workspace):
    uri = (workspace / "long.md").as_uri()
    first = "".join(f"第{i}段：我门今天去公园散步，天气很好。\n" for i in range(100))
    open_document(client, uri, first, "markdown")
    # The whole document replaced at once, while the check of version 1 is under way.
    start, end = types.Position(0, 0), types.Position(100, 0)
    second = "```\n我门的代码\n```\n今天天气很好，我门去公园散步。\n"
    change(client, uri, 2, [types.TextEdit(types.Range(start, end), second)])
    [found] = await diagnostics(client, uri, 2)
    assert found.range.start == types.Position(3, second.splitlines()[3].index("门"))
    ours = [p.version for p in client.published if p.uri == uri]
    assert ours[-1] == 2 and 2 not in ours[:-1]  # nothing of version 1 came after version 2


@pytest.mark.asyncio(loop_scope="module")
async def test_never_flag_this_term_writes_the_settings_and_clears_it(client, workspace):
    uri = (workspace / "trip.txt").as_uri()
    open_document(client, uri, "我跟我朋唷打算去法国玩儿。\n")
    [found] = await diagnostics(client, uri, 1)
    actions = await code_actions(client, uri, [found])
    [never] = [a for a in actions if a.title.startswith("Never flag 朋唷")]
    before = len(client.published)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=never.command.command, arguments=never.command.arguments)
    )
    assert never.command.command == PROTECT_COMMAND
    settings = tomllib.loads((workspace / ".electra-correct.toml").read_text(encoding="utf-8"))
    assert settings == {"protect": ["朋唷"]}
    assert list(await diagnostics(client, uri, 1, after=before)) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_a_bad_setting_is_a_message_and_the_server_goes_on(client, workspace):
    shown = asyncio.wrap_future(client.protocol.wait_for_notification(types.WINDOW_SHOW_MESSAGE))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams({"electra-correct": {"threshold": "lots"}})
    )
    message = await asyncio.wait_for(shown, HANG)
    assert message.type == types.MessageType.Error and "threshold" in message.message
    uri = (workspace / "after.txt").as_uri()
    open_document(client, uri, "他说这件事很重要，我门一定要再试一次。\n")
    [found] = await diagnostics(client, uri, 1)
    assert found.data["right"] == "们"


@pytest.mark.asyncio
async def test_utf32_when_offered_and_shutdown_and_exit_while_the_model_loads():
    client = _recording_client()
    await client.start_io(*SERVER)
    offers = types.GeneralClientCapabilities(position_encodings=["utf-32", "utf-16"])
    try:
        result = await client.initialize_session(
            types.InitializeParams(capabilities=attrs.evolve(CAPABILITIES, general=offers))
        )
        assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf32
        await client.shutdown_session()  # shutdown, exit, and the process's end
        assert client._server.returncode == 0
    finally:
        await client.stop()


def _framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_a_body_that_is_no_json_gets_the_parse_error_reply_and_the_server_goes_on(tmp_path):
    import json
    import subprocess

    messages = [
        b"{not json",
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "shutdown", "params": None}).encode(),
        json.dumps({"jsonrpc": "2.0", "method": "exit", "params": None}).encode(),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "electra_corrector.lsp"],
        input=b"".join(map(_framed, messages)),
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    replies = [json.loads(part.split(b"\r\n\r\n", 1)[1]) for part in _split(done.stdout)]
    assert replies[0]["error"]["code"] == -32700  # JSON-RPC's "Parse error"
    assert replies[0]["id"] is None and "Parse error" in replies[0]["error"]["message"]
    assert replies[1] == {"id": 1, "jsonrpc": "2.0", "result": None}  # it went on serving
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    assert done.returncode == 0  # exit after shutdown


def _split(stream: bytes) -> list[bytes]:
    parts, rest = [], stream
    while rest:
        header, _, after = rest.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        parts.append(header + b"\r\n\r\n" + after[:length])
        rest = after[length:]
    return parts


def test_shutdown_and_exit_during_a_long_check_end_the_process_cleanly(tmp_path):
    import json
    import subprocess
    import time

    document = (tmp_path / "long.md").as_uri()
    text = "我跟我朋唷打算去法国玩，他再家里看书。\n" * 3000

    def message(method: str, params, id: int | None = None) -> bytes:
        body = {"jsonrpc": "2.0", "method": method, "params": params}
        return _framed(json.dumps({**body, "id": id} if id else body).encode())

    server = subprocess.Popen(
        [sys.executable, "-m", "electra_corrector.lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    opened = {
        "textDocument": {"uri": document, "languageId": "markdown", "version": 1, "text": text}
    }
    server.stdin.write(
        message(
            "initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}, 1
        )
        + message("initialized", {})
        + message("textDocument/didOpen", opened)
    )
    server.stdin.flush()
    time.sleep(3)  # the model loads and the check starts; the test holds whichever way it goes
    ending = message("shutdown", None, 2) + message("exit", None)
    out, err = server.communicate(ending, timeout=120)
    replies = [json.loads(part.split(b"\r\n\r\n", 1)[1]) for part in _split(out)]
    assert {"id": 2, "jsonrpc": "2.0", "result": None} in replies
    assert b"Traceback" not in err and b"Exception" not in err, err.decode()
    assert server.returncode == 0
