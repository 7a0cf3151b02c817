"""electra-correct-lsp's speed as an editor sees it, over stdio with pygls's client: start-up to
the first diagnostics (the model loading in the background), then on a document of N lines
(1,000 by default) the first diagnostics after opening it, and a one-character change re-checked
(with didSave, which checks at once; and as typing, after the change debounce).

    python scripts/bench_lsp.py [--text runs/dev/learner.tsv] [--lines 1000]

Lines come from the first column of a TSV or text file (default: the dev set's learner.tsv).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]


class Client(LanguageClient):
    def __init__(self):
        super().__init__("bench-lsp", "1")
        self.published: dict[tuple[str, int | None], float] = {}
        self.arrived = asyncio.Event()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            self.published[(params.uri, params.version)] = time.perf_counter()
            self.counts = len(params.diagnostics)
            self.arrived.set()

    async def published_at(self, uri: str, version: int) -> float:
        while (uri, version) not in self.published:
            self.arrived.clear()
            await self.arrived.wait()
        return self.published[(uri, version)]

    def open(self, uri: str, text: str) -> float:
        item = types.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=text)
        self.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
        return time.perf_counter()

    def replace(self, uri: str, version: int, line: int, column: int, char: str) -> float:
        where = types.Range(types.Position(line, column), types.Position(line, column + 1))
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=where, text=char)],
            )
        )
        return time.perf_counter()


def read_lines(path: Path, count: int) -> list[str]:
    lines = []
    with path.open(encoding="utf-8") as f:
        for raw in f:
            text = raw.rstrip("\n").split("\t")[0].strip()
            if text:
                lines.append(text)
            if len(lines) == count:
                return lines
    sys.exit(f"{path}: only {len(lines)} lines, {count} asked for")


async def run(lines: list[str]) -> dict[str, float]:
    client = Client()
    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "electra_corrector.lsp")
    capabilities = types.ClientCapabilities()
    await client.initialize_async(types.InitializeParams(capabilities=capabilities))
    initialized = time.perf_counter()
    client.initialized(types.InitializedParams())
    warm = "file:///bench/warm.txt"
    client.open(warm, "我跟我朋唷打算去法国玩儿。\n")
    ready = await client.published_at(warm, 1)

    uri = "file:///bench/document.txt"
    opened = client.open(uri, "\n".join(lines) + "\n")
    first = await client.published_at(uri, 1) - opened
    middle = len(lines) // 2
    column = next(i for i, c in enumerate(lines[middle]) if "\u4e00" <= c <= "\u9fff")
    saved = client.replace(uri, 2, middle, column, "的")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    on_save = await client.published_at(uri, 2) - saved
    typed = client.replace(uri, 3, middle, column + 1, "是")
    as_typed = await client.published_at(uri, 3) - typed
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "initialize answered (s)": initialized - started,
        "first diagnostics, model loaded (s)": ready - started,
        f"{len(lines)}-line document: first diagnostics (s)": first,
        "one-character change + didSave: re-checked (s)": on_save,
        "one-character change, debounced: re-checked (s)": as_typed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", type=Path, default=ROOT / "runs" / "dev" / "learner.tsv")
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args()
    results = asyncio.run(run(read_lines(args.text, args.lines)))
    for name, seconds in results.items():
        print(f"{name:<52} {seconds:7.3f}")


if __name__ == "__main__":
    main()
