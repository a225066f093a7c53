"""Header-cache benchmark: the SQLite header cache at 100,000 messages.

Times the real :class:`tuimail.mail.cache.HeaderCache` in a temporary folder:

* put:     100,000 summaries handed over in pages of 1,000 (as a sync
           delivers them): the caller's time (the event loop's share) and the
           time until the writer thread has committed them all, by wall clock
           and by the process's CPU time (less affected by a busy machine);
* open:    re-opening the 100,000-row file, then reading the stored state and
           the newest 40 rows (the warm first screen), and the quick_check the
           writer thread runs in the background;
* newest:  ``newest(40)``, the warm first screen;
* get:     ``get()`` of 40 random UIDs;
* uids:    ``uids()`` with one range, and with every third UID removed
           (about 33,000 ranges);
* count, the file size, and ``clear()`` with the size after it;
* stall:   the longest gap between ticks of an asyncio loop (1 ms sleeps)
           that hands over the 100,000 summaries in pages while the writer
           thread commits them (the issue's target: never over 50 ms), and
           the longest garbage-collector pass meanwhile: a full pass walks
           every live object, the 100,000 summaries included, in whichever
           thread sets it off.

Peer, in the same run: the same first screen fetched from a Dovecot on
127.0.0.1 (when installed) over a logged-in connection: ``SELECT INBOX``
then ``UID FETCH`` of the newest 40 with the message-list items, and
``MessageSummary.from_fetch`` of each, the path the app takes without a
cache.  Its INBOX holds only 40 messages (a 100,000-message SELECT costs
more), and localhost has no network latency, so the ratio is a lower bound.

    .venv/bin/python benchmarks/header_cache.py [--rows 100000] [--repeat 20]

Figures are the median and best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuimail.mail.cache import HeaderCache  # noqa: E402
from tuimail.mail.summary import SUMMARY_ITEMS, MessageSummary  # noqa: E402

NAMES = ["Alice Smith", "Bob Jones", "Carol Müller", "Dave García", "Zoë Nakamura", "José Rossi", "山田太郎"]
WORDS = "meeting budget report quarterly review draft invoice travel plan project minutes agenda".split()
PAGE = 1000
FIRST_SCREEN = 40


def make_summaries(count: int) -> list[MessageSummary]:
    """Deterministic summaries, UIDs 1..count."""
    rng = random.Random(4)
    start = datetime(2026, 6, 15, 18, 0, tzinfo=timezone(timedelta(hours=2)))
    out = []
    for uid in range(1, count + 1):
        flags = {"\\Seen"} if rng.random() < 0.8 else set()
        if rng.random() < 0.05:
            flags.add("\\Flagged")
        if rng.random() < 0.1:
            flags.add("$Label1")
        name = rng.choice(NAMES)
        out.append(
            MessageSummary(
                uid=uid,
                seqno=uid,
                flags=frozenset(flags),
                date=start - timedelta(minutes=37 * (count - uid)),
                from_=name,
                from_address=name.split()[0].lower() + "@example.org",
                to=", ".join(rng.sample(NAMES, rng.randint(1, 3))),
                subject=" ".join(rng.choices(WORDS, k=rng.randint(2, 9))).capitalize(),
                size=rng.randint(900, 4_000_000),
                has_attachment=rng.random() < 0.15,
            )
        )
    return out


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, best) seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.3f} ms"


def bench_cache(rows: int, repeat: int) -> dict[str, float]:
    summaries = make_summaries(rows)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="tuimail-cache-bench-") as folder:
        path = Path(folder) / "headers.sqlite3"
        cache = HeaderCache.open(path)
        mailbox = cache.mailbox("bench", "INBOX", 1)
        caller = 0.0
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        for start in range(0, rows, PAGE):
            c0 = time.perf_counter()
            mailbox.put(summaries[start : start + PAGE], modseq=start + 1)
            caller += time.perf_counter() - c0
        mailbox.set_state(highest_modseq=rows, uidnext=rows + 1)
        cache.flush()
        out["put_total"] = time.perf_counter() - t0
        out["put_cpu"] = time.process_time() - cpu0
        out["put_caller"] = caller
        assert mailbox.count() == rows, mailbox.count()
        cache.close()

        opens, firsts = [], []
        for _ in range(max(3, repeat // 2)):
            t0 = time.perf_counter()
            cache = HeaderCache.open(path)
            t1 = time.perf_counter()
            state = cache.state("bench", "INBOX")
            assert state is not None
            mailbox = cache.mailbox("bench", "INBOX", state.uidvalidity)
            first = mailbox.newest(FIRST_SCREEN)
            firsts.append(time.perf_counter() - t1)
            opens.append(t1 - t0)
            assert first == summaries[: -FIRST_SCREEN - 1 : -1]
            cache.close()
        out["open"] = statistics.median(opens)
        out["warm_first_screen"] = statistics.median(firsts)
        cache = HeaderCache.open(path)
        mailbox = cache.mailbox("bench", "INBOX", 1)
        t0 = time.perf_counter()
        cache.flush()  # runs the writer's quick_check
        out["quick_check"] = time.perf_counter() - t0

        out["newest_med"], out["newest_best"] = timed(lambda: mailbox.newest(FIRST_SCREEN), repeat)
        rng = random.Random(7)
        samples = [rng.sample(range(1, rows + 1), FIRST_SCREEN) for _ in range(repeat)]
        it = iter(samples)
        got = mailbox.get(samples[0])
        assert len(got) == FIRST_SCREEN
        out["get_med"], out["get_best"] = timed(lambda: mailbox.get(next(it)), repeat)
        out["count_med"], out["count_best"] = timed(mailbox.count, repeat)
        out["uids1_med"], out["uids1_best"] = timed(mailbox.uids, max(3, repeat // 4))
        out["size"] = cache.size_bytes()

        mailbox.remove([uid for uid in range(1, rows + 1) if uid % 3 == 0])
        cache.flush()
        out["ranges"] = len(mailbox.uids().ranges)
        out["uidsgap_med"], out["uidsgap_best"] = timed(mailbox.uids, max(3, repeat // 4))

        t0 = time.perf_counter()
        cache.clear()
        cache.flush()
        out["clear"] = time.perf_counter() - t0
        out["size_cleared"] = cache.size_bytes()
        cache.close()
    return out


class GCWatch:
    """Garbage-collector passes while installed: (seconds, generation, thread name)."""

    def __init__(self) -> None:
        self.passes: list[tuple[float, int, str]] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            elapsed = time.perf_counter() - self._started
            self.passes.append((elapsed, info["generation"], threading.current_thread().name))

    def __enter__(self) -> GCWatch:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


async def loop_stall(rows: int) -> tuple[float, GCWatch]:
    """The longest gap between ticks of an asyncio loop that hands ``rows``
    summaries to a cache in pages while its writer thread commits them, and
    the garbage collector's passes meanwhile."""
    summaries = make_summaries(rows)
    gc.collect()
    longest = 0.0
    done = False

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now

    with tempfile.TemporaryDirectory(prefix="tuimail-cache-bench-") as folder:
        cache = HeaderCache.open(Path(folder) / "headers.sqlite3")
        mailbox = cache.mailbox("bench", "INBOX", 1)
        with GCWatch() as watch:
            tick = asyncio.create_task(ticker())
            for start in range(0, rows, PAGE):
                mailbox.put(summaries[start : start + PAGE])
                await asyncio.sleep(0)
            await asyncio.to_thread(cache.flush)
            done = True
            await tick
        cache.close()
    return longest, watch


