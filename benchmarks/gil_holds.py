"""GIL holds: the longest stretches one thread keeps every other thread (the UI's among them) out.

    .venv/bin/python benchmarks/gil_holds.py [--count 100000]

The UI's event loop stalls whenever another thread of its process holds the
GIL for long: with the switch interval at 1 ms (as the app sets it), that
happens only inside one long C-level step (a sort of 100,000 keys, freeing a
million objects at once, a collector pass).  This runs the session's heavy
paths on ``--count`` generated FETCH responses (benchmarks/parse.py's
generator) in a worker thread, while a probe thread wakes every millisecond:
a gap in its wake-ups during which the worker used the CPU for as long is a
hold by the worker, reported with the line the worker was at just after
(``time.pthread_getcpuclockid``: gaps where the worker did not run, the OS
giving the CPU to another process, are not counted).  On a machine busy with
other processes the probe may also wait for a CPU while the worker runs: run
it on a quiet machine.

Paths, each as the app runs it (inside ``PACER.busy()``):

* ``threads``: parse, ``thread_references`` (client-side THREAD=REFERENCES),
  free the responses;
* ``sort``: parse, ``sort_uids(["SUBJECT"])``, free the responses;
* ``layout``: ``lay_out_threads`` of that result over a 100,000-row view;
* ``free at once`` beside ``free gradually``: the parsed responses dropped in
  one statement, as before ``tuimail/freeing.py``, and emptied by it.

This is a benchmark, not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import gc
import sys
import threading
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from parse import Gen  # noqa: E402

from tuimail.collector import PACER  # noqa: E402
from tuimail.freeing import free_gradually  # noqa: E402
from tuimail.imap.parser import parse_response  # noqa: E402
from tuimail.mail.mailbox_view import MailboxView  # noqa: E402
from tuimail.mail.sorting import SortItem, sort_uids  # noqa: E402
from tuimail.mail.threads import ThreadItem, thread_references  # noqa: E402
from tuimail.mail.view_changes import UidsKnown  # noqa: E402
from tuimail.session import messages as sm  # noqa: E402
from tuimail.ui.app import SWITCH_INTERVAL  # noqa: E402
from tuimail.ui.screens.thread_layout import lay_out_threads  # noqa: E402

Hold = tuple[float, float, list[str]]


def _where(frame: Any, depth: int = 3) -> list[str]:
    out: list[str] = []
    while frame is not None and len(out) < depth:
        out.append(f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} {frame.f_code.co_name}")
        frame = frame.f_back
    return out


def holds(fn: Callable[[], Any], threshold: float = 0.010) -> tuple[float, list[Hold], Any]:
    """Run ``fn`` in a thread; (wall time, holds over ``threshold`` longest first, its result)."""
    done = threading.Event()
    found: list[Hold] = []
    result: list[Any] = []

    probing = threading.Event()

    def work() -> None:
        probing.wait()
        try:
            result.append(fn())
        finally:
            done.set()

    worker = threading.Thread(target=work, name="work")

    def probe() -> None:
        clock = time.pthread_getcpuclockid(worker.ident or 0)
        last, last_cpu = time.perf_counter(), time.clock_gettime(clock)
        probing.set()
        while not done.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            try:
                cpu = time.clock_gettime(clock)
            except OSError:  # the worker ended
                return
            if now - last > threshold and cpu - last_cpu > threshold:
                found.append((cpu - last_cpu, now - last, _where(sys._current_frames().get(worker.ident))))
            last, last_cpu = now, cpu

    started = time.perf_counter()
    worker.start()
    prober = threading.Thread(target=probe, name="probe")
    prober.start()
    worker.join()
    prober.join()
    return time.perf_counter() - started, sorted(found, key=lambda h: -h[0]), result[0] if result else None


def report(name: str, wall: float, found: list[Hold], top: int) -> None:
    longest = f"{found[0][0] * 1e3:.1f} ms" if found else "none over 10 ms"
    print(f"{name:16s} {wall:6.2f} s   holds over 10 ms: {len(found):3d}   longest: {longest}")
    for cpu, _gap, where in found[:top]:
        print(f"{'':18s}{cpu * 1e3:6.1f} ms  just after: {' <- '.join(where)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--top", type=int, default=3, help="holds listed per path")
    args = parser.parse_args()
    sys.setswitchinterval(SWITCH_INTERVAL)
    gen = Gen(1)
    responses = [gen.fetch(n) for n in range(1, args.count + 1)]
    gc.collect()
    gc.freeze()  # the generated input is not the app's: no pass walks it
    print(f"{args.count:,} generated FETCH responses; switch interval {SWITCH_INTERVAL * 1e3:.0f} ms; "
          f"Python {sys.version.split()[0]}")

    def threads() -> sm.Listed:
        with PACER.busy():
            data = [parse_response(r).data for r in responses]
            found = thread_references(ThreadItem.from_fetch(fd) for fd in data if "UID" in fd.attr)
            free_gradually(data)
        return sm.Listed(1, "threads", "threads", (), threads=tuple(found))

    def sort() -> int:
        with PACER.busy():
            data = [parse_response(r).data for r in responses]
            order = sort_uids((SortItem.from_fetch(fd) for fd in data if "UID" in fd.attr), ["SUBJECT"])
            free_gradually(data)
        return len(order)

    wall, found, listing = holds(threads)
    report("threads", wall, found, args.top)
    wall, found, _ = holds(sort)
    report("sort", wall, found, args.top)
    view = MailboxView("INBOX", args.count, generation=1)
    view.apply(UidsKnown(array("I", range(1, args.count + 1))))
    wall, found, _ = holds(lambda: lay_out_threads(view, listing))
    report("layout", wall, found, args.top)

    for name, free in (("free at once", list.clear), ("free gradually", free_gradually)):
        data = [parse_response(r).data for r in responses]
        wall, found, _ = holds(lambda data=data, free=free: free(data))  # type: ignore[misc]
        report(name, wall, found, args.top)
        del data


if __name__ == "__main__":
    main()
