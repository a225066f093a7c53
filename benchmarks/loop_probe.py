"""How late an asyncio loop runs a task: the probe of the ``ui_stall`` benchmark.

:class:`LoopProbe` is a task in the loop under test that sleeps ``interval``
seconds (5 ms) again and again and records how late each wake-up is: the
time from the sleep's due moment until the task ran again.  While the loop
is stuck in one callback (a handler that works for 200 ms, a garbage
collector pass, another thread holding the GIL), the probe cannot run, and
its next wake-up is late by that much.  Lateness is read with
``time.perf_counter``; marks (:meth:`LoopProbe.mark`) put named moments on
the same clock, and :meth:`LoopProbe.stalls` summarises any window between
two of them.

Two optional helpers say *why* a wake-up was late:

* :class:`GcWatch` records every collector pass (``gc.callbacks``) that took
  longer than a threshold: its generation, its duration and the thread that
  set it off (a pass holds the GIL, so it stalls every thread);
* :class:`StallSampler` is a thread that, while the probe is overdue by more
  than ``after`` seconds, takes the loop thread's Python stack every
  ``every`` seconds (``sys._current_frames``), so each long stall can be
  put down to the code that ran through it.  It costs GIL switches, so the
  benchmark's figures are taken without it (``--why`` turns it on).
"""

from __future__ import annotations

import asyncio
import gc
import math
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import FrameType

clock = time.perf_counter

#: A wake-up later than this counts as a stall (the issue's budget).
STALL_BUDGET = 0.050


@dataclass(frozen=True)
class Stalls:
    """The probe's wake-ups in one window."""

    seconds: float
    wakeups: int
    worst: float
    p99: float
    p50: float
    over_budget: int
    #: Start time (perf_counter) and lateness of every wake-up over the budget.
    long: tuple[tuple[float, float], ...]

    def row(self) -> str:
        return (
            f"{self.seconds:9.2f} {self.worst * 1000:9.1f} {self.p99 * 1000:8.1f} "
            f"{self.p50 * 1000:7.2f} {self.over_budget:9d} {self.wakeups:9d}"
        )


ROW_HEAD = f"{'sync (s)':>9} {'max (ms)':>9} {'p99 (ms)':>8} {'p50 (ms)':>7} {'>50 ms':>9} {'wake-ups':>9}"


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class LoopProbe:
    """A task in the running loop that records how late each of its wake-ups is."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        #: (moment the sleep began, lateness of the wake-up after it), in order.
        self.samples: list[tuple[float, float]] = []
        self.marks: dict[str, float] = {}
        #: When the probe last ran (the sampler reads it from another thread).
        self.last_tick = clock()
        self.thread_id = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start in the running loop (call from the loop's thread)."""
        self.thread_id = threading.get_ident()
        self.last_tick = clock()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-probe")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        interval = self.interval
        samples = self.samples
        while True:
            before = clock()
            await asyncio.sleep(interval)
            after = clock()
            self.last_tick = after
            samples.append((before, after - before - interval))

    @property
    def running(self) -> bool:
        return self._task is not None

    def mark(self, name: str, when: float | None = None) -> float:
        """Name a moment (now, by default); returns it."""
        self.marks[name] = clock() if when is None else when
        return self.marks[name]

    def stalls(self, start: str | float, end: str | float) -> Stalls:
        """The wake-ups whose sleep began in [start, end) (marks or perf_counter times)."""
        t0 = self.marks[start] if isinstance(start, str) else start
        t1 = self.marks[end] if isinstance(end, str) else end
        late = [(t, lateness) for t, lateness in self.samples if t0 <= t < t1]
        values = [max(0.0, lateness) for _, lateness in late]
        long = tuple((t, lateness) for t, lateness in late if lateness > STALL_BUDGET)
        return Stalls(
            seconds=t1 - t0,
            wakeups=len(values),
            worst=max(values, default=math.nan),
            p99=_quantile(values, 0.99),
            p50=_quantile(values, 0.50),
            over_budget=len(long),
            long=long,
        )


# --------------------------------------------------------------------------- why


@dataclass(frozen=True)
class GcPass:
    start: float
    seconds: float
    generation: int
    thread: str
    collected: int


