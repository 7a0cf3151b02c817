"""electra-correct-server under concurrent clients, on loopback: the same requests against a
batching server (--max-batch 64) and one that corrects a request at a time (--max-batch 1), in
one run. Every answer is checked against the one-at-a-time answer for its sentence, so no
request is lost or wrong; stops by itself (bounded: --requests, --clients, a timeout each).

Usage:
    python -m scripts.benchmark.server                       # 16 clients, 2,000 requests
    python -m scripts.benchmark.server --requests 400 --clients 8 --threads 1
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

SENTENCES = [
    "他说这件事很重要，我门一定要再试一次。",
    "我跟我朋唷打算去法国玩儿。",
    "今天天气很好，我们去公园散步吧。",
    "这个问题的答按其实很简单。",
    "他的成绩一直名列前矛。",
    "请大家安静，会议马上就要开始了。",
    "我们要坚持不懈地努力，才能取得成功。",
    "这本书的内容非常丰富，值得一读。",
]
READY_S, REQUEST_S = 120, 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_connections = threading.local()


def call(url: str, text: str) -> tuple[float, dict]:
    """One request on this thread's kept-alive connection, as editors and add-ons hold one."""
    where = urlsplit(url)
    connection = getattr(_connections, where.netloc, None)
    if connection is None:
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=REQUEST_S)
        setattr(_connections, where.netloc, connection)
    body = json.dumps({"texts": [text]}).encode()
    start = time.perf_counter()
    connection.request("POST", where.path, body, {"Content-Type": "application/json"})
    answer = connection.getresponse()
    if answer.status != 200:
        raise SystemExit(f"{url}: HTTP {answer.status}: {answer.read()[:200]!r}")
    (result,) = json.load(answer)
    return time.perf_counter() - start, result


def started(max_batch: int, threads: int | None, log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "electra_corrector.server", "--port", str(port)]
    command += ["--max-batch", str(max_batch), *(["--threads", str(threads)] if threads else [])]
    folder = tempfile.mkdtemp()  # no settings file: the defaults
    process = subprocess.Popen(command, cwd=folder, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if json.load(answer)["ready"]:
                    return process, url
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    log.seek(0)
    raise SystemExit(f"the server (--max-batch {max_batch}) did not get ready:\n{log.read()}")


def measured(url: str, requests: int, clients: int, expected: dict[str, dict]) -> dict:
    texts = [SENTENCES[i % len(SENTENCES)] for i in range(requests)]
    warm = [call(f"{url}/v1/correct", SENTENCES[0])[0] for _ in range(20)]
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(lambda t: call(f"{url}/v1/correct", t), texts))
    wall = time.perf_counter() - start
    wrong = sum(result != expected[t] for t, (_, result) in zip(texts, answers, strict=True))
    latencies = sorted(seconds for seconds, _ in answers)
    return {
        "answered": len(answers),
        "wrong": wrong,
        "warm_single_ms": statistics.median(warm) * 1000,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "requests_per_s": len(answers) / wall,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, help="torch threads of each server")
    args = parser.parse_args(argv)
    results, expected = {}, None
    with tempfile.TemporaryFile("w+") as log:
        for max_batch in (1, 64):  # one at a time first: its answers are the expected ones
            process, url = started(max_batch, args.threads, log)
            try:
                if expected is None:
                    expected = {t: call(f"{url}/v1/correct", t)[1] for t in SENTENCES}
                results[max_batch] = measured(url, args.requests, args.clients, expected)
            finally:
                process.terminate()
                process.wait(30)
    print(f"{args.requests} requests, {args.clients} concurrent clients, loopback")
    print(
        "| --max-batch | answered | wrong | warm single (ms) | p50 (ms) | p99 (ms) | requests/s |"
    )
    print("|---|---|---|---|---|---|---|")
    for max_batch, r in results.items():
        print(
            f"| {max_batch} | {r['answered']} | {r['wrong']} | {r['warm_single_ms']:.1f} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['requests_per_s']:.1f} |"
        )
    speedup = results[64]["requests_per_s"] / results[1]["requests_per_s"]
    print(f"batching: {speedup:.2f}x the throughput of one request at a time")
    lost = any(r["wrong"] or r["answered"] != args.requests for r in results.values())
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
