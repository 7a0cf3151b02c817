"""Dynamic batching on one model thread: the requests that arrive together are corrected in one
call per kind of work, so that concurrent clients share the model's batches (torch already uses
every core, so two model threads would only contend). The thread loads the model first;
requests queued meanwhile wait for it."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from electra_corrector.base.futures import settle


class QueueFull(Exception):
    """More texts waiting than the queue holds: the client should retry later."""


class NotReady(Exception):
    """The model could not be loaded; the message says why."""


class _Job(NamedTuple):
    kind: str
    items: Sequence[Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future


class Batcher:
    """`load()` on the model thread, once, gives the model; `handlers[kind](model, items)` is a
    list of one result per item. A batch is what arrives within `wait` seconds of its first
    job, closed early when none has joined for `quiet` seconds, up to `max_batch` items (a job
    is never split); `max_queue` items may wait."""

    def __init__(
        self,
        load: Callable[[], Any],
        handlers: dict[str, Callable[[Any, list], list]],
        max_batch: int = 64,
        wait: float = 0.005,
        max_queue: int = 4096,
        quiet: float = 0.001,
    ):
        self._handlers, self._max_batch, self._wait = handlers, max_batch, wait
        self._quiet = quiet
        self._max_queue, self._waiting = max_queue, 0
        self._lock = threading.Lock()
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.ready = threading.Event()
        self.error: str | None = None  # why the model did not load
        threading.Thread(
            target=self._serve, args=(load,), name="electra-model", daemon=True
        ).start()

    @property
    def waiting(self) -> int:
        return self._waiting

    def submit(self, kind: str, items: Sequence[Any]) -> asyncio.Future:
        """A future of `handlers[kind]`'s results for `items`; QueueFull when too many wait,
        NotReady when the model failed to load."""
        if self.error is not None:
            raise NotReady(self.error)
        with self._lock:
            if self._waiting and self._waiting + len(items) > self._max_queue:
                raise QueueFull(f"{self._waiting} texts are waiting")
            self._waiting += len(items)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._jobs.put(_Job(kind, items, loop, future))
        return future

    def _serve(self, load: Callable[[], Any]) -> None:
        try:
            model = load()
        except Exception as e:  # said by /healthz and every request, never a traceback
            self.error = str(e) or type(e).__name__
            self._fail_waiting()
            return
        self.ready.set()
        while True:
            self._run(model, self._gathered())

    def _gathered(self) -> list[_Job]:
        jobs = [self._jobs.get()]
        size, deadline = len(jobs[0].items), time.monotonic() + self._wait
        while size < self._max_batch:
            # Closed once no one has joined for a moment: clients that arrive together come
            # within it, and waiting out the whole `wait` would only idle the model.
            left = min(deadline - time.monotonic(), self._quiet)
            try:
                job = self._jobs.get(timeout=left) if left > 0 else self._jobs.get_nowait()
            except queue.Empty:
                break
            jobs.append(job)
            size += len(job.items)
        return jobs

    def _run(self, model, jobs: list[_Job]) -> None:
        live = [j for j in jobs if not j.future.cancelled()]  # timed out while waiting
        with self._lock:
            self._waiting -= sum(len(j.items) for j in jobs)
        for kind in dict.fromkeys(j.kind for j in live):
            mine = [j for j in live if j.kind == kind]
            try:
                results, error = (
                    self._handlers[kind](model, [i for j in mine for i in j.items]),
                    None,
                )
            except Exception as e:  # handed to each request, which answers 500
                results, error = [], e
            at = 0
            for job in mine:
                part = None if error else results[at : at + len(job.items)]
                at += len(job.items)
                _hand(job, part, error)

    def _fail_waiting(self) -> None:
        error = NotReady(self.error)
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            _hand(job, None, error)


def _hand(job: _Job, result, error: Exception | None) -> None:
    # A closed loop has no one waiting (a client gone, a test's loop): the thread goes on.
    with contextlib.suppress(RuntimeError):
        job.loop.call_soon_threadsafe(settle, job.future, result, error)
