"""The header cache's writes, each a small value the writer thread applies.

Every write names its mailbox by account, name and UIDVALIDITY.  Only
:class:`EnsureMailbox` creates a mailbox row or replaces a stored
UIDVALIDITY (dropping the old messages, RFC 9051 §2.3.1.1); any other write
whose mailbox is missing (cleared, or a rebuilt file) or holds another
UIDVALIDITY (changed since, by this process or another) is dropped.  So
the stored state of a mailbox only ever reflects writes made since it was
last ensured, in order, and a HIGHESTMODSEQ is never recorded for rows the
file does not hold.

MODSEQs (RFC 7162 §3.1): a write that carries one does not replace a row
whose stored MODSEQ is higher (it is older news).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from tuimail.imap.sequence_set import STAR, SequenceSet
from tuimail.mail.summary import MessageSummary

from .rows import MAX_UID, ROW_FORMAT, RowCodec, encode_flags
from .schema import transaction

__all__ = [
    "ClearCache",
    "EnsureMailbox",
    "MailboxKey",
    "PutSummaries",
    "RemoveUids",
    "SetFlags",
    "SetState",
    "WriteContext",
    "WriteOp",
    "drop_unreadable_rows",
    "valid_modseq",
    "valid_uid",
]

#: MODSEQs are 63-bit (RFC 7162 §7: mod-sequence-value).
MAX_MODSEQ = 2**63 - 1

Modseqs = int | Mapping[int, int] | None
#: Rows encoded, and let go of, at a time.
CHUNK_ROWS = 1000


def valid_uid(uid: object) -> bool:
    return isinstance(uid, int) and not isinstance(uid, bool) and 0 < uid <= MAX_UID


def valid_modseq(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_MODSEQ


def _modseq_for(modseq: Modseqs, uid: int) -> int | None:
    value = modseq.get(uid) if isinstance(modseq, Mapping) else modseq
    return value if valid_modseq(value) else None


@dataclass(frozen=True, slots=True)
class MailboxKey:
    """Which mailbox's rows a write is for."""

    account: str
    name: str
    uidvalidity: int


@dataclass(slots=True)
class WriteContext:
    """What the writes share: the row codec, and the id of its layout in the
    open file (registered on first use in each file)."""

    codec: RowCodec
    layout_id: int | None = None

    def layout(self, conn: sqlite3.Connection) -> int:
        if self.layout_id is None:
            conn.execute(
                "INSERT OR IGNORE INTO row_layout (format, fields) VALUES (?, ?)",
                (ROW_FORMAT, self.codec.fields_text),
            )
            (layout_id,) = conn.execute(
                "SELECT id FROM row_layout WHERE format = ? AND fields = ?",
                (ROW_FORMAT, self.codec.fields_text),
            ).fetchone()
            self.codec.add_layout(layout_id, ROW_FORMAT, self.codec.fields_text)
            self.layout_id = layout_id
        return self.layout_id


class WriteOp:
    """One write, applied inside the writer's transaction."""

    __slots__ = ()

    @property
    def weight(self) -> int:
        """About how many rows the write touches (the writer bounds its transactions by it)."""
        return 1

    def apply(self, conn: sqlite3.Connection, ctx: WriteContext) -> None:
        raise NotImplementedError

    def release(self) -> None:
        """Let go of what the write holds, once it is done with (or dropped)."""


def _mailbox_id(conn: sqlite3.Connection, key: MailboxKey) -> int | None:
    row = conn.execute(
        "SELECT id, uidvalidity FROM mailbox WHERE account = ? AND name = ?", (key.account, key.name)
    ).fetchone()
    if row is None or row[1] != key.uidvalidity:
        return None
    mailbox_id: int = row[0]
    return mailbox_id


@dataclass(frozen=True, slots=True)
class EnsureMailbox(WriteOp):
    """Create the mailbox's row, or on a new UIDVALIDITY drop its messages and state."""

    key: MailboxKey

    def apply(self, conn: sqlite3.Connection, ctx: WriteContext) -> None:
        row = conn.execute(
            "SELECT id, uidvalidity FROM mailbox WHERE account = ? AND name = ?",
            (self.key.account, self.key.name),
        ).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO mailbox (account, name, uidvalidity) VALUES (?, ?, ?)",
                (self.key.account, self.key.name, self.key.uidvalidity),
            )
        elif row[1] != self.key.uidvalidity:
            conn.execute("DELETE FROM message WHERE mailbox_id = ?", (row[0],))
            conn.execute(
                "UPDATE mailbox SET uidvalidity = ?, highest_modseq = NULL, uidnext = NULL,"
                " last_full_sync = NULL WHERE id = ?",
                (self.key.uidvalidity, row[0]),
            )


_UPSERT = (
    "INSERT INTO message (mailbox_id, uid, flags, size, modseq, layout, summary) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (mailbox_id, uid) DO UPDATE SET flags = excluded.flags, size = excluded.size,"
    " modseq = coalesce(excluded.modseq, message.modseq), layout = excluded.layout,"
    " summary = excluded.summary"
    " WHERE excluded.modseq IS NULL OR message.modseq IS NULL OR excluded.modseq >= message.modseq"
)


