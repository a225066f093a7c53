"""UI stall benchmark: the app's longest event-loop stall while it syncs a whole mailbox.

    .venv/bin/python benchmarks/ui_stall.py [--messages 100000] [--why]

Issue 9's target: while a background sync of the whole mailbox runs, the
UI's event loop never stalls longer than 50 ms.  This runs the real app
(:class:`tuimail.ui.app.TuimailApp`, headless through ``App.run_test`` at
120x40, with a header cache file as the installed app has) on a private
Dovecot (tests/servers/dovecot.py) whose INBOX holds ``--messages``
generated messages (benchmarks/corpus.py, installed as startup.py does),
and puts a probe in the UI thread's event loop (benchmarks/loop_probe.py):
a task that sleeps 5 ms again and again and records how late it wakes.
The session's own thread and loop are not probed: what it does shows only
as far as it holds up the UI thread (the GIL, the messages it posts).

Scenarios, each with a new app (and Dovecot shared, prewarmed once):

* ``cold``: a cold start (empty cache): launch until the first screen, then
  the background loads after it (the UID order, the unread count), then
  3 s of the app idling (in IDLE) once everything is done;
* ``sort``: ``:sort subject`` with SORT and THREAD=REFERENCES hidden by the
  tests' capability proxy (run in a process of its own,
  benchmarks/proxy_process.py): the client-side sort fetches every
  envelope; until the sorted list shows its first screen of rows;
* ``threads``: ``t`` through the same proxy: threads on the client;
* ``rows``: every row of the mailbox fetched (``MessageList.RowsWanted``
  for all of them, the message the list posts while scrolling), through a
  proxy hiding QRESYNC and CONDSTORE; this fills the cache for ``warm``;
* ``warm``: a start from that cache through the same proxy: the cached
  rows first, then the plain resync (UID order, ``UID FETCH 1:* (FLAGS)``
  compared with what is known);
* ``flags``: another client (imaplib, in a thread) sets ``\\Flagged`` on
  the newest 10,000 messages at once (``STORE +FLAGS.SILENT``) while the
  app IDLEs; until the UI has applied a flag change for each.

A sync is done when its own condition holds (rows shown, order known, every
flag change applied), the session has no request running or waiting, and
the UI's message queues are empty, all for 0.3 s; its duration ends where
that quiet began.  The floor is the probe alone in a bare loop.  Figures:
the sync's wall time, the probe's worst lateness, p99 and median, and how
many wake-ups were over 50 ms late.  The collector passes of 20 ms or more
in the window are listed (a pass holds the GIL: it stalls every thread),
with ``--why`` also the code the UI thread was in during stalls.

This is a benchmark, not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import imaplib
import math
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import peers  # noqa: E402
import startup  # noqa: E402
from loop_probe import ROW_HEAD, STALL_BUDGET, GcWatch, LoopProbe, Stalls, StallSampler, clock  # noqa: E402
from proxy_process import hiding_process  # noqa: E402

from tests.servers.dovecot import DovecotServer, find_dovecot  # noqa: E402
from tuimail import collector  # noqa: E402
from tuimail.config import Account  # noqa: E402
from tuimail.mail.cache import HeaderCache  # noqa: E402
from tuimail.mail.view_changes import FlagsChanged  # noqa: E402
from tuimail.session import messages as sm  # noqa: E402
from tuimail.ui.app import TuimailApp  # noqa: E402
from tuimail.ui.screens.main import MainScreen  # noqa: E402
from tuimail.ui.view_memory import ViewMemory  # noqa: E402
from tuimail.ui.widgets import MessageList  # noqa: E402

SIZE = (120, 40)
SCENARIOS = ["cold", "sort", "threads", "rows", "warm", "flags"]
#: How long a sync must have been quiet to be done.
QUIET = 0.3
IDLE_SECONDS = 3.0
FLAGGED = 10_000


def say(text: str = "") -> None:
    print(text, flush=True)


# ------------------------------------------------------------------ outcome


@dataclass
class Window:
    label: str
    stalls: Stalls
    t0: float
    t1: float


@dataclass
class Outcome:
    scenario: str
    windows: list[Window] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed: str | None = None


@dataclass
class Context:
    args: argparse.Namespace
    host: str
    port: int
    username: str
    password: str
    no_sort_port: int
    no_resync_port: int
    state: Path
    rows_cache: Path | None = None

    def account(self, port: int) -> Account:
        return Account(
            name="bench", host=self.host, port=port, username=self.username, tls="none",
            password=self.password,
        )

    def fresh_cache(self, name: str) -> Path:
        folder = self.state / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder / "headers.sqlite3"


# ------------------------------------------------------------ observing the app


class Observed:
    """What the benchmark reads of a running app: the main screen, the session's gate, and
    the session messages the UI has dispatched (through ``run_test``'s message hook)."""

    def __init__(self, app: TuimailApp) -> None:
        self.app = app
        self.dispatched: Counter[str] = Counter()
        self.flag_changes = 0

    def hook(self, message: Any) -> None:
        """Called by Textual in the UI thread for every message dispatched."""
        # The screen dispatches a session message, then the app does (it is forwarded): count once.
        if isinstance(message, sm.SessionMessage) and not getattr(message, "_bench_seen", False):
            message._bench_seen = True  # type: ignore[attr-defined]
            self.dispatched[type(message).__name__] += 1
            if isinstance(message, sm.ViewChanged):
                kinds = Counter(map(type, message.changes))  # counted in C: the probe's loop pays little
                for kind, n in kinds.items():
                    self.dispatched[kind.__name__] += n
                self.flag_changes += kinds[FlagsChanged]

    @property
    def main(self) -> MainScreen | None:
        screen = self.app.main_screen
        return screen if screen is not None and screen.is_mounted else None

    def first_screen(self) -> bool:
        main = self.main
        if main is None or main.mailbox != "INBOX":
            return False
        summary = main.message_list.summary_at(0)
        return summary is not None and summary.subject == corpus.NEWEST_SUBJECT

    def background_known(self) -> bool:
        """The UID order and the unread count are known to the UI."""
        main = self.main
        return main is not None and main.view.complete and main.unread is not None

    def visible_loaded(self) -> bool:
        main = self.main
        if main is None:
            return False
        ml = main.message_list
        top = round(ml.scroll_y)
        shown = range(top, min(ml.count, top + max(1, ml.scrollable_content_region.height - 1)))
        return all(ml.summary_at(row) is not None for row in shown)

    def quiet(self) -> bool:
        """No request runs or waits in the session; the UI's queues are empty."""
        gate = self.app.session._gate  # observed, never changed
        main = self.main
        if gate is None or gate.pending or main is None:
            return False
        pumps = (self.app, main, main.message_list)
        return all(pump._message_queue.empty() for pump in pumps)


async def until(test: Callable[[], bool], what: str, timeout: float, poll: float = 0.01) -> float:
    """Poll ``test`` in the loop until it holds; returns when it first did."""
    deadline = clock() + timeout
    while not test():
        if clock() > deadline:
            raise TimeoutError(f"no {what} within {timeout:.0f} s")
        await asyncio.sleep(poll)
    return clock()


async def settled(seen: Observed, condition: Callable[[], bool], what: str, timeout: float) -> float:
    """Wait until ``condition`` holds and the app is quiet, both for :data:`QUIET` seconds;
    returns when that stretch began."""
    deadline = clock() + timeout
    since: float | None = None
    while True:
        now = clock()
        if condition() and seen.quiet():
            since = now if since is None else since
            if now - since >= QUIET:
                return since
        else:
            since = None
        if now > deadline:
            raise TimeoutError(f"no {what} within {timeout:.0f} s")
        await asyncio.sleep(0.005)


# ------------------------------------------------------------------ scenarios

Scenario = Callable[[Context, LoopProbe, Outcome], Awaitable[None]]


@contextlib.asynccontextmanager
async def running(ctx: Context, port: int, cache: Path, probe: LoopProbe, name: str = "launch"):  # type: ignore[no-untyped-def]
    """The app on ``port`` with the header cache at ``cache``, headless at 120x40.

    The app is built before the probe starts, as ``tuimail`` builds it before its loop runs
    (opening the cache file is in the time to the first screen, not in a stall)."""
    probe.mark(name)
    collector.pause_while_starting()  # as the command does; the app resumes it after its first frame
    app = TuimailApp(ctx.account(port), cache_path=cache, theme_dirs=[], connect_timeout=60)
    app.memory = ViewMemory(None)  # no sort or threads remembered from another scenario (or run)
    probe.start()
    seen = Observed(app)
    async with app.run_test(size=SIZE, message_hook=seen.hook) as pilot:
        yield app, pilot, seen


async def ready(ctx: Context, seen: Observed, probe: LoopProbe, outcome: Outcome) -> None:
    """First screen, then the background loads (the windows of a start)."""
    timeout = ctx.args.timeout
    probe.mark("first screen", await until(seen.first_screen, "first screen", timeout))
    probe.mark("loaded", await settled(seen, seen.background_known, "UID order and unread count", timeout))
    if ctx.args.gc == "freeze":
        gc.freeze()  # the experiment: what the app would gain from freezing its heap once started


async def cold(ctx: Context, probe: LoopProbe, outcome: Outcome) -> None:
    async with running(ctx, ctx.port, ctx.fresh_cache("cold"), probe) as (app, pilot, seen):
        await ready(ctx, seen, probe, outcome)
        probe.mark("idle")
        await asyncio.sleep(IDLE_SECONDS)
        probe.mark("idle end")
        outcome.windows += [
            window(probe, "start: launch to first screen", "launch", "first screen"),
            window(probe, "background: UID order, unread", "first screen", "loaded"),
            window(probe, f"idle afterwards ({IDLE_SECONDS:.0f} s, in IDLE)", "idle", "idle end"),
        ]
        outcome.notes.append(changes_seen(seen))


async def listing(
    ctx: Context, probe: LoopProbe, outcome: Outcome, keys: list[str], kind: str, label: str
) -> None:
    async with running(ctx, ctx.no_sort_port, ctx.fresh_cache(kind), probe) as (app, pilot, seen):
        await ready(ctx, seen, probe, outcome)
        await pilot.press(*keys[:-1])
        seen.dispatched.clear()
        probe.mark("asked")
        await pilot.press(keys[-1])

        def shown() -> bool:
            main = seen.main
            return (
                main is not None and main.listing is not None and main.listing.kind == kind
                and seen.visible_loaded()
            )

        probe.mark("done", await settled(seen, shown, f"{kind} listing", ctx.args.timeout))
        main = seen.main
        assert main is not None
        outcome.windows.append(window(probe, f"{label} to its rows shown", "asked", "done"))
        outcome.notes.append(f"{main.message_list.count:,} rows listed")
        outcome.notes.append(changes_seen(seen))


async def sort(ctx: Context, probe: LoopProbe, outcome: Outcome) -> None:
    keys = ["colon", *"sort", "space", *"subject", "enter"]
    await listing(ctx, probe, outcome, keys, "sort", ":sort subject (no SORT)")


async def threads(ctx: Context, probe: LoopProbe, outcome: Outcome) -> None:
    await listing(ctx, probe, outcome, ["t"], "threads", "t (no THREAD)")


async def rows(ctx: Context, probe: LoopProbe, outcome: Outcome) -> None:
    cache = ctx.fresh_cache("rows")
    async with running(ctx, ctx.no_resync_port, cache, probe) as (app, pilot, seen):
        await ready(ctx, seen, probe, outcome)
        main = seen.main
        assert main is not None
        view = main.view
        seen.dispatched.clear()
        probe.mark("asked")
        ml = main.message_list
        every = tuple(range(view.exists, 0, -1))
        ml.post_message(MessageList.RowsWanted(ml, view.generation, view.removals, every))

        def all_loaded() -> bool:
            return main.view.loaded_count() >= main.view.exists

        probe.mark("done", await settled(seen, all_loaded, "every row", ctx.args.timeout))
        outcome.windows.append(window(probe, "every row fetched (RowsWanted of all)", "asked", "done"))
        outcome.notes.append(changes_seen(seen))
        account_key = app.session.account_key
    # The app has flushed and closed its cache: check what the warm start will find.
    with HeaderCache.open(cache) as reopened:
        state = reopened.state(account_key, "INBOX")
        count = reopened.mailbox(account_key, "INBOX", state.uidvalidity).count() if state else 0
    outcome.notes.append(f"the header cache holds {count:,} rows of INBOX after quitting")
    ctx.rows_cache = cache


async def warm(ctx: Context, probe: LoopProbe, outcome: Outcome) -> None:
    if ctx.rows_cache is None:
        raise RuntimeError("warm needs the cache the rows scenario fills (run both)")
    async with running(ctx, ctx.no_resync_port, ctx.rows_cache, probe) as (app, pilot, seen):
        await ready(ctx, seen, probe, outcome)
        outcome.windows += [
            window(probe, "start from the cache: launch to first screen", "launch", "first screen"),
            window(probe, "resync: UID order, unread, every flag", "first screen", "loaded"),
        ]
        outcome.notes.append(changes_seen(seen))


def store_flags(ctx: Context, first: int, last: int) -> tuple[int, float]:
    """As another client: count the unflagged among ``first:last``, then flag them all with
    one STORE; returns (how many change, when the STORE was sent)."""
    imap = imaplib.IMAP4(ctx.host, ctx.port)
    try:
        imap.login(ctx.username, ctx.password)
        imap.select("INBOX")
        _, data = imap.search(None, f"{first}:{last}", "UNFLAGGED")
        changing = len((data[0] or b"").split())
        sent = clock()
        status, _ = imap.store(f"{first}:{last}", "+FLAGS.SILENT", "(\\Flagged)")
        if status != "OK":
            raise RuntimeError(f"STORE answered {status}")
        imap.logout()
    finally:
        with contextlib.suppress(OSError):
            imap.shutdown()
    return changing, sent


async def flags(ctx: Context, probe: LoopProbe, outcome: Outcome) -> None:
    async with running(ctx, ctx.port, ctx.fresh_cache("flags"), probe) as (app, pilot, seen):
        await ready(ctx, seen, probe, outcome)
        await asyncio.sleep(1.0)  # the keep-alive is in IDLE by now
        count = ctx.args.messages
        first = max(1, count - FLAGGED + 1)
        before = seen.flag_changes
        seen.dispatched.clear()
        # The count, then the STORE; the window starts as the STORE is sent.
        changing, sent = await asyncio.to_thread(store_flags, ctx, first, count)
        probe.mark("asked", sent)

        def applied() -> bool:
            return seen.flag_changes - before >= changing

        probe.mark("done", await settled(seen, applied, "flag changes", ctx.args.timeout))
        label = f"{count - first + 1:,} flagged by another client"
        outcome.windows.append(window(probe, label, "asked", "done"))
        outcome.notes.append(f"{changing:,} messages changed flags; " + changes_seen(seen))


def window(probe: LoopProbe, label: str, start: str, end: str) -> Window:
    return Window(label, probe.stalls(start, end), probe.marks[start], probe.marks[end])


def changes_seen(seen: Observed) -> str:
    d = seen.dispatched
    kinds = ("ViewChanged", "Loaded", "FlagsChanged", "UidsKnown", "Listed")
    parts = [f"{d[k]:,} {k}" for k in kinds if d[k]]
    return "the UI dispatched " + (", ".join(parts) if parts else "no view change")


ALL: dict[str, Scenario] = {
    "cold": cold,
    "sort": sort,
    "threads": threads,
    "rows": rows,
    "warm": warm,
    "flags": flags,
}


# ----------------------------------------------------------------- running one


async def floor(seconds: float, interval: float) -> Outcome:
    """The probe alone in a bare loop: what the machine gives anyway."""
    probe = LoopProbe(interval)
    probe.start()
    probe.mark("start")
    await asyncio.sleep(seconds)
    probe.mark("end")
    await probe.stop()
    return Outcome("floor", [window(probe, f"probe alone, no app ({seconds:.0f} s)", "start", "end")])


async def run_scenario(ctx: Context, name: str, gc_watch: GcWatch) -> tuple[Outcome, list[str]]:
    probe = LoopProbe(ctx.args.interval / 1000)  # started by running(), once the app is built
    sampler = StallSampler(probe) if ctx.args.why else None
    if sampler is not None:
        sampler.start()
    outcome = Outcome(name)
    try:
        await ALL[name](ctx, probe, outcome)
    except Exception as exc:  # noqa: BLE001 - one scenario failing must not lose the others
        outcome.failed = f"{type(exc).__name__}: {exc}"
        say(traceback.format_exc())
    finally:
        if sampler is not None:
            sampler.stop()
        await probe.stop()
    outcome.notes.append(f"RSS of the benchmark process at the end: {rss_mb():.0f} MB")
    if ctx.args.gc == "freeze":
        gc.unfreeze()
    details = explain(outcome, gc_watch, sampler)
    return outcome, details


def rss_mb() -> float:
    """This process's resident set size now (Linux)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return math.nan
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def explain(outcome: Outcome, gc_watch: GcWatch, sampler: StallSampler | None) -> list[str]:
    lines: list[str] = []
    for w in outcome.windows:
        passes = [p for p in gc_watch.within(w.t0, w.t1) if p.seconds >= 0.020]
        if passes:
            longest = max(passes, key=lambda p: p.seconds)
            threads = Counter(p.thread for p in passes)
            lines.append(
                f"  {w.label}: {len(passes)} collector pass(es) of 20 ms or more, the longest "
                f"{longest.seconds * 1000:.0f} ms (generation {longest.generation}, "
                f"thread {longest.thread}); " + ", ".join(f"{n} in {t}" for t, n in threads.items())
            )
        if w.stalls.long:
            lines.append(f"  {w.label}: {gc_share(w, gc_watch)}")
            worst = sorted(w.stalls.long, key=lambda x: -x[1])[:6]
            shown = ", ".join(f"{late * 1000:.0f} ms at +{t - w.t0:.2f} s" for t, late in worst)
            lines.append(f"  {w.label}: stalls over {STALL_BUDGET * 1000:.0f} ms: {shown}")
            if sampler is not None:
                lines += ["    " + line for line in sampler.blame(w.t0, w.t1 + 1.0)]
    return lines


def gc_share(w: Window, gc_watch: GcWatch) -> str:
    """How much of the window's stalls over the budget a collector pass (any thread) overlapped."""
    passes = gc_watch.within(w.t0 - 5.0, w.t1 + 5.0)
    stalled = covered = 0.0
    touched = 0
    for t, late in w.stalls.long:
        # The loop was stuck from the due moment (t + interval, about) for ``late`` seconds.
        a, b = t + 0.005, t + 0.005 + late
        overlap = sum(max(0.0, min(b, p.start + p.seconds) - max(a, p.start)) for p in passes)
        stalled += late
        covered += min(overlap, late)
        touched += overlap > 0
    return (
        f"{touched} of {len(w.stalls.long)} stalls over {STALL_BUDGET * 1000:.0f} ms overlap a "
        f"collector pass of 10 ms or more; passes cover {covered / stalled:.0%} of their {stalled:.1f} s"
    )


# ------------------------------------------------------------------ server


def prepare_server(args: argparse.Namespace, server: DovecotServer) -> tuple[str, int, str, str]:
    started = time.perf_counter()
    cur, built = corpus.cached_corpus(args.messages, args.seed, args.cache_dir)
    if built is None:
        say(f"corpus: {args.messages} messages cached in {cur.parent}")
    else:
        say(f"corpus: {args.messages} messages generated in {built:.1f} s into {cur.parent}")
    server.start()
    info = server.server_info()
    maildir = server.mail_root / info.username / "Maildir"
    took = corpus.install(cur, maildir, startup.mail_owner())
    say(f"  linked into Dovecot's Maildir in {took:.1f} s")
    account = peers.Account(info.host, info.port, info.username, info.password)
    selected, fetched = startup.prewarm(account, args.messages)
    say(f"  Dovecot: SELECT (builds the index) {selected:.1f} s, FETCH 1:* {fetched:.1f} s")
    say(f"  {time.perf_counter() - started:.1f} s of set-up in all")
    return info.host, info.port, info.username, info.password


# ------------------------------------------------------------------ report


def report(outcomes: list[Outcome], args: argparse.Namespace) -> list[str]:
    head = f"{'scenario':9} {'window':46} {ROW_HEAD}"
    lines = [head, "-" * len(head)]
    for outcome in outcomes:
        if outcome.failed:
            lines.append(f"{outcome.scenario:9} FAILED: {outcome.failed}")
        for w in outcome.windows:
            lines.append(f"{outcome.scenario:9} {w.label[:46]:46} {w.stalls.row()}")
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000, help="INBOX size (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS),
        help=f"comma-separated, in this order (default: {','.join(SCENARIOS)})",
    )
    parser.add_argument("--interval", type=float, default=5.0, help="probe sleep (ms, default 5)")
    parser.add_argument("--floor", type=float, default=5.0, help="seconds of the probe alone (default 5)")
    parser.add_argument("--timeout", type=float, default=900.0, help="longest wait for one sync (s)")
    parser.add_argument("--why", action="store_true", help="sample the UI thread's stack during stalls")
    parser.add_argument(
        "--gc", choices=["default", "freeze", "no-full"], default="default",
        help="an experiment with the cyclic collector: gc.freeze() once each app has started, or "
        "no automatic full pass (threshold 700, 10, 1000000); default: Python's own settings",
    )
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()),
        help="where Dovecot's folder and the app's caches go (default the temp dir)",
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=None,
        help="where the generated Maildir is kept between runs (default WORKDIR/tuimail-bench-corpus)",
    )
    args = parser.parse_args(argv)
    args.workdir = args.workdir.resolve()
    args.cache_dir = (args.cache_dir or args.workdir / "tuimail-bench-corpus").resolve()
    return args


