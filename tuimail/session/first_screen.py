"""The first screen first: the session's follow-ups wait until the UI has drawn it.

Opening the mailbox at start fetches the newest page; what the session then asks
itself (the UID order, the unread count, the oldest page, the other mailboxes'
counts) and the keep-alive's first IDLE wait until the UI says the newest rows are
on screen (:meth:`FirstScreen.shown`), or :data:`HOLD_LIMIT` at most.  The UI and
the session share one interpreter lock: parsing the oldest page while the first
screen is being built only made the first screen later (issue 9: unread counts
and the full UID order come after the first screen, never before it).  Once
shown, nothing waits any more, also after a reconnection.
"""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["HOLD_LIMIT", "FirstScreen"]

#: Longest wait for the UI (seconds): a UI that never says so delays the follow-ups no longer.
HOLD_LIMIT = 2.0


class FirstScreen:
    """Whether the UI has drawn its first screen; follow-ups :meth:`wait` for it."""

    def __init__(self, *, held: bool) -> None:
        #: True once shown (or when nothing is held): :meth:`wait` returns at once.
        self.done = not held
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the session's loop, before anything waits."""
        self._event = asyncio.Event()
        self._loop = loop
        if self.done:  # shown before the loop was there
            self._event.set()

    def shown(self) -> None:
        """The UI drew its first screen (any thread)."""
        self.done = True
        loop, event = self._loop, self._event
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nothing waits
                loop.call_soon_threadsafe(event.set)

    async def wait(self) -> None:
        """Until the first screen is shown, or HOLD_LIMIT (after which nothing waits any more)."""
        if self.done or self._event is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), HOLD_LIMIT)
        self.done = True
