"""Connecting, logging in, and trying again while offline.

:meth:`Connector.connect` opens a connection (TLS as configured, verified),
reads the greeting and logs in (LOGIN, or the configured SASL mechanism:
:mod:`.login`); its first connection may have been opened already, by a
:class:`~tuimail.session.head_start.HeadStart`.
:meth:`Connector.keep_trying` runs a set-up until it works: at once, then
after a capped exponential backoff (1 s doubling to 60 s) for as long as the
session is offline, saying when the next try is.  A failure that only the
user can mend (password, login, TLS) stops it.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from tuimail.config import Account

from . import messages as m
from .client import SessionClient
from .failures import FailureKind, classify, describe, title
from .login import log_in

if TYPE_CHECKING:
    from .head_start import HeadStart

__all__ = ["Connector", "backoff"]

_log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 60.0


def backoff(first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> Iterator[float]:
    """1, 2, 4, ... seconds, never more than ``cap``."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * 2)


class Connector:
    """Makes connections for one account."""

    def __init__(
        self,
        account: Account,
        post: Callable[[Any], Any],
        *,
        read_only: bool,
        password: str | None,
        ssl_context: ssl.SSLContext | None,
        connect_timeout: float,
        first_delay: float = FIRST_DELAY,
        head_start: HeadStart | None = None,
    ) -> None:
        """``head_start``: the first connection, being opened already (taken by the first
        :meth:`connect` the status bar follows)."""
        self.account = account
        self._post = post
        self.read_only = read_only
        self._password = password
        self._ssl_context = ssl_context
        self._connect_timeout = connect_timeout
        self._first_delay = first_delay
        self._head_start = head_start

    @property
    def where(self) -> str:
        return f"{self.account.host}:{self.account.effective_port}"

    async def connect(self, *, quiet: bool = False) -> SessionClient:
        """A logged-in connection (``quiet``: a second one, which the status bar does not follow)."""
        head = None
        if not quiet:
            self._post(m.ConnectionChanged("connecting", self.where))
            head, self._head_start = self._head_start, None
        if head is not None:
            imap, early = await head.take()
            return SessionClient(imap, read_only=self.read_only, early_open=early)
        imap = await log_in(
            self.account,
            password=self._password,
            ssl_context=self._ssl_context,
            connect_timeout=self._connect_timeout,
        )
        return SessionClient(imap, read_only=self.read_only)

    async def keep_trying(self, set_up: Callable[[], Awaitable[None]], reason: str) -> bool:
        """Run ``set_up`` until it works; True once it did, False when the user must act.

        Between tries the state is "offline" with the reason and the time of
        the next try."""
        delays = backoff(self._first_delay)
        first = True
        while True:
            self._post(m.ConnectionChanged("reconnecting", reason))
            try:
                await set_up()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure is reported, then tried again
                kind = classify(exc)
                if kind is FailureKind.LOST:
                    kind = FailureKind.UNREACHABLE  # lost while setting up: the server is not there yet
                reason = f"{title(kind)}: {describe(exc)}"
                _log.info("session: connecting to %s failed: %r", self.where, exc)
                if kind.needs_user:
                    self._post(m.ConnectionChanged("offline", reason))
                    self._post(m.SessionFailed(kind, title(kind), describe(exc)))
                    return False
                delay = next(delays)
                self._post(m.ConnectionChanged("offline", reason, retry_at=time.time() + delay))
                if first:  # once per outage: the status bar counts down the rest
                    first = False
                    self._post(m.Notice(f"{reason}. Trying again in {delay:g} s, and on.", "warning"))
                await asyncio.sleep(delay)
                continue
            return True
