"""The header cache's SQLite file: its schema, and opening it safely.

The file is ours when its ``application_id`` is :data:`APPLICATION_ID`,
its ``user_version`` is :data:`SCHEMA_VERSION` and its tables have the
columns below.  Anything else found at the path (a file that is not SQLite,
a corrupt one, another program's database, a schema version this code does
not know) is renamed aside with a suffix saying why, and a new file is
created: the cache is rebuilt, never a crash.  A path that cannot be opened
or written (a read-only or missing folder) raises :class:`CacheUnavailable`;
the cache then works without a file.

WAL mode lets one process write while others read; ``busy_timeout`` makes
two writers wait for each other instead of failing.  Processes opening the
file at the same moment take turns under ``<path>.lock``, so that what one
of them finds there (empty, ours, foreign) is not changed under it by another.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "CacheUnavailable",
    "aside_files",
    "connect",
    "is_corruption",
    "is_locked",
    "move_aside",
    "open_database",
    "quick_check",
    "transaction",
]

_log = logging.getLogger("tuimail.mail.cache")

#: ``PRAGMA application_id`` of a tuimail header cache: "tmhc".
APPLICATION_ID = 0x746D6863
#: ``PRAGMA user_version``: the schema below.
SCHEMA_VERSION = 1
#: How long a connection waits for another process's lock.
BUSY_TIMEOUT = 10.0
#: The files SQLite keeps beside a database, moved aside with it.
_COMPANIONS = ("-wal", "-shm", "-journal")
#: Files renamed aside are kept, the newest few only.
KEEP_ASIDE = 3

_TABLES = {
    "mailbox": """CREATE TABLE mailbox (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        highest_modseq INTEGER,
        uidnext INTEGER,
        last_full_sync REAL,
        UNIQUE (account, name)
    )""",
    "row_layout": """CREATE TABLE row_layout (
        id INTEGER PRIMARY KEY,
        format INTEGER NOT NULL,
        fields TEXT NOT NULL,
        UNIQUE (format, fields)
    )""",
    "message": """CREATE TABLE message (
        mailbox_id INTEGER NOT NULL,
        uid INTEGER NOT NULL,
        flags BLOB NOT NULL,
        size INTEGER NOT NULL,
        modseq INTEGER,
        layout INTEGER NOT NULL,
        summary BLOB NOT NULL
    )""",
}
_INDEXES = ["CREATE UNIQUE INDEX message_uid ON message (mailbox_id, uid)"]
_COLUMNS = {
    "mailbox": ["id", "account", "name", "uidvalidity", "highest_modseq", "uidnext", "last_full_sync"],
    "row_layout": ["id", "format", "fields"],
    "message": ["mailbox_id", "uid", "flags", "size", "modseq", "layout", "summary"],
}

# Primary result codes (https://sqlite.org/rescode.html).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class CacheUnavailable(Exception):
    """The cache file cannot be opened or created here (the message says why)."""


def _says(error: BaseException, codes: tuple[int, ...], words: tuple[str, ...]) -> bool:
    """Whether a sqlite3 error has one of the primary result ``codes`` (or, where
    the error carries no code, one of ``words`` in its text)."""
    if not isinstance(error, sqlite3.Error):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in codes
    text = str(error).lower()
    return any(word in text for word in words)


def is_corruption(error: BaseException) -> bool:
    """Whether a sqlite3 error says the file is damaged or not a database."""
    return isinstance(error, sqlite3.DatabaseError) and _says(
        error, (_SQLITE_CORRUPT, _SQLITE_NOTADB), ("malformed", "not a database")
    )


def is_locked(error: BaseException) -> bool:
    """Whether a sqlite3 error says another connection holds a lock we need."""
    return _says(error, (_SQLITE_BUSY, _SQLITE_LOCKED), ("locked", "busy"))


def connect(path: Path, *, busy_timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), usable
    from any thread (callers serialise their use of it)."""
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, begin: str = "BEGIN") -> Iterator[None]:
    """``begin`` (``BEGIN``, or ``BEGIN IMMEDIATE`` to write), the block, ``COMMIT``; on an
    error, ``ROLLBACK`` unless SQLite has ended the transaction itself (a lock, an I/O error)."""
    conn.execute(begin)
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def aside_files(path: Path) -> list[Path]:
    """Earlier files at ``path`` that were renamed aside, oldest first."""
    found = [p for p in path.parent.glob(path.name + ".aside-*") if not p.name.endswith(_COMPANIONS)]
    return sorted(found, key=lambda p: p.name.rsplit("-", 1)[-1])


