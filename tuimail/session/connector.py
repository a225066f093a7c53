"""Connecting, logging in, and trying again while offline.

:meth:`Connector.connect` opens a connection (TLS as configured, verified),
reads the greeting and logs in (LOGIN, or the configured SASL mechanism).
:meth:`Connector.keep_trying` runs a set-up until it works: at once, then
after a capped exponential backoff (1 s doubling to 60 s) for as long as the
session is offline, saying when the next try is.  A failure that only the
user can mend (password, login, TLS) stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from tuimail.config import Account, get_password
from tuimail.imap import IMAP

from . import messages as m
from .client import SessionClient
from .failures import FailureKind, classify, describe, title

__all__ = ["COMMAND_TIMEOUT", "Connector", "backoff"]

_log = logging.getLogger(__name__)

#: Longest wait for one command's answer (a big message on a slow link takes long:
#: a server that sends nothing at all is caught sooner by the watchdog).
COMMAND_TIMEOUT = 120.0
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
    ) -> None:
        self.account = account
        self._post = post
        self.read_only = read_only
        self._password = password
        self._ssl_context = ssl_context
        self._connect_timeout = connect_timeout
        self._first_delay = first_delay

    @property
    def where(self) -> str:
        return f"{self.account.host}:{self.account.effective_port}"

    async def connect(self, *, quiet: bool = False) -> SessionClient:
        """A logged-in connection (``quiet``: a second one, which the status bar does not follow)."""
        account = self.account
        if not quiet:
            self._post(m.ConnectionChanged("connecting", self.where))
        password = self._password
        if password is None:
            password = await asyncio.to_thread(get_password, account)
        context = self._ssl_context
        if context is None and account.tls != "none":
            context = ssl.create_default_context(cafile=str(account.ca_file) if account.ca_file else None)
        imap = await IMAP.connect(
            account.host,
            account.effective_port,
            tls=account.tls,  # type: ignore[arg-type]
            ssl_context=context if account.tls != "none" else None,
            timeout=self._connect_timeout,
            command_timeout=COMMAND_TIMEOUT,
        )
        try:
            if account.auth == "login":
                await imap.login(account.username, password)
            else:
                await imap.authenticate(account.auth.upper(), account.username, password)
        except BaseException:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(imap.logout(), 2.0)
            raise
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
