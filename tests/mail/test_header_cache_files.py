"""The header cache's file: whatever is found at its path, no crash.

A file that is not SQLite, is damaged, belongs to another program or has an
unknown schema version is renamed aside and rebuilt; a folder that cannot
be written gives a cache that stores nothing; two processes on one file
leave it intact with every row written.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tuimail.imap.sequence_set import SequenceSet
from tuimail.mail.cache import HeaderCache
from tuimail.mail.cache.schema import APPLICATION_ID, KEEP_ASIDE, move_aside
from tuimail.mail.summary import MessageSummary


def summary(uid: int, **changes: object) -> MessageSummary:
    fields: dict[str, object] = {
        "uid": uid,
        "seqno": uid,
        "flags": frozenset({"\\Seen"} if uid % 3 else {"$Junk"}),
        "date": datetime(2026, 3, 1, 12, 0, tzinfo=UTC) + timedelta(seconds=uid),
        "from_": f"Sender {uid} Ünïcode",
        "from_address": f"s{uid}@example.org",
        "to": "me",
        "subject": f"Subject {uid} " + "words " * 10,
        "size": 1000 + uid,
        "has_attachment": uid % 2 == 0,
    }
    fields.update(changes)
    return MessageSummary(**fields)  # type: ignore[arg-type]


def aside(path: Path) -> list[Path]:
    found = path.parent.glob(path.name + ".aside-*")
    return sorted(p for p in found if not p.name.endswith(("-wal", "-shm", "-journal")))


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def assert_works(cache: HeaderCache) -> None:
    """The cache stores and reads back (on a fresh, empty file)."""
    assert cache.available, cache.problem
    mailbox = cache.mailbox("acct", "INBOX", 1)
    mailbox.put([summary(1), summary(2)])
    assert cache.flush(10)
    assert mailbox.newest(5) == [summary(2), summary(1)]
    assert integrity(cache.path) == "ok"


def fill(path: Path, rows: int = 2000) -> None:
    with HeaderCache.open(path) as cache:
        cache.mailbox("acct", "INBOX", 1).put([summary(u) for u in range(1, rows + 1)])


# --- what is found at the path -----------------------------------------------


def test_a_file_that_is_not_sqlite_is_moved_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "headers.sqlite3"
    junk = b"This is not a database.\n" * 500
    path.write_bytes(junk)
    with caplog.at_level(logging.WARNING, logger="tuimail.mail.cache"), HeaderCache.open(path) as cache:
        assert_works(cache)
        assert cache.problem is not None and "moved aside" in cache.problem
    (moved,) = aside(path)
    assert "corrupt" in moved.name
    assert moved.read_bytes() == junk  # kept as it was, for whoever wants to look
    assert any("moved aside" in r.getMessage() for r in caplog.records)


def test_an_empty_file_is_simply_used(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    path.touch()
    with HeaderCache.open(path) as cache:
        assert_works(cache)
        assert cache.problem is None
    assert aside(path) == []


def test_another_programs_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    other.execute("INSERT INTO notes (body) VALUES ('precious')")
    other.commit()
    other.close()
    with HeaderCache.open(path) as cache:
        assert_works(cache)
        assert cache.problem is not None and "another program" in cache.problem
    (moved,) = aside(path)
    assert "foreign" in moved.name
    kept = sqlite3.connect(moved)
    assert kept.execute("SELECT body FROM notes").fetchall() == [("precious",)]
    kept.close()


@pytest.mark.parametrize("change", ["version", "columns"])
def test_a_header_cache_of_an_unknown_schema_is_moved_aside(tmp_path: Path, change: str) -> None:
    path = tmp_path / "headers.sqlite3"
    fill(path, 10)
    conn = sqlite3.connect(path, isolation_level=None)
    if change == "version":
        conn.execute("PRAGMA user_version = 99")
    else:
        conn.execute("ALTER TABLE message ADD COLUMN thread_id INTEGER")
    conn.close()
    with HeaderCache.open(path) as cache:
        assert cache.problem is not None and "moved aside" in cache.problem
        assert cache.mailbox("acct", "INBOX", 1).count() == 0
        assert_works(cache)
    (moved,) = aside(path)
    assert ("version99" if change == "version" else "schema") in moved.name
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def damage(path: Path) -> None:
    """Overwrite every page after the first (the header and schema survive)."""
    page = 4096
    size = path.stat().st_size
    assert size > 20 * page
    with open(path, "r+b") as f:
        f.seek(page)
        f.write(bytes((i * 37 + 11) % 256 for i in range(size - page)))


def test_damage_inside_the_file_is_found_at_open_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    fill(path)
    damage(path)
    with HeaderCache.open(path) as cache:
        assert cache.flush(30)  # a flush runs the writer's quick_check first
        assert cache.problem is not None and "damaged" in cache.problem
        assert cache.mailbox("acct", "INBOX", 1).newest(5) == []
        assert_works(cache)
    (moved,) = aside(path)
    assert "corrupt" in moved.name


def test_damage_is_found_soon_after_open_without_a_flush(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    fill(path)
    damage(path)
    with HeaderCache.open(path) as cache:
        deadline = time.monotonic() + 30
        while not aside(path) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(aside(path)) == 1
        assert_works(cache)


def test_damage_found_by_a_read_is_rebuilt_without_an_error(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    fill(path)
    damage(path)
    with HeaderCache.open(path, check=False) as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        assert mailbox.newest(5) == []  # the read failed quietly ...
        assert mailbox.count() == 0 and mailbox.uids() == SequenceSet() and mailbox.get([1]) == {}
        assert cache.flush(30)  # ... and the writer replaced the file
        assert len(aside(path)) == 1
        assert_works(cache)


def test_a_file_another_process_has_already_replaced_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    fill(path)
    with HeaderCache.open(path, check=False) as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        assert [s.uid for s in mailbox.newest(1)] == [2000]
        # Meanwhile another process found the file damaged, moved it aside and
        # started a new one; this process still has the old file open.
        old = path.with_name("moved-by-the-other-process")
        for suffix in ("", "-wal", "-shm"):
            if path.with_name(path.name + suffix).exists():
                os.rename(path.with_name(path.name + suffix), old.with_name(old.name + suffix))
        damage(old)
        with HeaderCache.open(path) as other:
            other.mailbox("acct", "INBOX", 1).put([summary(7)])
        assert mailbox.get([1]) == {}  # the damaged old file, noticed
        assert cache.flush(30)
        # The new file is sound: it is used, not moved aside.
        assert aside(path) == []
        assert mailbox.get([1, 7]) == {7: summary(7)}
        assert cache.available


def test_only_the_newest_files_moved_aside_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    for n in range(KEEP_ASIDE + 3):
        path.write_bytes(f"junk number {n}".encode() * 200)
        HeaderCache.open(path).close()
    kept = aside(path)
    assert len(kept) == KEEP_ASIDE
    assert [p.read_bytes()[:13] for p in kept] == [f"junk number {n}".encode() for n in range(3, 6)]


def test_the_files_beside_one_moved_aside_go_with_it_and_do_not_count_as_more(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    for n in range(KEEP_ASIDE + 2):
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).write_bytes(f"{n}{suffix}".encode())
        move_aside(path, "test")
    kept = aside(path)
    assert [p.read_bytes() for p in kept] == [str(n).encode() for n in range(2, KEEP_ASIDE + 2)]
    suffixes = ("-wal", "-shm", "-journal")
    for suffix in suffixes:
        beside = [p.with_name(p.name + suffix) for p in kept]
        assert [p.read_bytes() for p in beside] == [f"{n}{suffix}".encode() for n in range(2, KEEP_ASIDE + 2)]
    everything = [p.with_name(p.name + s) for p in kept for s in ("", *suffixes)]
    assert sorted(tmp_path.iterdir()) == sorted(everything)


def test_a_file_changed_under_the_writer_stops_writes_not_the_caller(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    with HeaderCache.open(path) as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        mailbox.put([summary(1)])
        assert cache.flush(10)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("DROP TABLE message")
        other.close()
        mailbox.put([summary(2)])
        mailbox.set_state(highest_modseq=10)
        assert cache.flush(10)
        assert not cache.available
        assert cache.problem is not None and "writes stopped" in cache.problem
        assert mailbox.newest(5) == [] and mailbox.highest_modseq is None
        mailbox.put([summary(3)])  # dropped, no error
        assert cache.flush(10)


# --- folders that cannot hold a cache ------------------------------------------


def assert_no_cache(cache: HeaderCache, where: Path) -> None:
    assert not cache.available
    assert cache.problem is not None and str(where) in cache.problem
    mailbox = cache.mailbox("acct", "INBOX", 1)
    mailbox.put([summary(1)])
    mailbox.set_flags({1: ["\\Seen"]})
    mailbox.remove([1])
    mailbox.set_state(highest_modseq=1)
    cache.clear()
    assert cache.flush(1)
    assert mailbox.newest(5) == [] and mailbox.get([1]) == {} and mailbox.count() == 0
    assert mailbox.uids() == SequenceSet() and mailbox.state() is None
    assert cache.state("acct", "INBOX") is None
    cache.close()


def test_a_cache_folder_that_cannot_be_created_means_no_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="tuimail.mail.cache"):
        cache = HeaderCache.open(blocker / "tuimail" / "headers.sqlite3")
    assert_no_cache(cache, blocker)
    assert any("running without one" in r.getMessage() for r in caplog.records)


def _read_only_scenario(folder: str, result: multiprocessing.connection.Connection) -> None:
    """In a child process (as an unprivileged user when the tests run as root)."""
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("tuimail.mail.cache").addHandler(handler)
    try:
        if os.geteuid() == 0:
            os.setgid(65534)
            os.setuid(65534)
        outcomes = []
        for name in ("new.sqlite3", "existing.sqlite3"):
            where = Path(folder) / name
            cache = HeaderCache.open(where)
            outcomes.append(cache.available)
            assert_no_cache(cache, where)
        result.send({"ok": True, "available": outcomes, "warnings": records})
    except BaseException as e:  # reported to the test
        result.send({"ok": False, "error": repr(e)})


@pytest.fixture
def read_only_folder() -> Iterator[Path]:
    """A folder no one may write to (created outside pytest's private temp folder so
    an unprivileged child can reach it), holding one valid cache file."""
    top = Path(tempfile.mkdtemp(prefix="tuimail-ro-"))
    top.chmod(0o755)
    folder = top / "ro"
    folder.mkdir()
    fill(folder / "existing.sqlite3", 10)
    (folder / "existing.sqlite3").chmod(0o644)
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)
        shutil.rmtree(top)


def test_a_read_only_folder_means_no_cache_and_a_warning(read_only_folder: Path) -> None:
    there = sorted(p.name for p in read_only_folder.iterdir())
    ctx = multiprocessing.get_context("fork")  # the child drops privileges after the imports
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_read_only_scenario, args=(str(read_only_folder), send))
    child.start()
    assert receive.poll(60), "the child did not answer"
    outcome = receive.recv()
    child.join(30)
    assert outcome["ok"], outcome.get("error")
    assert outcome["available"] == [False, False]
    warnings = outcome["warnings"]
    assert len(warnings) == 2 and all("running without one" in w for w in warnings)
    assert sorted(p.name for p in read_only_folder.iterdir()) == there


# --- two processes -----------------------------------------------------------


ROWS_PER_PROCESS = 1500
BATCH = 50


def _writer_process(path: str, base: int, start_together: Any) -> None:
    """Write ROWS_PER_PROCESS rows in batches while reading what is there."""
    with HeaderCache.open(path) as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        start_together.wait(60)
        for n, start in enumerate(range(1, ROWS_PER_PROCESS + 1, BATCH)):
            mailbox.put([summary(base + u) for u in range(start, start + BATCH)], modseq=n + 1)
            mailbox.set_flags({base + start: ["\\Seen", "$Written"]}, modseq=n + 1)
            rows = mailbox.newest(10)
            assert all(isinstance(r, MessageSummary) and r.uid > 0 for r in rows)
            known = mailbox.uids()
            assert all(u in known for u in mailbox.get(known.numbers()[-20:]))
            if n % 10 == 9:
                assert cache.flush(60)
            if base == 0 and n == ROWS_PER_PROCESS // BATCH // 2:
                scratch = cache.mailbox("scratch", "INBOX", 1)
                scratch.put([summary(u) for u in range(1, 500)])
                cache.clear("scratch")  # a VACUUM while the other process writes
        mailbox.set_state(uidnext=base + ROWS_PER_PROCESS + 1)
        assert cache.flush(60)
        assert cache.available, cache.problem


def run_processes(target: Callable[..., Any], args: list[tuple[Any, ...]]) -> None:
    """Run ``target`` in one spawned process per argument tuple, the last
    argument a barrier they pass together."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(args))
    procs = [ctx.Process(target=target, args=(*a, barrier)) for a in args]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * len(procs)


