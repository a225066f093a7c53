"""The C heap, where it is glibc's malloc: fewer heaps, and free memory given back.

Heaps: glibc's malloc gives each thread that meets a busy heap a heap of its own (up to eight
per CPU), and each keeps freed memory of its own.  tuimail's threads (the UI, each account's
session, SQLite's writer, the collector's pacer, ``asyncio.to_thread`` workers) mostly take
turns under the GIL, but SQLite and zlib work without it, so a process ended up with nine
heaps.  Two are enough (:func:`limit_arenas`): with 100,000 messages open the resident set fell
from 72-74 MB to 64-65 MB (``benchmarks/startup.py --programs tuimail``).

Free memory: importing Textual and building the first screen frees much of what it allocated,
but malloc keeps the freed pages.  :func:`give_back_free_memory` (``malloc_trim``) returns them
to the system once the app has started: 62.6 MB -> 55.7-57.4 MB in the same benchmark.

Only glibc has these (``mallopt`` with ``M_ARENA_MAX``, ``malloc_trim``); elsewhere nothing is
done.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

__all__ = ["MAX_ARENAS", "give_back_free_memory", "limit_arenas"]

#: How many heaps glibc's malloc may keep (``M_ARENA_MAX``).
MAX_ARENAS = 2
_M_ARENA_MAX = -8  # from glibc's malloc.h


def _glibc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")  # glibc's name; no ldconfig run to find it
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt.restype = ctypes.c_int
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
    except (OSError, AttributeError):  # not glibc (musl has neither)
        return None
    return libc


def limit_arenas(count: int = MAX_ARENAS) -> bool:
    """Ask glibc's malloc for at most ``count`` heaps; True if it took it.  Call it before any
    thread starts (the heaps that exist stay)."""
    libc = _glibc()
    return libc is not None and bool(libc.mallopt(_M_ARENA_MAX, count))


def give_back_free_memory() -> bool:
    """Return the C heaps' free pages to the system (``malloc_trim(0)``); True if any were."""
    libc = _glibc()
    return libc is not None and bool(libc.malloc_trim(0))