async def bench_dovecot(repeat: int) -> dict[str, float] | None:
    """SELECT + UID FETCH of the newest 40 from a private Dovecot, or None without one."""
    try:
        from tests.servers.dovecot import DovecotServer, find_dovecot
    except ImportError as e:  # the test extras are not installed
        print(f"(no Dovecot peer: {e})")
        return None
    from tuimail.imap import IMAP

    binary = find_dovecot()
    if binary is None:
        print("(no Dovecot peer: dovecot is not installed)")
        return None
    server = DovecotServer(binary)
    server.start()
    try:
        info = server.server_info()
        async with await IMAP.connect(info.host, info.port, tls="none") as imap:
            await imap.login(info.username, info.password)
            for n, s in enumerate(make_summaries(FIRST_SCREEN)):
                message = (
                    f"From: {s.from_} <{s.from_address}>\r\nTo: me@example.org\r\n"
                    f"Subject: {s.subject}\r\nDate: Mon, 15 Jun 2026 18:{n:02d}:00 +0200\r\n"
                    f"Message-ID: <{n}@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    "\r\nHello.\r\n"
                )
                await imap.append("INBOX", message.encode(), flags=sorted(s.flags))
            times = []
            for _ in range(repeat):
                await imap.unselect() if imap.selected is not None else None
                t0 = time.perf_counter()
                selected = await imap.select("INBOX")
                uidnext = selected.uidnext or FIRST_SCREEN + 1
                fetched = await imap.uid_fetch(f"{max(1, uidnext - FIRST_SCREEN)}:*", SUMMARY_ITEMS)
                rows = [MessageSummary.from_fetch(fd) for fd in fetched]
                times.append(time.perf_counter() - t0)
                assert len(rows) == FIRST_SCREEN, len(rows)
            await imap.logout()
        return {"server_med": statistics.median(times), "server_best": min(times)}
    finally:
        server.stop()


