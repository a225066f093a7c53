"""The selected mailbox: its view, kept current in place, and the rows fetched for it.

This room owns the authoritative :class:`~tuimail.mail.mailbox_view.MailboxView`.
A pump task reads the connection's unsolicited responses in order and turns
each into view changes (RFC 9051 §7.4.1 EXISTS adds rows at the end, §7.5.1
EXPUNGE removes one, §7.5.2 FETCH with FLAGS changes a row's flags; RFC 7162
§3.2.10 VANISHED removes by UID), applies them to its view and posts the same
changes to the UI (:class:`~tuimail.session.messages.ViewChanged`).  Nothing
is fetched again that the client has: new mail fetches only the new rows, a
flag change fetches nothing.

Positions from a command's result are trusted only when no row was removed
while it ran (``MailboxView.removals`` unchanged); otherwise rows are placed
by UID, or asked again.  The view generation changes only on SELECT/EXAMINE
(and so on reconnection).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from array import array
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuimail.collector import PACER
from tuimail.freeing import free_gradually
from tuimail.imap.errors import NoResponseError
from tuimail.imap.mailbox_state import MailboxState
from tuimail.imap.sequence_set import STAR, SequenceSet
from tuimail.imap.types import FetchData, ResponseText, UntaggedResponse, VanishedData
from tuimail.imap.unsolicited import Subscription
from tuimail.mail.mailbox_view import MAX_MESSAGES, MailboxView, TooManyMessages
from tuimail.mail.summary import MessageSummary, flag_set
from tuimail.mail.unread import UnreadCount
from tuimail.mail.view_changes import Added, FlagsChanged, Loaded, Removed, UidsKnown, ViewChange

from . import messages as m
from .alerts import AlertReporter
from .client import SessionClient
from .failures import describe
from .listed_structures import ListedStructures
from .opening import FIRST_PAGE

if TYPE_CHECKING:
    from tuimail.mail.cache import HeaderCache, MailboxCache

__all__ = ["FETCH_BATCH", "SelectedMailbox"]

_log = logging.getLogger(__name__)

#: Summaries fetched per FETCH command.
FETCH_BATCH = 200
#: Changes per message to the UI (each applied well inside its 50 ms budget).
UI_PART = 250
#: Tries to learn the UID order while other clients keep expunging.
UID_ORDER_TRIES = 3
#: Views whose mailbox and UIDVALIDITY are remembered (for requests made from an older one).
GENERATIONS_KEPT = 16

Post = Callable[[Any], Any]


@dataclass(frozen=True)
class _Cached:
    """What the header cache held for a mailbox, as a view to show before SELECT answers."""

    view: MailboxView
    store: MailboxCache
    uidvalidity: int
    modseq: int | None
    uids: SequenceSet


#: Schedules a follow-up request (runs later, through the request gate).
Schedule = Callable[[str, Callable[[SessionClient], Awaitable[None]]], None]


def expand(uids: SequenceSet, limit: int) -> list[int] | None:
    """The numbers of ``uids`` ascending, or None when there are more than ``limit``
    (a server's result is never expanded past what the mailbox can hold)."""
    total = 0
    for lo, hi in uids.ranges:
        if hi == STAR or lo == STAR:
            return None
        total += hi - lo + 1
        if total > limit:
            return None
    out: list[int] = []
    for lo, hi in uids.ranges:
        out.extend(range(lo, hi + 1))
    return out


class SelectedMailbox:
    """The open mailbox of one session."""

    def __init__(
        self, post: Post, schedule: Schedule, *, cache: HeaderCache | None = None, account_key: str = ""
    ) -> None:
        self._post = post
        self._schedule = schedule
        #: The header cache (None: none), and this account's key in it.
        self.cache = cache
        self.account_key = account_key
        self._mailbox_cache: MailboxCache | None = None
        self._mailbox_state: MailboxState | None = None
        #: The mailbox open last, and its UIDVALIDITY (kept while offline: queued actions name it).
        self.last_opened: tuple[str, int | None] | None = None
        self.view: MailboxView | None = None
        self.unread = UnreadCount()
        self._generation = 0
        #: (mailbox, UIDVALIDITY) of the last views, by generation: what their UIDs name.
        self._identities: dict[int, tuple[str, int | None]] = {}
        self._updates: Subscription | None = None
        self._pump: asyncio.Task[None] | None = None
        self._inflight: set[int] = set()
        self._inflight_uids: set[int] = set()
        self._from_cache = False  # placing rows read from the cache (not written back)
        self._ours: set[int] = set()
        self._counts: tuple[int | None, int] | None = None
        self._recount_scheduled = False
        self._alerts = AlertReporter(post)
        #: UIDs whose flags changed while load_flags reads the cache (None: it does not).
        self._flags_applied: set[int] | None = None
        #: Flag changes applied to the open view (rows are placed from the cache outside a
        #: request only while there are none: see place_cached).
        self._flag_changes = 0
        #: The BODYSTRUCTUREs the rows' FETCH brought (opening one of them needs no other).
        self.structures = ListedStructures()

    @property
    def name(self) -> str | None:
        return self.view.name if self.view is not None else None

    # ------------------------------------------------------------ open / close

    async def open(self, client: SessionClient, name: str, *, first_page: bool = True) -> MailboxView:
        """SELECT (EXAMINE when read-only) ``name``; posts MailboxOpened with the UI's replica.

        With a header cache holding the mailbox, the cached rows are posted
        first, before SELECT is even sent (a warm start draws at once), and
        SELECT reconciles them: with QRESYNC (RFC 7162 §3.2.5) the server
        names what vanished and what changed since; otherwise the UID order
        and the flags are compared after the first screen.

        The update stream is taken before SELECT is sent, so nothing after it
        is missed; nothing is running then (the caller holds the gate), so
        nothing before it is in it."""
        self.close()
        # The head start's opening, when it sent this one already (nothing cached: see the cli).
        early = await client.take_early_open(name)
        updates = early.updates if early is not None else client.updates()
        self._updates = updates
        self.unread = UnreadCount()
        self._counts = None
        cached = await self._cached_view(client, name) if early is None else None
        qresync = None
        if cached is not None:
            self.view, self._mailbox_cache = cached.view, cached.store
            self._post(m.MailboxOpened(cached.view.replica()))
            self._pump = asyncio.ensure_future(self._run_pump(updates, cached.view))
            if cached.modseq and await client.enable_qresync():
                qresync = (cached.uidvalidity, cached.modseq, cached.uids)
        try:
            state = await (early.state if early is not None else client.open(name, qresync=qresync))
        except BaseException:
            self.close()
            raise
        self.drain()  # VANISHED (EARLIER) and changed flags that came with SELECT
        view = self.view
        if cached is None or view is None or state.uidvalidity != cached.uidvalidity:
            if cached is not None:
                self.close()
                self._updates = client.updates()  # nothing is running: nothing is missed
                updates = self._updates
            view = self._fresh_view(client, name, state)
            self._pump = asyncio.ensure_future(self._run_pump(updates, view))
        self._mailbox_state = state
        self.last_opened = (view.name, view.uidvalidity)
        self._post_counts()
        # The UID order first where the cached one may be stale (no QRESYNC), or where the cache
        # held only part of the mailbox (the rows fetched so far: where the others go is not
        # known, and the cached rows must not be fetched again); then the newest page (the list
        # opens on it); the rest when the list asks; the unread count after.
        learnt = cached is not None and (qresync is None or state.exists != view.exists)
        if learnt:
            await self.load_uid_order(client, view, exists=state.exists)
        if first_page:
            await self.fetch_seqnos(client, view, view.missing_seqnos(range(min(FIRST_PAGE, view.exists))))
        if not learnt:
            self._schedule("learn the message order", lambda c: self.load_uid_order(c, view))
        self._schedule("count unread messages", lambda c: self.load_unseen(c, view))
        if first_page:
            self._schedule("fetch the oldest page", lambda c: self.fetch_oldest_page(c, view))
        if cached is not None and qresync is None:
            self._schedule("compare flags", lambda c: self.load_flags(c, view, cached.modseq))
        return view

    def _fresh_view(self, client: SessionClient, name: str, state: MailboxState) -> MailboxView:
        view = MailboxView(
            name,
            state.exists,
            generation=self._new_generation(name, state.uidvalidity),
            uidvalidity=state.uidvalidity,
            read_only=state.read_only or client.read_only,
        )
        self.view = view
        if self.cache is not None and state.uidvalidity is not None:
            # A new UIDVALIDITY drops what the cache held for the mailbox (RFC 9051 §2.3.1.1).
            self._mailbox_cache = self.cache.mailbox(self.account_key, name, state.uidvalidity)
        self._post(m.MailboxOpened(view.replica()))
        return view

    async def _cached_view(self, client: SessionClient, name: str) -> _Cached | None:
        """The mailbox as the cache last saw it: every UID and the newest rows."""
        cache = self.cache
        if cache is None or not cache.available:
            return None
        try:
            stored = await asyncio.to_thread(cache.state, self.account_key, name)
            if stored is None:
                return None
            store = cache.mailbox(self.account_key, name, stored.uidvalidity)
            known = await asyncio.to_thread(store.uids)
            uids = expand(known, MAX_MESSAGES)
            newest = await asyncio.to_thread(store.newest, FIRST_PAGE)
        except Exception:  # noqa: BLE001 - a cache is a help, never a reason to fail
            _log.exception("reading the header cache failed; starting without it")
            return None
        if not uids:
            return None
        view = MailboxView(
            name,
            len(uids),
            generation=self._new_generation(name, stored.uidvalidity),
            uidvalidity=stored.uidvalidity,
            read_only=client.read_only,
        )
        view.apply(UidsKnown(array("I", uids)))
        view.apply(Loaded(tuple((view.seqno_of_uid(s.uid) or 0, s) for s in newest)))
        return _Cached(view, store, stored.uidvalidity, stored.highest_modseq, known)

    def _new_generation(self, name: str, uidvalidity: int | None) -> int:
        self._generation += 1
        self._identities[self._generation] = (name, uidvalidity)
        for old in [g for g in self._identities if g <= self._generation - GENERATIONS_KEPT]:
            del self._identities[old]
        return self._generation

    def same_messages(self, generation: int) -> bool:
        """Whether the UIDs of view ``generation`` name the same messages now: it is the latest
        view (open, or the last one while offline), or one of the same mailbox and UIDVALIDITY
        (RFC 9051 §2.3.1.1: a reconnection selects again, and its UIDs still hold).  False
        once another mailbox, or a new UIDVALIDITY, was selected since."""
        if generation == self._generation:
            return True
        then = self._identities.get(generation)
        return then is not None and then[1] is not None and then == self._identities.get(self._generation)

    async def reopen(self, client: SessionClient, view: MailboxView) -> None:
        """Select the mailbox again (a new generation): after lost updates or a new UIDVALIDITY."""
        if self.view is view:
            await self.open(client, view.name)

    def close(self) -> None:
        """Forget the open mailbox (before another is selected, or the connection is dropped)."""
        self._save_state()
        if self._pump is not None:
            self._pump.cancel()
            self._pump = None
        if self._updates is not None:
            self._updates.close()
            self._updates = None
        self.view = None
        self._flag_changes = 0
        self.structures.clear()
        self._inflight.clear()
        self._ours.clear()
        self._recount_scheduled = False

    # ------------------------------------------------------- server updates

    async def _run_pump(self, updates: Subscription, view: MailboxView) -> None:
        """Apply each update as it arrives, in order, while this view is open."""
        with contextlib.suppress(asyncio.CancelledError):
            while self.view is view:
                response = await updates.get()
                if response is None:
                    return
                try:
                    with PACER.busy():  # another client's change may touch every message
                        self._apply_updates(view, [response, *self._take(updates)])
                except Exception:  # a bug must not silently stop the view from following the server
                    _log.exception("applying updates to %s failed; selecting it again", view.name)
                    self._schedule("select again", lambda c: self.reopen(c, view))
                    return

    @staticmethod
    def _take(updates: Subscription) -> list[UntaggedResponse]:
        out = []
        while (response := updates.get_nowait()) is not None:
            out.append(response)
        return out

    def drain(self) -> None:
        """Apply every update received so far (before reading the view's state)."""
        if self._updates is not None and self.view is not None:
            pending = self._take(self._updates)
            if pending:
                self._apply_updates(self.view, pending)

    def _check_stream(self, view: MailboxView) -> bool:
        """False (and the mailbox is selected again) when updates were lost: the buffer overflowed."""
        if self._updates is not None and self._updates.dropped:
            dropped = self._updates.dropped
            _log.warning("%d updates of %s were dropped; selecting it again", dropped, view.name)
            self._updates.dropped = 0
            self._schedule("select again", lambda c: self.reopen(c, view))
            return False
        return True

    def _apply_updates(self, view: MailboxView, responses: list[UntaggedResponse]) -> None:
        if not self._check_stream(view):
            return
        changes: list[ViewChange] = []
        ours: set[int] = set()
        new_rows = 0
        resync = False
        for response in responses:
            self._alerts.report(response)  # RFC 9051 §7.1: [ALERT] texts reach the user
            name, data = response.name, response.data
            if name == "EXISTS" and isinstance(data, int):
                if data > view.exists:
                    try:
                        self._apply(view, Added(data - view.exists), changes)
                    except TooManyMessages as exc:
                        self._post(m.Notice(str(exc), "error"))
                        continue
                    new_rows += changes[-1].count  # type: ignore[union-attr]
                elif data < view.exists:
                    resync = True  # EXISTS never shrinks without EXPUNGE (RFC 9051 §7.4.1)
            elif name == "EXPUNGE" and isinstance(data, int):
                uid = view.uid_of_seqno(data) or 0
                if uid in self._ours:
                    ours.add(uid)
                    self._ours.discard(uid)
                self._apply(view, Removed(data, uid), changes)
            elif name == "VANISHED" and isinstance(data, VanishedData):
                # (EARLIER) comes after a QRESYNC SELECT or a UID FETCH (VANISHED): gone all the same.
                resync |= self._vanished(view, data.uids, changes, ours)
            elif name == "FETCH" and isinstance(data, FetchData):
                flags = data.attr.get("FLAGS")
                if isinstance(flags, list | tuple):
                    said = data.attr.get("UID")
                    uid = said if isinstance(said, int) else view.uid_of_seqno(data.seqno) or 0
                    flagset = flag_set(flags)
                    self._apply(view, FlagsChanged(data.seqno, uid, flagset), changes)
            elif name == "OK" and isinstance(data, ResponseText) and data.code is not None:
                code = data.code
                new = code.data if code.name == "UIDVALIDITY" and isinstance(code.data, int) else None
                if new is not None and new != view.uidvalidity:
                    # Every UID known is void (RFC 9051 §2.3.1.1): start over.
                    rebuilt = f"{view.name} was rebuilt on the server (new UIDVALIDITY)"
                    self._post(m.Notice(rebuilt, "warning"))
                    self._schedule("select again", lambda c: self.reopen(c, view))
                    break
        if changes:
            self._post_in_parts(view, changes, frozenset(ours))
            self._post_counts()
        if new_rows:
            seqnos = view.missing_seqnos(range(min(new_rows, view.exists)))
            self._schedule("new mail", lambda client: self.fetch_seqnos(client, view, seqnos))
        if resync:
            self._schedule("resync", lambda client: self.load_uid_order(client, view))
        if self.unread.stale and not self._recount_scheduled:
            self._recount_scheduled = True
            self._schedule("unread count", lambda client: self.load_unseen(client, view))

    def _vanished(
        self, view: MailboxView, uids: SequenceSet, changes: list[ViewChange], ours: set[int]
    ) -> bool:
        """VANISHED uids: remove each known one (highest first, so positions stay valid)."""
        found = view.positions_of(uids)
        for seqno, uid in sorted(found, reverse=True):
            if uid in self._ours:
                ours.add(uid)
                self._ours.discard(uid)
            self._apply(view, Removed(seqno, uid), changes)
        # UIDs not placed may be messages whose position is unknown: learn the order again.
        return not view.complete and len(uids) > len(found)

    def _apply(self, view: MailboxView, change: ViewChange, changes: list[ViewChange]) -> None:
        before = set(view.known_uids()) if isinstance(change, UidsKnown) and self._mailbox_cache else None
        view.apply(change)
        changes.append(change)
        store = self._mailbox_cache if view is self.view else None
        if isinstance(change, Removed):
            self.unread.removed(change.uid)
            self._inflight.clear()  # positions shifted
            if store is not None and change.uid:
                store.remove([change.uid])
        elif isinstance(change, FlagsChanged):
            self._flag_changes += 1
            self.unread.flags(change.uid, change.flags)
            if self._flags_applied is not None:
                self._flags_applied.add(change.uid)
            if store is not None and change.uid:
                store.set_flags({change.uid: change.flags})
        elif isinstance(change, Loaded):
            for _, summary in change.placements:
                self.unread.flags(summary.uid, summary.flags)
            if store is not None and not self._from_cache:
                store.put([summary for _, summary in change.placements])
        elif isinstance(change, UidsKnown) and store is not None and before is not None:
            gone = before - set(change.uids)
            if gone:
                store.remove(sorted(gone))

    def _save_state(self) -> None:
        """The cache now holds the mailbox as of the server's HIGHESTMODSEQ: remember it
        (the next SELECT asks QRESYNC for what changed since)."""
        store, state = self._mailbox_cache, self._mailbox_state
        if store is not None and state is not None and state.highest_modseq is not None:
            store.set_state(highest_modseq=state.highest_modseq, uidnext=state.uidnext)
        self._mailbox_cache = None
        self._mailbox_state = None

    def _post_counts(self) -> None:
        view = self.view
        if view is None:
            return
        counts = (self.unread.count, view.exists)
        if counts != self._counts:
            self._counts = counts
            self._post(m.MailboxCounts(view.name, *counts))

    def post_changes(self, changes: list[ViewChange], ours: Iterable[int] = ()) -> None:
        """Apply changes the session itself worked out, and tell the UI."""
        view = self.view
        if view is None or not changes:
            return
        applied: list[ViewChange] = []
        for change in changes:
            self._apply(view, change, applied)
        self._post_in_parts(view, applied, frozenset(ours))
        self._post_counts()

    def _post_in_parts(self, view: MailboxView, changes: list[ViewChange], ours: frozenset[int]) -> None:
        """Post changes to the UI in parts it applies in a few milliseconds each (a sync of a whole
        mailbox's flags must not stall its event loop); a Loaded of many rows is split too."""
        part: list[ViewChange] = []
        for change in changes:
            if isinstance(change, Loaded) and len(change.placements) > UI_PART:
                for start in range(0, len(change.placements), UI_PART):
                    part.append(Loaded(change.placements[start : start + UI_PART]))
                    if len(part) >= UI_PART // 8:
                        self._post(m.ViewChanged(view.generation, tuple(part), ours))
                        part = []
                continue
            part.append(change)
            if len(part) >= UI_PART:
                self._post(m.ViewChanged(view.generation, tuple(part), ours))
                part = []
        if part:
            self._post(m.ViewChanged(view.generation, tuple(part), ours))

    def expect_removal(self, uids: Iterable[int]) -> None:
        """The user's own action is about to remove these UIDs."""
        self._ours.update(uids)

    def forget_expected(self, uids: Iterable[int]) -> None:
        self._ours.difference_update(uids)

    # ------------------------------------------------------------ fetching rows

    def wants(self, generation: int, removals: int, seqnos: list[int]) -> bool:
        """Whether :meth:`want_rows` would fetch anything now: checked without the connection, so
        that a request for rows already here (or for a view since changed) ends no IDLE."""
        self.drain()
        view = self.view
        if view is None or view.generation != generation or view.removals != removals:
            return False
        return bool(self._missing(view, seqnos))

    def _missing(self, view: MailboxView, seqnos: Iterable[int]) -> list[int]:
        """These positions of ``view`` without a summary and not being fetched, in order."""
        inflight = self._inflight
        return [s for s in seqnos if 1 <= s <= view.exists and s not in inflight and not view.has_summary(s)]

    async def place_cached(self, generation: int, removals: int, seqnos: list[int]) -> None:
        """Place the rows of these positions the header cache holds, without the connection: a
        request holding it (the SELECT of a warm start, on a slow link) does not delay rows that
        are here already.  Only while no flag change has been applied to the open view: the
        cache's writes are queued, and a read could miss one (the rows then come as
        :meth:`want_rows` places them, in order with the server's updates)."""
        self.drain()
        view = self.view
        if view is None or view.generation != generation or view.removals != removals:
            return
        if self._flag_changes or self._mailbox_cache is None:
            return
        if wanted := self._missing(view, seqnos):
            await self._from_store(view, wanted, stable=True)

    async def want_rows(
        self, client: SessionClient, generation: int, removals: int, seqnos: list[int]
    ) -> None:
        """The UI wants summaries for these positions of its replica of generation ``generation``."""
        view = self.view
        self.drain()
        if view is None or view.generation != generation or view.removals != removals:
            return  # the UI re-asks once it has applied the changes in flight
        await self.fetch_seqnos(client, view, seqnos)

    async def fetch_seqnos(self, client: SessionClient, view: MailboxView, seqnos: list[int]) -> None:
        """FETCH the summaries of these positions that are still missing, newest first, in batches."""
        self.drain()
        if self.view is not view:
            return
        wanted = self._missing(view, sorted(set(seqnos), reverse=True))
        for start in range(0, len(wanted), FETCH_BATCH):
            if self.view is not view:
                return
            chunk = [s for s in wanted[start : start + FETCH_BATCH] if 1 <= s <= view.exists]
            if chunk:
                await self._fetch_chunk(client, view, chunk)

    async def _fetch_chunk(self, client: SessionClient, view: MailboxView, chunk: list[int]) -> None:
        chunk = await self._from_store(view, chunk)
        if not chunk:
            return
        self._inflight.update(chunk)
        removals = view.removals
        try:
            try:
                data = await client.fetch_summaries(SequenceSet(chunk))
            except NoResponseError as exc:
                self.drain()
                if self.view is view and view.removals == removals:
                    self._post(m.RowsFailed(view.generation, tuple(chunk), describe(exc)))
                return
        finally:
            self._inflight.difference_update(chunk)
        self.drain()
        if self.view is not view:
            return
        self.structures.keep(data)
        by_position = view.removals == removals
        placements: list[tuple[int, MessageSummary]] = []
        for fd in data:
            if "UID" not in fd.attr or "ENVELOPE" not in fd.attr:
                continue
            summary = MessageSummary.from_fetch(fd)
            seqno = fd.seqno if by_position else view.seqno_of_uid(summary.uid)
            if seqno is not None and 1 <= seqno <= view.exists:
                placements.append((seqno, summary))
        if placements:
            self.post_changes([Loaded(tuple(placements))])
        if by_position:
            got = {seqno for seqno, _ in placements}
            missing = tuple(s for s in chunk if s not in got and s <= view.exists)
            if missing:
                self._post(m.RowsFailed(view.generation, missing, "the server sent no data for it"))

    async def fetch_oldest_page(self, client: SessionClient, view: MailboxView) -> None:
        """The oldest page too, after the first screen: a jump to the end of the list (``G``)
        then shows at once.  Nothing is fetched for a mailbox the first page already covers."""
        self.drain()
        if self.view is view and view.exists > FIRST_PAGE:
            oldest = range(1, min(FIRST_PAGE, view.exists - FIRST_PAGE) + 1)
            await self.fetch_seqnos(client, view, list(oldest))

    async def want_uids(self, client: SessionClient, generation: int, uids: list[int]) -> None:
        """Summaries of these UIDs (a listing's rows), by UID FETCH, in batches."""
        view = self.view
        self.drain()
        if view is None or view.generation != generation:
            return
        busy = self._inflight_uids
        wanted = [uid for uid in dict.fromkeys(uids) if view.summary(uid) is None and uid not in busy]
        for start in range(0, len(wanted), FETCH_BATCH):
            chunk = wanted[start : start + FETCH_BATCH]
            self._inflight_uids.update(chunk)
            try:
                data = await client.uid_fetch_summaries(chunk)
            finally:
                self._inflight_uids.difference_update(chunk)
            self.drain()
            if self.view is not view:
                return
            self.structures.keep(data)
            placements: list[tuple[int, MessageSummary]] = []
            for fd in data:
                if "UID" in fd.attr and "ENVELOPE" in fd.attr:
                    summary = MessageSummary.from_fetch(fd)
                    placements.append((view.seqno_of_uid(summary.uid) or 0, summary))
            if placements:
                self.post_changes([Loaded(tuple(placements))])

    async def _from_store(self, view: MailboxView, chunk: list[int], *, stable: bool = False) -> list[int]:
        """Rows the cache holds are placed from it; returns the positions still to fetch.
        ``stable``: only if no flag changed while the cache was read (outside a request)."""
        store = self._mailbox_cache
        known = {uid: seqno for seqno in chunk if (uid := view.uid_of_seqno(seqno))}
        if store is None or not known:
            return chunk
        removals, flag_changes = view.removals, self._flag_changes
        try:
            found = await asyncio.to_thread(store.get, list(known))
        except Exception:  # noqa: BLE001 - a cache miss, never a failure
            _log.exception("reading the header cache failed")
            return chunk
        self.drain()
        if self.view is not view or view.removals != removals or not found:
            return chunk
        if stable and self._flag_changes != flag_changes:
            return chunk
        placements = tuple(
            (known[uid], row) for uid, row in found.items() if not view.has_summary(known[uid])
        )  # not over a row fetched meanwhile
        if placements:
            self._from_cache = True
            try:
                self.post_changes([Loaded(placements)])
            finally:
                self._from_cache = False
        return [seqno for seqno in chunk if view.uid_of_seqno(seqno) not in found]

    async def load_flags(self, client: SessionClient, view: MailboxView, modseq: int | None) -> None:
        """Flags changed while away, for a cache without QRESYNC: CHANGEDSINCE (CONDSTORE,
        RFC 7162 §3.1.4), else every message's flags, each compared with what is known."""
        self.drain()
        if self.view is not view or view.exists == 0:
            return
        data = await client.flags_since(modseq if client.has("CONDSTORE") else None)
        self.drain()
        if self.view is not view:
            return
        now: dict[int, frozenset[str]] = {}  # the server's flags where they may differ from ours
        unloaded: dict[int, frozenset[str]] = {}  # rows not in the view: compared with the cache
        for fd in data:
            uid, flags = fd.attr.get("UID"), fd.attr.get("FLAGS")
            if not isinstance(uid, int) or not isinstance(flags, list | tuple):
                continue
            new = flag_set(flags)
            summary = view.summary(uid)
            if summary is None:
                unloaded[uid] = new
            elif summary.flags != new:
                now[uid] = new
        free_gradually(data)  # 100,000 responses freed at once hold the GIL for a tenth of a second
        store = self._mailbox_cache
        if unloaded and store is not None:
            # Only what differs from the cache is a change (a warm start loads the newest rows
            # alone: the rest are known from the cache, and most of them did not change).
            self._flags_applied = set()
            try:
                unloaded = await asyncio.to_thread(store.changed_flags, unloaded)
            except Exception:  # noqa: BLE001 - a cache miss: every one is applied, as without it
                _log.exception("reading the header cache failed")
            finally:
                self.drain()
                newer, self._flags_applied = self._flags_applied, None
            if self.view is not view:
                return
            for uid in newer:  # a flag change the server announced meanwhile is newer than this answer
                now.pop(uid, None)
                unloaded.pop(uid, None)
        now.update(unloaded)
        changes: list[ViewChange] = []
        for uid, new in now.items():
            seqno = view.seqno_of_uid(uid)
            summary = view.summary(uid)
            if seqno is not None and (summary is None or summary.flags != new):
                changes.append(FlagsChanged(seqno, uid, new))
        self.post_changes(changes)

    def place_fetched_flags(self, data: Iterable[FetchData]) -> set[int]:
        """Flags a command's FETCH responses report (UID STORE, a body fetch), placed by UID.

        Returns the UIDs that had a FETCH with FLAGS."""
        view = self.view
        reported: set[int] = set()
        if view is None:
            return reported
        changes: list[ViewChange] = []
        for fd in data:
            uid, flags = fd.attr.get("UID"), fd.attr.get("FLAGS")
            if not isinstance(uid, int) or not isinstance(flags, list | tuple):
                continue
            reported.add(uid)
            seqno = view.seqno_of_uid(uid)
            if seqno is not None:
                changes.append(FlagsChanged(seqno, uid, flag_set(flags)))
        self.post_changes(changes)
        return reported

    # ------------------------------------------------- after the first screen

    async def load_uid_order(self, client: SessionClient, view: MailboxView, *, exists: int = 0) -> None:
        """UID SEARCH ALL (ESEARCH ALL, compact): every message's UID, by position.

        ``exists``: the mailbox's size (SELECT's EXISTS) when the view may hold
        fewer rows (drawn from a cache holding part of the mailbox): the rows
        it lacks are added with the order, in one change, where the order puts
        them.  Asked again when a row was removed while it ran (the answer's
        positions would be ambiguous: RFC 9051 §7.5.1 lets EXPUNGE come
        during a UID command)."""
        for _ in range(UID_ORDER_TRIES):
            self.drain()
            if self.view is not view:
                return
            removals = view.removals
            found = await client.uid_search_all(["ALL"])
            self.drain()
            if self.view is not view:
                return
            if view.removals != removals:
                continue
            uids = expand(found, min(max(view.exists, exists), MAX_MESSAGES))  # never what a server states
            if uids is None:
                _log.warning("UID SEARCH ALL answered more UIDs than %s holds; ignored", view.name)
                return
            order = array("I", uids)
            # Messages that arrived after the answer keep what is known of them.
            order.extend(view.uid_of_seqno(s) or 0 for s in range(len(order) + 1, view.exists + 1))
            grown: list[ViewChange] = [Added(len(order) - view.exists)] if len(order) > view.exists else []
            self.post_changes([*grown, UidsKnown(order)])
            return

    async def load_unseen(self, client: SessionClient, view: MailboxView) -> None:
        """UID SEARCH UNSEEN (RETURN (ALL) with ESEARCH): the unread count, kept from then on."""
        self._recount_scheduled = False
        self.drain()
        if self.view is not view:
            return
        self.unread.loading()
        found = await client.uid_search_all(["UNSEEN"])
        self.drain()
        if self.view is not view:
            return
        uids = expand(found, view.exists)
        if uids is None:
            _log.warning("UID SEARCH UNSEEN answered more UIDs than %s holds; ignored", view.name)
            return
        self.unread.loaded(uids)
        self._post_counts()
