"""Staying current between requests: IDLE, or NOOP polling; and noticing a silent server.

:class:`KeepAlive` holds the connection while no request waits.  With IDLE
(RFC 2177, RFC 9051 §6.3.13) it sends one IDLE and keeps it while updates
arrive (the selected mailbox's pump applies each one as it comes); it ends
IDLE with DONE only when a request wants to send a command, or to refresh
the other mailboxes' counts every :data:`COUNTS_INTERVAL`.  Without IDLE it
sends NOOP every :data:`POLL_INTERVAL` seconds.  It starts only once no
request has come for :data:`SETTLE` seconds: the UI's next request often
follows the answer to the last one (the rows of a listing), and an IDLE begun
in between would be ended at once.

:class:`Watchdog` watches requests: after :data:`WAIT_NOTICE` seconds without
a byte from the server the status bar says the session is waiting for it;
after :data:`STALL_TIMEOUT` seconds the connection is given up (every command
waiting fails, is reported, and the session reconnects).  A server that is
sending (a big message on a slow link) is never cut off.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from tuimail.imap.errors import ConnectionLost
from tuimail.imap.idle import Idle

from . import messages as m
from .client import SessionClient
from .gate import RequestGate
from .mailboxes import COUNTS_INTERVAL

__all__ = [
    "IDLE_DONE_TIMEOUT",
    "POLL_INTERVAL",
    "SETTLE",
    "STALL_TIMEOUT",
    "WAIT_NOTICE",
    "KeepAlive",
    "Watchdog",
]

#: Seconds between NOOPs on a server without IDLE.
POLL_INTERVAL = 30.0
#: Seconds without a request before IDLE (or polling) starts again.
SETTLE = 0.25
#: Longest wait for the server to end IDLE after DONE (RFC 2177 §3).
IDLE_DONE_TIMEOUT = 15.0
#: Seconds without an answer before the status bar says the session waits.
WAIT_NOTICE = 2.0
#: Seconds without a byte from the server before the connection is given up.
STALL_TIMEOUT = 20.0


class KeepAlive:
    """The loop that IDLEs (or polls) whenever the connection is free."""

    def __init__(
        self, gate: RequestGate, *, poll_interval: float = POLL_INTERVAL, settle: float = SETTLE
    ) -> None:
        self._gate = gate
        self.poll_interval = poll_interval
        self.settle = settle
        self.counts_interval = COUNTS_INTERVAL

    async def run(self, client: SessionClient, on_tick: Callable[[], Awaitable[None]]) -> None:
        """Until cancelled or the connection fails (then it raises).

        ``on_tick`` runs with the connection held after each IDLE or poll
        round (the other mailboxes' counts)."""
        while not client.closed:
            async with self._gate.keepalive(self.settle) as free:
                if free:
                    if client.has("IDLE", "IMAP4REV2"):
                        await self._idle(client)
                    else:
                        await self._poll(client)
                    if not self._gate.wake.is_set():
                        await on_tick()
            await asyncio.sleep(0)
        raise ConnectionLost("the connection is closed")

    async def _idle(self, client: SessionClient) -> None:
        """One IDLE, kept until a request comes (or the counts are due)."""
        idle = client.idle()
        await idle.start()
        try:
            await self._gate.until_woken(asyncio.ensure_future(_watch(idle)), self.counts_interval)
        finally:
            await _end(idle)

    async def _poll(self, client: SessionClient) -> None:
        await self._gate.until_woken(asyncio.ensure_future(asyncio.sleep(self.poll_interval)), None)
        if not self._gate.wake.is_set():
            await client.noop()


async def _watch(idle: Idle) -> None:
    """Iterate the IDLE (updates are applied elsewhere) so that its failure surfaces here."""
    async for _update in idle:
        pass


async def _end(idle: Idle) -> None:
    """DONE, and a bounded wait for the server to end IDLE."""
    stopper = asyncio.ensure_future(idle.stop())
    done, _ = await asyncio.wait({stopper}, timeout=IDLE_DONE_TIMEOUT)
    if not done:
        stopper.cancel()
        raise ConnectionLost(f"the server did not end IDLE within {IDLE_DONE_TIMEOUT:g} s")


class Watchdog:
    """Says when a request waits for the server; gives up a server that went silent."""

    def __init__(
        self,
        gate: RequestGate,
        post: Callable[[Any], Any],
        *,
        wait_notice: float = WAIT_NOTICE,
        stall_timeout: float = STALL_TIMEOUT,
        period: float = 0.5,
    ) -> None:
        self._gate = gate
        self._post = post
        self.wait_notice = wait_notice
        self.stall_timeout = stall_timeout
        self.period = period

    async def run(self, client: SessionClient) -> None:
        loop = asyncio.get_running_loop()
        waiting = False
        with contextlib.suppress(asyncio.CancelledError):
            while not client.closed:
                await asyncio.sleep(self.period)
                since = self._gate.busy_since
                if since is None:
                    silent = 0.0
                else:
                    silent = loop.time() - max(since, client.last_received)
                if silent >= self.stall_timeout:
                    client.abort(f"the server stopped answering ({silent:.0f} s without a reply)")
                    return
                if silent >= self.wait_notice:
                    waiting = True
                    self._post(m.ConnectionChanged("waiting", f"Waiting for {client.host} ({silent:.0f} s)"))
                elif waiting:
                    waiting = False
                    self._post(m.ConnectionChanged("connected"))