def test_two_processes_writing_and_reading_one_file(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    run_processes(_writer_process, [(str(path), 0), (str(path), 100_000)])
    assert integrity(path) == "ok"
    assert aside(path) == []
    with HeaderCache.open(path) as cache:
        mailbox = cache.mailbox("acct", "INBOX", 1)
        assert mailbox.count() == 2 * ROWS_PER_PROCESS
        assert mailbox.uids() == SequenceSet(
            [range(1, ROWS_PER_PROCESS + 1), range(100_001, 100_001 + ROWS_PER_PROCESS)]
        )
        rows = mailbox.get(mailbox.uids())
        for uid, row in rows.items():
            expected = summary(uid)
            if (uid % 100_000 - 1) % BATCH == 0:
                expected = summary(uid, flags=frozenset({"\\Seen", "$Written"}))
            assert row == expected
        assert cache.state("scratch", "INBOX") is None


OPENERS = 4
OPEN_ROUNDS = 25


def _opener_process(folder: str, foreign: bool, start_together: Any) -> None:
    """Open a new cache file in each round at the same moment as the others;
    with ``foreign``, the file at the path is another program's database."""
    for n in range(OPEN_ROUNDS):
        path = Path(folder) / f"round{n}.sqlite3"
        start_together.wait(60)
        with HeaderCache.open(path) as cache:
            assert cache.available, cache.problem
            cache.mailbox("acct", "INBOX", 1).put([summary(n + 1)])
            assert cache.flush(60)


def _foreign_files(folder: Path) -> None:
    for n in range(OPEN_ROUNDS):
        other = sqlite3.connect(folder / f"round{n}.sqlite3")
        other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        other.commit()
        other.close()


@pytest.mark.parametrize("foreign", [False, True], ids=["new", "foreign"])
def test_processes_opening_one_file_at_the_same_moment_all_get_the_one_cache(
    tmp_path: Path, foreign: bool
) -> None:
    """Each round, every process opens the same path at once: every one gets
    a cache, they share one file, and a foreign file is moved aside once, not
    once per process (which would move aside the cache another had made)."""
    if foreign:
        _foreign_files(tmp_path)
    run_processes(_opener_process, [(str(tmp_path), foreign)] * OPENERS)
    for n in range(OPEN_ROUNDS):
        path = tmp_path / f"round{n}.sqlite3"
        assert len(aside(path)) == (1 if foreign else 0), n
        with HeaderCache.open(path) as cache:
            rows = cache.mailbox("acct", "INBOX", 1).get(SequenceSet([n + 1]))
            assert list(rows) == [n + 1]
