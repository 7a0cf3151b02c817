"""The language server: diagnostics for the typos the Corrector finds, quick fixes that apply
them, and "never flag this term". A thin front end over the Python API, as the command line is.

The model loads on the worker thread after `initialized`, so `initialize` answers at once;
documents opened meanwhile are checked once it is there. A check corrects only the texts its
LineChecker has not seen (those the command line would correct: document/formats.py), in
chunks; before each chunk it looks whether a newer version of the document (or new settings)
arrived, and if so it stops: the newer check takes over, with what was corrected so far in the
cache. Findings (document/findings.py) carry columns in every unit; the
client gets them in the position encoding negotiated at `initialize` (UTF-16 unless it offers
UTF-8 or UTF-32), with the level and score `--check` reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from electra_corrector import __version__
from electra_corrector.base.charset import is_cjk
from electra_corrector.base.errors import CorrectorError
from electra_corrector.document import settings as repo_settings
from electra_corrector.document.correcting import SORT_WINDOW
from electra_corrector.document.findings import Finding
from electra_corrector.lsp import settings as settings_
from electra_corrector.lsp.linecheck import LineChecker, units_of
from electra_corrector.lsp.protectfile import ProtectError, add_term
from electra_corrector.lsp.worker import Worker
from electra_corrector.markup import code, syntax
from electra_corrector.markup.ignores import IGNORE_LINE

NAME = "electra-correct-lsp"
SOURCE = "electra-correct"  # the diagnostics' source, which code actions look for
PROTECT_COMMAND = "electra-correct.protect"
CHANGE_DELAY = 0.3  # seconds of quiet after a change before it is checked (typing goes on)
# The editor's language ids that name a syntax the masking knows; others go by file extension.
LANGUAGES = {
    "markdown": "markdown",
    "mdx": "markdown",
    "restructuredtext": "rst",
    "rst": "rst",
    "html": "html",
    "latex": "latex",
    "tex": "latex",
}


class CorrectServer(LanguageServer):
    def __init__(self):
        super().__init__(
            NAME, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.worker = Worker()
        self.root = Path.cwd()
        self.editor: dict = {}  # our section of the editor's settings, as last received
        self.settings: settings_.Settings | None = None
        self.checker: LineChecker | None = None
        self.checker_key: tuple | None = None  # what self.checker's Corrector was built from
        self.wanted_key: tuple | None = None  # what the latest settings build it from
        self.editor_init = None  # initializationOptions: the editor's settings at the start
        self._loading: set[tuple] = set()  # keys of the Correctors being built
        self.published: dict[str, tuple[int | None, list[types.Diagnostic]]] = {}
        self.shut_down = False
        self._debouncing: dict[str, asyncio.Task] = {}
        self._tasks: set[asyncio.Task] = set()  # referenced until done (asyncio keeps weak ones)

    def report_server_error(self, error: Exception, source) -> None:
        # A body that is no JSON gets JSON-RPC's own answer, with no id since none could be read.
        if isinstance(error, json.JSONDecodeError):
            parse_error = types.ErrorCodes.ParseError.value
            reply = {"code": parse_error, "message": f"Parse error: {error}"}
            self.protocol._send_data({"jsonrpc": "2.0", "id": None, "error": reply})
            return
        super().report_server_error(error, source)

    # Settings and the model.

    def say(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        self.window_show_message(types.ShowMessageParams(kind, f"{SOURCE}: {message}"))

    async def configure(self, raw=None, pull: bool = False) -> None:
        """Reads the settings file and the editor's settings (`raw` as sent, or asked for with
        workspace/configuration when `pull`), then loads a model if they need another one and
        re-checks every open document. A bad setting is shown, and the settings before it kept."""
        try:
            if pull and self._client_has_configuration():
                asked = types.ConfigurationParams(
                    [types.ConfigurationItem(section=settings_.SECTION)]
                )
                answer = await self.workspace_configuration_async(asked)
                raw = answer[0] if answer else raw
            editor = settings_.editor_section(raw) if raw is not None else self.editor
            found = settings_.read(self.root, editor)
            key = found.model_key()
        except (repo_settings.RepoSettingsError, CorrectorError) as e:
            self.say(str(e))
            return
        except Exception as e:  # a client that answers workspace/configuration with an error
            self.say(f"cannot read the settings: {e}")
            return
        self.editor, self.settings, self.wanted_key = editor, found, key
        if key == self.checker_key:
            self.checker = self.checker.with_terms(found.terms)
            self.recheck_all()
            return
        if key in self._loading:  # the load under way takes these settings' terms
            return
        started = time.perf_counter()
        self._loading.add(key)
        try:
            corrector = await self.worker.run(found.load_corrector)
        except Exception as e:  # CorrectorError, or anything a broken model folder raises
            self.say(f"cannot load the model: {e}")
            if self.wanted_key == key:
                self.wanted_key = self.checker_key
            return
        finally:
            self._loading.discard(key)
        if self.wanted_key != key:  # newer settings came while it loaded
            return
        self.checker = LineChecker(corrector, self.settings.terms)
        self.checker_key = key
        seconds = time.perf_counter() - started
        self.window_log_message(
            types.LogMessageParams(
                types.MessageType.Info, f"model {corrector.model_id} loaded in {seconds:.1f} s"
            )
        )
        self.recheck_all()

    def _client_has_configuration(self) -> bool:
        workspace = self.client_capabilities.workspace
        return bool(workspace and workspace.configuration)

    # Checking documents.

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """Checks `uri` after `delay` seconds without another change to it."""
        waiting = self._debouncing.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        task = asyncio.ensure_future(self._check_later(uri, delay))
        self._debouncing[uri] = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _check_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        if self._debouncing.get(uri) is asyncio.current_task():
            del self._debouncing[uri]  # from here on it runs to the end or stops itself
        try:
            await self.check(uri)
        except Exception as e:  # a bug must not take the server down with it
            self.say(f"checking {uri} failed: {e!r}")

    def recheck_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri)

    async def check(self, uri: str) -> None:
        doc, checker = self.workspace.text_documents.get(uri), self.checker
        if doc is None or checker is None:  # closed, or the model is not there yet
            return
        version = doc.version
        units = units_of(doc.lines, self._syntax(doc))
        chunk = SORT_WINDOW * self.settings.args.batch_size
        while todo := checker.todo(units):
            for start in range(0, len(todo), chunk):
                part = todo[start : start + chunk]
                checker.remember(part, await self.worker.run(checker.correct, part))
                if self.workspace.text_documents.get(uri) is not doc or doc.version != version:
                    return  # a newer version is on its way to being checked
                if self.checker is not checker:
                    return  # so are new settings
        unit = _UNITS.get(doc.position_codec.encoding, "utf16")
        diagnostics = [_diagnostic(found, unit) for found in checker.findings(units)]
        self.published[uri] = (version, diagnostics)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri, diagnostics, version=version)
        )

    def _syntax(self, doc: TextDocument) -> str:
        choice = self.settings.syntax
        if choice == "auto" and doc.language_id in LANGUAGES:
            return LANGUAGES[doc.language_id]
        return syntax.syntax_of(doc.path, choice)

    def forget(self, uri: str) -> None:
        waiting = self._debouncing.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.published.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    # Code actions.

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return []
        only = params.context.only
        if only and not any(types.CodeActionKind.QuickFix.startswith(kind) for kind in only):
            if any(types.CodeActionKind.SourceFixAll.startswith(kind) for kind in only):
                return self._fix_all(doc, types.CodeActionKind.SourceFixAll, minimum=1)
            return []
        lines = doc.lines
        actions, protect = [], []
        comments = None  # the document's line-end comments, lexed once per request if needed
        for diagnostic in params.context.diagnostics:
            found = _ours(doc, lines, diagnostic)
            if found is None:
                continue
            number, offset, right = found
            wrong = lines[number][offset]
            edit = types.TextEdit(diagnostic.range, right)
            actions.append(
                types.CodeAction(
                    f"Replace {wrong} with {right}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=True,
                    edit=types.WorkspaceEdit(changes={uri: [edit]}),
                )
            )
            name = self._syntax(doc)
            if comments is None and syntax.whole_document(name):
                comments = code.line_end_comments([line.rstrip("\r\n") for line in lines], name)
            ignore = self._ignore_line(doc, lines, number, offset, comments or {})
            if ignore is not None:
                actions.append(
                    types.CodeAction(
                        "Ignore this line (electra-correct: ignore)",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(changes={uri: [ignore]}),
                    )
                )
            selected = _selection(doc, lines, params.range, number, offset)
            for term in _terms(lines[number].rstrip("\r\n"), offset, selected):
                if term not in protect:
                    protect.append(term)
                    title = f"Never flag {term} (add it to the protect list)"
                    command = types.Command(title, PROTECT_COMMAND, arguments=[term])
                    actions.append(
                        types.CodeAction(
                            title,
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic],
                            command=command,
                        )
                    )
        if actions:
            actions[1:1] = self._fix_all(doc, types.CodeActionKind.QuickFix, minimum=2)
        return actions

    def _ignore_line(
        self, doc: TextDocument, lines: list[str], number: int, offset: int, comments: dict
    ):
        """The edit that writes the inline ignore (markup/ignores.py) at the end of the line, where
        it changes nothing else: an HTML comment after a Markdown line, or the directive inside
        the comment that holds the typo in source code (`comments`: code.line_end_comments of
        the document); None where there is no such place."""
        body = lines[number].rstrip("\r\n")
        name = self._syntax(doc)
        if name == "markdown":
            directive = f" <!-- {IGNORE_LINE} -->"
        elif syntax.whole_document(name) and any(
            a <= offset < b for a, b in comments.get(number, ())
        ):
            directive = f" {IGNORE_LINE}"
        else:
            return None
        end = types.Position(number, doc.position_codec.client_num_units(body))
        return types.TextEdit(types.Range(end, end), directive)

    def _fix_all(self, doc: TextDocument, kind: str, minimum: int) -> list[types.CodeAction]:
        version, diagnostics = self.published.get(doc.uri, (None, []))
        if version != doc.version or len(diagnostics) < minimum:
            return []
        edits = [types.TextEdit(d.range, d.data["right"]) for d in diagnostics]
        return [
            types.CodeAction(
                f"Correct all {len(edits)} typos in this document",
                kind=kind,
                diagnostics=diagnostics,
                edit=types.WorkspaceEdit(changes={doc.uri: edits}),
            )
        ]

    async def protect(self, term) -> None:
        """Adds `term` to the project's protect list, then re-reads the settings."""
        if not isinstance(term, str) or not term.strip() or not term.isprintable():
            self.say(f"{term!r} cannot be a protected term")
            return
        try:
            found = repo_settings.discover(self.root)
            where = add_term(found[0] if found else None, self.root, term.strip())
        except (repo_settings.RepoSettingsError, ProtectError, OSError) as e:
            self.say(str(e))
            return
        self.window_log_message(
            types.LogMessageParams(
                types.MessageType.Info, f"added {term} to the protect list in {where}"
            )
        )
        await self.configure()


