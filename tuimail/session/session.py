"""The background IMAP session: one thread, one asyncio loop, one client.

The UI never waits on the network or on parsing.  It calls the request
methods of :class:`Session` (they return at once: the work is scheduled on
the session's loop with :func:`asyncio.run_coroutine_threadsafe`) and gets
typed Textual messages (:mod:`tuimail.session.messages`) posted back through
``post`` (``App.post_message`` is thread-safe).

Flow: connect, log in, LIST (with SPECIAL-USE and LIST-STATUS return
options when offered, RFC 6154 / RFC 5819; else STATUS per mailbox,
RFC 9051 §6.3.11), SELECT INBOX (EXAMINE in read-only mode, §6.3.3).
Row ``i`` of the message list is sequence number ``EXISTS - i``; rows are
fetched lazily in batches with ``FETCH set (UID FLAGS INTERNALDATE
RFC822.SIZE ENVELOPE BODYSTRUCTURE)``.  Opening a message fetches
``BODY.PEEK[]`` by UID and, unless read-only, sets ``\\Seen`` with
``UID STORE``.  Between requests the session IDLEs (RFC 2177), or polls
with NOOP when IDLE is missing, and reports new mail, expunges and flag
changes.

Every failure goes through :meth:`Session._failed`, which turns it into a
message for the screen (never a traceback); a lost connection is reported,
then the session reconnects and reselects its mailbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.message import Message

from tuimail.config import Account, PasswordError, get_password
from tuimail.imap.unsolicited import Subscription

from . import messages as m
from .guard import GuardedClient, ReadOnlyRefused

_log = logging.getLogger(__name__)

SUMMARY_ITEMS = "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)"
FETCH_BATCH = 200
RECONNECT_DELAYS = (0.5, 2.0, 5.0)
POLL_INTERVAL = 30.0
#: How often the other mailboxes' counts are refreshed (seconds); IDLE is renewed as often.
COUNTS_INTERVAL = 120.0
#: Longest wait for any one command's answer (seconds); then the connection counts as lost.
COMMAND_TIMEOUT = 120.0
#: Longest wait for the server to end IDLE after DONE (RFC 2177 §3); then the connection counts as lost.
IDLE_DONE_TIMEOUT = 30.0
#: Longest wait for the session thread's loop to start, and for its tasks to end once cancelled.
THREAD_START_TIMEOUT = 10.0

Post = Callable[[Message], Any]


def _client_class() -> Any:
    from tuimail.imap import client as client_module

    return client_module.IMAP


def classify_error(exc: BaseException) -> tuple[str, str]:
    """(kind, title) for a failure: auth, tls, unreachable, lost, password, protocol."""
    from tuimail.imap import errors as e

    if isinstance(exc, PasswordError):
        return "password", "Could not get the password"
    if isinstance(exc, e.AuthenticationError):
        return "auth", "Login failed: wrong user name or password?"
    if isinstance(exc, (ssl.SSLError, ssl.CertificateError, e.SecurityError)):
        return "tls", "TLS failure: the connection is not secure"
    if isinstance(exc, (e.ConnectionLost, e.ByeResponseError)):
        return "lost", "Connection lost"
    if isinstance(exc, (socket.gaierror, ConnectionRefusedError, e.CommandTimeout, TimeoutError)):
        return "unreachable", "Cannot reach the server"
    if isinstance(exc, ConnectionError):
        return "lost", "Connection lost"
    if isinstance(exc, OSError):
        return "unreachable", "Cannot reach the server"
    if isinstance(exc, e.ResponseError):
        return "protocol", "The server refused a command"
    return "protocol", "Unexpected error"


def describe(exc: BaseException) -> str:
    """One line about an exception, without a traceback."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    return text


