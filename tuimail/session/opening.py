"""Opening a mailbox as the session does, and an opening sent early for the session to take.

:func:`open_mailbox` is the session's SELECT: EXAMINE when read-only (RFC 9051 §6.3.2-3), with
CONDSTORE when the server offers it (RFC 7162 §3.1.8), unless QRESYNC parameters are given.

On a start with nothing cached for the mailbox shown first, the head start sends that SELECT
itself as soon as it has logged in (:meth:`EarlyOpen.send`), before the session's modules are
imported, and the FETCH of the newest page (:data:`FIRST_PAGE` rows, by sequence number) as
soon as the SELECT has said how many messages there are: the server works on both (on a slow
machine, 0.2 s for a 100,000-message INBOX on Dovecot) while the UI is imported.  The session
takes them on its first connection instead of sending its own
(:meth:`~tuimail.session.client.SessionClient.take_early_open`, and
:meth:`~tuimail.session.client.SessionClient.fetch_summaries` for exactly that page), with the
stream of updates subscribed just before the SELECT was sent, as the session's own opening
subscribes: nothing that came with it or after it is missed.

Nothing here imports Textual or the session's other modules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tuimail.imap import IMAP
from tuimail.imap.mailbox_state import MailboxState
from tuimail.imap.sequence_set import SequenceSet
from tuimail.imap.types import FetchData
from tuimail.imap.unsolicited import Subscription

_log = logging.getLogger(__name__)

#: Shown the newest page as soon as it is answered: how many messages there are, and the page.
PageShown = Callable[[int, list[FetchData]], None]

__all__ = ["FIRST_PAGE", "PageShown", "UPDATES_BUFFER", "EarlyOpen", "EarlyPage", "open_mailbox"]

#: How many unsolicited responses the session's stream of updates holds.
UPDATES_BUFFER = 100_000
#: Rows fetched as soon as a mailbox is open, before the list asks (a tall screen's worth; the
#: list asks for any more it shows): the newest, which the list opens on.
FIRST_PAGE = 60


async def open_mailbox(
    imap: IMAP, mailbox: str, *, read_only: bool, qresync: tuple[Any, ...] | None = None
) -> MailboxState:
    """SELECT ``mailbox``, or EXAMINE it when ``read_only``; with ``qresync`` (uidvalidity,
    modseq, known UIDs) the server reports what changed since (RFC 7162 §3.2.5)."""
    condstore = imap.has("CONDSTORE") and qresync is None
    if read_only:
        return await imap.examine(mailbox, condstore=condstore, qresync=qresync)
    return await imap.select(mailbox, condstore=condstore, qresync=qresync)


@dataclass
class EarlyPage:
    """The FETCH of a mailbox's newest page, sent once its SELECT was answered."""

    #: The sequence numbers asked for, once the SELECT is answered (None: nothing was asked);
    #: kept, not worked out again later, since the opening's state counts new mail as it comes.
    seqnos: asyncio.Future[SequenceSet | None]
    #: The FETCH's answer (or the error it failed with).
    data: asyncio.Future[list[FetchData]]


@dataclass
class EarlyOpen:
    """A mailbox's opening, and the FETCH of its newest page, sent before the session took
    the connection."""

    mailbox: str
    read_only: bool
    #: The updates, subscribed just before the opening was sent.
    updates: Subscription
    #: The opening's answer (or the error it failed with).
    state: asyncio.Future[MailboxState]
    page: EarlyPage

    @classmethod
    def send(
        cls, imap: IMAP, mailbox: str, *, read_only: bool, on_page: PageShown | None = None
    ) -> EarlyOpen:
        """Subscribe to the updates, then send the opening and, once it is answered, the FETCH
        of the newest page (on the connection's loop).  ``on_page`` is shown the page as soon as
        it is answered (a cold paint draws it before the session has even started)."""
        updates = imap.updates(UPDATES_BUFFER)
        state = asyncio.ensure_future(open_mailbox(imap, mailbox, read_only=read_only))
        seqnos: asyncio.Future[SequenceSet | None] = asyncio.get_running_loop().create_future()
        data = asyncio.ensure_future(_newest_page(imap, state, seqnos, on_page))
        for answer in (state, data):  # an error nobody takes is not reported as never retrieved
            answer.add_done_callback(_let_go)
        return cls(mailbox, read_only, updates, state, EarlyPage(seqnos, data))

    def fits(self, mailbox: str, *, read_only: bool) -> bool:
        """Whether this is the opening the session would send."""
        return self.mailbox == mailbox and self.read_only == read_only

    def drop(self) -> None:
        """Not taken: the updates unsubscribed (a later opening replaces it)."""
        self.updates.close()


async def _newest_page(
    imap: IMAP,
    opening: asyncio.Future[MailboxState],
    seqnos: asyncio.Future[SequenceSet | None],
    on_page: PageShown | None,
) -> list[FetchData]:
    """FETCH the newest :data:`FIRST_PAGE` messages (the session's summary items) once the
    opening has said how many there are; the sequence numbers asked for go to ``seqnos``."""
    try:
        state = await opening
    except BaseException:
        seqnos.set_result(None)
        raise
    exists = state.exists or 0
    if exists <= 0:
        seqnos.set_result(None)
        return []
    wanted = SequenceSet(list(range(max(1, exists - FIRST_PAGE + 1), exists + 1)))
    seqnos.set_result(wanted)
    from tuimail.mail.summary import SUMMARY_ITEMS  # here: the command imports it no sooner

    data = await imap.fetch(wanted, SUMMARY_ITEMS)
    if on_page is not None:
        try:
            on_page(exists, data)
        except Exception:  # noqa: BLE001 - whoever looks at the page, the session gets it
            _log.exception("showing the newest page early failed")
    return data


def _let_go(done: asyncio.Future[Any]) -> None:
    with contextlib.suppress(BaseException):
        done.exception()
