"""The open mailbox's rows: sequence number <-> UID, a summary per UID where loaded.

A :class:`MailboxView` is the one owner of a selected mailbox's rows.  The
session keeps the authoritative one and turns what the server says into
:mod:`changes <tuimail.mail.view_changes>` (rows added at the end, a row
expunged, flags changed, summaries loaded, the whole UID order learnt); it
applies each change to its view and hands the same changes, in the same
order, to the UI, whose replica (:meth:`MailboxView.replica`) applies them
too.  Both end in the same state, and the UI changes only the rows a change
touches.

Sequence numbers are positions (RFC 9051 §2.3.1.2): message ``n`` of
``exists``; UIDs ascend with them (§2.3.1.1).  The list shows the newest
first, so row ``r`` is sequence number ``exists - r``.

UIDs are kept in an ``array('I')`` by sequence number, 0 where not known
yet; summaries in a dict by UID (they survive every renumbering).  The
number of messages a server may state is capped (:data:`MAX_MESSAGES`):
row bookkeeping never grows with an unchecked number.
"""

from __future__ import annotations

import bisect
import operator
from array import array
from collections.abc import Container, Iterable, Iterator
from itertools import compress

from .summary import MessageSummary
from .view_changes import Added, FlagsChanged, Loaded, Removed, UidsKnown, ViewChange

__all__ = ["MAX_MESSAGES", "MailboxView", "TooManyMessages"]

#: The most messages a view holds (4 bytes of bookkeeping each).
MAX_MESSAGES = 10_000_000


class TooManyMessages(ValueError):
    """The server stated more messages than a view holds."""

    def __init__(self, mailbox: str, count: int) -> None:
        said = f"the server says {mailbox} holds {count:,} messages"
        super().__init__(f"{said}, more than tuimail shows ({MAX_MESSAGES:,})")
        self.count = count


def _check(mailbox: str, count: int) -> int:
    if count < 0 or count > MAX_MESSAGES:
        raise TooManyMessages(mailbox, count)
    return count


