"""The collector pacer: while busy work keeps many objects, they are frozen out of the cyclic
collector's full passes bit by bit, and what is garbage is collected before it is frozen."""

from __future__ import annotations

import gc
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tuimail.collector import CollectorPacer


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def pacer() -> Iterator[CollectorPacer]:
    gc.collect()
    yield CollectorPacer()
    gc.unfreeze()
    gc.collect()


def until(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.01)


def test_objects_kept_while_busy_are_frozen_and_full_passes_wait(pacer: CollectorPacer) -> None:
    threshold = gc.get_threshold()
    gc.freeze()  # the app's screens, frozen once built
    frozen_before = gc.get_freeze_count()
    with pacer.busy():
        assert gc.get_threshold()[2] > threshold[2]  # no full pass of its own meanwhile
        kept = [Node() for _ in range(100_000)]  # rows: long-lived, no cycles
        until(lambda: pacer.freezes >= 1)
        frozen = gc.get_freeze_count() - frozen_before
    assert gc.get_threshold() == threshold
    assert frozen >= 50_000  # most of them no pass walks again
    assert len(gc.get_objects(2)) < 50_000
    del kept


_CYCLE_CHECK = """
import gc, time, weakref
from tuimail.collector import CollectorPacer

class Node:
    other = None

pacer = CollectorPacer()
gc.freeze()
a, b = Node(), Node()
a.other, b.other = b, a
gone = weakref.ref(a)
gc.collect()  # the cycle is in use long enough to reach the oldest generation
with pacer.busy():
    del a, b  # and then garbage: only a full pass finds it
    kept = [Node() for _ in range(50_000)]
    deadline = time.monotonic() + 20
    while pacer.freezes < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
print("frozen" if pacer.freezes else "never frozen", "collected" if gone() is None else "kept")
"""


def test_garbage_cycles_are_collected_before_a_freeze_not_kept_for_good() -> None:
    # In a fresh interpreter: in the suite's, other tests' sessions may freeze the heap meanwhile.
    done = subprocess.run([sys.executable, "-c", _CYCLE_CHECK], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["frozen", "collected"], done.stderr
