"""HeaderCache / MailboxCache on a real SQLite file: what goes in comes back,
UIDVALIDITY scoping, removal, flags and MODSEQ order, state, clearing."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuimail.imap.sequence_set import SequenceSet
from tuimail.mail.cache import HeaderCache, MailboxState, default_cache_path
from tuimail.mail.summary import MessageSummary


def summary(uid: int, **changes: object) -> MessageSummary:
    fields: dict[str, object] = {
        "uid": uid,
        "seqno": uid,
        "flags": frozenset({"\\Seen"}),
        "date": datetime(2026, 3, 1, 12, 0, tzinfo=UTC) + timedelta(seconds=uid % 10**8),
        "from_": f"Sender {uid}",
        "from_address": f"s{uid}@example.org",
        "to": "me",
        "subject": f"Subject {uid}",
        "size": 1000 + uid,
        "has_attachment": uid % 2 == 0,
    }
    fields.update(changes)
    return MessageSummary(**fields)  # type: ignore[arg-type]


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[HeaderCache]:
    c = HeaderCache.open(tmp_path / "headers.sqlite3")
    assert c.available, c.problem
    yield c
    c.close()


def test_summaries_come_back_with_every_field(cache: HeaderCache) -> None:
    odd = [
        summary(
            1,
            flags=frozenset({"\\Seen", "\\Answered", "$Forwarded", "$label_ünï", "Keyword]x", 'q"uote\\'}),
            date=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=5, minutes=45))),
            from_="Zoë Ñandú 山田太郎 🦊",
            from_address="zoë@exämple.org",
            to="Ahmed \u202eevil, Bob",
            subject="Re: Привет — \u0645\u0631\u062d\u0628\u0627 \x00 tab\tend",
            size=2**40,
            has_attachment=True,
        ),
        summary(2, flags=frozenset(), date=None, from_="", from_address="", to="", subject="", size=0),
        summary(3, date=datetime(1999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-9, minutes=-30)))),
        summary(4, subject="lone surrogate \udcff kept"),
        summary(5, date=datetime(2026, 2, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(microseconds=1)))),
        summary(6, date=datetime(2026, 2, 3, 4, 5)),  # naive: a "-0000" Date header gives one
    ]
    mailbox = cache.mailbox("acct", "INBOX", 11)
    mailbox.put(odd)
    assert cache.flush(10)

    back = mailbox.get([s.uid for s in odd])
    assert back == {s.uid: s for s in odd}
    for s in odd:
        got = back[s.uid]
        assert got.flags == s.flags
        assert (got.date is None) == (s.date is None)
        if got.date is not None and s.date is not None:
            assert got.date.utcoffset() == s.date.utcoffset()
            assert (got.date.tzinfo is None) == (s.date.tzinfo is None)
    assert mailbox.newest(10) == sorted(odd, key=lambda s: -s.uid)


def test_rows_survive_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    with HeaderCache.open(path) as first:
        mailbox = first.mailbox("acct", "INBOX", 7)
        mailbox.put([summary(u) for u in range(1, 51)], modseq=3)
        mailbox.set_state(highest_modseq=99, uidnext=51)
    # close() committed the queued writes.
    with HeaderCache.open(path) as second:
        assert second.state("acct", "INBOX") == MailboxState(7, 99, 51, None)
        mailbox = second.mailbox("acct", "INBOX", 7)
        assert mailbox.count() == 50
        assert mailbox.newest(3) == [summary(50), summary(49), summary(48)]


def test_newest_is_highest_uids_first_and_per_mailbox(cache: HeaderCache) -> None:
    inbox = cache.mailbox("acct", "INBOX", 1)
    inbox.put([summary(u) for u in (5, 900, 3, 77, 4_000_000_000, 12)])
    cache.mailbox("acct", "Archive", 1).put([summary(10_000)])
    cache.mailbox("other", "INBOX", 1).put([summary(20_000)])
    assert cache.flush(10)
    assert [s.uid for s in inbox.newest(4)] == [4_000_000_000, 900, 77, 12]
    assert [s.uid for s in inbox.newest(100)] == [4_000_000_000, 900, 77, 12, 5, 3]
    assert inbox.newest(0) == []
    assert inbox.newest(-5) == []
    assert inbox.count() == 6
    assert [s.uid for s in cache.mailbox("other", "INBOX", 1).newest(5)] == [20_000]


def test_get_returns_only_cached_uids_and_ignores_impossible_ones(cache: HeaderCache) -> None:
    mailbox = cache.mailbox("acct", "INBOX", 1)
    mailbox.put([summary(u) for u in range(1, 1201)])
    assert cache.flush(10)
    got = mailbox.get([1, 600, 1200, 1201, 0, -3, 2**40, True])
    assert sorted(got) == [1, 600, 1200]
    assert got[600] == summary(600)
    many = mailbox.get(range(1, 5000))
    assert len(many) == 1200
    # A SequenceSet is read range by range, never expanded: "1:*" is four billion numbers.
    assert sorted(mailbox.get(SequenceSet("1:3,1199:*"))) == [1, 2, 3, 1199, 1200]
    assert len(mailbox.get(SequenceSet("1:4294967295"))) == 1200


def test_uids_are_compact_ranges(cache: HeaderCache) -> None:
    mailbox = cache.mailbox("acct", "INBOX", 1)
    assert mailbox.uids() == SequenceSet()
    mailbox.put([summary(u) for u in range(1, 5001)])
    assert cache.flush(10)
    assert mailbox.uids().ranges == ((1, 5000),)
    mailbox.put([summary(u) for u in [*range(5003, 5006), 9000]])
    assert cache.flush(10)
    uids = mailbox.uids()
    assert isinstance(uids, SequenceSet)
    assert uids.ranges == ((1, 5000), (5003, 5005), (9000, 9000))
    assert uids.to_imap() == "1:5000,5003:5005,9000"


def test_remove_by_uid_and_by_ranges(cache: HeaderCache) -> None:
    mailbox = cache.mailbox("acct", "INBOX", 1)
    mailbox.put([summary(u) for u in range(1, 101)])
    mailbox.remove([3, 4, 500, 0])
    mailbox.remove(SequenceSet("10:19,95:*"))
    assert cache.flush(10)
    expected = [u for u in range(1, 95) if u not in (3, 4) and not 10 <= u <= 19]
    assert mailbox.uids() == SequenceSet(expected)
    assert mailbox.count() == len(expected)
    assert mailbox.get([3, 15, 99]) == {}


def test_set_flags_changes_only_cached_rows(cache: HeaderCache) -> None:
    mailbox = cache.mailbox("acct", "INBOX", 1)
    mailbox.put([summary(1), summary(2)])
    mailbox.set_flags({1: ["\\Flagged", "$Important"], 2: [], 3: ["\\Seen"]})
    assert cache.flush(10)
    got = mailbox.get([1, 2, 3])
    assert got[1].flags == frozenset({"\\Flagged", "$Important"})
    assert got[1] == summary(1, flags=frozenset({"\\Flagged", "$Important"}))
    assert got[2].flags == frozenset()
    assert 3 not in got  # a flag update does not invent a row


def test_an_older_modseq_does_not_overwrite_a_newer_one(cache: HeaderCache) -> None:
    mailbox = cache.mailbox("acct", "INBOX", 1)
    mailbox.put([summary(1), summary(2), summary(3)], modseq={1: 50, 2: 50, 3: 50})
    mailbox.set_flags({1: ["\\Deleted"]}, modseq=40)  # stale news: ignored
    mailbox.set_flags({2: ["\\Flagged"]}, modseq=60)
    mailbox.set_flags({3: ["\\Answered"]})  # no MODSEQ (no CONDSTORE): applied
    mailbox.put([summary(2, subject="old copy")], modseq=55)  # older than 60: ignored
    mailbox.put([summary(3, subject="new copy")], modseq=70)
    assert cache.flush(10)
    got = mailbox.get([1, 2, 3])
    assert got[1].flags == frozenset({"\\Seen"})
    assert got[2] == summary(2, flags=frozenset({"\\Flagged"}))
    assert got[3] == summary(3, subject="new copy")


def test_state_is_recorded_and_none_leaves_values(cache: HeaderCache) -> None:
    mailbox = cache.mailbox("acct", "INBOX", 8)
    assert cache.flush(10)
    assert mailbox.state() == MailboxState(8, None, None, None)
    synced = datetime(2026, 5, 1, 10, 30, 15, tzinfo=timezone(timedelta(hours=2)))
    mailbox.set_state(highest_modseq=2**62, uidnext=500, full_sync_at=synced)
    mailbox.set_state(uidnext=501)
    assert cache.flush(10)
    assert mailbox.highest_modseq == 2**62
    assert mailbox.uidnext == 501
    assert mailbox.last_full_sync == synced
    assert mailbox.last_full_sync is not None and mailbox.last_full_sync.tzinfo is not None
    assert cache.state("acct", "INBOX") == MailboxState(8, 2**62, 501, synced)
    assert cache.state("acct", "Nope") is None
    # Values a server cannot mean are not stored.
    mailbox.set_state(highest_modseq=2**70, uidnext=0)
    assert cache.flush(10)
    assert (mailbox.highest_modseq, mailbox.uidnext) == (2**62, 501)


def test_a_new_uidvalidity_drops_the_mailbox_rows_and_state(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    with HeaderCache.open(path) as cache:
        old = cache.mailbox("acct", "INBOX", 100)
        old.put([summary(u) for u in range(1, 11)])
        old.set_state(highest_modseq=5, uidnext=11)
        cache.mailbox("acct", "Sent", 100).put([summary(1)])
    with HeaderCache.open(path) as cache:
        assert cache.state("acct", "INBOX") == MailboxState(100, 5, 11, None)
        stale = cache.mailbox("acct", "INBOX", 100)
        new = cache.mailbox("acct", "INBOX", 200)
        assert cache.flush(10)
        assert new.count() == 0 and new.uids() == SequenceSet() and new.newest(5) == []
        assert cache.state("acct", "INBOX") == MailboxState(200, None, None, None)
        assert stale.count() == 0 and stale.newest(5) == [] and stale.state() is None
        # Writes through the old UIDVALIDITY are dropped; the new one stores.
        stale.put([summary(1)])
        stale.set_state(highest_modseq=9)
        new.put([summary(2)])
        assert cache.flush(10)
        assert new.uids() == SequenceSet("2")
        assert new.highest_modseq is None
        # Other mailboxes keep theirs.
        assert cache.mailbox("acct", "Sent", 100).count() == 1
    with HeaderCache.open(path) as cache:
        assert cache.mailbox("acct", "INBOX", 100).count() == 0  # gone for good


def test_old_rows_are_not_shown_before_the_drop_is_written(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    with HeaderCache.open(path) as cache:
        cache.mailbox("acct", "INBOX", 1).put([summary(1)])
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the writer cannot apply the drop yet
    try:
        with HeaderCache.open(path, check=False) as cache:
            new = cache.mailbox("acct", "INBOX", 2)
            assert new.newest(5) == [] and new.count() == 0 and new.get([1]) == {}
            blocker.execute("ROLLBACK")
            assert cache.flush(10)
            assert new.count() == 0
    finally:
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()


def test_writes_return_while_another_process_holds_the_file(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    with HeaderCache.open(path, check=False) as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        assert cache.flush(10)
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            mailbox.put([summary(u) for u in range(1, 2001)])
            mailbox.set_flags({1: ["\\Flagged"]})
            # The calls returned although nothing can be written yet.
            assert not cache.flush(0.2)
            assert mailbox.count() == 0  # readers are not blocked either
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert cache.flush(10)
        assert mailbox.count() == 2000
        assert mailbox.get([1])[1].flags == frozenset({"\\Flagged"})


def test_reads_from_several_threads(cache: HeaderCache) -> None:
    mailbox = cache.mailbox("acct", "INBOX", 1)
    mailbox.put([summary(u) for u in range(1, 3001)])
    assert cache.flush(10)

    def read(_: int) -> tuple[int, list[MessageSummary], int]:
        return mailbox.count(), mailbox.newest(2), len(mailbox.uids())

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(read, range(40)))
    assert results == [(3000, [summary(3000), summary(2999)], 3000)] * 40


def test_summaries_too_large_to_cache_are_left_out(cache: HeaderCache) -> None:
    mailbox = cache.mailbox("acct", "INBOX", 1)
    huge = summary(2, subject="x" * 200_000)
    mailbox.put([summary(1), huge, summary(3), summary(0), summary(2**33)])
    assert cache.flush(10)
    assert mailbox.uids() == SequenceSet("1,3")


def test_impossible_uidvalidity_gives_a_mailbox_that_stores_nothing(cache: HeaderCache) -> None:
    for bad in (-1, 2**64):
        mailbox = cache.mailbox("acct", "INBOX", bad)
        mailbox.put([summary(1)])
        mailbox.set_state(highest_modseq=1)
        assert cache.flush(10)
        assert mailbox.newest(1) == [] and mailbox.count() == 0 and mailbox.state() is None
    assert cache.state("acct", "INBOX") is None


def test_clear_one_account_or_all_and_give_space_back(cache: HeaderCache) -> None:
    empty_size = cache.size_bytes()
    for account in ("a", "b"):
        for name in ("INBOX", "Sent"):
            cache.mailbox(account, name, 1).put(
                [summary(u, subject=f"{account} {name} {u} " + "words " * 20) for u in range(1, 3001)]
            )
    assert cache.flush(30)
    full = cache.size_bytes()
    assert full > empty_size + 1_000_000

    kept = cache.mailbox("b", "INBOX", 1)
    cache.clear("a")
    assert cache.flush(30)
    assert cache.state("a", "INBOX") is None and cache.state("a", "Sent") is None
    assert kept.count() == 3000
    half = cache.size_bytes()
    assert half < full * 0.75

    cache.clear()
    assert cache.flush(30)
    assert cache.state("b", "INBOX") is None and kept.count() == 0
    assert cache.size_bytes() < full / 10
    # A mailbox object from before the clear stores nothing more (its rows
    # would be a partial copy); asking for the mailbox again starts afresh.
    kept.put([summary(1)])
    kept.set_state(highest_modseq=5)
    assert cache.flush(10)
    assert kept.count() == 0 and cache.state("b", "INBOX") is None
    again = cache.mailbox("b", "INBOX", 1)
    again.put([summary(1)])
    assert cache.flush(10)
    assert again.count() == 1


def test_close_is_final_and_idempotent(tmp_path: Path) -> None:
    cache = HeaderCache.open(tmp_path / "headers.sqlite3")
    mailbox = cache.mailbox("acct", "INBOX", 1)
    mailbox.put([summary(1)])
    cache.close()
    cache.close()
    assert not cache.available
    mailbox.put([summary(2)])  # dropped, no error
    assert mailbox.newest(5) == [] and cache.flush(1)
    with HeaderCache.open(tmp_path / "headers.sqlite3") as again:
        assert again.mailbox("acct", "INBOX", 1).uids() == SequenceSet("1")


def test_default_path_is_in_the_user_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == tmp_path / "xdg" / "tuimail" / "headers.sqlite3"
    with HeaderCache.open() as cache:
        assert cache.path == tmp_path / "xdg" / "tuimail" / "headers.sqlite3"
        cache.mailbox("acct", "INBOX", 1).put([summary(1)])
    assert (tmp_path / "xdg" / "tuimail" / "headers.sqlite3").stat().st_size > 0


_DAY = timedelta(hours=23, minutes=59)  # fixed UTC offsets, as mail dates have
_text = st.text(st.characters(blacklist_categories=()), max_size=40)
_summaries = st.builds(
    MessageSummary,
    uid=st.integers(1, 2**32 - 1),
    seqno=st.integers(0, 2**32),
    flags=st.frozensets(_text, max_size=5),
    date=st.none() | st.datetimes(timezones=st.none() | st.builds(timezone, st.timedeltas(-_DAY, _DAY))),
    from_=_text,
    from_address=_text,
    to=_text,
    subject=_text,
    size=st.integers(0, 2**63 - 1),
    has_attachment=st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_summaries, min_size=1, max_size=5, unique_by=lambda s: s.uid))
def test_any_summary_round_trips(items: list[MessageSummary]) -> None:
    with tempfile.TemporaryDirectory() as folder, HeaderCache.open(Path(folder) / "h.sqlite3") as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        mailbox.put(items)
        assert cache.flush(10)
        back = mailbox.get([s.uid for s in items])
        assert back == {s.uid: s for s in items}
        for s in items:
            if s.date is not None:
                got = back[s.uid].date
                assert got is not None and got.utcoffset() == s.date.utcoffset()
