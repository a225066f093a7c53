"""An in-process pymap IMAP server on 127.0.0.1, for the demo and the tests.

pymap's in-memory ("dict") backend is driven through its Python API rather
than its command line: users are added directly, mailboxes may be preloaded
with messages, and the listener is an ordinary :func:`asyncio.start_server`
on a random free port.  Passwords are kept in clear text (pysasl's
``Cleartext`` hash) so logins are instant and CRAM-MD5 works.

pymap has no SPECIAL-USE support (RFC 6154); this module adds the attributes
to LIST responses for the well-known folder names (``special_use``), as
RFC 6154 §2 allows even without the capability.

Usage::

    server = PymapServer({"alice": "secret"})
    await server.start()          # in the current event loop
    ... connect to 127.0.0.1:server.port ...
    await server.stop()

or ``server.start_in_thread()`` / ``server.stop_thread()`` to run it on its
own event loop in a daemon thread (``tuimail --demo``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
import ssl
import threading
from argparse import Namespace
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from proxyprotocol.sock import SocketInfo
from pymap.backend.dict import Config as _DictConfig
from pymap.backend.dict import Login
from pymap.backend.dict.filter import FilterSet
from pymap.backend.dict.mailbox import MailboxData, MailboxSet
from pymap.concurrent import Subsystem
from pymap.imap import IMAPServer
from pymap.listtree import ListEntry, ListTree
from pymap.parsing.message import AppendMessage
from pymap.parsing.specials.flag import Flag
from pymap.user import UserMetadata
from pysasl import SASLAuth
from pysasl.hashing import Cleartext

__all__ = ["DEFAULT_SPECIAL_USE", "PymapServer", "StoredMessage", "SASL_MECHANISMS"]

#: One preloaded message: raw RFC 5322 bytes, flags (e.g. ``["\\Seen"]``) and
#: the internal date.
StoredMessage = tuple[bytes, Sequence[str], datetime]

#: Special-use attributes (RFC 6154 §2) given to folders of these names.
DEFAULT_SPECIAL_USE: Mapping[str, str] = {
    "Drafts": "\\Drafts",
    "Sent": "\\Sent",
    "Trash": "\\Trash",
    "Archive": "\\Archive",
    "Junk": "\\Junk",
}

#: SASL mechanisms this server offers (pysasl's server mechanisms).
SASL_MECHANISMS: list[str] = ["PLAIN", "LOGIN", "CRAM-MD5"]

_log = logging.getLogger(__name__)

#: Longest wait for the server's thread to listen.
THREAD_START_TIMEOUT = 30.0


class _Config(_DictConfig):
    """pymap's dict-backend config with quiet, test-friendly settings."""

    @property
    def greeting(self) -> bytes:
        # The default calls socket.getfqdn(), which can wait on DNS.
        return b"Server ready localhost"

    @property
    def tls_auth(self) -> SASLAuth:
        return SASLAuth.named(name.encode("ascii") for name in SASL_MECHANISMS)


@dataclasses.dataclass(frozen=True)
class _SpecialUseEntry(ListEntry):
    """A LIST entry carrying extra attributes (RFC 6154 §2)."""

    extra: tuple[bytes, ...] = ()

    @property
    def attributes(self) -> Sequence[bytes]:
        return [*super().attributes, *self.extra]


class _SpecialUseTree(ListTree):
    """A ListTree whose matching entries carry special-use attributes."""

    def __init__(self, delimiter: str, special_use: Mapping[str, bytes]) -> None:
        super().__init__(delimiter)
        self._special_use = special_use

    def list_matching(self, ref_name: str, filter_: str) -> Iterable[ListEntry]:
        for entry in super().list_matching(ref_name, filter_):
            attr = self._special_use.get(entry.name)
            if attr is None or not entry.exists:
                yield entry
            else:
                yield _SpecialUseEntry(entry.name, entry.exists, entry.marked, entry.has_children, (attr,))


