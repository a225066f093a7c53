"""The header cache's writer: one thread that applies queued writes in batches.

Callers (the session's asyncio loop) only put a write on a queue, which
never blocks.  The thread takes whatever has queued up, applies it in one
transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``), and starts again, so a
burst of small writes costs one commit.  :meth:`CacheWriter.flush` waits
until everything queued before it is committed.

Failures never reach the caller.  A lock held by another process too long
is retried; a damaged file is handed to ``rebuild`` (renamed aside and
recreated) and the writes in hand are dropped; any other error stops all
further writes for this process (logged once), so that nothing recorded
later (a HIGHESTMODSEQ) claims rows that were lost.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .schema import is_corruption, is_locked, quick_check
from .writes import ClearCache, WriteContext, WriteOp

__all__ = ["CacheWriter"]

_log = logging.getLogger("tuimail.mail.cache")

#: Writes applied in one transaction at most, and rows (about) at most: a
#: transaction holds the file's write lock, which other processes wait for.
MAX_BATCH = 256
MAX_BATCH_ROWS = 20_000
#: Seconds after start before the file is looked over, so the check does not
#: compete with drawing the first screen.
CHECK_DELAY = 2.0
#: Attempts of a batch that found the file locked by another process.
LOCKED_ATTEMPTS = 3


@dataclass(slots=True)
class _Barrier:
    done: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True, slots=True)
class _Stop:
    pass


@dataclass(frozen=True, slots=True)
class _Rebuild:
    """A reader saw damage in this generation of the file."""

    generation: int


_Item = WriteOp | _Barrier | _Stop | _Rebuild


def _weight(item: _Item) -> int:
    return item.weight if isinstance(item, WriteOp) else 1


class CacheWriter:
    """Owns the writing connection; ``rebuild(reason)`` replaces a damaged file
    and returns a connection to the new one (None: no cache any more), and
    ``generation()`` says which file is current."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        ctx: WriteContext,
        rebuild: Callable[[str], sqlite3.Connection | None],
        generation: Callable[[], int],
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._ctx = ctx
        self._rebuild = rebuild
        self._generation = generation
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="tuimail-header-cache", daemon=True)
        self._closing = False
        self._check_due: float | None = None
        self.failed: str | None = None

    def start(self, *, check: bool = True) -> None:
        """Start the thread; with ``check``, look the file over for damage
        (``quick_check``) once the start is over: after :data:`CHECK_DELAY`
        seconds, or before the first flush, whichever comes first."""
        if check:
            self._check_due = time.monotonic() + CHECK_DELAY
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._closing

    def submit(self, op: WriteOp) -> None:
        """Queue one write (dropped once the writer has stopped)."""
        if self.running and self.failed is None:
            self._queue.put(op)

    def report_damage(self, generation: int) -> None:
        """A reader found the file damaged: rebuild it (once per file)."""
        if self.running:
            self._queue.put(_Rebuild(generation))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write queued so far is committed (or dropped);
        False if ``timeout`` passed first."""
        if not self._thread.is_alive():
            return True
        barrier = _Barrier()
        self._queue.put(barrier)
        return barrier.done.wait(timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Commit what is queued, stop the thread and close the connection;
        False if the thread had not finished within ``timeout``."""
        if self._thread.is_alive() and not self._closing:
            self._closing = True
            self._queue.put(_Stop())
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    # --- the thread -----------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                try:
                    wait = None if self._check_due is None else max(0.0, self._check_due - time.monotonic())
                    items = [self._queue.get(timeout=wait)]
                except queue.Empty:
                    self._check_now()
                    continue
                rows = _weight(items[0])
                while len(items) < MAX_BATCH and rows < MAX_BATCH_ROWS:
                    try:
                        items.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                    rows += _weight(items[-1])
                if not self._handle(items):
                    return
                if self._check_due is not None and time.monotonic() >= self._check_due:
                    self._check_now()
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            # Release anyone still waiting in flush().
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if isinstance(item, _Barrier):
                    item.done.set()

    def _handle(self, items: list[_Item]) -> bool:
        """Apply items in order; False after a stop."""
        batch: list[WriteOp] = []
        for item in items:
            if isinstance(item, _Barrier | _Stop | _Rebuild):
                self._commit(batch)
                batch = []
                if isinstance(item, _Barrier):
                    self._check_now()
                    item.done.set()
                elif isinstance(item, _Stop):
                    return False
                elif item.generation == self._generation():
                    self._replace_file("damaged (seen by a read)")
            else:
                batch.append(item)
        self._commit(batch)
        return True

    def _commit(self, batch: list[WriteOp]) -> None:
        try:
            self._write(batch)
        finally:
            for op in batch:
                op.release()

    def _write(self, batch: list[WriteOp]) -> None:
        if not batch or self.failed is not None or self._conn is None:
            return
        conn = self._conn
        for attempt in range(1, LOCKED_ATTEMPTS + 1):
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for op in batch:
                        op.apply(conn, self._ctx)
                    conn.execute("COMMIT")
                except BaseException:
                    self._ctx.layout_id = None  # its INSERT may be rolled back
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as e:
                if is_corruption(e):
                    self._replace_file(f"damaged ({e})")
                    return
                if is_locked(e) and attempt < LOCKED_ATTEMPTS:
                    _log.info("header cache: locked by another process, retrying (%s)", e)
                    continue
                self._fail(f"{type(e).__name__}: {e}")
                return
            except Exception as e:  # a bug in a write must not kill the thread silently
                _log.exception("header cache: a write failed")
                self._fail(f"{type(e).__name__}: {e}")
                return
            else:
                if any(isinstance(op, ClearCache) for op in batch):
                    self._vacuum()
                return

    def _vacuum(self) -> None:
        assert self._conn is not None
        try:
            self._conn.execute("VACUUM")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as e:  # the rows are gone; the space comes back later
            _log.info("header cache: VACUUM after clear failed: %s", e)

    def _check_now(self) -> None:
        """The check asked for at start, if it has not run yet."""
        if self._check_due is not None:
            self._check_due = None
            self._check(self._generation())

    def _check(self, generation: int) -> None:
        if self._conn is None or generation != self._generation():
            return
        problem = quick_check(self._conn)
        if problem is not None:
            self._replace_file(f"damaged ({problem})")

    def _replace_file(self, reason: str) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._ctx.layout_id = None
        self._conn = self._rebuild(reason)
        if self._conn is None:
            self._fail("the cache file could not be rebuilt")

    def _fail(self, reason: str) -> None:
        if self.failed is None:
            self.failed = reason
            _log.warning("header cache: writes stopped for this session: %s", reason)
