"""The header cache: message-list rows kept on disk between runs.

One SQLite file (``platformdirs.user_cache_dir("tuimail")/headers.sqlite3``)
holds, per account and mailbox, the UIDVALIDITY the rows belong to, the
HIGHESTMODSEQ and UIDNEXT last seen and the time of the last full sync,
and per UID the :class:`MessageSummary`, its flags, size and MODSEQ.  A warm
start draws the newest rows from it before the server has answered, and
resynchronises from the stored state (QRESYNC, RFC 7162 §3.2.5: the
UIDVALIDITY, HIGHESTMODSEQ and :meth:`MailboxCache.uids` are its
parameters).

Reads run on the caller's thread and are quick (the rows are indexed by
mailbox and UID).  Writes are queued and applied by a writer thread in
batched transactions (see :mod:`.writer`), so the session's event loop
never waits on the disk; reads show what has been committed, and
:meth:`HeaderCache.flush` waits for what is queued.

The cache never fails its caller: a damaged or foreign file is renamed
aside and rebuilt, and when there can be no file (a read-only or
unreachable folder) it logs a warning and works as an empty cache that
stores nothing (:attr:`HeaderCache.available` is False and
:attr:`HeaderCache.problem` says why).
"""

from __future__ import annotations

import atexit
import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from tuimail.imap.sequence_set import STAR, SequenceSet
from tuimail.mail.summary import MessageSummary

from .location import CACHE_FILE_NAME, default_cache_path
from .rows import MAX_FLAGS_BYTES, MAX_ROW_BYTES, RowCodec, encode_flags
from .schema import CacheUnavailable, connect, is_corruption, move_aside, open_database, quick_check
from .writer import CacheWriter
from .writes import (
    ClearCache,
    EnsureMailbox,
    MailboxKey,
    Modseqs,
    PutSummaries,
    RemoveUids,
    SetFlags,
    SetState,
    WriteContext,
    drop_unreadable_rows,
    valid_modseq,
    valid_uid,
)

__all__ = ["CACHE_FILE_NAME", "HeaderCache", "MailboxCache", "MailboxState", "default_cache_path"]

_log = logging.getLogger("tuimail.mail.cache")

#: How long a read waits for a lock before answering "nothing cached".
READ_BUSY_TIMEOUT = 0.5
#: UIDs per ``IN (...)`` list in :meth:`MailboxCache.get`.
_CHUNK = 500

_T = TypeVar("_T")

# The mailbox's id when it holds this UIDVALIDITY, else NULL (no rows match).
_MAILBOX = "(SELECT id FROM mailbox WHERE account = ? AND name = ? AND uidvalidity = ?)"
# The row columns the codec reads; a row over the size bounds reads as NULL (a miss).
_ROW = (
    f"uid, CASE WHEN length(flags) <= {MAX_FLAGS_BYTES} THEN flags END, size, layout,"
    f" CASE WHEN length(summary) <= {MAX_ROW_BYTES} THEN summary END"
)


@dataclass(frozen=True, slots=True)
class MailboxState:
    """What the cache knows of a mailbox as a whole (RFC 7162 §3.1.2.1, RFC 9051 §7.1)."""

    uidvalidity: int
    highest_modseq: int | None
    uidnext: int | None
    last_full_sync: datetime | None


def _state_of(row: tuple[Any, ...] | None) -> MailboxState | None:
    if row is None:
        return None
    uidvalidity, highest, uidnext, synced = row
    if not valid_modseq(uidvalidity):  # any stored 63-bit number; not one from a tampered file
        return None
    when = None
    if isinstance(synced, int | float):
        try:
            when = datetime.fromtimestamp(synced, UTC)
        except (OverflowError, OSError, ValueError):
            when = None
    return MailboxState(
        uidvalidity=uidvalidity,
        highest_modseq=highest if valid_modseq(highest) else None,
        uidnext=uidnext if valid_uid(uidnext) else None,
        last_full_sync=when,
    )


