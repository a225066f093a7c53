"""The cyclic garbage collector kept short while a whole mailbox is loaded.

CPython's full (generation 2) collection walks every tracked object it
has, holding the GIL: with 100,000 rows loaded that is some 400,000 objects
(each summary, its flags and its date are tracked) and half a second or
more in which no thread runs, the UI's event loop included.  A full pass
comes once the objects promoted since the last one reach a quarter of the
old ones, so while rows keep arriving the passes keep coming, each longer.

Rows, thread views and sort keys are long-lived and hold no reference
cycles (they are freed by their reference counts), so there is nothing for
those passes to find in them.  While work that makes many of them runs
(:meth:`CollectorPacer.busy`), the pacer's thread watches the collector:
once a middle-generation pass has promoted its survivors, it
collects what is garbage among the objects made since the last freeze (a
pass over those alone, a few milliseconds) and moves the survivors into
the permanent generation (:func:`gc.freeze`), which no pass walks.  Full
passes then only ever see what is younger than the last freeze.

Memory stays bounded: everything garbage is collected before it is frozen;
what a freeze keeps alive for good is only a cycle whose objects were in
use at that moment and later become garbage, a few objects each time, and
there is one freeze per some 7,000 objects kept (after each middle pass: the
full pass before a freeze then walks half as much, 40 ms instead of 60-75 at
the end of a client-side thread of 100,000 messages, benchmarks/ui_stall.py).  Outside busy work the
collector runs as usual (over the objects not frozen).

While the app starts, automatic collection is off altogether
(:func:`pause_while_starting`, by the ``tuimail`` command before it imports
anything heavy; :func:`resume` once the first screen is drawn): importing
Textual and tuimail and building the first screen allocates some hundreds of
thousands of objects that live as long as the program, and each collection on
the way scans them all again for nothing (about a fifth of the import time).
Cycles made meanwhile are collected by the first collection after it.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["PACER", "CollectorPacer", "pause_while_starting", "resume"]

#: Middle-generation passes (each promotes up to ~7,000 objects) between two freezes.
PASSES_PER_FREEZE = 1
#: How often the pacer's thread looks whether a freeze is due, while busy (s).
POLL = 0.005
#: The oldest generation's threshold while busy: its passes wait (see :meth:`CollectorPacer.busy`).
HELD_OLD_THRESHOLD = 1_000_000
#: A freeze waits this many times for its full collection (another may be running) before it gives up.
MAX_COLLECT_TRIES = 200


class CollectorPacer:
    """Freezes the long-lived heap, bit by bit, while busy work runs (process-wide: :data:`PACER`)."""

    def __init__(self, passes_per_freeze: int = PASSES_PER_FREEZE, poll: float = POLL) -> None:
        self.passes_per_freeze = passes_per_freeze
        self.poll = poll
        self._busy = 0
        self._passes = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._threshold: tuple[int, int, int] | None = None
        #: Full collections seen to end (by :meth:`_on_collection`).
        self._full_passes = 0
        self._watching = False
        #: Freezes done (for tests and benchmarks).
        self.freezes = 0

    # --------------------------------------------------------------- interface

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """Work that keeps many objects (loads rows, builds a listing) runs inside this.  Meanwhile
        the collector's own full passes wait (the pacer's freezes take their place)."""
        with self._lock:
            self._busy += 1
            if self._busy == 1:
                self._threshold = gc.get_threshold()
                young, middle, old = self._threshold
                gc.set_threshold(young, middle, max(old, HELD_OLD_THRESHOLD))
                self._wake.set()
            self._start()
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1
                if self._busy == 0:
                    self._wake.clear()
                    if self._threshold is not None:
                        gc.set_threshold(*self._threshold)
                        self._threshold = None

    def freeze_now(self, *, collect: bool = True) -> None:
        """Collect the objects made since the last freeze and freeze the rest.  The app's first
        freeze (once it has built its screens) passes ``collect=False``: a pass then would walk
        them all; only the few start-up cycles that are garbage already stay.

        Nothing here asks :func:`gc.get_freeze_count`: it walks the whole permanent generation,
        holding the GIL (0.1-0.2 s with 100,000 rows frozen, every thread stalled)."""
        if collect:
            self._watch()
            for _ in range(MAX_COLLECT_TRIES):
                before = self._full_passes
                gc.collect()
                # gc.collect() does nothing while a collection runs in another thread (one of its
                # callbacks may let this thread in): garbage must not be frozen, so try again.
                if self._full_passes != before:
                    break
                time.sleep(0.001)
            else:
                return
        gc.freeze()
        self.freezes += 1
        self._passes = 0

    # --------------------------------------------------------------- internals

    def _watch(self) -> None:
        with self._lock:
            self._watch_unlocked()

    def _watch_unlocked(self) -> None:
        if not self._watching:
            gc.callbacks.append(self._on_collection)
            self._watching = True

    def _start(self) -> None:
        if self._thread is None:
            self._watch_unlocked()
            self._thread = threading.Thread(target=self._run, name="tuimail-collector", daemon=True)
            self._thread.start()

    def _on_collection(self, phase: str, info: dict[str, Any]) -> None:
        # Runs inside the collector, in whichever thread set it off: only counts (no locks here).
        if phase == "stop" and info.get("generation", 0) == 2:
            self._full_passes += 1
        if phase == "stop" and info.get("generation", 0) >= 1 and self._busy:
            self._passes += 1

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.poll)
            if self._busy and self._passes >= self.passes_per_freeze:
                self.freeze_now()


#: The process's pacer (the collector is one per process).
PACER = CollectorPacer()


_paused = False


def pause_while_starting() -> None:
    """Stop automatic collection (if it is on) until :func:`resume`."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Turn automatic collection back on, if :func:`pause_while_starting` turned it off."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
