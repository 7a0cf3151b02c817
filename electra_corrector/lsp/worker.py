"""One daemon thread for the model's work (loading it, correcting lines), so that the event loop
keeps answering the editor meanwhile, calls run one at a time (torch uses every core already),
and `exit` never waits for a model still loading."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable

from electra_corrector.base.futures import settle


class Worker:
    def __init__(self):
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="electra-correct-model", daemon=True).start()

    def run(self, function: Callable, *args) -> asyncio.Future:
        """`function(*args)` on the worker thread, after the calls queued before it."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._calls.put((loop, future, function, args))
        return future

    def _serve(self) -> None:
        while True:
            loop, future, function, args = self._calls.get()
            try:
                result, error = function(*args), None
            except Exception as e:  # handed to the awaiting coroutine, which reports it
                result, error = None, e
            loop.call_soon_threadsafe(settle, future, result, error)
