"""The session's face to the UI, and its one failure handler.

The UI calls the request methods of :class:`Session`; each returns at once
(the work runs on the session's own thread, :mod:`.worker`) and the answers
come back as typed messages (:mod:`.messages`).  The rooms behind it, one
job each:

- :mod:`.worker`: the thread and its event loop;
- :mod:`.gate`: one request at a time has the connection;
- :mod:`.connector`: connecting, logging in, trying again while offline;
- :mod:`.client`: the only IMAP commands the session uses (UID forms, read-only);
- :mod:`.mailboxes`: the mailbox list and counts;
- :mod:`.selected`: the open mailbox's view, kept current in place;
- :mod:`.actions`: what the user does to messages;
- :mod:`.keepalive`: IDLE or NOOP between requests, and the watchdog.

Every failure ends in :meth:`Session._failed`: a lost connection is reported
(with the action it cost, never silently) and the session reconnects; a
refusal is reported as the action not done; a local failure (a file that
cannot be written) is only that; only a failure the user must mend (password,
login, TLS) shows the error screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuimail.config import Account
from tuimail.imap.errors import NoResponseError
from tuimail.mail.mailbox_view import TooManyMessages

from . import messages as m
from .actions import Actions, Afterwards
from .alerts import AlertReporter
from .client import ReadOnlyRefused, SessionClient
from .connector import Connector
from .failures import FailureKind, classify, describe, title
from .first_screen import FirstScreen
from .gate import RequestGate
from .keepalive import KeepAlive, Watchdog
from .listings import Listings
from .login import CONNECT_TIMEOUT
from .mailboxes import MailboxDirectory
from .offline_queue import OfflineQueue
from .selected import SelectedMailbox
from .worker import LoopThread, session_thread_name

if TYPE_CHECKING:
    from tuimail.mail.cache import HeaderCache

    from .head_start import HeadStart

__all__ = ["Session"]

_log = logging.getLogger(__name__)

Post = Callable[[Any], Any]
#: LOGOUT gets this long (a hung server must not hold up quitting).
LOGOUT_TIMEOUT = 0.8
#: (kind, uids, detail) of an action that may wait in the offline queue.
Queueable = tuple[str, list[int], dict[str, object]]
Work = Callable[..., Awaitable[Afterwards]]


def _named(args: Sequence[Any]) -> tuple[int, ...]:
    """The UIDs a request names: its first argument, one UID or a list of them."""
    first = args[0] if args else None
    if isinstance(first, int):
        return (first,)
    return tuple(u for u in first if isinstance(u, int)) if isinstance(first, list) else ()


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
        connect_timeout: float = CONNECT_TIMEOUT,
        cache: HeaderCache | None = None,
        queue: OfflineQueue | None = None,
        hold_follow_ups: bool = False,
        head_start: HeadStart | None = None,
    ) -> None:
        """``hold_follow_ups``: what the session asks itself after opening the mailbox at start
        waits until :meth:`first_screen_shown` (:mod:`.first_screen`; the account shown first).
        ``head_start``: the first connection, being opened already on the thread the session
        runs on (:mod:`.head_start`)."""
        self.account = account
        #: Actions taken while offline (in memory only when no file is given).
        self.queue = queue if queue is not None else OfflineQueue(None)
        #: The header cache shared by the app's sessions (None: none).
        self.cache = cache
        self.post = post
        self.read_only = read_only or account.read_only
        self._thread = head_start.thread if head_start else LoopThread(session_thread_name(account.name))
        self.connector = Connector(
            account,
            post,
            read_only=self.read_only,
            password=password,
            ssl_context=ssl_context,
            connect_timeout=connect_timeout,
            head_start=head_start,
        )
        self.directory = MailboxDirectory(post)
        account_key = account.cache_key
        self.account_key = account_key
        self.selected = SelectedMailbox(post, self._schedule, cache=cache, account_key=account_key)
        self.alerts = AlertReporter(post)
        self.actions = Actions(
            post,
            self.selected,
            self.directory,
            lambda: self.connector.connect(quiet=True),
            trash_folder=account.trash_folder,
            archive_folder=account.archive_folder,
            journal=self.queue,
            account_key=account_key,
        )
        self.listings = Listings(post, self.selected)
        self._gate: RequestGate | None = None
        self.first_screen = FirstScreen(held=hold_follow_ups)
        self.keepalive: KeepAlive | None = None
        self.watchdog: Watchdog | None = None
        self._client: SessionClient | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._recovery: asyncio.Task[None] | None = None
        #: The mailbox to be in (kept across reconnections).
        self.mailbox: str | None = None
        self._connections = 0  # logged in how many times
        self._opening = 0  # opens waiting for the connection, holding it, or rendering

    # ------------------------------------------------------------------ thread

    def start(self) -> None:
        """Start the session thread and connect."""
        if not self._thread.start():
            self.post(m.SessionFailed(FailureKind.UNEXPECTED, "The session did not start", "no event loop"))
            return
        self._thread.submit(self._init_loop_state())
        self.connect()

    async def _init_loop_state(self) -> None:
        self.first_screen.attach(asyncio.get_running_loop())
        self._gate = RequestGate()
        self.keepalive = KeepAlive(self._gate)
        self.watchdog = Watchdog(self._gate, self.post)

    def stop(self, timeout: float = 2.0) -> None:
        """Log out and end the thread (called from the UI thread on quit)."""
        self._thread.stop(self._shutdown(), timeout)

    def first_screen_shown(self) -> None:
        """The UI drew the open mailbox's newest rows: held follow-ups go on (any thread)."""
        self.first_screen.shown()

    # ---------------------------------------------------------------- requests

    def connect(self) -> None:
        """Connect, list mailboxes and open INBOX (or the mailbox open before)."""
        self._thread.submit(self._recover("connecting"))

    retry = connect

    def reconnect(self) -> None:
        """Replace the connection with a new one (the user asked: Ctrl+R)."""
        self._thread.submit(self._recover("reconnecting as asked", replace=True))

    def open_mailbox(self, name: str, query: str = "") -> None:
        """Select (EXAMINE in read-only mode) ``name``; MailboxOpened follows.  With ``query``, no
        row is fetched but what the search finds (Listed follows)."""
        self._submit("open the mailbox", self._open_mailbox, name, query)

    def want_rows(self, generation: int, removals: int, seqnos: Sequence[int]) -> None:
        """Summaries for these positions of the UI's view; ViewChanged (Loaded) follows."""
        self._thread.submit(self._want_rows(generation, removals, list(seqnos)))

    async def _want_rows(self, generation: int, removals: int, seqnos: list[int]) -> None:
        # What the header cache holds comes at once, also while a request holds the connection.
        await self.selected.place_cached(generation, removals, seqnos)
        if not self.selected.wants(generation, removals, seqnos):
            return  # nothing to fetch: the connection, and its IDLE, are left alone
        await self._request(
            "load messages", self.selected.want_rows, generation, removals, seqnos, quiet=True
        )

    def want_summaries(self, generation: int, uids: Sequence[int]) -> None:
        """Summaries of these UIDs (rows of a search, sort or thread listing)."""
        self._submit("load messages", self.selected.want_uids, generation, list(uids), quiet=True)

    def open_message(self, uid: int, *, prefer: str = "plain", generation: int | None = None) -> None:
        """Fetch and render message ``uid`` (marking it read unless read-only); MessageLoaded follows.

        ``prefer`` "html" shows the HTML part of a multipart/alternative instead of the plain one.
        ``generation``: of the view the UID was taken from (see :meth:`_request`)."""
        self._thread.submit(self._open_message(uid, prefer, generation))

    async def _open_message(self, uid: int, prefer: str, generation: int | None) -> None:
        # Shown before, and nothing to tell the server: answered from memory, without the gate
        # (the IDLE in progress goes on).  Not while another request waits or runs (a flag), nor
        # while an earlier open is still rendering: it goes after them, in order.
        current = generation is None or self.selected.same_messages(generation)
        idle = self._gate is not None and self._gate.pending == 0 and not self._opening
        if current and idle and self.actions.show_again(uid, prefer):
            return
        self._opening += 1
        try:
            work = self.actions.open_message
            await self._request("open the message", work, uid, prefer, made_under=generation)
        finally:
            self._opening -= 1

    def raw_source(self, uid: int, *, generation: int | None = None) -> None:
        """Fetch the start of message ``uid``'s raw source; RawSourceLoaded follows."""
        self._submit("show the raw source", self.actions.raw_source, uid, made_under=generation)

    def save_attachment(
        self,
        uid: int,
        index: int,
        folder: Path,
        filename: str | None = None,
        *,
        generation: int | None = None,
        prefer: str = "plain",
    ) -> None:
        """Save attachment ``index`` of ``uid`` (as ``filename`` if given; numbered as listed with
        the ``prefer`` part of a plain/HTML pair shown), streamed with progress (SaveProgress);
        AttachmentSaved follows."""
        work = self.actions.save_attachment
        self._submit("save the attachment", work, uid, index, folder, filename, prefer, made_under=generation)

    def set_flag(self, uids: Sequence[int], flag: str, on: bool, *, generation: int | None = None) -> None:
        """Add (``on``) or remove ``flag`` (UID STORE ±FLAGS); queued while offline."""
        what = "mark read or unread" if flag == "\\Seen" else "flag"
        queued = ("flag", list(uids), {"flag": flag, "on": on})
        self._write(what, self.actions.set_flag, list(uids), flag, on, queue_as=queued, made_under=generation)

    def delete(self, uids: Sequence[int], *, generation: int | None = None) -> None:
        """Move to the trash (or, in the trash, delete for good with UID EXPUNGE); queued while offline."""
        queued: Queueable = ("delete", list(uids), {})
        self._write("delete", self.actions.delete, list(uids), queue_as=queued, made_under=generation)

    def archive(self, uids: Sequence[int], *, generation: int | None = None) -> None:
        """Move to the archive folder; queued while offline."""
        queued: Queueable = ("archive", list(uids), {})
        self._write("archive", self._archive, list(uids), queue_as=queued, made_under=generation)

    def move(self, uids: Sequence[int], target: str, *, generation: int | None = None) -> None:
        """UID MOVE to ``target``; queued while offline."""
        queued: Queueable = ("move", list(uids), {"target": target})
        work = self.actions.move
        self._write("move", work, list(uids), target, "moved", queue_as=queued, made_under=generation)

    def copy(self, uids: Sequence[int], target: str, *, generation: int | None = None) -> None:
        """UID COPY to ``target``."""
        self._write("copy", self.actions.copy, list(uids), target, made_under=generation)

    def search(self, text: str, sort: Sequence[str] = ()) -> None:
        """Search the open mailbox for ``text`` (the query language); Listed or SearchFailed follows."""
        self._submit("search", self.listings.search, text, list(sort) or None)

    def sort(self, keys: Sequence[str]) -> None:
        """The open mailbox in this order (RFC 5256 keys, REVERSE first); Listed follows."""
        self._submit("sort", self.listings.sort, list(keys))

    def threads(self) -> None:
        """The open mailbox's threads; Listed follows."""
        self._submit("thread", self.listings.threads)

    def undo(self) -> None:
        """Take the last action back."""
        self._write("undo", self.actions.undo)

    def account_info(self) -> None:
        """The server's greeting, ID, capabilities and TLS, and the header cache; AccountInfo follows."""
        self._submit("show the account info", self._account_info)

    async def _account_info(self, client: SessionClient) -> Afterwards:
        # cache=: the session's HeaderCache, once it has one ("not in use" until then).
        from .account_info import gather as gather_account_info  # asked for rarely: imported then

        self.post(await gather_account_info(client, self.account, cache=self.cache))
        return None

    async def _archive(self, client: SessionClient, uids: list[int]) -> Afterwards:
        return await self.actions.archive_messages(client, uids, self.account.archive_by_year)

    def create_mailbox(self, name: str) -> None:
        """CREATE ``name``; the mailbox list follows."""
        self._write("create the mailbox", self.actions.create_mailbox, name)

    def rename_mailbox(self, old: str, new: str) -> None:
        """RENAME ``old`` to ``new``."""
        self._write("rename the mailbox", self.actions.rename_mailbox, old, new)

    def delete_mailbox(self, name: str) -> None:
        """DELETE ``name`` and everything in it (the UI asks first)."""
        self._write("delete the mailbox", self.actions.delete_mailbox, name)

    def subscribe(self, name: str, on: bool = True) -> None:
        """SUBSCRIBE (or UNSUBSCRIBE) ``name``."""
        self._write("subscribe" if on else "unsubscribe", self.actions.subscribe, name, on)

    def _write(
        self,
        action: str,
        work: Work,
        *args: Any,
        queue_as: Queueable | None = None,
        made_under: int | None = None,
    ) -> None:
        if self.read_only:
            # Refused here, before anything is scheduled; the client refuses it again below.
            self.post(m.ActionFailed(action, f"Cannot {action}: the session is read-only"))
            return
        self._thread.submit(self._request(action, work, *args, queue_as=queue_as, made_under=made_under))

    def _submit(
        self, action: str, work: Work, *args: Any, quiet: bool = False, made_under: int | None = None
    ) -> None:
        self._thread.submit(self._request(action, work, *args, quiet=quiet, made_under=made_under))

    def _schedule(self, action: str, work: Callable[[SessionClient], Awaitable[None]]) -> None:
        """A follow-up the session asks itself (fetch new mail, recount): on this loop, later."""

        async def run(client: SessionClient) -> Afterwards:
            await work(client)
            return None

        async def after_first_screen() -> None:
            await self.first_screen.wait()  # at once, once the first screen is shown
            await self._request(action, run, quiet=True)

        asyncio.ensure_future(after_first_screen())

    async def _request(
        self,
        action: str,
        work: Work,
        *args: Any,
        quiet: bool = False,
        queue_as: Queueable | None = None,
        made_under: int | None = None,
    ) -> None:
        """Run one request with the connection to itself; every failure ends in :meth:`_failed`.

        ``made_under``: the generation of the view the request's UIDs were taken from; refused
        (said, never silently) when another mailbox, or a new UIDVALIDITY, was selected since:
        its UIDs would name other messages (RFC 9051 §2.3.1.1)."""
        while self._gate is None:  # the loop state is made by the first thing submitted
            await asyncio.sleep(0)
        afterwards: Afterwards = None
        client: SessionClient | None = None
        try:
            async with self._gate.request():
                if made_under is not None and not self.selected.same_messages(made_under):
                    changed = f"Not done ({action}): the mailbox changed"
                    self.post(m.ActionFailed(action, changed, _named(args)))
                    return
                client = self._client
                if client is None:
                    if queue_as is not None and self._enqueue(action, queue_as):
                        return
                    if not quiet:  # never dropped silently
                        self.post(m.ActionFailed(action, f"Could not {action}: not connected (offline)"))
                    return
                afterwards = await work(client, *args)
            if afterwards is not None:
                await afterwards()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the one place failures become messages
            await self._failed(exc, action, client, quiet=quiet)

    # ----------------------------------------------------------- offline queue

    def _enqueue(self, action: str, queued: Queueable) -> bool:
        """Keep an action for when the connection is back; False when it cannot wait."""
        opened = self.selected.last_opened
        kind, uids, detail = queued
        if opened is None or opened[1] is None:
            return False
        mailbox, uidvalidity = opened[0], opened[1]
        if kind == "delete" and mailbox == self.actions.trash:
            return False  # deleting for good is not done blind
        entry = self.queue.add(self.account_key, mailbox, uidvalidity, kind, uids, detail)
        count = self.queue.count(self.account_key)
        waiting = f"{count} action{'s' if count != 1 else ''} waiting"
        self.post(
            m.QueueChanged(count, f"Offline: {entry.describe()} will be done once connected ({waiting})")
        )
        return True

    async def _replay(self, client: SessionClient) -> None:
        """Do what was asked while offline, in order, and say how each went."""
        pending = await asyncio.to_thread(self.queue.pending, self.account_key)
        if not pending:
            return
        for entry in pending:
            try:
                text = await self.actions.replay(client, entry)
            except ReadOnlyRefused:
                text = f"Not done: {entry.describe()} (the session is read-only)"
            if text is not None:  # None: the connection went; the rest waits
                await asyncio.to_thread(self.queue.remove, entry)
                self.post(m.Notice(text, "warning" if text.startswith("Not done") else "information"))
            else:
                break
        count = await asyncio.to_thread(self.queue.count, self.account_key)
        self.post(m.QueueChanged(count))

    # ------------------------------------------------------------- failures

    async def _failed(
        self, exc: BaseException, action: str, client: SessionClient | None, *, quiet: bool
    ) -> None:
        """The one place failures become messages (and reconnections)."""
        kind = classify(exc)
        detail = describe(exc)
        if kind is FailureKind.UNEXPECTED:
            _log.exception("session: %s failed unexpectedly", action, exc_info=exc)
        else:
            _log.info("session: %s failed (%s): %s", action, kind.value, detail)
        if kind is FailureKind.READ_ONLY:
            self.post(m.ActionFailed(action, f"Cannot {action}: the session is read-only"))
        elif kind in (FailureKind.LOCAL, FailureKind.REFUSED, FailureKind.UNEXPECTED):
            text = detail if kind is FailureKind.LOCAL else f"Could not {action}: {detail}"
            self.post(m.ActionFailed(action, text))
        elif kind.connection:
            said = f" ({detail})" if detail and detail != "it dropped" else ""
            if not quiet:
                lost = f"lost the connection to {self.account.host}{said}"
                self.post(m.ActionFailed(action, f"Could not {action}: {lost}"))
            if client is not None and client is self._client:
                reason = f"{title(FailureKind.LOST)} to {self.account.host}{said}"
                self.post(m.Notice(f"{reason}. Reconnecting…", "warning"))
                self._lost(reason)
        else:
            self.post(m.SessionFailed(kind, title(kind), detail))

    def _lost(self, reason: str) -> None:
        """The connection died: drop it and start reconnecting (once)."""
        if self._recovery is None or self._recovery.done():
            self._recovery = asyncio.ensure_future(self._recover(reason, replace=True))

    # ------------------------------------------------------ connecting, keeping

    async def _recover(self, reason: str, *, replace: bool = False) -> None:
        """(Re)connect until it works or the user must act."""
        current = asyncio.current_task()
        if self._recovery is not None and self._recovery is not current and not self._recovery.done():
            self._recovery.cancel()
        self._recovery = current
        while self._gate is None:
            await asyncio.sleep(0)
        if replace or self._client is not None:
            await self._drop_client()
        ok = await self.connector.keep_trying(self._establish, reason)
        if ok and self._connections > 1:
            self.post(m.Notice("Reconnected", "information"))

    async def _establish(self) -> None:
        """Connect, list, and open the mailbox the user was in (INBOX if it is gone)."""
        assert self._gate is not None
        client = await self.connector.connect()
        self._connections += 1
        self.alerts.report_greeting(client)  # RFC 9051 §7.1: an [ALERT] in the greeting
        try:
            async with self._gate.request():
                self._client = client
                self.post(m.ConnectionChanged("connected"))
                # LIST and SELECT leave together: neither waits for the other.  The LIST asks no
                # counts: a server answers LIST-STATUS only once it has counted every mailbox
                # (0.4 s for a 100,000-message INBOX on Dovecot), and the SELECT queued behind it
                # would wait that long.  The counts come after the first screen.
                await asyncio.gather(
                    self.directory.load(client, counts=False),
                    self._open(client, self.mailbox or "INBOX", fallback=True),
                )
                self._schedule("count messages", lambda c: self.directory.refresh(c, skip=self.mailbox))
                await self._replay(client)
        except BaseException:
            await self._drop_client()
            raise
        self._start_keeping(client)

    async def _open_mailbox(self, client: SessionClient, name: str, query: str) -> Afterwards:
        await self._open(client, name, fallback=False, first_page=not query)
        if query and self.selected.name == name:
            await self.listings.search(client, query)
        return None

    async def _open(
        self, client: SessionClient, name: str, *, fallback: bool, first_page: bool = True
    ) -> None:
        try:
            view = await self.selected.open(client, name, first_page=first_page)
        except TooManyMessages as exc:
            self.post(m.Notice(str(exc), "error"))
            return
        except NoResponseError:
            if not fallback or name == "INBOX":
                raise
            self.post(m.Notice(f"{name} is gone; opened INBOX", "warning"))
            view = await self.selected.open(client, "INBOX")
        self.mailbox = view.name

    def _start_keeping(self, client: SessionClient) -> None:
        assert self.keepalive is not None and self.watchdog is not None
        self._stop_keeping()
        self._tasks = [
            asyncio.ensure_future(self._keep(client)),
            asyncio.ensure_future(self.watchdog.run(client)),
        ]

    async def _keep(self, client: SessionClient) -> None:
        assert self.keepalive is not None
        try:
            await self.first_screen.wait()  # the follow-ups waiting with it go first: no IDLE between
            await self.keepalive.run(client, lambda: self._refresh_counts(client))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001
            await self._failed(exc, "stay connected", client, quiet=True)

    async def _refresh_counts(self, client: SessionClient) -> None:
        assert self.keepalive is not None
        due = self.directory.counts_at + self.keepalive.counts_interval
        if asyncio.get_running_loop().time() >= due:
            await self.directory.refresh(client, skip=self.selected.name)

    def _stop_keeping(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []

    async def _drop_client(self) -> None:
        """Let go of the connection (log out politely, bounded)."""
        client, self._client = self._client, None
        self._stop_keeping()
        self.selected.close()
        if client is not None and not client.closed:
            try:
                await asyncio.wait_for(client.logout(), LOGOUT_TIMEOUT)
            except Exception:  # noqa: BLE001 - it is being dropped anyway
                client.abort("dropped")

    async def _shutdown(self) -> None:
        if self._recovery is not None and self._recovery is not asyncio.current_task():
            self._recovery.cancel()
            with contextlib.suppress(BaseException):
                await self._recovery
        await self._drop_client()
        if self.cache is not None:
            await asyncio.to_thread(self.cache.flush, 5.0)