class GcWatch:
    """Every garbage-collector pass longer than ``least`` seconds, and which thread ran it."""

    def __init__(self, least: float = 0.010) -> None:
        self.least = least
        self.passes: list[GcPass] = []
        self._started: dict[int, tuple[float, int]] = {}
        self.counts: Counter[int] = Counter()

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._started[ident] = (clock(), info["generation"])
            return
        began = self._started.pop(ident, None)
        if began is None:
            return
        self.counts[began[1]] += 1
        seconds = clock() - began[0]
        if seconds >= self.least:
            name = threading.current_thread().name
            self.passes.append(GcPass(began[0], seconds, began[1], name, info.get("collected", 0)))

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def within(self, t0: float, t1: float) -> list[GcPass]:
        return [p for p in self.passes if t0 <= p.start < t1]


Frame = tuple[str, int, str]


def _stack(frame: FrameType | None, depth: int = 60) -> tuple[Frame, ...]:
    out: list[Frame] = []
    while frame is not None and len(out) < depth:
        code = frame.f_code
        out.append((code.co_filename, frame.f_lineno, code.co_name))
        frame = frame.f_back
    return tuple(out)


@dataclass
class StallSampler:
    """While the probe is overdue by more than ``after`` s, sample the loop thread's stack."""

    probe: LoopProbe
    after: float = 0.020
    every: float = 0.002
    #: (time, stack innermost first) of every sample taken during a stall.
    samples: list[tuple[float, tuple[Frame, ...]]] = field(default_factory=list)
    #: (time, thread name, stack) of the other threads at the same moments: the sampler runs
    #: only when it has the GIL, so a thread that held it for long shows where it let it go.
    others: list[tuple[float, str, tuple[Frame, ...]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)

    def _run(self) -> None:
        probe = self.probe
        while not self._stop.wait(self.every):
            now = clock()
            if probe.running and now - probe.last_tick - probe.interval > self.after:
                frames = sys._current_frames()
                self.samples.append((now, _stack(frames.get(probe.thread_id))))
                names = {t.ident: t.name for t in threading.enumerate()}
                me = threading.get_ident()
                for ident, frame in frames.items():
                    if ident not in (probe.thread_id, me):
                        self.others.append((now, names.get(ident, str(ident)), _stack(frame)))

    def blame(self, t0: float, t1: float, *, keep: Iterable[str] = ("tuimail",), top: int = 3) -> list[str]:
        """For the samples in [t0, t1): the innermost frames of our code (paths containing one of
        ``keep``) with how many samples they were on the stack in, most first; and the
        innermost frame of all, whatever its file."""
        keep = tuple(keep)
        ours: Counter[str] = Counter()
        innermost: Counter[str] = Counter()
        taken = 0
        for t, stack in self.samples:
            if not t0 <= t < t1 or not stack:
                continue
            taken += 1
            innermost[_where(stack[0])] += 1
            seen: set[str] = set()
            for frame in stack:
                if any(k in frame[0] for k in keep):
                    where = _where(frame)
                    if where not in seen:
                        seen.add(where)
                        ours[where] += 1
        if not taken:
            return []
        lines = [f"{taken} stack samples in the loop thread during stalls"]
        lines += [f"  {n:5d} in  {where}" for where, n in ours.most_common(top * 4)]
        lines += [f"  {n:5d} innermost {where}" for where, n in innermost.most_common(top)]
        return lines + self._blame_others(t0, t1, keep, top)

    def _blame_others(self, t0: float, t1: float, keep: tuple[str, ...], top: int) -> list[str]:
        """The other threads at the stall samples: each one's innermost frame of our code."""
        by_thread: dict[str, Counter[str]] = {}
        for t, name, stack in self.others:
            if not t0 <= t < t1:
                continue
            ours = next((f for f in stack if any(k in f[0] for k in keep)), stack[0] if stack else None)
            if ours is None or (stack and stack[0][2] in ("wait", "select", "_wait_for_tstate_lock")):
                continue  # a thread asleep was not what held the loop up
            by_thread.setdefault(name.split("-")[0] if name.startswith("Thread-") else name, Counter())[
                _where(ours) + (f" (in {_where(stack[0])})" if stack[0] is not ours else "")
            ] += 1
        lines: list[str] = []
        for name, counter in sorted(by_thread.items(), key=lambda kv: -sum(kv[1].values())):
            lines.append(f"  other thread {name}: {sum(counter.values())} samples awake")
            lines += [f"  {n:7d} at {where}" for where, n in counter.most_common(top)]
        return lines


def _where(frame: Frame) -> str:
    path, line, name = frame
    for anchor in ("/tuimail/", "/textual/", "/rich/", "/asyncio/", "/benchmarks/"):
        if anchor in path:
            path = anchor.strip("/") + "/" + path.split(anchor, 1)[1]
            break
    return f"{path}:{line} {name}"