class Session:
    """The IMAP session of one account, run on its own thread and loop."""

    def __init__(
        self,
        account: Account,
        post: Post,
        *,
        read_only: bool = False,
        password: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        connect_timeout: float = 20.0,
        client_factory: Callable[..., Awaitable[Any]] | None = None,
    ) -> None:
        self.account = account
        self.post = post
        self.read_only = read_only or account.read_only
        self._password = password
        self._ssl_context = ssl_context
        self._connect_timeout = connect_timeout
        self._client_factory = client_factory
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._imap: GuardedClient | None = None
        self._lock: asyncio.Lock | None = None
        self._wake: asyncio.Event | None = None
        self._pending = 0
        self._quiet: asyncio.Event | None = None
        self._keepalive: asyncio.Task[None] | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._updates: Subscription | None = None
        self._closing = False
        self._reconnecting = False
        # state of the selected mailbox (touched on the session loop only)
        self.mailbox: str | None = None
        self.exists = 0
        self.epoch = 0
        self.unseen: int | None = None
        self._changed_seqnos: set[int] = set()
        self._names: list[str] = []
        self._counts_at = 0.0
        self._raw_cache: dict[tuple[str, int], bytes] = {}

    # ------------------------------------------------------------------ thread

    def start(self) -> None:
        """Start the session thread and connect."""
        if self._thread is not None:
            return
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._lock = asyncio.Lock()
            self._wake = asyncio.Event()
            self._quiet = asyncio.Event()
            self._quiet.set()
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

        self._thread = threading.Thread(target=run, name=f"tuimail-session-{self.account.name}", daemon=True)
        self._thread.start()
        if not ready.wait(THREAD_START_TIMEOUT):
            self.post(m.SessionFailed("protocol", "The session did not start", "no event loop", fatal=True))
            return
        self.connect()

    def stop(self, timeout: float = 5.0) -> None:
        """Log out and end the thread (called from the UI thread on quit)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._closing = True
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        with contextlib.suppress(Exception):
            future.result(timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._thread = None

    def _submit(self, coro: Coroutine[Any, Any, Any]) -> None:
        if self._loop is None or self._closing:
            coro.close()
            return
        asyncio.run_coroutine_threadsafe(coro, self._loop)

    # ---------------------------------------------------------------- requests

    def connect(self) -> None:
        """(Re)connect, list mailboxes and open INBOX (or the mailbox open before)."""
        self._submit(self._connect_flow(self.mailbox or "INBOX"))

    retry = connect

    def open_mailbox(self, name: str) -> None:
        """Select (EXAMINE in read-only mode) ``name``; posts MailboxOpened."""
        self._submit(self._request(self._open_mailbox, name))

    def want_rows(self, start: int, stop: int, epoch: int | None = None) -> None:
        """Fetch summaries of rows ``start`` to ``stop - 1`` of view ``epoch``; posts RowsLoaded."""
        self._submit(self._request(self._fetch_rows, start, stop, self.epoch if epoch is None else epoch))

    def open_message(self, summary: Any) -> None:
        """Fetch, render and (unless read-only) mark read; posts MessageLoaded."""
        self._submit(self._request(self._open_message, summary))

    def save_attachment(self, uid: int, index: int, folder: Path) -> None:
        """Save attachment ``index`` of message ``uid``; posts AttachmentSaved."""
        self._submit(self._request(self._save_attachment, uid, index, folder))

    def toggle_seen(self, summary: Any) -> None:
        """Mark read or unread (UID STORE ±FLAGS (\\Seen))."""
        self._write("toggle read", self._toggle_flag, summary, "\\Seen")

    def toggle_flagged(self, summary: Any) -> None:
        """Flag or unflag (UID STORE ±FLAGS (\\Flagged))."""
        self._write("toggle flag", self._toggle_flag, summary, "\\Flagged")

    def delete(self, summary: Any) -> None:
        """Move to the trash folder (or, in the trash, mark deleted and UID EXPUNGE it)."""
        self._write("delete", self._delete, summary)

    def archive(self, summary: Any) -> None:
        """Move to the archive folder."""
        self._write("archive", self._move, summary, self.account.archive_folder, "archived")

    def move(self, summary: Any, target: str) -> None:
        """UID MOVE to ``target``."""
        self._write("move", self._move, summary, target, "moved")

    def copy(self, summary: Any, target: str) -> None:
        """UID COPY to ``target``."""
        self._write("copy", self._copy, summary, target)

    def _write(self, action: str, fn: Callable[..., Awaitable[Any]], *args: Any) -> None:
        if self.read_only:
            # Refused here, before anything is scheduled; the guard refuses it again below.
            self.post(m.Refused(action, f"Cannot {action}: the session is read-only"))
            return
        self._submit(self._request(fn, *args, action=action))

    # ------------------------------------------------------------- machinery

    async def _request(self, fn: Callable[..., Awaitable[Any]], *args: Any, action: str = "") -> None:
        """Run one request with the client to itself (IDLE stopped), handling failures."""
        assert self._lock is not None and self._wake is not None
        self._busy()
        try:
            async with self._lock:
                if self._imap is None:
                    if action:  # a change the user asked for is never dropped silently
                        self.post(m.Notice(f"Cannot {action}: not connected", "warning"))
                    return
                await fn(*args)
        except ReadOnlyRefused as exc:
            self.post(m.Refused(action or exc.command, str(exc)))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the one place failures become messages
            await self._failed(exc, during=action or getattr(fn, "__name__", "request").strip("_"))
        finally:
            self._done()

    def _busy(self) -> None:
        """A request is waiting: wake the idler (it sends DONE and lets go of the client)."""
        assert self._wake is not None and self._quiet is not None
        self._pending += 1
        self._quiet.clear()
        self._wake.set()

    def _done(self) -> None:
        assert self._wake is not None and self._quiet is not None
        self._pending -= 1
        if self._pending == 0:
            self._wake.clear()
            self._quiet.set()

    async def _failed(self, exc: BaseException, *, during: str) -> None:
        """The one place failures become on-screen messages."""
        kind, title = classify_error(exc)
        _log.info("session: %s failed: %r", during, exc)
        if kind == "unreachable" and during != "connect" and self.mailbox is not None:
            # A connected server that stops answering (CommandTimeout): reconnect, as for a lost one.
            kind, title = "lost", "The server stopped answering"
        if kind == "protocol":
            self.post(m.Notice(f"{during}: {describe(exc)}", "error"))
            return
        if kind == "lost" and self.mailbox is not None and not self._closing:
            await self._drop_client()  # nothing more goes to the dead connection
            self.post(m.SessionFailed(kind, title, f"{describe(exc)}: reconnecting", fatal=False))
            if self._reconnect_task is None or self._reconnect_task.done():
                # kept in an attribute: the loop holds tasks only weakly
                self._reconnect_task = asyncio.ensure_future(self._reconnect())
            return
        await self._drop_client()
        self.post(m.ConnectionState("offline", title))
        self.post(m.SessionFailed(kind, title, describe(exc), fatal=True))

    async def _reconnect(self) -> None:
        if self._reconnecting:
            return
        self._reconnecting = True
        try:
            await self._drop_client()
            last: BaseException | None = None
            for delay in RECONNECT_DELAYS:
                self.post(m.ConnectionState("reconnecting"))
                await asyncio.sleep(delay)
                try:
                    await self._establish(self.mailbox or "INBOX")
                except Exception as exc:  # noqa: BLE001
                    last = exc
                    await self._drop_client()
                    if classify_error(exc)[0] in ("auth", "tls", "password"):
                        break
                    continue
                self.post(m.Notice("Reconnected", "information"))
                return
            kind, title = classify_error(last) if last else ("lost", "Connection lost")
            self.post(m.ConnectionState("offline", title))
            self.post(m.SessionFailed(kind, title, describe(last) if last else "", fatal=True))
        finally:
            self._reconnecting = False

    async def _connect_flow(self, mailbox: str) -> None:
        assert self._lock is not None
        await self._drop_client()
        try:
            await self._establish(mailbox)
        except Exception as exc:  # noqa: BLE001
            await self._failed(exc, during="connect")

    async def _establish(self, mailbox: str) -> None:
        """Connect, authenticate, list, select ``mailbox`` (falling back to INBOX)."""
        assert self._lock is not None
        self._busy()
        try:
            async with self._lock:
                if self._imap is not None:  # a retry raced a reconnection: one client only
                    await self._drop_client()
                where = f"{self.account.host}:{self.account.effective_port}"
                self.post(m.ConnectionState("connecting", where))
                password = self._password
                if password is None:
                    password = await asyncio.to_thread(get_password, self.account)
                imap = await self._open_client()
                try:
                    await self._authenticate(imap, password)
                except BaseException:
                    with contextlib.suppress(Exception):
                        await imap.logout()
                    raise
                self._imap = GuardedClient(imap, read_only=self.read_only)
                self._subscribe_updates()
                self.post(m.ConnectionState("connected"))
                await self._list_mailboxes()
                try:
                    await self._open_mailbox(mailbox)
                except Exception as exc:
                    from tuimail.imap.errors import NoResponseError

                    if not isinstance(exc, NoResponseError) or mailbox == "INBOX":
                        raise
                    await self._open_mailbox("INBOX")
        finally:
            self._done()
        self._ensure_keepalive()

    async def _open_client(self) -> Any:
        account = self.account
        context = self._ssl_context
        if context is None and account.tls != "none":
            context = ssl.create_default_context(cafile=str(account.ca_file) if account.ca_file else None)
        factory = self._client_factory or _client_class().connect
        return await factory(
            account.host,
            account.effective_port,
            tls=account.tls,
            ssl_context=context if account.tls != "none" else None,
            timeout=self._connect_timeout,
            command_timeout=COMMAND_TIMEOUT,
        )

    async def _authenticate(self, imap: Any, password: str) -> None:
        account = self.account
        if account.auth == "login":
            await imap.login(account.username, password)
        else:
            await imap.authenticate(account.auth.upper(), account.username, password)

    async def _drop_client(self) -> None:
        imap, self._imap = self._imap, None
        if self._updates is not None:
            self._updates.close()
        self._updates = None
        if imap is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(imap.client.logout(), 2.0)

    async def _shutdown(self) -> None:
        if self._keepalive is not None:
            self._keepalive.cancel()
            with contextlib.suppress(BaseException):
                await self._keepalive
        await self._drop_client()

    # --------------------------------------------------------------- commands

    @property
    def _caps(self) -> set[str]:
        imap = self._imap
        if imap is None:
            return set()
        return set(imap.client.capabilities)

    async def _list_mailboxes(self) -> None:
        """LIST "" "*" (RFC 9051 §6.3.9) with counts; posts MailboxesLoaded."""
        from tuimail.mail.mailbox_tree import build_tree

        lists, counts = await self._lists_and_counts()
        self._names = sorted(entry.name for entry in lists)
        self._counts_at = asyncio.get_running_loop().time()
        nodes = build_tree(lists)
        _apply_counts(nodes, counts)
        self.post(m.MailboxesLoaded(nodes))

    async def _refresh_counts(self) -> None:
        """Keep every mailbox's counts current: LIST-STATUS, else STATUS per mailbox."""
        lists, counts = await self._lists_and_counts(skip=self.mailbox)
        self._counts_at = asyncio.get_running_loop().time()
        if sorted(entry.name for entry in lists) != self._names:
            await self._list_mailboxes()  # mailboxes were created, deleted or renamed
            return
        for name, (unread, total) in counts.items():
            if name != self.mailbox:
                self.post(m.MailboxCounts(name, unread, total))

    async def _lists_and_counts(
        self, skip: str | None = None
    ) -> tuple[list[Any], dict[str, tuple[int | None, int | None]]]:
        assert self._imap is not None
        imap = self._imap
        caps = self._caps
        counts: dict[str, tuple[int | None, int | None]] = {}
        lists = None
        if "LIST-STATUS" in caps or "SPECIAL-USE" in caps:
            lists, counts = await self._list_extended(caps)
        if lists is None:
            lists = list(await imap.list("", "*"))
        for entry in lists:
            attrs = {str(a).lower() for a in entry.attr}
            if "\\noselect" in attrs or "\\nonexistent" in attrs or entry.name in counts:
                continue
            if entry.name == skip:  # STATUS is not for the selected mailbox (RFC 9051 §6.3.11)
                continue
            try:
                status = await imap.status(entry.name, ["MESSAGES", "UNSEEN"])
            except Exception as exc:  # noqa: BLE001 - one mailbox's count is not worth failing for
                from tuimail.imap.errors import ResponseError

                if not isinstance(exc, ResponseError):
                    raise
                continue
            counts[entry.name] = (_status_get(status, "UNSEEN"), _status_get(status, "MESSAGES"))
        return lists, counts

    async def _list_extended(self, caps: set[str]) -> tuple[Any, dict[str, tuple[int | None, int | None]]]:
        """LIST with RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN)) (RFC 6154 §5.1, RFC 5819 §2)."""
        assert self._imap is not None
        imap = self._imap
        kwargs: dict[str, Any] = {}
        if "SPECIAL-USE" in caps:
            kwargs["special_use"] = True
        if "LIST-STATUS" in caps:
            kwargs["status"] = ["MESSAGES", "UNSEEN"]
        counts: dict[str, tuple[int | None, int | None]] = {}
        try:
            result = await imap.list("", "*", **kwargs)
        except TypeError:
            return None, counts
        lists = list(result)
        for entry in lists:
            status = (getattr(entry, "extended", None) or {}).get("STATUS")
            if status is not None:
                attrs = getattr(status, "attr", status)
                counts[entry.name] = (_status_get(attrs, "UNSEEN"), _status_get(attrs, "MESSAGES"))
        return lists, counts

    async def _open_mailbox(self, name: str) -> None:
        """SELECT, or EXAMINE in read-only mode (RFC 9051 §6.3.2, §6.3.3)."""
        assert self._imap is not None
        imap = self._imap
        state = await (imap.examine(name) if self.read_only else imap.select(name))
        self.mailbox = name
        self.exists = state.exists
        self.epoch += 1
        self._changed_seqnos.clear()
        self._raw_cache.clear()
        read_only = state.read_only or self.read_only
        self.post(m.MailboxOpened(name, self.exists, read_only, self.epoch))
        await self._count_unseen()
        self._ensure_keepalive()

    async def _count_unseen(self) -> None:
        """SEARCH UNSEEN in the selected mailbox (RFC 9051 §6.4.4); posts MailboxCounts."""
        assert self._imap is not None and self.mailbox is not None
        unseen = await self._imap.search(["UNSEEN"])
        self.unseen = len(unseen)
        self.post(m.MailboxCounts(self.mailbox, self.unseen, self.exists))

    async def _fetch_rows(self, start: int, stop: int, epoch: int) -> None:
        """FETCH summaries of rows [start, stop): row i is sequence number EXISTS - i."""
        from tuimail.mail.summary import MessageSummary

        if epoch != self.epoch or self._imap is None or self.mailbox is None:
            return
        start, stop = max(0, start), min(stop, self.exists)
        while start < stop:
            chunk_stop = min(stop, start + FETCH_BATCH)
            high, low = self.exists - start, self.exists - chunk_stop + 1
            data = await self._imap.fetch(f"{low}:{high}", SUMMARY_ITEMS)
            if epoch != self.epoch:
                return
            rows: dict[int, Any] = {}
            for fd in data:
                if "UID" not in fd.attr or "ENVELOPE" not in fd.attr:
                    continue  # an unsolicited FLAGS update mixed in
                row = self.exists - fd.seqno
                if 0 <= row < self.exists:
                    rows[row] = MessageSummary.from_fetch(fd)
            self.post(m.RowsLoaded(self.mailbox, epoch, rows))
            start = chunk_stop

    async def _body(self, uid: int) -> bytes:
        """UID FETCH uid BODY.PEEK[] (RFC 9051 §6.4.5): never sets \\Seen by itself."""
        assert self._imap is not None and self.mailbox is not None
        key = (self.mailbox, uid)
        if key in self._raw_cache:
            return self._raw_cache[key]
        data = await self._imap.uid_fetch(uid, "BODY.PEEK[]")
        raw = b""
        for fd in data:
            if fd.attr.get("UID") not in (None, uid):
                continue
            for name, value in fd.attr.items():
                if name.startswith("BODY[") and value is not None:
                    raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")
        if not raw and not data:
            from tuimail.imap.errors import NoResponseError

            raise NoResponseError(f"message UID {uid} is gone")
        if len(self._raw_cache) > 16:
            self._raw_cache.pop(next(iter(self._raw_cache)))
        self._raw_cache[key] = raw
        return raw

    async def _open_message(self, summary: Any) -> None:
        from tuimail.mail.render import render_message

        assert self.mailbox is not None
        uid = summary.uid
        raw = await self._body(uid)
        rendered = await asyncio.to_thread(render_message, raw)
        self.post(m.MessageLoaded(self.mailbox, uid, raw, rendered))
        if not self.read_only and "\\Seen" not in summary.flags:
            await self._store(summary, "+FLAGS", "\\Seen")

    async def _store(self, summary: Any, op: str, flag: str) -> None:
        """UID STORE uid ±FLAGS (flag) (RFC 9051 §6.4.6); posts the updated row.

        The row comes from the FETCH the server answers with (its sequence
        number is current even if mail arrived since the summary was made).
        """
        assert self._imap is not None and self.mailbox is not None
        result = await self._imap.uid_store(summary.uid, op, [flag])
        flags = set(summary.flags)
        if op.startswith("+"):
            flags.add(flag)
        else:
            flags.discard(flag)
        seqno = summary.seqno
        for fd in result or ():
            if fd.attr.get("UID") == summary.uid:
                seqno = fd.seqno
                if "FLAGS" in fd.attr:
                    flags = {str(f) for f in fd.attr["FLAGS"]}
        updated = dataclasses.replace(summary, seqno=seqno, flags=frozenset(flags))
        row = self.exists - seqno
        if 0 <= row < self.exists:
            self.post(m.RowsLoaded(self.mailbox, self.epoch, {row: updated}))
        if flag == "\\Seen" and self.unseen is not None:
            was_unseen = "\\Seen" not in summary.flags
            now_unseen = "\\Seen" not in flags
            self.unseen = max(0, self.unseen + int(now_unseen) - int(was_unseen))
            self.post(m.MailboxCounts(self.mailbox, self.unseen, self.exists))

    async def _toggle_flag(self, summary: Any, flag: str) -> None:
        await self._store(summary, "-FLAGS" if flag in summary.flags else "+FLAGS", flag)

    async def _move(self, summary: Any, target: str, verb: str) -> None:
        """UID MOVE (RFC 6851); the client falls back to COPY + STORE + UID EXPUNGE."""
        assert self._imap is not None
        if target == self.mailbox:
            self.post(m.Notice(f"Already in {target}", "warning"))
            return
        await self._imap.uid_move(summary.uid, target)
        self.post(m.Notice(f"Message {verb} to {target}"))
        await self._sync_after_change()
        await self._status_counts(target)

    async def _copy(self, summary: Any, target: str) -> None:
        assert self._imap is not None
        await self._imap.uid_copy(summary.uid, target)
        self.post(m.Notice(f"Message copied to {target}"))
        await self._status_counts(target)

    async def _status_counts(self, name: str) -> None:
        """STATUS (MESSAGES UNSEEN) of another mailbox (RFC 9051 §6.3.11); posts MailboxCounts."""
        from tuimail.imap.errors import ResponseError

        assert self._imap is not None
        try:
            status = await self._imap.status(name, ["MESSAGES", "UNSEEN"])
        except ResponseError:
            return
        self.post(m.MailboxCounts(name, _status_get(status, "UNSEEN"), _status_get(status, "MESSAGES")))

    async def _delete(self, summary: Any) -> None:
        """To the trash with UID MOVE; in the trash itself, \\Deleted + UID EXPUNGE of that UID only."""
        assert self._imap is not None
        trash = self.account.trash_folder
        if self.mailbox == trash:
            if not self._caps & {"UIDPLUS", "IMAP4REV2"}:
                # Without UID EXPUNGE only a plain EXPUNGE could remove it, and that would also
                # remove every other message marked \Deleted (another client's): never.
                self.post(m.Notice("Cannot delete for good: the server lacks UID EXPUNGE (UIDPLUS)", "error"))
                return
            await self._imap.uid_store(summary.uid, "+FLAGS", ["\\Deleted"])
            await self._imap.uid_expunge(summary.uid)
            self.post(m.Notice("Message deleted"))
            await self._sync_after_change()
        else:
            await self._move(summary, trash, "moved")

    async def _sync_after_change(self) -> None:
        """After EXPUNGE-like changes: NOOP to collect them, then report the new count."""
        assert self._imap is not None
        with contextlib.suppress(Exception):
            await self._imap.noop()
        await self._check_updates()

    async def _save_attachment(self, uid: int, index: int, folder: Path) -> None:
        from tuimail.mail.render import save_attachment

        raw = await self._body(uid)
        path = await asyncio.to_thread(save_attachment, raw, index, folder)
        self.post(m.AttachmentSaved(Path(path)))

    # ------------------------------------------------------------ staying current

    def _subscribe_updates(self) -> None:
        """Ask the client for unsolicited responses (FETCH flag changes)."""
        assert self._imap is not None
        self._updates = self._imap.client.updates()

    def _drain_updates(self) -> None:
        queue = self._updates
        if queue is None:
            return
        while (response := queue.get_nowait()) is not None:
            if response.name == "FETCH":
                self._changed_seqnos.add(response.data.seqno)

    async def _check_updates(self) -> None:
        """Compare the client's mailbox state with ours; post what changed."""
        imap = self._imap
        if imap is None or self.mailbox is None:
            return
        self._drain_updates()
        selected = imap.client.selected
        exists = selected.exists if selected is not None else None
        if exists is not None and exists != self.exists:
            self.exists = exists
            self.epoch += 1
            self._changed_seqnos.clear()
            self.post(m.MailboxChanged(self.mailbox, exists, self.epoch))
            await self._count_unseen()
            return
        if self._changed_seqnos:
            seqnos, self._changed_seqnos = sorted(self._changed_seqnos), set()
            for seqno in seqnos:
                row = self.exists - seqno
                await self._fetch_rows(row, row + 1, self.epoch)
            await self._count_unseen()

    def _ensure_keepalive(self) -> None:
        if self._keepalive is None or self._keepalive.done():
            self._keepalive = asyncio.ensure_future(self._keepalive_loop())

    async def _keepalive_loop(self) -> None:
        """While no request runs: IDLE (RFC 2177) or NOOP polling; report updates."""
        assert self._lock is not None and self._wake is not None
        while not self._closing:
            if self._pending:
                await self._until_quiet()
                continue
            async with self._lock:
                if self._imap is None or self.mailbox is None:
                    return  # restarted once a mailbox is open again
                if not self._pending:
                    try:
                        if "IDLE" in self._caps:
                            await self._idle_until_woken()
                        else:
                            await self._poll_until_woken()
                        await self._check_updates()
                        if asyncio.get_running_loop().time() - self._counts_at >= COUNTS_INTERVAL:
                            await self._refresh_counts()
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:  # noqa: BLE001
                        await self._failed(exc, during="idle")
            await asyncio.sleep(0)

    async def _until_quiet(self) -> None:
        assert self._quiet is not None
        await self._quiet.wait()

    async def _idle_until_woken(self) -> None:
        """IDLE until the server reports something or a request arrives (then DONE).

        The IDLE is ended with ``stop()`` from outside the task that waits on
        it, whatever state it is in (queued, sent but not yet accepted, or
        accepted): cancelling that task alone could leave an IDLE that was
        sent but not yet accepted running on its own, re-issuing itself after
        every command.  The wait for its end is bounded (RFC 2177 §3: DONE
        ends IDLE; a server that does not answer is a lost connection).
        """
        assert self._imap is not None and self._wake is not None
        idle = self._imap.idle()

        async def first_update() -> None:
            async for _update in idle:
                return

        try:
            await self._until_woken(first_update(), COUNTS_INTERVAL)
        finally:
            await self._end_idle(idle)

    @staticmethod
    async def _end_idle(idle: Any) -> None:
        """DONE (or withdraw the queued IDLE) and wait, bounded, until the server ends it."""
        from tuimail.imap.errors import ConnectionLost

        stopper = asyncio.ensure_future(idle.stop())
        done, _ = await asyncio.wait({stopper}, timeout=IDLE_DONE_TIMEOUT)
        if not done:
            stopper.cancel()
            raise ConnectionLost(f"the server did not end IDLE within {IDLE_DONE_TIMEOUT:g}s")

    async def _poll_until_woken(self) -> None:
        assert self._imap is not None
        imap = self._imap

        async def poll() -> None:
            await asyncio.sleep(min(POLL_INTERVAL, COUNTS_INTERVAL))

        await self._until_woken(poll())
        await imap.noop()

    async def _until_woken(self, coro: Coroutine[Any, Any, None], timeout: float | None = None) -> None:
        """Run ``coro`` until it ends, a request arrives or ``timeout`` passes (then cancel it)."""
        assert self._wake is not None
        task = asyncio.ensure_future(coro)
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            done, _ = await asyncio.wait({task, waker}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (task, waker):
                if not t.done():
                    t.cancel()
                    with contextlib.suppress(BaseException):
                        await t
        if task in done and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


def _status_get(status: Any, key: str) -> int | None:
    if status is None:
        return None
    if isinstance(status, dict):
        for k, v in status.items():
            if str(k).upper() == key:
                return int(v) if v is not None else None
        return None
    attr = getattr(status, "attr", None)
    return _status_get(attr, key) if isinstance(attr, dict) else None


def _apply_counts(nodes: list[Any], counts: dict[str, tuple[int | None, int | None]]) -> None:
    for node in nodes:
        if node.name in counts:
            unread, total = counts[node.name]
            with contextlib.suppress(Exception):
                node.unread, node.total = unread, total
        _apply_counts(node.children, counts)
