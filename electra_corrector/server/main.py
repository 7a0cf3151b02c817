"""electra-correct-server: the console script and its options. starlette and uvicorn are an
optional extra (`.[server]`), imported only once the options are read, so that --help answers
at once and a missing extra is a one-line message, exit 2."""

from __future__ import annotations

import argparse
from pathlib import Path

from electra_corrector import __version__
from electra_corrector.document import settings as repo_settings
from electra_corrector.document.console import USAGE_ERROR, say
from electra_corrector.document.options import load_corrector, settings_parser

PROG = "electra-correct-server"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Chinese spelling correction over HTTP: a LanguageTool-compatible API "
        "(/v2/check), a native one (/v1/correct) and a web page (/). Model and word settings "
        "come from the project's .electra-correct.toml or [tool.electra-correct] in "
        "pyproject.toml, found from the working folder, or --config.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    p.add_argument("--port", type=int, default=8081, help="port (default %(default)s)")
    p.add_argument("--config", type=Path, metavar="FILE", help="settings from FILE")
    p.add_argument(
        "--max-batch", type=int, default=64, help="texts corrected together at most; 1: no batching"
    )
    p.add_argument(
        "--batch-wait-ms",
        type=float,
        default=5.0,
        help="how long a batch waits for more requests (default %(default)s ms)",
    )
    p.add_argument("--max-queue", type=int, default=4096, help="texts waiting at most (then 503)")
    p.add_argument("--max-body", type=int, default=1 << 20, help="bytes of a request (then 413)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds a request may take")
    p.add_argument("--threads", type=int, metavar="N", help="CPU threads for torch (default: all)")
    p.add_argument("--cors-origin", metavar="ORIGIN", help="allow browser calls from ORIGIN")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return p


def model_settings(config: Path | None) -> argparse.Namespace:
    """The settings file's options (model, protect list, confusions ...), as the command line
    reads them; RepoSettingsError when the file is bad."""
    options = settings_parser(PROG)
    found = (
        (config, repo_settings.read(config) or {}) if config else repo_settings.discover(Path.cwd())
    )
    if found is not None:
        repo_settings.apply(options, *found)
    return options.parse_args([])


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    numbers = (args.max_batch, args.max_queue, args.max_body, args.timeout)
    numbers += (args.threads,) if args.threads is not None else ()
    if min(numbers) <= 0:
        say(PROG, "--max-batch, --max-queue, --max-body, --timeout and --threads must be positive")
        return USAGE_ERROR
    try:
        import uvicorn

        from electra_corrector.server.app import Limits, create_app, handlers
        from electra_corrector.server.batching import Batcher
    except ImportError as e:
        say(PROG, f"needs starlette and uvicorn ({e}); pip install 'electra-correct[server]'")
        return USAGE_ERROR
    try:
        options = model_settings(args.config)
    except repo_settings.RepoSettingsError as e:
        say(PROG, str(e))
        return USAGE_ERROR
    if args.threads:
        options.threads = args.threads
    # The model loads on the batcher's thread while the server already answers /healthz.
    batcher = Batcher(
        lambda: load_corrector(options),
        handlers(),
        max_batch=args.max_batch,
        wait=args.batch_wait_ms / 1000,
        max_queue=args.max_queue,
    )
    app = create_app(batcher, Limits(args.max_body, args.timeout), args.cors_origin)
    # uvicorn stops cleanly on SIGINT and SIGTERM: open requests finish, then it exits. No
    # access log: a line per request costs as much as a batched correction and says nothing.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="info",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    return 0