def _ranges(sorted_uids: Iterable[int]) -> list[tuple[int, int]]:
    """Runs of consecutive numbers as inclusive (first, last) pairs."""
    out: list[tuple[int, int]] = []
    lo = hi = -1
    for uid in sorted_uids:
        if uid == hi + 1:
            hi = uid
            continue
        if hi >= 0:
            out.append((lo, hi))
        lo = hi = uid
    if hi >= 0:
        out.append((lo, hi))
    return out


class _Reader:
    """One thread's read connection; ``lock`` is held while it is in use."""

    def __init__(self, conn: sqlite3.Connection, generation: int) -> None:
        self.conn: sqlite3.Connection | None = conn
        self.generation = generation
        self.lock = threading.Lock()

    def close(self) -> None:
        with self.lock:
            if self.conn is not None:
                self.conn.close()
                self.conn = None


class HeaderCache:
    """The cache file, shared by every account and mailbox.  Build with :meth:`open`."""

    def __init__(self, path: Path, conn: sqlite3.Connection | None, problem: str | None) -> None:
        self.path = path
        self._problem = problem
        self._codec = RowCodec()
        self._local = threading.local()  # .reader: this thread's _Reader
        self._readers: list[_Reader] = []
        self._readers_lock = threading.Lock()
        self._generation = 0
        self._rebuilding = False
        self._closed = False
        self._writer: CacheWriter | None = None
        if conn is not None:
            try:
                drop_unreadable_rows(conn, self._codec)
            except sqlite3.Error as e:
                _log.info("header cache: could not drop rows of an old layout: %s", e)
            self._writer = CacheWriter(conn, WriteContext(self._codec), self._replace_file, self._current)
            _OPEN.add(self)

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, check: bool = True) -> HeaderCache:
        """Open the cache at ``path`` (default: :func:`default_cache_path`).

        Never raises for the file's sake: a damaged, foreign or unknown-version
        file is moved aside and rebuilt; no usable folder gives a cache that
        stores nothing.  With ``check``, the writer thread runs SQLite's
        ``quick_check`` once the start is over (2 s later, or at the first
        :meth:`flush`) and rebuilds a file damaged inside.
        """
        where = Path(path) if path is not None else default_cache_path()
        try:
            conn, note = open_database(where)
        except CacheUnavailable as e:
            _log.warning("header cache unavailable, running without one: %s", e)
            return cls(where, None, f"no header cache: {e}")
        cache = cls(where, conn, note)
        assert cache._writer is not None
        cache._writer.start(check=check)
        return cache

    # --- status ---------------------------------------------------------

    @property
    def available(self) -> bool:
        """Whether writes are being stored (False: no file, closed, or writes failed)."""
        return self._writer is not None and self._writer.running and self._writer.failed is None

    @property
    def problem(self) -> str | None:
        """Why the cache is not available, or what was moved aside when it opened."""
        if self._writer is not None and self._writer.failed is not None:
            return f"header cache writes stopped: {self._writer.failed}"
        return self._problem

    def size_bytes(self) -> int:
        """The size of the cache on disk (the file, its WAL and shared-memory index)."""
        total = 0
        for suffix in ("", "-wal", "-shm"):
            try:
                total += self.path.with_name(self.path.name + suffix).stat().st_size
            except OSError:
                pass
        return total

    # --- mailboxes ------------------------------------------------------

    def mailbox(self, account: str, name: str, uidvalidity: int) -> MailboxCache:
        """The cached rows of one mailbox with this UIDVALIDITY.  When the file
        holds another UIDVALIDITY for it, its rows are dropped (the drop is
        queued like any write; until then the old rows are not shown)."""
        if not valid_modseq(uidvalidity):  # a number SQLite can store (UIDVALIDITY is 32-bit)
            _log.info("header cache: not caching %r: UIDVALIDITY %r out of range", name, uidvalidity)
            return MailboxCache(self, None)
        key = MailboxKey(str(account), str(name), uidvalidity)
        self._submit(EnsureMailbox(key))
        return MailboxCache(self, key)

    def state(self, account: str, name: str) -> MailboxState | None:
        """The stored state of a mailbox whatever its UIDVALIDITY (None: not cached):
        what a start needs before the server has said anything."""
        return self._read(
            lambda c: _state_of(
                c.execute(
                    "SELECT uidvalidity, highest_modseq, uidnext, last_full_sync FROM mailbox"
                    " WHERE account = ? AND name = ?",
                    (account, name),
                ).fetchone()
            ),
            None,
        )

    # --- writes and life cycle -------------------------------------------

    def clear(self, account: str | None = None) -> None:
        """Forget every mailbox of ``account`` (all accounts: None) and give
        the disk space back (VACUUM).  Queued; :meth:`flush` waits for it.
        Open :class:`MailboxCache` objects of those mailboxes store nothing
        more until :meth:`mailbox` is called again."""
        self._submit(ClearCache(account))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued write is on disk; False if ``timeout`` passed first.
        Blocks: from an event loop, ``await asyncio.to_thread(cache.flush)``."""
        return self._writer.flush(timeout) if self._writer is not None else True

    def close(self, timeout: float | None = 10.0) -> None:
        """Write what is queued and close the file.  Reads then return nothing."""
        if self._closed:
            return
        self._closed = True
        if self._writer is not None:
            if not self._writer.close(timeout):
                _log.warning("header cache: writer still busy after %ss; queued writes may be lost", timeout)
        self._retire_readers()
        _OPEN.discard(self)

    def __enter__(self) -> HeaderCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals --------------------------------------------------------

    def _submit(self, op: Any) -> None:
        if self._writer is not None and not self._closed:
            self._writer.submit(op)

    def _current(self) -> int:
        return self._generation

    def _retire_readers(self) -> None:
        """Close every thread's read connection (each after its read in progress)."""
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for reader in readers:
            reader.close()

    def _reader(self) -> _Reader:
        """This thread's read connection to the current file (opened on first use)."""
        reader: _Reader | None = getattr(self._local, "reader", None)
        if reader is not None and reader.generation == self._generation and reader.conn is not None:
            return reader
        if reader is not None:
            reader.close()
        generation = self._generation
        conn = connect(self.path, busy_timeout=READ_BUSY_TIMEOUT)
        try:
            conn.execute("PRAGMA query_only = 1")
            self._load_layouts(conn)
        except BaseException:
            conn.close()
            raise
        reader = _Reader(conn, generation)
        self._local.reader = reader
        with self._readers_lock:
            self._readers = [r for r in self._readers if r.conn is not None]
            self._readers.append(reader)
        return reader

    def _load_layouts(self, conn: sqlite3.Connection) -> None:
        for layout_id, row_format, fields_text in conn.execute("SELECT id, format, fields FROM row_layout"):
            self._codec.add_layout(layout_id, row_format, fields_text)

    def _read(self, query: Callable[[sqlite3.Connection], _T], default: _T) -> _T:
        """Run a read on this thread's connection; any failure answers
        ``default`` (a damaged file is reported for rebuilding)."""
        if self._writer is None or self._closed or self._rebuilding:
            return default
        generation = self._generation
        reader: _Reader | None = None
        try:
            reader = self._reader()
            with reader.lock:
                if reader.conn is None:  # closed meanwhile (close() or a rebuild)
                    return default
                return query(reader.conn)
        except sqlite3.Error as e:
            if reader is not None:
                reader.close()
            if is_corruption(e):
                _log.warning("header cache: %s is damaged (%s); rebuilding it", self.path, e)
                self._writer.report_damage(generation)
            else:
                _log.info("header cache: read failed: %s", e)
            return default

    def _decode(self, conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[MessageSummary]:
        if any(row[3] not in self._codec.layouts for row in rows):
            self._load_layouts(conn)  # written by a newer writer since
        out = []
        for row in rows:
            summary = self._codec.decode(*row)
            if summary is not None:
                out.append(summary)
        return out

    def _replace_file(self, reason: str) -> sqlite3.Connection | None:
        """Called by the writer thread when the file looks damaged: rename it
        aside and start a new one, unless the file now at the path is sound
        (another process has replaced it already), which is then used."""
        self._rebuilding = True
        self._generation += 1
        self._retire_readers()
        self._codec.forget_layouts()
        try:
            conn, _note = open_database(self.path)
            if quick_check(conn) is None:
                _log.info("header cache: %s is sound again (replaced by another process)", self.path)
                return conn
            conn.close()
            _log.warning("header cache: %s %s; moving it aside and starting again", self.path, reason)
            move_aside(self.path, "corrupt")
            conn, _note = open_database(self.path)
            self._problem = f"{self.path} was {reason}; moved aside and rebuilt"
            return conn
        except (CacheUnavailable, OSError) as e:
            _log.warning("header cache: cannot rebuild: %s", e)
            self._problem = f"no header cache: {e}"
            return None
        finally:
            self._rebuilding = False


class MailboxCache:
    """The cached rows of one mailbox at one UIDVALIDITY (from :meth:`HeaderCache.mailbox`).

    Reads show committed writes only; writes are queued in call order.
    """

    def __init__(self, cache: HeaderCache, key: MailboxKey | None) -> None:
        self._cache = cache
        self._key = key

    @property
    def uidvalidity(self) -> int | None:
        return self._key.uidvalidity if self._key is not None else None

    def _params(self) -> tuple[str, str, int]:
        assert self._key is not None
        return (self._key.account, self._key.name, self._key.uidvalidity)

    def _read(self, query: Callable[[sqlite3.Connection], _T], default: _T) -> _T:
        if self._key is None:
            return default
        return self._cache._read(query, default)

    # --- reads ------------------------------------------------------------

    def newest(self, n: int) -> list[MessageSummary]:
        """The ``n`` rows with the highest UIDs, highest first: the first screen."""
        limit = max(0, min(int(n), 2**31))

        def query(conn: sqlite3.Connection) -> list[MessageSummary]:
            rows = conn.execute(
                f"SELECT {_ROW} FROM message WHERE mailbox_id = {_MAILBOX} ORDER BY uid DESC LIMIT ?",
                (*self._params(), limit),
            ).fetchall()
            return self._cache._decode(conn, rows)

        return self._read(query, [])

    def get(self, uids: Iterable[int] | SequenceSet) -> dict[int, MessageSummary]:
        """The cached rows among ``uids`` (a SequenceSet is read range by range,
        never expanded); UIDs not cached are absent from the result."""
        if isinstance(uids, SequenceSet):
            ranges = [(lo, min(hi, STAR - 1)) for lo, hi in uids.ranges if lo != STAR]
            wanted: list[int] = []
        else:
            ranges = []
            wanted = sorted({u for u in uids if valid_uid(u)})

        def query(conn: sqlite3.Connection) -> dict[int, MessageSummary]:
            rows: list[tuple[Any, ...]] = []
            for lo, hi in ranges:
                rows += conn.execute(
                    f"SELECT {_ROW} FROM message WHERE mailbox_id = {_MAILBOX} AND uid BETWEEN ? AND ?",
                    (*self._params(), lo, hi),
                ).fetchall()
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows += conn.execute(
                    f"SELECT {_ROW} FROM message WHERE mailbox_id = {_MAILBOX} AND uid IN ({marks})",
                    (*self._params(), *chunk),
                ).fetchall()
            return {s.uid: s for s in self._cache._decode(conn, rows)}

        return self._read(query, {})

    def uids(self) -> SequenceSet:
        """Every cached UID as a compact set of ranges (QRESYNC's known-uids, RFC 7162 §3.2.5)."""

        def query(conn: sqlite3.Connection) -> SequenceSet:
            count, low, high = conn.execute(
                f"SELECT count(*), min(uid), max(uid) FROM message WHERE mailbox_id = {_MAILBOX}",
                self._params(),
            ).fetchone()
            if not count:
                return SequenceSet()
            if high - low + 1 == count:  # no gaps: one range, without reading every UID
                return SequenceSet((low, high))
            (text,) = conn.execute(
                f"SELECT group_concat(uid) FROM message WHERE mailbox_id = {_MAILBOX}", self._params()
            ).fetchone()
            if not text:
                return SequenceSet()
            uids = sorted(map(int, text.split(",")))
            return SequenceSet([range(lo, hi + 1) for lo, hi in _ranges(uids)])

        return self._read(query, SequenceSet())

    def changed_flags(self, flags: Mapping[int, frozenset[str]]) -> dict[int, frozenset[str]]:
        """Those of ``flags`` (UID: the flags the server has now) that differ from the cached
        row's flags, or whose row is not cached: what a resync without CONDSTORE must apply
        (RFC 4549 §4.3), the rest unchanged.  Compares the stored column, decoding nothing;
        a failed read answers every one of ``flags``."""
        if not flags:
            return {}
        ranges = _ranges(sorted(flags))
        encoded: dict[frozenset[str], bytes] = {}

        def query(conn: sqlite3.Connection) -> dict[int, frozenset[str]]:
            changed = dict(flags)
            for lo, hi in ranges:
                rows = conn.execute(
                    f"SELECT uid, flags FROM message WHERE mailbox_id = {_MAILBOX} AND uid BETWEEN ? AND ?",
                    (*self._params(), lo, hi),
                )
                for uid, stored in rows:
                    new = changed.get(uid)
                    if new is None:
                        continue
                    mine = encoded.get(new)
                    if mine is None:
                        mine = encoded[new] = encode_flags(new)
                    if mine == stored:
                        del changed[uid]
            return changed

        return self._read(query, dict(flags))

    def count(self) -> int:
        """How many rows are cached."""
        return self._read(
            lambda c: int(
                c.execute(f"SELECT count(*) FROM message WHERE mailbox_id = {_MAILBOX}", self._params())
                .fetchone()[0]
            ),
            0,
        )

    def state(self) -> MailboxState | None:
        """The mailbox's stored state, None unless it holds this UIDVALIDITY."""
        return self._read(
            lambda c: _state_of(
                c.execute(
                    "SELECT uidvalidity, highest_modseq, uidnext, last_full_sync FROM mailbox"
                    " WHERE account = ? AND name = ? AND uidvalidity = ?",
                    self._params(),
                ).fetchone()
            ),
            None,
        )

    @property
    def highest_modseq(self) -> int | None:
        """HIGHESTMODSEQ the cached rows are up to date with (RFC 7162 §3.1.2.1), if recorded."""
        state = self.state()
        return state.highest_modseq if state is not None else None

    @property
    def uidnext(self) -> int | None:
        state = self.state()
        return state.uidnext if state is not None else None

    @property
    def last_full_sync(self) -> datetime | None:
        state = self.state()
        return state.last_full_sync if state is not None else None

    # --- writes (queued) ----------------------------------------------------

    def put(self, summaries: Iterable[MessageSummary], modseq: Modseqs = None) -> None:
        """Store rows (replacing cached ones).  ``modseq``: one MODSEQ for all,
        or per UID; a row stored with a higher MODSEQ is kept."""
        if self._key is not None:
            self._cache._submit(PutSummaries(self._key, list(summaries), _copy_modseq(modseq)))

    def set_flags(self, flags: Mapping[int, Iterable[str]], modseq: Modseqs = None) -> None:
        """Replace the flags of cached rows (FETCH FLAGS, RFC 9051 §7.5.2)."""
        if self._key is not None:
            new = {uid: frozenset(str(f) for f in fs) for uid, fs in flags.items()}
            self._cache._submit(SetFlags(self._key, new, _copy_modseq(modseq)))

    def remove(self, uids: Iterable[int] | SequenceSet) -> None:
        """Forget rows (expunged or VANISHED, RFC 7162 §3.2.10)."""
        if self._key is not None:
            gone = uids if isinstance(uids, SequenceSet) else list(uids)
            self._cache._submit(RemoveUids(self._key, gone))

    def set_state(
        self,
        *,
        highest_modseq: int | None = None,
        uidnext: int | None = None,
        full_sync_at: datetime | None = None,
    ) -> None:
        """Record the mailbox's state once the rows are up to date with it
        (None leaves a value as it is)."""
        if self._key is not None:
            self._cache._submit(SetState(self._key, highest_modseq, uidnext, full_sync_at))


def _copy_modseq(modseq: Modseqs) -> Modseqs:
    return dict(modseq) if isinstance(modseq, Mapping) else modseq


_OPEN: weakref.WeakSet[HeaderCache] = weakref.WeakSet()


@atexit.register
def _close_open_caches() -> None:
    """Commit queued writes of caches still open when the interpreter exits."""
    for cache in list(_OPEN):
        cache.close(timeout=5.0)