class MailboxView:
    """The rows of one selected mailbox (one view generation)."""

    def __init__(
        self,
        name: str,
        exists: int,
        *,
        generation: int,
        uidvalidity: int | None = None,
        read_only: bool = False,
    ) -> None:
        self.name = name
        self.generation = generation
        self.uidvalidity = uidvalidity
        self.read_only = read_only
        self._uids = array("I", bytes(4 * _check(name, exists)))
        self._unknown = exists  # slots whose UID is not known
        self._summaries: dict[int, MessageSummary] = {}
        #: UIDs of summaries placed before their position was known (every other summary's UID is
        #: at a known position).
        self._unplaced: set[int] = set()
        #: How many rows were ever removed: a result computed while this
        #: did not change has positions that are still valid.
        self.removals = 0

    def replica(self) -> MailboxView:
        """A copy to hand to another thread, which then applies the same changes."""
        copy = MailboxView(
            self.name, 0, generation=self.generation, uidvalidity=self.uidvalidity, read_only=self.read_only
        )
        copy._uids = array("I", self._uids)
        copy._unknown = self._unknown
        copy._summaries = dict(self._summaries)
        copy._unplaced = set(self._unplaced)
        copy.removals = self.removals
        return copy

    # ------------------------------------------------------------------ reading

    @property
    def exists(self) -> int:
        """Number of messages (rows)."""
        return len(self._uids)

    row_count = exists

    @property
    def complete(self) -> bool:
        """Every message's UID is known."""
        return self._unknown == 0

    def seqno_of_row(self, row: int) -> int:
        return len(self._uids) - row

    def row_of_seqno(self, seqno: int) -> int:
        return len(self._uids) - seqno

    def uid_of_seqno(self, seqno: int) -> int | None:
        if 1 <= seqno <= len(self._uids):
            return self._uids[seqno - 1] or None
        return None

    def uid_at_row(self, row: int) -> int | None:
        return self.uid_of_seqno(len(self._uids) - row)

    def seqno_of_uid(self, uid: int) -> int | None:
        """Where ``uid`` is, if its position is known."""
        uids = self._uids
        if self._unknown == 0:
            i = bisect.bisect_left(uids, uid)
            return i + 1 if i < len(uids) and uids[i] == uid else None
        if uid <= 0:
            return None
        try:
            return uids.index(uid) + 1
        except ValueError:
            return None

    def row_of_uid(self, uid: int) -> int | None:
        seqno = self.seqno_of_uid(uid)
        return None if seqno is None else len(self._uids) - seqno

    def depth_at_row(self, row: int) -> int:
        """Thread depth of a row: none in the mailbox's own order."""
        return 0

    def held_at_row(self, row: int) -> list[int]:
        """The messages a row stands for: in the mailbox's own order, just its own."""
        uid = self.uid_at_row(row)
        return [uid] if uid else []

    def summary(self, uid: int) -> MessageSummary | None:
        return self._summaries.get(uid)

    def summary_at_row(self, row: int) -> MessageSummary | None:
        uid = self.uid_at_row(row)
        return self._summaries.get(uid) if uid else None

    def __contains__(self, uid: object) -> bool:
        return isinstance(uid, int) and self.seqno_of_uid(uid) is not None

    def has_summary(self, seqno: int) -> bool:
        uid = self.uid_of_seqno(seqno)
        return uid is not None and uid in self._summaries

    def missing_seqnos(self, rows: range) -> list[int]:
        """Sequence numbers of ``rows`` that have no summary, newest first."""
        out: list[int] = []
        uids, summaries, exists = self._uids, self._summaries, len(self._uids)
        for row in rows:
            seqno = exists - row
            if 1 <= seqno <= exists:
                uid = uids[seqno - 1]
                if not uid or uid not in summaries:
                    out.append(seqno)
        return out

    def positions_of(self, uids: Container[int]) -> list[tuple[int, int]]:
        """(seqno, uid) of every known UID that is in ``uids``, ascending; one pass."""
        return [(seqno, uid) for seqno, uid in enumerate(self._uids, 1) if uid and uid in uids]

    def known_uids(self) -> Iterator[int]:
        """Every known UID, ascending."""
        return (uid for uid in self._uids if uid)

    def loaded_count(self) -> int:
        return len(self._summaries)

    # ----------------------------------------------------------------- changing

    def apply(self, change: ViewChange) -> None:
        """Apply one change (the session's view and the UI's replica alike)."""
        if isinstance(change, Added):
            self._add(change.count)
        elif isinstance(change, Removed):
            self._remove(change.seqno)
        elif isinstance(change, FlagsChanged):
            self._set_flags(change.seqno, change.uid, change.flags)
        elif isinstance(change, Loaded):
            for seqno, summary in change.placements:
                self._place(seqno, summary)
        elif isinstance(change, UidsKnown):
            self._set_uids(change.uids)
        else:  # pragma: no cover - the union is closed
            raise TypeError(f"not a view change: {change!r}")

    def apply_all(self, changes: Iterable[ViewChange]) -> None:
        for change in changes:
            self.apply(change)

    def _add(self, count: int) -> None:
        _check(self.name, len(self._uids) + count)
        self._uids.extend(array("I", bytes(4 * count)))
        self._unknown += count

    def _remove(self, seqno: int) -> None:
        if not 1 <= seqno <= len(self._uids):
            return
        uid = self._uids.pop(seqno - 1)
        self.removals += 1
        if uid:
            self._summaries.pop(uid, None)
        else:
            self._unknown -= 1

    def _set_flags(self, seqno: int, uid: int, flags: frozenset[str]) -> None:
        if uid and 1 <= seqno <= len(self._uids) and not self._uids[seqno - 1]:
            self._uids[seqno - 1] = uid
            self._unknown -= 1
        summary = self._summaries.get(uid)
        if summary is not None and summary.flags != flags:
            self._summaries[uid] = summary.with_flags(flags)

    def _place(self, seqno: int, summary: MessageSummary) -> None:
        if seqno == 0 and summary.uid > 0:
            self._summaries[summary.uid] = summary  # position not known yet (a listing shows it)
            self._unplaced.add(summary.uid)
            return
        if not 1 <= seqno <= len(self._uids) or summary.uid <= 0:
            return
        old = self._uids[seqno - 1]
        if old != summary.uid:
            if old:
                self._summaries.pop(old, None)
            else:
                self._unknown -= 1
            self._uids[seqno - 1] = summary.uid
        self._summaries[summary.uid] = summary

    def _set_uids(self, uids: array[int]) -> None:
        _check(self.name, len(uids))
        old = self._uids
        # Positions stay valid when the new order only fills in what was not known.
        # Compared in C (no Python loop over 100,000 UIDs in the UI thread): the whole order (a warm
        # start's confirmed), else the new UID at every position whose UID was known.
        agrees = len(uids) == len(old) and (
            old == uids or all(map(operator.eq, compress(old, old), compress(uids, old)))
        )
        self._uids = array("I", uids)
        self._unknown = self._uids.count(0)
        # Summaries of messages no longer there go.  When the order agrees, a summary whose UID had
        # a position still has it: only those placed without one need looking up.
        if not agrees:
            gone: Iterable[int] = self._summaries.keys() - set(self._uids)
        else:
            gone = [uid for uid in self._unplaced if uid in self._summaries and uid not in self]
        for uid in gone:
            del self._summaries[uid]
        self._unplaced.clear()
        if not agrees:
            self.removals += 1  # positions learnt before this are void
