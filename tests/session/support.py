"""Helpers for session and app tests: a seeded pymap on its own thread, message collection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from imapclient import IMAPClient

from tuimail.config import Account
from tuimail.demo.server import PymapServer
from tuimail.mail.mailbox_view import MailboxView
from tuimail.session import messages as m
from tuimail.session.session import Session

USER = "tester"
PASSWORD = "secret"
BASE = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def make_message(i: int, subject: str | None = None, *, sender: str = "Alice <alice@example.com>") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Tester <tester@example.com>"
    msg["Subject"] = subject if subject is not None else f"Message number {i}"
    msg["Date"] = format_datetime(BASE + timedelta(hours=i))
    msg["Message-ID"] = f"<m{i}@example.com>"
    msg.set_content(f"Body of message {i}.\n")
    return msg.as_bytes()


def seeded(count: int = 30, *, unseen_every: int = 3) -> dict[str, list[tuple[bytes, list[str], datetime]]]:
    """INBOX with ``count`` messages (every ``unseen_every``-th unread), plus folders."""
    inbox = [
        (make_message(i), [] if i % unseen_every == 0 else ["\\Seen"], BASE + timedelta(hours=i))
        for i in range(1, count + 1)
    ]
    return {
        "INBOX": inbox,
        "Archive": [(make_message(100 + i), ["\\Seen"], BASE + timedelta(days=i)) for i in range(3)],
        "Trash": [],
        "Sent": [(make_message(200), ["\\Seen"], BASE)],
        "Projects/tuimail": [(make_message(300), ["\\Flagged"], BASE)],
    }


@contextlib.contextmanager
def pymap_thread(mailboxes: dict[str, Any] | None = None) -> Iterator[PymapServer]:
    """A pymap server with one seeded account, on its own thread."""
    server = PymapServer({USER: PASSWORD}, {USER: mailboxes if mailboxes is not None else seeded()})
    server.start_in_thread()
    try:
        yield server
    finally:
        server.stop_thread()


def account_for(port: int, **overrides: Any) -> Account:
    values: dict[str, Any] = dict(
        name="test", host="127.0.0.1", port=port, username=USER, tls="none", password=PASSWORD
    )
    values.update(overrides)
    return Account(**values)


@contextlib.asynccontextmanager
async def started(
    target: int | Account, *, password: str = PASSWORD, **options: Any
) -> AsyncIterator[tuple[Session, Collector]]:
    """A started session on ``target`` (a local port, or an account) and its collector; stopped at the end."""
    account = target if isinstance(target, Account) else account_for(target, password=password)
    got = Collector()
    session = Session(account, got, **options)
    session.start()
    try:
        yield session, got
    finally:
        await asyncio.to_thread(session.stop)


def other_connection(host: str, port: int, username: str = USER, password: str = PASSWORD) -> IMAPClient:
    """A second, independent connection (IMAPClient) to check what the server holds."""
    client = IMAPClient(host, port=port, ssl=False, timeout=30)
    client.login(username, password)
    return client


async def as_other_client(port: int, action: Callable[[IMAPClient], object]) -> None:
    """Run ``action`` on a second connection to 127.0.0.1:``port`` (off the loop), then log out."""

    def run() -> None:
        client = other_connection("127.0.0.1", port)
        try:
            action(client)
        finally:
            client.logout()

    await asyncio.to_thread(run)


def snapshot_flags(host: str, port: int, username: str = USER, password: str = PASSWORD) -> dict[str, Any]:
    """Every mailbox and every message's flags, read with EXAMINE (changes nothing)."""
    client = other_connection(host, port, username, password)
    try:
        result: dict[str, Any] = {}
        for flags, _delim, name in client.list_folders():
            if b"\\Noselect" in flags or b"\\NonExistent" in flags:
                result[name] = None
                continue
            client.select_folder(name, readonly=True)
            ids = client.search("ALL")
            data = client.fetch(ids, ["FLAGS"]) if ids else {}
            result[name] = sorted((uid, tuple(sorted(d[b"FLAGS"]))) for uid, d in data.items())
        return result
    finally:
        with contextlib.suppress(Exception):
            client.logout()


