"""Rows in an order of their own over an open mailbox: search results, a sort, threads.

A :class:`ListedRows` holds UIDs in display order (row 0 first) and takes every
summary from the :class:`~tuimail.mail.mailbox_view.MailboxView` it lists, so a
summary fetched or a flag changed shows in the list and in the mailbox alike.
A message expunged leaves it (:meth:`ListedRows.drop`); new mail is not in a
search result unless the search is run again.

Both classes are *row sources* for the message list: ``row_count``,
``uid_at_row``, ``summary_at_row``, ``row_of_uid``, ``depth_at_row``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

from .mailbox_view import MailboxView
from .summary import MessageSummary

__all__ = ["LINEAR_LOOKUPS", "ListedRows"]

#: Look-ups of a row by UID answered by a linear scan before an index is built.
LINEAR_LOOKUPS = 16
#: Rows indexed per statement.
INDEX_STEP = 8192


class ListedRows:
    """UIDs of one mailbox view, in an order and with a title of their own."""

    def __init__(
        self,
        view: MailboxView,
        uids: Iterable[int],
        *,
        title: str = "",
        depths: Sequence[int] | None = None,
        folded: dict[int, list[int]] | None = None,
    ) -> None:
        self.view = view
        self.title = title
        self._uids = array("I", uids)
        self._depths = array("H", (min(d, 0xFFFF) for d in depths)) if depths is not None else None
        self._index: dict[int, int] | None = None
        self._scans = 0
        #: Rows that stand for more messages (a collapsed thread): row's UID -> every UID it holds.
        self.folded = folded or {}

    # ------------------------------------------------------------------ rows

    @property
    def row_count(self) -> int:
        return len(self._uids)

    @property
    def generation(self) -> int:
        return self.view.generation

    @property
    def removals(self) -> int:
        return self.view.removals

    @property
    def uids(self) -> array[int]:
        return self._uids

    def uid_at_row(self, row: int) -> int | None:
        return self._uids[row] if 0 <= row < len(self._uids) else None

    def summary_at_row(self, row: int) -> MessageSummary | None:
        uid = self.uid_at_row(row)
        return self.view.summary(uid) if uid is not None else None

    def row_of_uid(self, uid: int) -> int | None:
        index = self._index
        if index is None:
            # The first few look-ups (showing the list: its cursor) scan in C, about a millisecond at
            # 100,000 rows; the index (15-30 ms to build in the UI thread) only once more are asked.
            if self._scans < LINEAR_LOOKUPS:
                self._scans += 1
                try:
                    return self._uids.index(uid) if 0 < uid <= 0xFFFFFFFF else None
                except ValueError:
                    return None
            self.build_index()
            index = self._index
            assert index is not None
        return index.get(uid)

    def build_index(self) -> None:
        """Build the UID -> row index now (in a worker thread, before the UI thread looks rows up),
        a slice per statement: one ``dict(zip(...))`` of 100,000 rows holds the GIL for 15-25 ms."""
        if self._index is None:
            index: dict[int, int] = {}
            uids = self._uids
            for start in range(0, len(uids), INDEX_STEP):
                index.update(zip(uids[start : start + INDEX_STEP], range(start, len(uids)), strict=False))
            self._index = index

    def depth_at_row(self, row: int) -> int:
        return self._depths[row] if self._depths is not None and 0 <= row < len(self._depths) else 0

    def held_at_row(self, row: int) -> list[int]:
        """The messages a row stands for: itself, or a whole collapsed thread."""
        uid = self.uid_at_row(row)
        if uid is None:
            return []
        return self.folded.get(uid, [uid])

    def __contains__(self, uid: object) -> bool:
        return isinstance(uid, int) and self.row_of_uid(uid) is not None

    def missing_uids(self, rows: range) -> list[int]:
        """UIDs of ``rows`` whose summary is not loaded, in row order."""
        summary = self.view.summary
        return [uid for row in rows if (uid := self.uid_at_row(row)) is not None and summary(uid) is None]

    # ------------------------------------------------------------- changing

    def drop(self, uids: Iterable[int]) -> list[int]:
        """Messages that were expunged leave the list; returns the rows they had (ascending)."""
        uids = set(uids)
        for members in self.folded.values():
            members[:] = [uid for uid in members if uid not in uids]
        gone = {uid for uid in uids if uid in self}
        if not gone:
            return []
        rows = sorted(row for uid in gone if (row := self.row_of_uid(uid)) is not None)
        keep = [i for i, uid in enumerate(self._uids) if uid not in gone]
        self._uids = array("I", (self._uids[i] for i in keep))
        if self._depths is not None:
            self._depths = array("H", (self._depths[i] for i in keep))
        self._index = None
        self._scans = 0
        return rows
