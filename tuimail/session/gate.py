"""The request gate: one request at a time has the connection; the keep-alive yields.

A request (open a mailbox, fetch rows, move a message...) runs its commands
with the connection to itself: the commands of one request may be pipelined,
but two requests do not interleave, so each sees the mailbox as its own
commands leave it.  The keep-alive (IDLE or NOOP polling) runs only while no
request waits: a request arriving wakes it, it ends IDLE (DONE) and lets go,
and it starts again once the last request is done.  Updates that arrive
meanwhile are applied by the selected mailbox's pump, not here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from tuimail.collector import PACER

__all__ = ["RequestGate"]


class RequestGate:
    """A lock for requests, with events the keep-alive watches."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._pending = 0
        #: Set while a request waits or runs: the keep-alive must let go.
        self.wake = asyncio.Event()
        self._quiet = asyncio.Event()
        self._quiet.set()
        #: Loop time since which requests wait or run without one finishing (None: none).
        self.busy_since: float | None = None

    @property
    def pending(self) -> int:
        return self._pending

    @contextlib.asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Hold the connection for one request."""
        loop = asyncio.get_running_loop()
        self._pending += 1
        if self.busy_since is None:
            self.busy_since = loop.time()
        self._quiet.clear()
        self.wake.set()
        try:
            with PACER.busy():  # a request may load a whole mailbox: keep the collector's passes short
                async with self._lock:
                    yield
        finally:
            self._pending -= 1
            if self._pending == 0:
                self.busy_since = None
                self.wake.clear()
                self._quiet.set()
            else:
                self.busy_since = loop.time()  # one finished: the server is answering

    @contextlib.asynccontextmanager
    async def keepalive(self) -> AsyncIterator[bool]:
        """Hold the connection for the keep-alive once no request waits.

        Yields False when a request arrived before the lock was had (the
        keep-alive should let go at once)."""
        await self._quiet.wait()
        async with self._lock:
            yield self._pending == 0

    async def until_woken(self, coro: asyncio.Future[None], timeout: float | None) -> None:
        """Wait for ``coro`` to end, a request to arrive or ``timeout``; then cancel ``coro``.

        An exception ``coro`` ended with is raised here."""
        task: asyncio.Future[Any] = asyncio.ensure_future(coro)
        waker: asyncio.Future[Any] = asyncio.ensure_future(self.wake.wait())
        try:
            done, _ = await asyncio.wait({task, waker}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (task, waker):
                if not t.done():
                    t.cancel()
                    with contextlib.suppress(BaseException):
                        await t
        if task in done and not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