class Collector:
    """Receives the session's messages (from its thread) for a test to wait on.

    It also does what the UI does with them: keeps a replica of the open
    mailbox's view (``view``), applying every ViewChanged of its generation in
    order, and the last counts of every mailbox (``counts``).
    """

    def __init__(self) -> None:
        self.queue: queue.Queue[Any] = queue.Queue()
        self.seen: list[Any] = []
        self._lock = threading.Lock()
        self.view: MailboxView | None = None
        self.counts: dict[str, tuple[int | None, int | None]] = {}

    def __call__(self, message: Any) -> None:
        self.queue.put(message)

    def observe(self, message: Any) -> None:
        """Apply a message as the UI would."""
        if isinstance(message, m.MailboxOpened):
            self.view = message.view
        elif isinstance(message, m.ViewChanged):
            if self.view is not None and message.generation == self.view.generation:
                self.view.apply_all(message.changes)
        elif isinstance(message, m.MailboxCounts):
            self.counts[message.name] = (message.unread, message.total)

    def subjects(self) -> list[str | None]:
        """The replica's rows, newest first: each loaded row's subject, else None."""
        view = self.view
        if view is None:
            return []
        return [s.subject if (s := view.summary_at_row(r)) is not None else None for r in range(view.exists)]

    def want_all(self, session: Session) -> None:
        """Ask for every row of the replica (as the list does for the rows in view)."""
        view = self.view
        assert view is not None
        session.want_rows(view.generation, view.removals, view.missing_seqnos(range(view.exists)))

    async def until(self, condition: Callable[[], object], *, timeout: float = 30.0, what: str = "") -> None:
        """Take messages until ``condition()`` holds (checked after each one)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                got = [type(m).__name__ for m in self.seen[-30:]]
                raise AssertionError(f"never happened: {what or condition}; last messages: {got}")
            try:
                message = await asyncio.to_thread(self.queue.get, True, min(remaining, 0.2))
            except queue.Empty:
                continue
            self.seen.append(message)
            self.observe(message)

    async def wait_for(
        self, kind: type, predicate: Callable[[Any], bool] | None = None, *, timeout: float = 30.0
    ) -> Any:
        """The next message of ``kind`` (matching ``predicate``); fails after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                got = [type(m).__name__ for m in self.seen]
                raise AssertionError(f"no {kind.__name__} arrived; got {got}")
            try:
                message = await asyncio.to_thread(self.queue.get, True, min(remaining, 1.0))
            except queue.Empty:
                continue
            self.seen.append(message)
            self.observe(message)
            if isinstance(message, kind) and (predicate is None or predicate(message)):
                return message


class TraceLines(logging.Handler):
    """Collects the client's protocol trace (``C:`` / ``S:`` lines)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def sent(self, since: int = 0) -> list[str]:
        """The client's lines (from line ``since`` on)."""
        return [line for line in self.lines[since:] if line.startswith("C:")]

    def commands(self, since: int = 0) -> list[str]:
        """Command names the client sent (``DONE`` included), in order."""
        return [command_name(line) for line in self.sent(since)]

    def mark(self) -> int:
        return len(self.lines)


async def until_sent(trace: TraceLines, name: str, *, since: int = 0, timeout: float = 20.0) -> None:
    """Until the client sent command ``name`` (after line ``since``)."""
    for _ in range(int(timeout / 0.02)):
        if name in trace.commands(since):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no {name} in {trace.commands(since)}")


def command_name(line: str) -> str:
    """``C: A3 UID FETCH ...`` -> ``UID FETCH``; ``C: DONE`` -> ``DONE``."""
    parts = line.split()
    if len(parts) == 2:
        return parts[1].upper()
    name = parts[2].upper() if len(parts) > 2 else ""
    return f"UID {parts[3].upper()}" if name == "UID" and len(parts) > 3 else name


@contextlib.contextmanager
def tracing() -> Iterator[TraceLines]:
    handler = TraceLines()
    logger = logging.getLogger("tuimail.imap.protocol")
    old = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
