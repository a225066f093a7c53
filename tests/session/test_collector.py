"""The collector pacer: while busy work keeps many objects, they are frozen out of the cyclic
collector's full passes bit by bit, and what is garbage is collected before it is frozen."""

from __future__ import annotations

import subprocess
import sys

# Each check runs in a fresh interpreter: in the suite's, other tests' sessions and threads use
# the one process-wide collector too.

_FREEZE_CHECK = """
import gc, time
from tuimail.collector import CollectorPacer

class Node:
    other = None

pacer = CollectorPacer()
threshold = gc.get_threshold()
gc.freeze()  # the app's screens, frozen once built
frozen_before = gc.get_freeze_count()
with pacer.busy():
    held = gc.get_threshold()[2] > threshold[2]  # no full pass of its own meanwhile
    kept = [Node() for _ in range(100_000)]  # rows: long-lived, no cycles
    deadline = time.monotonic() + 20
    # Rows keep coming, and the collector's passes; a first freeze may come early (after a
    # middle-generation pass, some 7,000 objects): wait until most rows have been frozen.
    while gc.get_freeze_count() - frozen_before < 50_000 and time.monotonic() < deadline:
        kept.extend(Node() for _ in range(1_000))
        time.sleep(0.01)
    frozen = gc.get_freeze_count() - frozen_before
print(held, gc.get_threshold() == threshold, frozen >= 50_000, len(gc.get_objects(2)) < 50_000)
"""


def test_objects_kept_while_busy_are_frozen_and_full_passes_wait() -> None:
    done = subprocess.run([sys.executable, "-c", _FREEZE_CHECK], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True"] * 4, (done.stdout, done.stderr)


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
    done = subprocess.run([sys.executable, "-c", _CYCLE_CHECK], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["frozen", "collected"], done.stderr


_WALK_CHECK = """
import gc, time
from tuimail.collector import CollectorPacer

walks = []
counted = gc.get_freeze_count
gc.get_freeze_count = lambda: walks.append(1) or counted()  # walks the whole permanent generation

class Node:
    other = None

pacer = CollectorPacer()
pacer.freeze_now(collect=False)  # the app's screens
with pacer.busy():
    kept = [Node() for _ in range(200_000)]
    deadline = time.monotonic() + 20
    while pacer.freezes < 3 and time.monotonic() < deadline:
        kept.extend(Node() for _ in range(20_000))
        time.sleep(0.01)
print(pacer.freezes >= 3, len(walks))
"""


def test_a_freeze_never_walks_what_is_frozen_already() -> None:
    # gc.get_freeze_count() counts the permanent generation object by object, holding the GIL:
    # with 100,000 rows frozen that stalled every thread 0.1-0.2 s at each freeze.
    done = subprocess.run([sys.executable, "-c", _WALK_CHECK], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "0"], (done.stdout, done.stderr)