def _diagnostic(found: Finding, unit: str) -> types.Diagnostic:
    """`found` as the client counts: lines from 0, columns in `unit` from 0."""
    edit, line = found.edit, found.line - 1
    start, end = (column - 1 for column in found.columns(unit))
    where = types.Range(types.Position(line, start), types.Position(line, end))
    return types.Diagnostic(
        where,
        f"{edit.wrong} -> {edit.right} ({edit.score:.2f})",
        severity=_SEVERITY[found.level],
        source=SOURCE,
        data={"wrong": edit.wrong, "right": edit.right, "level": found.level, "score": edit.score},
    )


# The one level of findings.py under the editor's names.
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "note": types.DiagnosticSeverity.Information,
}
# The position encodings LSP negotiates, as findings.UNITS names them.
_UNITS = {
    types.PositionEncodingKind.Utf16: "utf16",
    types.PositionEncodingKind.Utf8: "utf8",
    types.PositionEncodingKind.Utf32: "codepoints",
}


def _ours(doc: TextDocument, lines: list[str], diagnostic: types.Diagnostic):
    """(line, offset in code points, suggestion) of one of our diagnostics that still fits the
    text, or None."""
    data = diagnostic.data
    if diagnostic.source != SOURCE or not isinstance(data, dict):
        return None
    right, wrong = data.get("right"), data.get("wrong")
    at = diagnostic.range.start  # copied: pygls clamps a position past the end in place
    start = doc.position_codec.position_from_client_units(
        lines, types.Position(at.line, at.character)
    )
    line, offset = start.line, start.character
    if not (
        isinstance(right, str) and line < len(lines) and lines[line][offset : offset + 1] == wrong
    ):
        return None
    return line, offset, right


