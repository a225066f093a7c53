"""MailboxView: the open mailbox's rows, changed in place, the same in the session and the UI."""

from __future__ import annotations

from array import array
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuimail.mail.mailbox_view import MAX_MESSAGES, MailboxView, TooManyMessages
from tuimail.mail.summary import MessageSummary
from tuimail.mail.unread import UnreadCount
from tuimail.mail.view_changes import Added, FlagsChanged, Loaded, Removed, UidsKnown, ViewChange


def summary(uid: int, flags: frozenset[str] = frozenset()) -> MessageSummary:
    return MessageSummary(
        uid=uid,
        seqno=0,
        flags=flags,
        date=datetime(2026, 1, 1, tzinfo=UTC),
        from_="Ann",
        from_address="ann@example.com",
        to="me",
        subject=f"uid {uid}",
        size=10,
        has_attachment=False,
    )


def loaded(view: MailboxView, *seqnos_uids: tuple[int, int]) -> None:
    view.apply(Loaded(tuple((s, summary(u)) for s, u in seqnos_uids)))


def test_rows_are_newest_first_and_found_by_uid() -> None:
    view = MailboxView("INBOX", 3, generation=1)
    loaded(view, (1, 10), (2, 20), (3, 30))
    assert [view.summary_at_row(r).uid for r in range(3)] == [30, 20, 10]
    assert view.row_of_uid(10) == 2 and view.seqno_of_uid(20) == 2 and view.complete
    assert 30 in view and 31 not in view


def test_added_rows_come_at_the_end_unknown_and_shift_rows_down() -> None:
    view = MailboxView("INBOX", 2, generation=1)
    loaded(view, (1, 10), (2, 20))
    view.apply(Added(2))
    assert view.exists == 4 and not view.complete
    assert view.summary_at_row(0) is None and view.summary_at_row(2).uid == 20
    assert view.missing_seqnos(range(4)) == [4, 3]
    removals = view.removals
    loaded(view, (3, 25), (4, 40))
    assert view.complete and view.removals == removals  # loading moves nothing


def test_an_expunge_removes_that_position_and_its_summary() -> None:
    view = MailboxView("INBOX", 4, generation=1)
    loaded(view, (1, 10), (2, 20), (3, 30), (4, 40))
    view.apply(Removed(2, 20))
    assert [view.summary_at_row(r).uid for r in range(3)] == [40, 30, 10]
    assert view.summary(20) is None and view.removals == 1


def test_an_expunge_of_a_position_whose_uid_is_unknown_keeps_the_rest_right() -> None:
    view = MailboxView("INBOX", 3, generation=1)
    loaded(view, (1, 10), (3, 30))
    view.apply(Removed(2))
    assert view.complete and [view.uid_at_row(r) for r in range(2)] == [30, 10]


def test_flags_change_in_place_and_teach_the_uid_of_the_position() -> None:
    view = MailboxView("INBOX", 2, generation=1)
    loaded(view, (2, 20))
    view.apply(FlagsChanged(2, 20, frozenset({"\\Seen"})))
    assert not view.summary(20).unread and view.summary(20).subject == "uid 20"
    view.apply(FlagsChanged(1, 10, frozenset()))
    assert view.uid_of_seqno(1) == 10 and view.summary(10) is None


def test_the_uid_order_fills_in_without_voiding_positions_unless_it_disagrees() -> None:
    view = MailboxView("INBOX", 3, generation=1)
    loaded(view, (3, 30))
    view.apply(UidsKnown(array("I", [10, 20, 30])))
    assert view.complete and view.removals == 0
    view.apply(UidsKnown(array("I", [10, 30])))  # the server says 20 is gone
    assert view.removals == 1 and view.exists == 2 and view.summary(30) is not None


def test_a_stated_count_past_the_limit_is_refused_without_allocating() -> None:
    with pytest.raises(TooManyMessages):
        MailboxView("INBOX", 4_000_000_000, generation=1)
    view = MailboxView("INBOX", 1, generation=1)
    with pytest.raises(TooManyMessages):
        view.apply(Added(MAX_MESSAGES))
    assert view.exists == 1


