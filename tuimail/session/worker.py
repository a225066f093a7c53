"""The session's thread: one asyncio loop, off the UI thread.

The UI never waits on the network or on parsing: it hands coroutines to
:meth:`LoopThread.submit`, which schedules them on this loop with
:func:`asyncio.run_coroutine_threadsafe` and returns at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any

__all__ = ["THREAD_START_TIMEOUT", "LoopThread", "session_thread_name"]

#: Longest wait for the loop to start, and for its tasks to end once cancelled.
THREAD_START_TIMEOUT = 10.0


def session_thread_name(account: str) -> str:
    """The name of the thread an account's session runs on."""
    return f"tuimail-session-{account}"


class LoopThread:
    """A daemon thread running an asyncio loop until :meth:`stop`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.closing = False

    def start(self) -> bool:
        """Start the thread; False when its loop did not come up in time."""
        if self._thread is not None:
            return True
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self.loop = loop
            ready.set()
            try:
                loop.run_forever()
            finally:
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in pending:
                    task.cancel()
                with contextlib.suppress(Exception):
                    if pending:  # bounded: a task that ignores its cancellation is left behind
                        loop.run_until_complete(asyncio.wait(pending, timeout=THREAD_START_TIMEOUT))
                    loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name=self.name, daemon=True)
        self._thread.start()
        return ready.wait(THREAD_START_TIMEOUT)

    def submit(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run ``coro`` on the loop; returns at once (dropped only once stopping)."""
        if self.loop is None or self.closing:
            coro.close()
            return
        asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self, last: Coroutine[Any, Any, Any] | None, timeout: float) -> None:
        """Run ``last`` (bounded by ``timeout``), then end the loop and the thread."""
        loop, thread = self.loop, self._thread
        if loop is None or thread is None:
            if last is not None:
                last.close()
            return
        self.closing = True
        if last is not None:
            future = asyncio.run_coroutine_threadsafe(last, loop)
            with contextlib.suppress(Exception):
                future.result(timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._thread = None