def row(label: str, value: str) -> None:
    print(f"  {label:<44}{value}")


def pair(med: float, best: float) -> str:
    return f"{ms(med)} / {ms(best)}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    r = bench_cache(args.rows, args.repeat)
    stall, watch = asyncio.run(loop_stall(args.rows))
    peer = asyncio.run(bench_dovecot(args.repeat))

    n = FIRST_SCREEN
    print(f"header cache, {args.rows:,} summaries (median / best of {args.repeat})")
    row(f"put, pages of {PAGE}: caller's time", ms(r["put_caller"]))
    for label, key in (("wall", "put_total"), ("CPU, all threads", "put_cpu")):
        row(f"put: until committed ({label})", f"{ms(r[key])}   ({args.rows / r[key]:,.0f} rows/s)")
    row(f"open ({args.rows:,}-row file), median", ms(r["open"]))
    row(f"then state + mailbox + newest({n}), median", ms(r["warm_first_screen"]))
    row("then the writer's quick_check", ms(r["quick_check"]))
    row(f"newest({n})", pair(r["newest_med"], r["newest_best"]))
    row(f"get({n} random UIDs)", pair(r["get_med"], r["get_best"]))
    row("count()", pair(r["count_med"], r["count_best"]))
    row("uids(), 1 range", pair(r["uids1_med"], r["uids1_best"]))
    row(f"uids(), {r['ranges']:,.0f} ranges", pair(r["uidsgap_med"], r["uidsgap_best"]))
    row("longest asyncio loop stall during the put", ms(stall))
    if watch.passes:
        seconds, generation, thread = max(watch.passes)
        full = sum(1 for p in watch.passes if p[1] == 2)
        row("  longest GC pass meanwhile", f"{ms(seconds)}   (generation {generation}, in {thread};"
            f" {full} full passes of {len(watch.passes)})")
    row("file size", f"{r['size'] / 1e6:9.2f} MB   ({r['size'] / args.rows:,.0f} bytes/row)")
    row("clear() + VACUUM", f"{ms(r['clear'])}   size after: {r['size_cleared']:,.0f} bytes")
    if peer is not None:
        print(f"peer: Dovecot on 127.0.0.1, SELECT + UID FETCH of the newest {n} + from_fetch")
        row("time", pair(peer["server_med"], peer["server_best"]))
        row(f"ratio peer / newest({n}), medians", f"{peer['server_med'] / r['newest_med']:9.1f}x")
        warm = r["open"] + r["warm_first_screen"]
        row("ratio peer / (open + state + newest)", f"{peer['server_med'] / warm:9.1f}x")


if __name__ == "__main__":
    main()