def move_aside(path: Path, reason: str) -> Path:
    """Rename ``path`` (and its -wal, -shm, -journal files) to
    ``<name>.aside-<reason>-<UTC time>`` and keep only the newest few such files.
    A process that still has the old file open keeps using it, undisturbed."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"{time.time_ns() % 10**9:09d}"
    target = path.with_name(f"{path.name}.aside-{reason}-{stamp}")
    os.replace(path, target)
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            try:
                os.replace(companion, target.with_name(target.name + suffix))
            except OSError:
                companion.unlink(missing_ok=True)
    for old in aside_files(path)[:-KEEP_ASIDE]:
        for p in (old, *(old.with_name(old.name + suffix) for suffix in _COMPANIONS)):
            p.unlink(missing_ok=True)
    return target


def quick_check(conn: sqlite3.Connection) -> str | None:
    """None when SQLite's ``quick_check`` finds the file sound, else what it found.
    Errors other than damage (a lock held too long) count as sound: they say
    nothing about the file."""
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.Error as e:
        if is_corruption(e):
            return str(e)
        _log.info("header cache: quick_check could not run: %s", e)
        return None
    if rows == [("ok",)]:
        return None
    return str(rows[0][0]) if rows else "no answer from quick_check"


def _classify(conn: sqlite3.Connection) -> str | None:
    """None when the file is ours, "empty" for an empty one, else why it is not
    ours; read in one transaction, so that a file another process is creating
    is seen before or after, never half made."""
    with transaction(conn):
        return _classify_in_transaction(conn)


def _classify_in_transaction(conn: sqlite3.Connection) -> str | None:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables and app_id == 0 and version == 0:
        return "empty"
    if app_id != APPLICATION_ID:
        return "foreign"
    if version != SCHEMA_VERSION:
        return f"version{version}"
    for table, columns in _COLUMNS.items():
        if [r[1] for r in conn.execute(f"PRAGMA table_info({table})")] != columns:
            return "schema"
    return None


def _create(conn: sqlite3.Connection) -> str | None:
    """Create the schema in a file that is still empty under the write lock
    (whichever process gets there first does it); what the file is then, as
    :func:`_classify` says."""
    with transaction(conn, "BEGIN IMMEDIATE"):
        reason = _classify_in_transaction(conn)
        if reason == "empty":
            for ddl in [*_TABLES.values(), *_INDEXES]:
                conn.execute(ddl)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            reason = None
    return reason


def _unavailable(path: Path, error: BaseException) -> CacheUnavailable:
    return CacheUnavailable(f"{path}: {error}")


def _pauses(most: float) -> Iterator[float]:
    """Waits between tries: 5 ms, doubling, never more than ``most`` seconds."""
    pause = 0.005
    while True:
        yield pause
        pause = min(pause * 2, most)


@contextlib.contextmanager
def _opening_lock(path: Path, deadline: float) -> Iterator[None]:
    """Hold ``<path>.lock`` (``flock``) while the file is looked at, created or moved aside, so
    that of processes opening it at once one decides at a time: none moves aside the cache
    another has just made in place of a foreign file.  Without ``fcntl`` or a lock file (a
    folder that cannot be written, where the open that follows says why), nothing is held."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system
        yield
        return
    try:
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield
        return
    try:
        pauses = _pauses(0.05)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise CacheUnavailable(f"{path}: another process has been opening it too long") from None
                time.sleep(next(pauses))
        yield
    finally:
        os.close(fd)  # and with it the lock


def open_database(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """Open (creating if needed) the cache at ``path``: the connection, and a
    note when a file that was there has been renamed aside.

    Other processes may be opening, creating or writing the same file at the
    same time: their opens wait for each other (:func:`_opening_lock`), and a
    SQLite lock one of them holds is waited for, up to :data:`BUSY_TIMEOUT` in all.

    Raises :class:`CacheUnavailable` when there can be no cache file here.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _unavailable(path.parent, e) from None
    deadline = time.monotonic() + BUSY_TIMEOUT
    with _opening_lock(path, deadline):
        return _open(path, deadline)


def _open(path: Path, deadline: float) -> tuple[sqlite3.Connection, str | None]:
    note: str | None = None
    moved = 0
    pauses = _pauses(0.1)
    while True:
        conn: sqlite3.Connection | None = None
        try:
            conn = connect(path)
            reason = _classify(conn)
            if reason == "empty":
                conn.execute("PRAGMA journal_mode = WAL")
                reason = _create(conn)
            if reason is None:
                conn.execute("PRAGMA journal_mode = WAL")
                return conn, note
        except sqlite3.Error as e:
            if conn is not None:
                conn.close()
            if is_locked(e) and time.monotonic() < deadline:
                time.sleep(next(pauses))
                continue
            if not is_corruption(e):
                raise _unavailable(path, e) from None
            reason = "corrupt"
        else:
            conn.close()
        if moved == 3:
            raise CacheUnavailable(f"{path}: cannot create a header cache there")
        try:
            target = move_aside(path, reason)
        except OSError as e:
            raise _unavailable(path, e) from None
        moved += 1
        note = f"{path} was {_describe(reason)}; moved aside to {target.name} and rebuilt"
        _log.warning("header cache: %s", note)


def _describe(reason: str) -> str:
    if reason.startswith("version"):
        return f"a header cache of schema version {reason[7:]}, not {SCHEMA_VERSION}"
    return {
        "corrupt": "damaged or not a SQLite file",
        "foreign": "another program's database",
        "schema": "a header cache of an unknown layout",
    }.get(reason, reason)
