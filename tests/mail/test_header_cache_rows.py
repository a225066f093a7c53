"""Header-cache rows: versioned layouts as MessageSummary changes, and rows
that were tampered with read as misses, never as errors or wrong types."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import tuimail.mail.cache.rows as rows_module
from tuimail.imap.sequence_set import SequenceSet
from tuimail.mail.cache import HeaderCache, MailboxState
from tuimail.mail.cache.rows import MAX_ROW_BYTES, RowCodec
from tuimail.mail.summary import MessageSummary


def summary(uid: int, **changes: object) -> MessageSummary:
    fields: dict[str, object] = {
        "uid": uid,
        "seqno": uid,
        "flags": frozenset({"\\Seen"}),
        "date": datetime(2026, 3, 1, 12, uid % 60, tzinfo=UTC),
        "from_": "Alice",
        "from_address": "alice@example.org",
        "to": "Bob",
        "subject": f"Subject {uid}",
        "size": 1000 + uid,
        "has_attachment": False,
    }
    fields.update(changes)
    return MessageSummary(**fields)  # type: ignore[arg-type]


@dataclasses.dataclass(frozen=True, slots=True)
class WithThread(MessageSummary):
    """MessageSummary as it might be after gaining a field with a default."""

    thread: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class WithFactoryDefault(MessageSummary):
    """... or one whose default comes from a factory."""

    thread_id: int = dataclasses.field(default_factory=int)


def _required_variant() -> type:
    """... or one with no default, which rows written before cannot supply."""

    @dataclasses.dataclass(frozen=True, slots=True)
    class Required(MessageSummary):
        message_id: str

    return Required


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "headers.sqlite3"


def write(path: Path, items: list[MessageSummary], highest_modseq: int | None = None) -> None:
    with HeaderCache.open(path) as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        mailbox.put(items)
        mailbox.set_state(highest_modseq=highest_modseq)


def read(path: Path, uids: list[int]) -> dict[int, MessageSummary]:
    with HeaderCache.open(path) as cache:
        return cache.mailbox("acct", "INBOX", 1).get(uids)


def test_rows_of_an_older_and_a_newer_summary_both_read(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(path, [summary(1)])  # today's layout
    with monkeypatch.context() as m:
        m.setattr(rows_module, "MessageSummary", WithThread)
        got = read(path, [1])
        assert isinstance(got[1], WithThread)
        assert got[1].thread == ""  # a field the old row lacks takes its default
        assert dataclasses.asdict(got[1]) == {**dataclasses.asdict(summary(1)), "thread": ""}
        newer = WithThread(**dataclasses.asdict(summary(2)), thread="t-2")
        write(path, [newer])
        assert read(path, [2]) == {2: newer}
    # Back to today's class: the newer row reads, its unknown field ignored.
    assert read(path, [1, 2]) == {1: summary(1), 2: summary(2)}
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM row_layout").fetchone()[0] == 2
    conn.close()


def test_rows_lacking_a_now_required_field_are_dropped_with_the_sync_state(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(path, [summary(1), summary(2)], highest_modseq=77)
    with HeaderCache.open(path) as cache:
        cache.mailbox("acct", "Sent", 1).put([summary(5)])
    monkeypatch.setattr(rows_module, "MessageSummary", _required_variant())
    with HeaderCache.open(path) as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        # Not a single unreadable row is left to be taken as cached (QRESYNC's
        # known UIDs), and the sync state no longer claims them.
        assert mailbox.count() == 0 and mailbox.uids() == SequenceSet()
        assert cache.state("acct", "INBOX") == MailboxState(1, None, None, None)
        assert cache.mailbox("acct", "Sent", 1).count() == 0


def test_a_default_factory_field_is_not_required(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(path, [summary(1)])
    monkeypatch.setattr(rows_module, "MessageSummary", WithFactoryDefault)
    got = read(path, [1])
    assert isinstance(got[1], WithFactoryDefault) and got[1].thread_id == 0


def test_a_layout_of_another_value_format_is_dropped(path: Path) -> None:
    write(path, [summary(1)])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE row_layout SET format = 2")
    conn.close()
    assert read(path, [1]) == {}
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM message").fetchone()[0] == 0
    conn.close()


@pytest.fixture
def tampered(path: Path) -> Iterator[sqlite3.Connection]:
    """A cache file with rows 1..20; the test then spoils some of them directly."""
    write(path, [summary(u) for u in range(1, 21)])
    conn = sqlite3.connect(path, isolation_level=None)
    yield conn
    conn.close()


def _values(conn: sqlite3.Connection, uid: int) -> list[object]:
    (blob,) = conn.execute("SELECT summary FROM message WHERE uid = ?", (uid,)).fetchone()
    values: list[object] = json.loads(blob)
    return values


def _set(conn: sqlite3.Connection, uid: int, column: str, value: object) -> None:
    conn.execute(f"UPDATE message SET {column} = ? WHERE uid = ?", (value, uid))


def test_tampered_rows_read_as_misses(path: Path, tampered: sqlite3.Connection) -> None:
    codec = RowCodec()
    position = {name: i for i, name in enumerate(codec.fields)}

    def with_value(uid: int, name: str, value: object) -> bytes:
        values = _values(tampered, uid)
        values[position[name]] = value
        return json.dumps(values).encode()

    _set(tampered, 4, "summary", with_value(4, "subject", 12345))  # wrong type
    _set(tampered, 5, "summary", with_value(5, "has_attachment", 1))  # an int is not a bool
    _set(tampered, 6, "summary", with_value(6, "date", {"d": ["not a date", 0]}))
    _set(tampered, 7, "summary", with_value(7, "date", {"x": 1}))  # unknown tag
    _set(tampered, 3, "summary", with_value(3, "date", {"d": ["2026-01-01T00:00:00", 86_400_000_000]}))
    _set(tampered, 8, "summary", with_value(8, "seqno", [1, 2]))  # an untagged list
    _set(tampered, 9, "summary", b"\xff\xfe not utf-8")
    _set(tampered, 10, "summary", b"[" * 100_000)  # deep nesting (and too long)
    _set(tampered, 11, "summary", b"[" * 5_000 + b"]" * 5_000)  # deep nesting within the bound
    _set(tampered, 12, "summary", json.dumps(["x" * (MAX_ROW_BYTES + 10)]).encode())  # too long
    _set(tampered, 13, "summary", "a text value, not a blob")
    _set(tampered, 14, "flags", b'["\\\\Seen", 7]')  # a flag that is not a string
    _set(tampered, 15, "flags", b'{"not": "a list"}')
    _set(tampered, 16, "layout", 999)  # a layout no one registered
    _set(tampered, 17, "size", "big")
    _set(tampered, 18, "summary", json.dumps(_values(tampered, 18)[:-1]).encode())  # a value short
    tampered.execute("UPDATE message SET uid = 5000000000 WHERE uid = 19")  # not a 32-bit UID

    with HeaderCache.open(path) as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        got = mailbox.get(range(1, 21))
        assert sorted(got) == [1, 2, 20]
        assert all(got[u] == summary(u) for u in got)
        assert [s.uid for s in mailbox.newest(100)] == [20, 2, 1]
        assert mailbox.get(SequenceSet("1:*")).keys() == got.keys()


def test_tampered_state_values_are_ignored(path: Path, tampered: sqlite3.Connection) -> None:
    tampered.execute("UPDATE mailbox SET highest_modseq = -5, uidnext = 'x', last_full_sync = 1e300")
    with HeaderCache.open(path) as cache:
        assert cache.state("acct", "INBOX") == MailboxState(1, None, None, None)
    tampered.execute("UPDATE mailbox SET uidvalidity = 'one'")
    with HeaderCache.open(path) as cache:
        assert cache.state("acct", "INBOX") is None


def test_the_codec_refuses_what_it_cannot_store() -> None:
    codec = RowCodec()
    assert codec.encode(summary(0)) is None
    assert codec.encode(summary(2**32)) is None
    assert codec.encode(summary(1, subject="x" * MAX_ROW_BYTES)) is None
    assert codec.encode(summary(1, from_=object())) is None
    assert codec.encode(summary(1, size=-1)) is not None  # stored as 0: a size is only shown
    row = codec.encode(summary(2**32 - 1))
    assert row is not None and row.uid == 2**32 - 1