def test_a_replica_is_independent_and_follows_by_the_same_changes() -> None:
    view = MailboxView("INBOX", 2, generation=5, uidvalidity=7)
    loaded(view, (1, 10))
    replica = view.replica()
    view.apply(Removed(1, 10))
    assert replica.exists == 2 and replica.summary(10) is not None
    replica.apply(Removed(1, 10))
    assert (replica.exists, replica.generation, replica.uidvalidity) == (1, 5, 7)


# A mailbox as the server holds it (UIDs ascending), and random events on it.
Event = tuple[str, int]
events = st.lists(
    st.tuples(st.sampled_from(["append", "expunge", "load", "flag", "order"]), st.integers(0, 1000)),
    max_size=60,
)


@given(st.integers(0, 30), events)
def test_any_history_of_changes_keeps_the_view_and_its_replica_true_to_the_server(
    start: int, history: list[Event]
) -> None:
    server = list(range(1, start + 1))  # UIDs by sequence number
    next_uid = start + 1
    view = MailboxView("INBOX", start, generation=1)
    replica = view.replica()
    for kind, n in history:
        change: ViewChange
        if kind == "append":
            count = n % 3 + 1
            server += range(next_uid, next_uid + count)
            next_uid += count
            change = Added(count)
        elif kind == "expunge" and server:
            seqno = n % len(server) + 1
            change = Removed(seqno, view.uid_of_seqno(seqno) or 0)
            del server[seqno - 1]
        elif kind == "load" and server:
            seqno = n % len(server) + 1
            change = Loaded(((seqno, summary(server[seqno - 1])),))
        elif kind == "flag" and server:
            seqno = n % len(server) + 1
            change = FlagsChanged(seqno, server[seqno - 1], frozenset({"\\Flagged"}))
        elif kind == "order":
            change = UidsKnown(array("I", server))
        else:
            continue
        view.apply(change)
        replica.apply(change)
    for v in (view, replica):
        assert v.exists == len(server)
        for seqno, uid in enumerate(server, 1):
            assert v.uid_of_seqno(seqno) in (None, uid)
            got = v.summary_at_row(v.row_of_seqno(seqno))
            assert got is None or got.uid == uid
        assert v.complete == all(v.uid_of_seqno(s) for s in range(1, len(server) + 1))
    assert [replica.uid_at_row(r) for r in range(replica.exists)] == [
        view.uid_at_row(r) for r in range(view.exists)
    ]


def test_unread_count_follows_flags_and_expunges_from_the_known_set() -> None:
    unread = UnreadCount()
    assert unread.count is None
    unread.loading()
    unread.flags(5, [])  # changed while the answer was on its way
    unread.removed(3)
    unread.loaded([1, 2, 3])
    assert unread.count == 3  # 1, 2 and 5
    assert unread.flags(1, ["\\Seen"]) and unread.count == 2
    assert unread.removed(2) and unread.count == 1
    assert not unread.removed(99) and unread.count == 1
    unread.removed(0)  # a message whose UID the client never learnt
    assert unread.count is None and unread.stale


@pytest.mark.parametrize("first_known", [True, False])
def test_the_uid_order_keeps_the_summaries_still_there_and_drops_the_rest(first_known: bool) -> None:
    """Whether the new order agrees with the known positions (only placed-without-position
    summaries are looked up) or not (every summary is checked), the result is the same."""
    view = MailboxView("INBOX", 3, generation=1)
    if first_known:
        loaded(view, (1, 10))  # agrees with the order below
    else:
        loaded(view, (1, 11))  # 11 is not in it: positions learnt before are void
    loaded(view, (0, 30), (0, 99))  # a listing's rows, positions not known
    view.apply(UidsKnown(array("I", [10, 20, 30])))
    assert view.complete
    assert view.summary(30) is not None and view.summary(99) is None
    assert (view.summary(10) is not None) is first_known
    assert view.summary(11) is None
    assert view.loaded_count() == (2 if first_known else 1)
