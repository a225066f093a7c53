"""The app's accounts, opened before the UI exists: each one's session, the header cache, the
offline queue.

Nothing here imports Textual.  The ``tuimail`` command opens the accounts and
starts their sessions first (:func:`open_accounts`, :meth:`OpenAccounts.start`),
so connecting, logging in and selecting the mailbox run on the sessions'
threads while Textual and the screens are still being imported and built;
what a session says before its screen exists waits in its
:class:`AccountPane` and is posted to the screen once it is mounted.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuimail.config import Account
from tuimail.session.login import CONNECT_TIMEOUT
from tuimail.session.offline_queue import OfflineQueue
from tuimail.session.session import Session

if TYPE_CHECKING:
    from tuimail.mail.cache import HeaderCache
    from tuimail.session.head_start import HeadStart
    from tuimail.ui.screens.main import MainScreen

__all__ = ["AccountPane", "OpenAccounts", "open_accounts"]


class AccountPane:
    """One account in the app: its session, its screen, and its INBOX's unread count."""

    def __init__(self, account: Account, *, read_only: bool) -> None:
        self.account = account
        self.read_only = read_only
        self.session: Session | None = None
        self.started = False
        self._screen: MainScreen | None = None
        self.inbox_unread: int | None = None
        self._early: list[Any] = []  # what the session said before the screen existed
        self._lock = threading.Lock()
        #: Shown what the session says before the screen exists, on its thread (a cold paint).
        self.watch: Callable[[Any], None] | None = None

    @property
    def screen(self) -> MainScreen | None:
        return self._screen

    @screen.setter
    def screen(self, screen: MainScreen | None) -> None:
        with self._lock:
            self._screen = screen
            early, self._early = self._early, []
        if screen is not None:
            for message in early:
                screen.post_message(message)

    def post(self, message: Any) -> None:
        """From the session's thread (``post_message`` is thread-safe)."""
        from tuimail.session import messages as sm

        if isinstance(message, sm.MailboxCounts) and message.name.upper() == "INBOX":
            self.inbox_unread = message.unread
        with self._lock:
            screen = self._screen
            if screen is None:  # the session starts while the UI is still being built
                self._early.append(message)
        if screen is None:
            if self.watch is not None:
                self.watch(message)
            return
        screen.post_message(message)

    def start(self) -> None:
        """Start the session (connect, log in, open the mailbox); once only."""
        if not self.started and self.session is not None:
            self.started = True
            self.session.start()


@dataclass
class OpenAccounts:
    """Every account's pane (the first is shown first), with the cache and queue they share."""

    cache: HeaderCache | None
    queue: OfflineQueue
    panes: list[AccountPane] = field(default_factory=list)

    def start(self) -> None:
        """Start every session (every account stays connected: its counts stay current)."""
        for pane in self.panes:
            pane.start()

    def stop(self) -> None:
        """Stop every session and close the cache (when the app never ran)."""
        for pane in self.panes:
            if pane.session is not None and pane.started:
                pane.session.stop()
        if self.cache is not None:
            self.cache.close()


def open_accounts(
    account: Account,
    more_accounts: Sequence[Account] = (),
    *,
    read_only: bool = False,
    password: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    cache_path: Path | None = None,
    head_start: HeadStart | None = None,
    watch: Callable[[Any], None] | None = None,
) -> OpenAccounts:
    """A session for ``account`` and each of ``more_accounts`` (not started yet), sharing the
    header cache at ``cache_path`` (none without) and the offline queue beside it.
    ``head_start``: ``account``'s first connection, being opened already; ``watch``: shown what
    ``account``'s session says before its screen exists (:attr:`AccountPane.watch`)."""
    cache = None
    if cache_path is not None:  # SQLite and the cache are imported only for a cache
        from tuimail.mail.cache import HeaderCache

        cache = HeaderCache.open(cache_path)
    queue_path = cache_path.parent / "offline-queue.sqlite3" if cache_path is not None else None
    opened = OpenAccounts(cache, OfflineQueue(queue_path))
    for item in [account, *more_accounts]:
        pane = AccountPane(item, read_only=read_only or item.read_only)
        pane.watch = watch if item is account else None
        pane.session = Session(
            item,
            pane.post,
            read_only=pane.read_only,
            password=password if item is account else None,
            ssl_context=ssl_context,
            connect_timeout=connect_timeout,
            cache=cache,
            queue=opened.queue,
            hold_follow_ups=item is account,  # the account shown first: its first screen first
            head_start=head_start if item is account else None,
        )
        opened.panes.append(pane)
    return opened
