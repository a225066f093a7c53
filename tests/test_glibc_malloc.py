"""glibc's malloc: the tuimail command keeps it to MAX_ARENAS heaps (threads that work without
the GIL, SQLite here as the header cache's writer does, otherwise each get a heap of their own),
and memory freed after the start goes back to the system."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")

_HEAPS = textwrap.dedent(
    """
    import ctypes, os, sqlite3, sys, tempfile, threading
    if sys.argv[1] == "limited":
        from tuimail.glibc_malloc import limit_arenas
        assert limit_arenas()

    def work(kept):
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE t (x BLOB)")
        for _ in range(300):
            db.execute("INSERT INTO t VALUES (randomblob(3000))")
        db.execute("SELECT count(*) FROM t ORDER BY x").fetchall()
        kept.append(db)

    kept = []
    threads = [threading.Thread(target=work, args=(kept,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    libc = ctypes.CDLL("libc.so.6")
    libc.fdopen.restype = ctypes.c_void_p
    libc.fdopen.argtypes = [ctypes.c_int, ctypes.c_char_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.fflush.argtypes = [ctypes.c_void_p]
    fd, path = tempfile.mkstemp()
    out = libc.fdopen(fd, b"w")
    libc.malloc_info(0, out)
    libc.fflush(out)
    with open(path) as f:
        print(f.read().count("<heap nr="))
    os.unlink(path)
    """
)

_GIVE_BACK = textwrap.dedent(
    """
    import os
    from tuimail.glibc_malloc import give_back_free_memory

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    blocks = [bytearray(64 * 1024) for _ in range(800)]  # 50 MB in the heap (under mmap's threshold)
    keep = blocks[-1]
    del blocks[:-1]
    before = rss()
    trimmed = give_back_free_memory()
    print(trimmed, (before - rss()) // 2**20)
    """
)


def _run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_threads_share_at_most_two_heaps() -> None:
    from tuimail.glibc_malloc import MAX_ARENAS

    limited, default = (int(_run(_HEAPS, mode).split()[-1]) for mode in ("limited", "default"))
    assert limited <= MAX_ARENAS < default


def test_freed_memory_goes_back_to_the_system() -> None:
    trimmed, given_mb = _run(_GIVE_BACK).split()
    assert trimmed == "True" and int(given_mb) >= 30, (trimmed, given_mb)


def test_the_command_limits_the_heaps_before_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    import tuimail.cli as cli
    import tuimail.glibc_malloc as glibc_malloc

    calls: list[str] = []
    monkeypatch.setattr(glibc_malloc, "limit_arenas", lambda *a: calls.append("arenas") or True)
    monkeypatch.setattr(cli, "_main", lambda argv: calls.append("main") or 0)
    assert cli.main([]) == 0
    assert calls == ["arenas", "main"]