def _selection(doc, lines, where: types.Range, number: int, offset: int) -> str:
    """The selected text when it lies on the typo's line and covers the typo, else ""."""
    if where.start.line != number or where.end.line != number:
        return ""
    span = doc.position_codec.range_from_client_units(lines, where)
    start, end = span.start.character, span.end.character
    return lines[number][start:end].strip() if start <= offset < end else ""


def _terms(body: str, offset: int, selected: str) -> list[str]:
    """Terms the user may mean to protect: the selection (when it is more than the typo), the
    typo with the CJK character before it, and with the one after it; the typo alone when it
    stands between other characters."""
    terms = [selected] if len(selected) > 1 and any(map(is_cjk, selected)) else []
    if offset > 0 and is_cjk(body[offset - 1]):
        terms.append(body[offset - 1 : offset + 1])
    if offset + 1 < len(body) and is_cjk(body[offset + 1]):
        terms.append(body[offset : offset + 2])
    return terms or [body[offset]]


def build() -> CorrectServer:
    server = CorrectServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: CorrectServer, params: types.InitializeParams) -> None:
        folders = params.workspace_folders or []
        uri = folders[0].uri if folders else params.root_uri
        path = to_fs_path(uri) if uri else params.root_path
        if path:
            ls.root = Path(path)
        ls.editor_init = params.initialization_options

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CorrectServer, params: types.InitializedParams) -> None:
        await ls.configure(ls.editor_init, pull=True)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: CorrectServer, params) -> None:
        pushed = params.settings if params.settings not in (None, {}) else None
        await ls.configure(pushed, pull=pushed is None)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CorrectServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CorrectServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, CHANGE_DELAY)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CorrectServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CorrectServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
        ),
    )
    def code_action(ls: CorrectServer, params: types.CodeActionParams):
        return ls.code_actions(params)

    @server.command(PROTECT_COMMAND)
    async def protect(ls: CorrectServer, term: str) -> None:
        await ls.protect(term)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CorrectServer, params) -> None:
        ls.shut_down = True

    return server


def serve() -> int:
    """Serves over stdin and stdout until `exit`; LSP's exit status (0 after `shutdown`)."""
    server = build()
    # pygls logs a traceback for a body that is no JSON; the client has its answer instead.
    for name in ("pygls.io_", "pygls.server"):
        logging.getLogger(name).addFilter(_not_a_parse_error)
    with contextlib.suppress(KeyboardInterrupt):
        server.start_io()
    return 0 if server.shut_down else 1


def _not_a_parse_error(record: logging.LogRecord) -> bool:
    return not (record.exc_info and isinstance(record.exc_info[1], json.JSONDecodeError))
