"""The request gate: one request at a time has the connection; the keep-alive yields.

A request (open a mailbox, fetch rows, move a message...) runs its commands
with the connection to itself: the commands of one request may be pipelined,
but two requests do not interleave, so each sees the mailbox as its own
commands leave it.  The keep-alive (IDLE or NOOP polling) runs only while no
request waits: a request arriving wakes it, it ends IDLE (DONE) and lets go,
and it starts again once no request has waited or run for a short while (the
keep-alive's settle): a request's answer often brings the next one (a listing,
then the rows it shows), and an IDLE between the two would only be ended at
once.  Updates that arrive meanwhile are applied by the selected mailbox's
pump, not here.
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
        #: Loop time the last request finished (0: none yet).
        self.quiet_since = 0.0

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
                self.quiet_since = loop.time()
                self.wake.clear()
                self._quiet.set()
            else:
                self.busy_since = loop.time()  # one finished: the server is answering

    @contextlib.asynccontextmanager
    async def keepalive(self, settle: float = 0.0) -> AsyncIterator[bool]:
        """Hold the connection for the keep-alive once no request has waited or run for
        ``settle`` seconds.

        Yields False when a request arrived before the lock was had (the
        keep-alive should let go at once)."""
        await self._settled(settle)
        async with self._lock:
            yield self._pending == 0

    async def _settled(self, settle: float) -> None:
        """Until no request has waited or run for ``settle`` seconds."""
        loop = asyncio.get_running_loop()
        while True:
            await self._quiet.wait()
            left = self.quiet_since + settle - loop.time()
            if left <= 0:
                return
            await asyncio.sleep(left)

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
