"""The routes: LanguageTool's /v2/check and /v2/languages, the native /v1/correct, /healthz
and the web page. Every error is a JSON body with a one-line message, never a traceback; no
route reads or writes a file (the page is read once, at start-up)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from importlib import resources
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from electra_corrector.document.correcting import check_texts
from electra_corrector.server import languagetool as lt
from electra_corrector.server.batching import Batcher, NotReady, QueueFull


@dataclass(frozen=True)
class Limits:
    max_body: int = 1 << 20  # bytes of a request body
    timeout: float = 30.0  # seconds a request may wait for its answer, loading included
    max_texts: int = 1000  # texts in one /v1/correct request


class Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.headers = status, headers


def handlers() -> dict:
    """The batcher's kinds of work: native corrections, and LanguageTool's documents (each a
    text and its markup spans), all of a batch in one correct_batch call."""
    return {
        "correct": lambda corrector, texts: corrector.correct_batch(texts),
        "check": lambda corrector, docs: check_texts(
            corrector, [text for text, _ in docs], protected=[spans for _, spans in docs]
        ),
    }


def create_app(batcher: Batcher, limits: Limits, cors_origin: str | None = None) -> Starlette:
    page = resources.files("electra_corrector.server").joinpath("static/index.html").read_text()

    async def answered(kind: str, items: list):
        try:
            future = batcher.submit(kind, items)
        except QueueFull as e:
            raise Refused(503, f"busy: {e}; retry shortly", {"Retry-After": "1"}) from None
        except NotReady as e:
            raise Refused(503, f"the model did not load: {e}") from None
        try:
            return await asyncio.wait_for(future, limits.timeout)
        except asyncio.TimeoutError:
            raise Refused(504, f"no answer within {limits.timeout:g} s") from None
        except NotReady as e:
            raise Refused(503, f"the model did not load: {e}") from None

    async def body(request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_body:
            raise Refused(413, f"body over {limits.max_body} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limits.max_body:
                raise Refused(413, f"body over {limits.max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def params(request: Request) -> dict[str, str]:
        """/v2/check's parameters: the query string, then a form-encoded or JSON body."""
        found = dict(request.query_params)
        raw = await body(request) if request.method == "POST" else b""
        if not raw:
            return found
        kind = request.headers.get("content-type", "").split(";")[0].strip()
        try:
            text = raw.decode("utf-8")
            if kind == "application/json":
                given = json.loads(text)
                if not isinstance(given, dict):
                    raise Refused(400, "a JSON body must be an object")
                return {**found, **{k: _param(k, v) for k, v in given.items()}}
            return {**found, **dict(parse_qsl(text, keep_blank_values=True))}
        except (UnicodeDecodeError, ValueError) as e:
            raise Refused(400, f"malformed body: {e}") from None

    async def check(request: Request):
        try:
            call = lt.Check(await params(request))
        except lt.BadRequest as e:
            raise Refused(400, str(e)) from None
        found = []
        if call.checked and call.text:
            (checked,) = await answered("check", [(call.text, call.markup)])
            found = lt.matches(checked, call.level)
        return JSONResponse(lt.answer(call.language, found))

    async def correct(request: Request):
        try:
            given = json.loads(await body(request))
        except (UnicodeDecodeError, ValueError) as e:
            raise Refused(400, f"malformed JSON body: {e}") from None
        texts = given.get("texts") if isinstance(given, dict) else None
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise Refused(400, 'the body must be {"texts": [string, ...]}')
        if len(texts) > limits.max_texts:
            raise Refused(413, f"over {limits.max_texts} texts in one request")
        corrections = await answered("correct", texts) if texts else []
        return JSONResponse([c.to_json() for c in corrections])

    async def healthz(request: Request):
        state = "failed" if batcher.error else "ready" if batcher.ready.is_set() else "loading"
        answer = {"status": state, "ready": state == "ready", "waiting": batcher.waiting}
        if batcher.error:
            answer["error"] = batcher.error
        return JSONResponse(answer)

    async def languages(request: Request):
        return JSONResponse(lt.languages())

    async def healthcheck(request: Request):  # LanguageTool's own, which its clients poll
        return JSONResponse({"status": "ok"})

    async def index(request: Request):
        return HTMLResponse(page)

    def refused(request: Request, error: Refused):
        return JSONResponse({"error": str(error)}, error.status, headers=error.headers)

    def http_error(request: Request, error: HTTPException):
        return JSONResponse({"error": error.detail}, error.status_code, headers=error.headers)

    def failed(request: Request, error: Exception):  # logged by uvicorn; the client gets one line
        return JSONResponse({"error": f"internal error: {type(error).__name__}"}, 500)

    middleware = []
    if cors_origin:
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(
            Middleware(CORSMiddleware, allow_origins=[cors_origin], allow_methods=["GET", "POST"])
        )
    return Starlette(
        routes=[
            Route("/", index),
            Route("/healthz", healthz),
            Route("/v1/correct", correct, methods=["POST"]),
            Route("/v2/check", check, methods=["GET", "POST"]),
            Route("/v2/languages", languages),
            Route("/v2/healthcheck", healthcheck),
        ],
        middleware=middleware,
        exception_handlers={Refused: refused, HTTPException: http_error, Exception: failed},
    )


def _param(key: str, value) -> str:
    """A JSON body's value as the form's string (`data` may come as an object)."""
    if isinstance(value, str):
        return value
    if key == "data" and isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, list):
        return ",".join(map(str, value))
    raise Refused(400, f"parameter {key!r} must be a string")
