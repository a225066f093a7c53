"""Threads laid out for the message list, off the UI thread.

Laying out the threads of a large mailbox (:class:`~tuimail.mail.threads.ThreadView`,
a :class:`~tuimail.mail.threads.ThreadRow` per message, the list's rows and
their index) takes the UI thread half a second and more at 100,000
messages, so the main screen does it in a worker thread and is told the
result by :class:`ThreadsLaidOut`.  The layout only reads what it is given:
the session's threads (immutable) and the mailbox view, which it does not
change.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from textual.message import Message

from tuimail.collector import PACER
from tuimail.mail.listed_rows import ListedRows
from tuimail.mail.mailbox_view import MailboxView
from tuimail.mail.threads import ThreadView
from tuimail.session import messages as sm

__all__ = ["ThreadLayout", "ThreadsLaidOut", "lay_out_threads"]


@dataclass(frozen=True)
class ThreadLayout:
    """A threads listing ready to show: the thread view (for fold and whole-thread actions)
    and the list's rows, threads whose root is in ``collapsed`` as one row."""

    listing: sm.Listed
    threads: ThreadView
    rows: ListedRows
    collapsed: frozenset[int]


def lay_out_threads(
    view: MailboxView,
    listing: sm.Listed,
    collapsed: Collection[int] = frozenset(),
    threads: ThreadView | None = None,
) -> ThreadLayout:
    """The rows of ``listing`` (kind "threads") over ``view``; ``threads``: the thread view
    laid out before for the same listing (only the folds changed)."""
    with PACER.busy():  # 100,000 rows are as many objects kept: keep the collector's passes short
        if threads is None:
            threads = ThreadView(listing.threads, newest_first=True)
        rows = threads.rows(collapsed)
        folded = {r.uid: threads.thread_uids(r.uid) for r in rows if r.collapsed}
        listed = ListedRows(
            view, [r.uid for r in rows], title="threads", depths=[r.depth for r in rows], folded=folded
        )
        del rows
        listed.build_index()  # here, not in the UI thread
    return ThreadLayout(listing, threads, listed, frozenset(collapsed))


class ThreadsLaidOut(Message):
    """A layout started by the main screen is ready (``token``: which start; a newer one wins)."""

    def __init__(self, token: int, layout: ThreadLayout, cursor_uid: int | None) -> None:
        super().__init__()
        self.token = token
        self.layout = layout
        self.cursor_uid = cursor_uid