@dataclass(slots=True)
class PutSummaries(WriteOp):
    """Insert or replace rows (not one whose stored MODSEQ is newer).

    Rows are encoded a chunk at a time and let go of at once: a hundred
    thousand encoded rows alive together would set off the garbage
    collector's full passes (and freeing them in one go holds the
    interpreter's lock), either of which stalls the caller's event loop.
    """

    key: MailboxKey
    summaries: list[MessageSummary]
    modseq: Modseqs = None

    @property
    def weight(self) -> int:
        return max(1, len(self.summaries))

    def apply(self, conn: sqlite3.Connection, ctx: WriteContext) -> None:
        mailbox_id = _mailbox_id(conn, self.key)
        if mailbox_id is None:
            return
        layout = ctx.layout(conn)
        modseq = self.modseq
        for start in range(0, len(self.summaries), CHUNK_ROWS):
            chunk = [row for row in map(ctx.codec.encode, self.summaries[start : start + CHUNK_ROWS]) if row]
            conn.executemany(
                _UPSERT,
                [
                    (mailbox_id, r.uid, r.flags, r.size, _modseq_for(modseq, r.uid), layout, r.summary)
                    for r in chunk
                ],
            )

    def release(self) -> None:
        while self.summaries:
            del self.summaries[-CHUNK_ROWS:]


@dataclass(frozen=True, slots=True)
class SetFlags(WriteOp):
    """Replace the flags of rows the cache holds (rows it lacks stay absent)."""

    key: MailboxKey
    flags: dict[int, frozenset[str]]
    modseq: Modseqs = None

    @property
    def weight(self) -> int:
        return max(1, len(self.flags))

    def release(self) -> None:
        while self.flags:
            self.flags.popitem()

    def apply(self, conn: sqlite3.Connection, ctx: WriteContext) -> None:
        mailbox_id = _mailbox_id(conn, self.key)
        if mailbox_id is None:
            return
        rows = []
        for uid, flags in self.flags.items():
            if valid_uid(uid):
                modseq = _modseq_for(self.modseq, uid)
                rows.append((encode_flags(flags), modseq, mailbox_id, uid, modseq, modseq))
        conn.executemany(
            "UPDATE message SET flags = ?, modseq = coalesce(?, modseq)"
            " WHERE mailbox_id = ? AND uid = ? AND (? IS NULL OR modseq IS NULL OR modseq <= ?)",
            rows,
        )


@dataclass(frozen=True, slots=True)
class RemoveUids(WriteOp):
    """Delete rows: single UIDs, or whole ranges of a SequenceSet (never expanded)."""

    key: MailboxKey
    uids: SequenceSet | Sequence[int]

    def apply(self, conn: sqlite3.Connection, ctx: WriteContext) -> None:
        mailbox_id = _mailbox_id(conn, self.key)
        if mailbox_id is None:
            return
        if isinstance(self.uids, SequenceSet):
            ranges = [(lo, MAX_UID if hi == STAR else hi) for lo, hi in self.uids.ranges if lo != STAR]
            conn.executemany(
                "DELETE FROM message WHERE mailbox_id = ? AND uid BETWEEN ? AND ?",
                [(mailbox_id, lo, hi) for lo, hi in ranges],
            )
        else:
            conn.executemany(
                "DELETE FROM message WHERE mailbox_id = ? AND uid = ?",
                [(mailbox_id, uid) for uid in self.uids if valid_uid(uid)],
            )


@dataclass(frozen=True, slots=True)
class SetState(WriteOp):
    """Record HIGHESTMODSEQ, UIDNEXT and the time of the last full sync (None leaves one as it is)."""

    key: MailboxKey
    highest_modseq: int | None = None
    uidnext: int | None = None
    full_sync_at: datetime | None = None

    def apply(self, conn: sqlite3.Connection, ctx: WriteContext) -> None:
        mailbox_id = _mailbox_id(conn, self.key)
        if mailbox_id is None:
            return
        highest = self.highest_modseq if valid_modseq(self.highest_modseq) else None
        uidnext = self.uidnext if valid_uid(self.uidnext) else None
        synced = self.full_sync_at.timestamp() if self.full_sync_at is not None else None
        conn.execute(
            "UPDATE mailbox SET highest_modseq = coalesce(?, highest_modseq),"
            " uidnext = coalesce(?, uidnext), last_full_sync = coalesce(?, last_full_sync) WHERE id = ?",
            (highest, uidnext, synced, mailbox_id),
        )


@dataclass(frozen=True, slots=True)
class ClearCache(WriteOp):
    """Delete every mailbox of one account, or of all accounts (None); the
    writer then VACUUMs the file to give the space back."""

    account: str | None = None

    def apply(self, conn: sqlite3.Connection, ctx: WriteContext) -> None:
        if self.account is None:
            conn.execute("DELETE FROM message")
            conn.execute("DELETE FROM mailbox")
        else:
            conn.execute(
                "DELETE FROM message WHERE mailbox_id IN (SELECT id FROM mailbox WHERE account = ?)",
                (self.account,),
            )
            conn.execute("DELETE FROM mailbox WHERE account = ?", (self.account,))


def drop_unreadable_rows(conn: sqlite3.Connection, codec: RowCodec) -> int:
    """Delete rows whose layout this code cannot read (written before
    :class:`MessageSummary` gained a field with no default), and forget the
    sync state of their mailboxes so the next sync fetches them again.
    Returns the number of layouts dropped; learns the readable ones."""
    unreadable = [
        layout_id
        for layout_id, row_format, fields_text in conn.execute("SELECT id, format, fields FROM row_layout")
        if not codec.add_layout(layout_id, row_format, fields_text)
    ]
    if not unreadable:
        return 0
    with transaction(conn, "BEGIN IMMEDIATE"):
        for layout_id in unreadable:
            conn.execute(
                "UPDATE mailbox SET highest_modseq = NULL, uidnext = NULL, last_full_sync = NULL"
                " WHERE id IN (SELECT DISTINCT mailbox_id FROM message WHERE layout = ?)",
                (layout_id,),
            )
            conn.execute("DELETE FROM message WHERE layout = ?", (layout_id,))
            conn.execute("DELETE FROM row_layout WHERE id = ?", (layout_id,))
    return len(unreadable)
