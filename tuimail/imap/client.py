"""``IMAP``: the asyncio IMAP4rev1/IMAP4rev2 client (RFC 3501, RFC 9051),
the Python counterpart of Ruby's Net::IMAP.

    imap = await IMAP.connect("mail.example.com")   # port 993, TLS verified
    await imap.authenticate("PLAIN", "joe_user", "joes_password")
    await imap.examine("INBOX")
    for n in await imap.search(["RECENT"]):
        envelope = (await imap.fetch(n, "ENVELOPE"))[0].attr["ENVELOPE"]

This class is thin: connecting lives here, the machinery in
:mod:`.engine`, the commands in :mod:`.commands` (one file per family) and
IDLE in :mod:`.idle`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
from collections.abc import Generator
from types import TracebackType
from typing import Any, Literal

from . import trace
from .commands.copy_move import CopyMoveCommands
from .commands.mailboxes import MailboxCommands
from .commands.search import SearchCommands
from .commands.session import SessionCommands
from .connection import Connection, default_ssl_context
from .errors import ByeResponseError, CommandTimeout, IMAPError, SecurityError
from .idle import IdleCommands
from .limits import Limits

TLSMode = Literal["implicit", "starttls", "none"]

#: Default ports: IMAP over implicit TLS (RFC 8314) and plain IMAP.
IMAPS_PORT = 993
IMAP_PORT = 143


class IMAP(SessionCommands, MailboxCommands, CopyMoveCommands, SearchCommands, IdleCommands):
    """An IMAP connection.  Build it with :meth:`connect`.

    Attributes: ``capabilities`` (set of upper-case str), ``selected``
    (:class:`~tuimail.imap.mailbox_state.MailboxState` or None), ``enabled``,
    ``state``, ``greeting`` (the server's greeting response), ``alerts``
    (every ``[ALERT]`` text so far, greeting included: RFC 9051 §7.1 wants
    them shown), ``limits`` (:class:`~tuimail.imap.limits.Limits`);
    ``updates()`` gives unsolicited responses.  Commands may be issued
    from several coroutines at once: they are pipelined.

    Commands (each in its family's module under :mod:`.commands`):

    - session: ``capability noop logout id enable namespace starttls login
      authenticate compress``
    - mailboxes: ``create delete rename subscribe unsubscribe list lsub
      status append``
    - selected: ``select examine unselect close check expunge uid_expunge``
    - messages: ``fetch/uid_fetch search/uid_search sort/uid_sort
      thread/uid_thread store/uid_store copy/uid_copy move/uid_move``
    - ``idle()``: see :mod:`.idle`.

    Errors: NO -> :class:`NoResponseError` (LOGIN/AUTHENTICATE:
    :class:`AuthenticationError`), BAD -> :class:`BadResponseError`, BYE ->
    :class:`ByeResponseError`, each with ``.text`` and ``.code``; a dead
    connection -> :class:`ConnectionLost`; timeouts -> :class:`CommandTimeout`.
    """

    @classmethod
    def connect(
        cls,
        host: str,
        port: int | None = None,
        *,
        tls: TLSMode = "implicit",
        ssl_context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
        timeout: float | None = 30.0,
        command_timeout: float | None = None,
        compress: bool = True,
        max_response_size: int | None = None,
        limits: Limits | None = None,
    ) -> _Connecting:
        """Connect, read the greeting and learn the capabilities.

        ``tls``: ``"implicit"`` (default, port 993), ``"starttls"`` (port
        143; STARTTLS is required: missing, refused or a PREAUTH greeting
        ends the connection with :class:`SecurityError`) or ``"none"``
        (plaintext, explicit opt-in).  Certificates and host names are
        verified with ``ssl_context`` or the system's trust store;
        ``server_hostname`` overrides the name checked.  ``timeout``
        bounds connecting, TLS and the greeting; ``command_timeout`` each
        command (None: unlimited).  ``compress``: COMPRESS=DEFLATE after
        login when offered.  ``limits``: what the server may make the
        client hold (:class:`~tuimail.imap.limits.Limits`: bytes per
        response and line, values per response, responses kept per
        command); ``max_response_size`` overrides its field of that name.

        Await it (``imap = await IMAP.connect(...)``) or use it as
        ``async with IMAP.connect(...) as imap:`` (logs out at the end).
        """
        if tls not in ("implicit", "starttls", "none"):
            raise ValueError(f"tls must be 'implicit', 'starttls' or 'none', not {tls!r}")
        limits = limits or Limits()
        if max_response_size is not None:
            limits = dataclasses.replace(limits, max_response_size=max_response_size)
        return _Connecting(
            cls,
            host,
            port,
            dict(
                tls=tls,
                ssl_context=ssl_context,
                server_hostname=server_hostname,
                timeout=timeout,
                command_timeout=command_timeout,
                compress=compress,
                limits=limits,
            ),
        )

    @classmethod
    async def _open(
        cls,
        host: str,
        port: int | None,
        *,
        tls: TLSMode,
        ssl_context: ssl.SSLContext | None,
        server_hostname: str | None,
        timeout: float | None,
        command_timeout: float | None,
        compress: bool,
        limits: Limits,
    ) -> IMAP:
        imap = cls(host, timeout=timeout, command_timeout=command_timeout, limits=limits)
        imap.auto_compress = compress
        if tls != "none":
            imap._ssl_context = ssl_context or default_ssl_context()
        imap._server_hostname = server_hostname
        port = port or (IMAPS_PORT if tls == "implicit" else IMAP_PORT)
        trace.note(f"connecting to {host}:{port} (tls={tls})", imap.trace_id)
        imap._conn = await Connection.open(
            host,
            port,
            ssl_context=imap._ssl_context if tls == "implicit" else None,
            server_hostname=server_hostname,
            timeout=timeout,
            on_data=imap._on_data,
            on_lost=imap._on_lost,
        )
        try:
            try:
                async with asyncio.timeout(timeout):
                    await imap._start(tls)
            except TimeoutError:
                raise CommandTimeout(
                    f"setting up the connection to {host} took longer than {timeout}s"
                ) from None
        except BaseException:
            imap._close(IMAPError("connection setup failed"))
            raise
        return imap

    async def _start(self, tls: TLSMode) -> None:
        """Greeting (RFC 9051 §7.1), capabilities, and STARTTLS if asked."""
        greeting = await asyncio.shield(self._greeting)
        if greeting.name == "BYE":
            raise ByeResponseError(f"{self.host} refused the connection: {greeting.data.text}", greeting)
        if tls == "starttls":
            if greeting.name == "PREAUTH":
                raise SecurityError(
                    f"{self.host} sent PREAUTH on a plaintext connection; STARTTLS is impossible, refusing"
                )
            if self._caps is None:
                await self.capability()
            await self.starttls()
        elif self._caps is None:
            await self.capability()

    @property
    def ssl_object(self) -> ssl.SSLObject | None:
        """The TLS session (``version()``, ``cipher()``, ``getpeercert()``), or None in plaintext."""
        return self._conn.ssl_object() if self._conn is not None else None

    # --- async with ---------------------------------------------------------

    async def __aenter__(self) -> IMAP:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._close_quietly()

    async def _close_quietly(self) -> None:
        if self.closed:
            return
        try:
            async with asyncio.timeout(self.timeout):
                await self.logout()
        except (IMAPError, OSError, TimeoutError):
            if not self.closed:
                self._close(IMAPError("closed"))

    def __repr__(self) -> str:
        state = "closed" if self.closed else self.state
        return f"<IMAP {self.host} {state}{' tls' if self.tls else ''}>"


class _Connecting:
    """What :meth:`IMAP.connect` returns: awaitable, or an async context
    manager that logs out on exit."""

    def __init__(self, cls: type[IMAP], host: str, port: int | None, options: dict[str, Any]) -> None:
        self._args = (cls, host, port, options)
        self._imap: IMAP | None = None

    def __await__(self) -> Generator[Any, None, IMAP]:
        cls, host, port, options = self._args
        return cls._open(host, port, **options).__await__()

    async def __aenter__(self) -> IMAP:
        cls, host, port, options = self._args
        self._imap = await cls._open(host, port, **options)
        return self._imap

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._imap is not None:
            await self._imap._close_quietly()
