"""electra-correct-server: the corrector over HTTP, a LanguageTool-compatible API, a native one
and a web page (the `server` extra: starlette, uvicorn)."""
