"""Fewer C heaps: glibc's malloc gives each thread that meets a busy heap a heap of its own
(up to eight per CPU), and each keeps freed memory of its own.  tuimail's threads (the UI, each
account's session, SQLite's writer, the collector's pacer, ``asyncio.to_thread`` workers) mostly
take turns under the GIL, but SQLite and zlib work without it, so a process ended up with nine
heaps.  Two are enough: with 100,000 messages open the resident set fell from 72-74 MB to
64-65 MB (``benchmarks/startup.py --programs tuimail``), a tenth of it.

Only glibc has :func:`mallopt` with ``M_ARENA_MAX``; elsewhere nothing is changed.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["MAX_ARENAS", "limit_malloc_arenas"]

#: How many heaps glibc's malloc may keep (``M_ARENA_MAX``).
MAX_ARENAS = 2
_M_ARENA_MAX = -8  # from glibc's malloc.h


def limit_malloc_arenas(count: int = MAX_ARENAS) -> bool:
    """Ask glibc's malloc for at most ``count`` heaps; True if it took it.  Call it before any
    thread starts (the heaps that exist stay)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")  # glibc's name; no ldconfig run to find it
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, count))