def _stop_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in ALL]
    if unknown:
        say(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
        return 2
    if "warm" in wanted and "rows" not in wanted:
        wanted.insert(wanted.index("warm"), "rows")
    binary = find_dovecot()
    if binary is None:
        say("dovecot is not installed")
        return 2
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    if args.gc == "no-full":
        gc.set_threshold(700, 10, 1_000_000)
    say(f"tuimail UI stall benchmark, {datetime.now():%Y-%m-%d %H:%M}")
    say(f"  {startup.dovecot_version(binary)}; Python {platform.python_version()}, {os.cpu_count()} CPUs")
    say(f"  load average {startup.load_average()}; collector: {args.gc}, thresholds {gc.get_threshold()}")

    tempfile.tempdir = str(args.workdir)  # Dovecot's folder beside the corpus, so hard links work
    server = DovecotServer(binary)
    state = Path(tempfile.mkdtemp(prefix="tuimail-stall-state-", dir=args.workdir))
    outcomes: list[Outcome] = []
    details: list[str] = []
    try:
        host, port, username, password = prepare_server(args, server)
        with (
            hiding_process(host, port, "SORT", "THREAD=REFERENCES") as no_sort,
            hiding_process(host, port, "QRESYNC", "CONDSTORE") as no_resync,
        ):
            ctx = Context(args, host, port, username, password, no_sort, no_resync, state)
            outcomes.append(asyncio.run(floor(args.floor, args.interval / 1000)))
            with GcWatch() as gc_watch:
                for name in wanted:
                    gc.unfreeze()  # as in a new process: what the last app froze is walked again...
                    gc.collect()  # ...and each scenario starts from the same heap, the last app's cycles gone
                    say(f"\n{name} (load average {startup.load_average()}) ...")
                    outcome, why = asyncio.run(run_scenario(ctx, name, gc_watch))
                    outcomes.append(outcome)
                    for line in report([outcome], args)[2:] + outcome.notes + why:
                        say("  " + line)
                    details += [f"{name}:", *("  " + n for n in outcome.notes), *why]
    finally:
        server.stop()
        shutil.rmtree(state, ignore_errors=True)

    say("")
    say(
        f"{args.messages} messages in a Dovecot INBOX on 127.0.0.1; tuimail headless at {SIZE[0]}x{SIZE[1]}; "
        f"probe: {args.interval:.0f} ms sleeps in the UI thread's loop; lateness of each wake-up"
    )
    for line in report(outcomes, args):
        say(line)
    say("")
    for line in details:
        say(line)
    command = " ".join(["python", "benchmarks/ui_stall.py", *(argv if argv is not None else sys.argv[1:])])
    say(f"\n(printed by: {command})")
    return 1 if any(o.failed for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
