"""A head start for the account shown first: its connection opened and logged in before the
session's modules, and Textual, are imported.

The ``tuimail`` command begins it as soon as it knows the account (:meth:`HeadStart.begin`):
the password is got, the TCP and TLS handshakes, the greeting and the login run on the
session's own thread while the main thread imports and builds the UI.  The session then takes
that connection as its first (:meth:`HeadStart.take`).  A head start that failed fails only the
session's first try, which is reported and tried again as any other; one no session took is
logged out (:meth:`HeadStart.close`).

Nothing here imports Textual: only the IMAP library, asyncio and the session's thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib

from tuimail.config import Account
from tuimail.imap import IMAP

from .login import CONNECT_TIMEOUT, log_in
from .opening import EarlyOpen, PageShown
from .worker import LoopThread, session_thread_name

__all__ = ["HeadStart"]

#: Longest wait to log out a connection no session took.
CLOSE_TIMEOUT = 0.8


class HeadStart:
    """The first connection of one account, being opened on the thread its session will run on."""

    def __init__(self, thread: LoopThread, opening: concurrent.futures.Future[Opened]) -> None:
        #: The session's thread (the session runs on it once it takes the connection).
        self.thread = thread
        self._opening = opening
        self.taken = False

    @classmethod
    def begin(
        cls,
        account: Account,
        *,
        select: str | None = None,
        read_only: bool = False,
        on_page: PageShown | None = None,
    ) -> HeadStart | None:
        """Start the session's thread and open the connection on it, as configured (the password
        from its source, TLS verified); None if the thread did not start (the session then starts
        as it would without).  ``select``: a mailbox to open as soon as logged in, as the session
        would (EXAMINE when ``read_only``; :class:`~.opening.EarlyOpen`), its newest page shown
        to ``on_page`` (on the session's thread) once answered."""
        thread = LoopThread(session_thread_name(account.name))
        if not thread.start() or thread.loop is None:
            return None
        opening = _open(account, select, read_only, on_page)
        return cls(thread, asyncio.run_coroutine_threadsafe(opening, thread.loop))

    async def take(self) -> Opened:
        """On the thread's loop: the logged-in connection and the mailbox's opening sent on it
        (None without), or the error the connection failed with."""
        self.taken = True
        return await asyncio.wrap_future(self._opening)

    def close(self) -> None:
        """When no session took the connection (the app did not start): log it out, bounded, and
        end the thread.  Nothing once taken: the session owns both."""
        if self.taken:
            return
        self.taken = True
        self.thread.stop(self._let_go(), CLOSE_TIMEOUT)

    async def _let_go(self) -> None:
        try:
            imap, early = await asyncio.wrap_future(self._opening)
        except Exception:  # noqa: BLE001 - it failed: nothing to log out
            return
        if early is not None:
            early.drop()
        with contextlib.suppress(Exception):
            await imap.logout()


#: A logged-in connection, and the opening sent on it (if any).
Opened = tuple[IMAP, EarlyOpen | None]


async def _open(account: Account, select: str | None, read_only: bool, on_page: PageShown | None) -> Opened:
    imap = await log_in(account, password=None, ssl_context=None, connect_timeout=CONNECT_TIMEOUT)
    if select is None:
        return imap, None
    return imap, EarlyOpen.send(imap, select, read_only=read_only, on_page=on_page)
