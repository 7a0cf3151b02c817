"""Handing a worker thread's outcome to the asyncio future awaiting it."""

from __future__ import annotations

import asyncio


def settle(future: asyncio.Future, result, error: Exception | None) -> None:
    """Set `future`'s result, or its exception when `error` is given; run on the future's loop
    (loop.call_soon_threadsafe). A future already cancelled (its caller gone) is left alone."""
    if future.cancelled():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