async def _append(mbx: MailboxData, message: StoredMessage) -> None:
    data, flags, when = message
    flag_set = {Flag(flag) for flag in flags}
    recent = Flag("\\Recent") in flag_set
    flag_set.discard(Flag("\\Recent"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    await mbx.append(AppendMessage(data, when, frozenset(flag_set)), recent=recent)


class _MailboxData(MailboxData):
    """pymap's in-memory mailbox, without a lost wake-up during IDLE, and
    optionally filled on first use.

    In pymap 0.36.7 an idling session waits for the mailbox's next "updated"
    signal; a change made while it was busy writing earlier updates signals
    nobody, so that change (an EXISTS, EXPUNGE or FETCH FLAGS, RFC 9051
    §7.4-7.5) is held back until yet another change comes.  Here a session
    already behind the mailbox's highest modification sequence does not wait.

    Messages given to :meth:`hold` are appended (pymap parses each one) the
    first time the mailbox is looked up (:meth:`fill`, from
    :meth:`_SpecialUseMailboxSet.get_mailbox`: SELECT, EXAMINE, STATUS,
    APPEND, COPY, MOVE), before anything about it is answered.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._held: list[StoredMessage] = []
        self._filling = asyncio.Lock()

    def hold(self, messages: Iterable[StoredMessage]) -> None:
        self._held.extend(messages)

    async def fill(self) -> None:
        """Append the held messages (in order), once; a caller that comes while they are being
        appended waits until they all are."""
        if not self._held:
            return
        async with self._filling:
            while self._held:
                await _append(self, self._held[0])
                del self._held[0]

    async def update_selected(self, selected: Any, *, wait_on: Any = None) -> Any:
        if wait_on is not None and selected.mod_sequence not in (None, self._mod_sequences.highest):
            wait_on = None  # changed while the idling session was busy: report now
        return await super().update_selected(selected, wait_on=wait_on)


class _SpecialUseMailboxSet(MailboxSet):
    """pymap's in-memory mailbox set, reporting special-use attributes."""

    def __init__(self, special_use: Mapping[str, bytes]) -> None:
        super().__init__()
        self._special_use = special_use
        self._inbox = self._new_mailbox()

    def _new_mailbox(self) -> MailboxData:
        return _MailboxData(self._content_cache, self._thread_cache)

    async def add_mailbox(self, name: str) -> Any:
        async with self._set_lock.read_lock():
            if name in self._set:
                raise ValueError(name)
        async with self._set_lock.write_lock():
            self._set[name] = mbx = self._new_mailbox()
            return mbx.mailbox_id

    async def rename_mailbox(self, before: str, after: str) -> None:
        await super().rename_mailbox(before, after)
        async with self._set_lock.write_lock():
            if type(self._inbox) is not _MailboxData:  # renaming INBOX made a new, empty one
                self._inbox = self._new_mailbox()

    async def get_mailbox(self, name: str) -> MailboxData:
        mbx = await super().get_mailbox(name)
        if isinstance(mbx, _MailboxData):
            await mbx.fill()
        return mbx

    def _decorate(self, tree: ListTree) -> ListTree:
        names = [entry.name for entry in tree.list() if entry.exists]
        return _SpecialUseTree(self.delimiter, self._special_use).update(*names)

    async def list_mailboxes(self) -> ListTree:
        return self._decorate(await super().list_mailboxes())

    async def list_subscribed(self) -> ListTree:
        return self._decorate(await super().list_subscribed())


class PymapServer:
    """pymap (in-memory backend) serving IMAP on 127.0.0.1.

    ``users`` maps user names to passwords; ``mailboxes`` optionally maps a
    user name to ``{mailbox_name: [(rfc822_bytes, flags, internaldate)]}``.
    Mailboxes named there are created (and subscribed) before the server
    accepts connections; ``INBOX`` always exists.  ``port=0`` picks a free
    port, readable from :attr:`port` once started; ``sock``, a socket
    already bound and listening (the demo's child process is handed one),
    is used instead of a new one.  With ``inbox_first`` the preloaded
    mailboxes other than INBOX are filled when first looked up (the server
    listens sooner: pymap parses each message it is given, about a
    millisecond each).  ``ssl_context`` (a server-side context) enables
    STARTTLS.
    """

    def __init__(
        self,
        users: Mapping[str, str],
        mailboxes: Mapping[str, Mapping[str, Sequence[StoredMessage]]] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        special_use: Mapping[str, str] = DEFAULT_SPECIAL_USE,
        ssl_context: ssl.SSLContext | None = None,
        sock: socket.socket | None = None,
        inbox_first: bool = False,
    ) -> None:
        self.host = host
        self._requested_port = port
        self._sock = sock
        self._inbox_first = inbox_first
        self._users = dict(users)
        self._mailboxes = {user: dict(boxes) for user, boxes in (mailboxes or {}).items()}
        self._special_use = {name: attr.lstrip("\\").encode("ascii") for name, attr in special_use.items()}
        self._ssl_context = ssl_context
        self._config = self._make_config()
        self._login = Login(self._config)
        self._server: asyncio.AbstractServer | None = None
        self._connections: set[asyncio.Task[Any]] = set()
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        for name, password in self._users.items():
            self.add_user(name, password)

    def _make_config(self) -> _Config:
        args = Namespace(debug=False, passlib_cfg=None, proxy_protocol=None, inherited_sockets=None, tls=True)
        return _Config(
            args,
            host=self.host,
            port=self._requested_port,
            demo_data=False,
            demo_user="",
            demo_password="",
            hash_context=Cleartext(),
            cpu_subsystem=Subsystem.for_asyncio(),
            ssl_context=self._ssl_context or ssl.create_default_context(ssl.Purpose.CLIENT_AUTH),
            tls_enabled=self._ssl_context is not None,
            invalid_user_sleep=0.0,
            reject_dnsbl=False,
        )

    @property
    def port(self) -> int:
        """The port the server listens on (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("PymapServer is not started")
        return self._port

    @property
    def sasl_mechanisms(self) -> list[str]:
        """SASL mechanisms offered to every user."""
        return list(SASL_MECHANISMS)

    def add_user(self, username: str, password: str) -> None:
        """Create an account with an empty INBOX (usable while running)."""
        config = self._config
        self._login.users_dict[username] = UserMetadata(
            config, username, password=password, entity_tag=UserMetadata.new_entity_tag()
        )
        self._users[username] = password
        config.set_cache.setdefault(username, (_SpecialUseMailboxSet(self._special_use), FilterSet()))

    async def add_messages(
        self, username: str, mailbox: str, messages: Iterable[StoredMessage], *, on_first_use: bool = False
    ) -> None:
        """Append messages to a user's mailbox, creating it if needed; with ``on_first_use``,
        when the mailbox is first looked up (it is listed at once)."""
        mailbox_set, _ = self._config.set_cache[username]
        if mailbox.upper() != "INBOX":
            with contextlib.suppress(ValueError):
                await mailbox_set.add_mailbox(mailbox)
        await mailbox_set.set_subscribed(mailbox, True)
        mbx = await mailbox_set.get_mailbox(mailbox)
        if on_first_use and isinstance(mbx, _MailboxData):
            mbx.hold(messages)
            return
        for message in messages:
            await _append(mbx, message)

    async def start(self) -> None:
        """Preload the mailboxes and start listening, in the running loop."""
        for username, boxes in self._mailboxes.items():
            if username not in self._users:
                raise ValueError(f"mailboxes given for unknown user {username!r}")
            for name, messages in boxes.items():
                lazy = self._inbox_first and name.upper() != "INBOX"
                await self.add_messages(username, name, messages, on_first_use=lazy)
        imap_server = IMAPServer(self._login, self._config)

        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            self._connections.add(task)
            try:
                sock_info = SocketInfo.get(writer, None, unique_id=uuid4().bytes)
                await imap_server(reader, writer, sock_info)
            except (asyncio.CancelledError, ConnectionError, OSError):
                pass
            except Exception:  # a pymap bug must not spill onto stderr
                _log.debug("pymap connection failed", exc_info=True)
            finally:
                self._connections.discard(task)
                writer.close()

        if self._sock is not None:
            self._server = await asyncio.start_server(on_connect, sock=self._sock)
        else:
            self._server = await asyncio.start_server(on_connect, host=self.host, port=self._requested_port)
        self._port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and close every open connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> PymapServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def start_in_thread(self) -> None:
        """Start the server on its own event loop in a daemon thread.

        Returns once the server listens; raises what :meth:`start` raised.
        """
        if self._thread is not None:
            raise RuntimeError("PymapServer thread already running")
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=run, name="tuimail-pymap", daemon=True)
        thread.start()
        if not started.wait(THREAD_START_TIMEOUT):
            loop.call_soon_threadsafe(loop.stop)
            raise RuntimeError(f"the IMAP server did not start within {THREAD_START_TIMEOUT:g}s")
        if failure:
            thread.join()
            raise failure[0]
        self._thread, self._thread_loop = thread, loop

    def stop_thread(self, timeout: float = 10.0) -> None:
        """Stop a server started with :meth:`start_in_thread`."""
        thread, loop = self._thread, self._thread_loop
        if thread is None or loop is None:
            return
        self._thread = self._thread_loop = None
        future = asyncio.run_coroutine_threadsafe(self.stop(), loop)
        try:
            future.result(timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
