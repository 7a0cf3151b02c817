"""electra-correct-lsp's speed as an editor sees it, over stdio: start-up until `initialize` is
answered and until the first diagnostics (the model loads in the background), then on a document
of N lines (1,000 by default) the first diagnostics after opening it, and a one-character change
re-checked, both with didSave (checked at once) and as typed (after the change debounce); the
median of several changes, each on another line.

    python scripts/bench_lsp.py [--text runs/dev/learner.tsv] [--lines 1000] [--changes 5]

Lines come from the first column of a TSV or text file (default: the dev set's learner.tsv).
The client is a bare JSON-RPC one (json.loads, as an editor's would be), so the times are the
server's and the pipe's, not a Python client's deserialising of the diagnostics.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Client:
    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process
        self.ids = itertools.count(1)
        self.replies: dict[int, asyncio.Future] = {}
        self.published: dict[tuple[str, int | None], float] = {}
        self.arrived = asyncio.Event()
        self.reader = asyncio.ensure_future(self._read())

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def notify(self, method: str, params) -> float:
        self.send({"method": method, "params": params})
        return time.perf_counter()

    async def request(self, method: str, params) -> dict:
        number = next(self.ids)
        reply = self.replies[number] = asyncio.get_running_loop().create_future()
        self.send({"id": number, "method": method, "params": params})
        return await reply

    async def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = 0
            while (header := await stream.readline()) not in (b"\r\n", b""):
                name, _, value = header.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not header:
                return
            message = json.loads(await stream.readexactly(length))
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                self.published[(params["uri"], params.get("version"))] = time.perf_counter()
                self.arrived.set()
            elif "method" in message and "id" in message:  # a request of the server's
                self.send({"id": message["id"], "result": None})
            elif message.get("id") in self.replies:
                self.replies.pop(message["id"]).set_result(message.get("result"))

    async def published_at(self, uri: str, version: int) -> float:
        while (uri, version) not in self.published:
            self.arrived.clear()
            await self.arrived.wait()
        return self.published[(uri, version)]

    def open(self, uri: str, text: str) -> float:
        item = {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}
        return self.notify("textDocument/didOpen", {"textDocument": item})

    def replace(self, uri: str, version: int, line: int, column: int, char: str) -> float:
        where = {
            "start": {"line": line, "character": column},
            "end": {"line": line, "character": column + 1},
        }
        return self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": where, "text": char}],
            },
        )


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


def cpu_seconds(pid: int) -> float:
    """CPU time the process has used, all its threads (Linux): on a busy machine wall time
    waits for other processes, this does not."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_cjk(line: str) -> int:
    return next(i for i, c in enumerate(line) if "\u4e00" <= c <= "\u9fff")  # no emoji before


async def run(lines: list[str], changes: int) -> dict[str, tuple[float, float]]:
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "electra_corrector.lsp",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=2**26,
    )
    cpu = lambda: cpu_seconds(process.pid)  # noqa: E731
    client = Client(process)
    await client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    initialized, initialized_cpu = time.perf_counter(), cpu()
    client.notify("initialized", {})
    warm = "file:///bench/warm.txt"
    client.open(warm, "我跟我朋唷打算去法国玩儿。\n")
    ready = await client.published_at(warm, 1)
    ready_cpu = cpu()

    uri = "file:///bench/document.txt"
    opened = client.open(uri, "\n".join(lines) + "\n")
    first = await client.published_at(uri, 1) - opened
    first_cpu = cpu() - ready_cpu
    on_save, as_typed, version = [], [], 1
    for k in range(changes):
        line = (k + 1) * len(lines) // (changes + 1)
        version += 1
        before = cpu()
        sent = client.replace(uri, version, line, first_cjk(lines[line]), "的")
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        on_save.append((await client.published_at(uri, version) - sent, cpu() - before))
        version += 1
        before = cpu()
        sent = client.replace(uri, version, line + 1, first_cjk(lines[line + 1]), "是")
        as_typed.append((await client.published_at(uri, version) - sent, cpu() - before))
    await client.request("shutdown", None)
    client.notify("exit", None)
    await process.wait()
    return {
        "initialize answered": (initialized - started, initialized_cpu),
        "first diagnostics: start-up and model load": (ready - started, ready_cpu),
        f"{len(lines)}-line document: first diagnostics": (first, first_cpu),
        "one-character change + didSave: re-checked (median)": _medians(on_save),
        "one-character change as typed: re-checked (median)": _medians(as_typed),
    }


def _medians(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return tuple(statistics.median(column) for column in zip(*pairs, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", type=Path, default=ROOT / "runs" / "dev" / "learner.tsv")
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=5)
    args = parser.parse_args()
    results = asyncio.run(run(read_lines(args.text, args.lines), args.changes))
    print(f"{'':<52} {'wall s':>8} {'CPU s':>8}  (the server's CPU time, all threads)")
    for name, (wall, cpu) in results.items():
        print(f"{name:<52} {wall:8.3f} {cpu:8.3f}")


if __name__ == "__main__":
    main()
