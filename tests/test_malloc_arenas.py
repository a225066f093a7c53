"""The tuimail command keeps glibc's malloc to MAX_ARENAS heaps: threads that work without the
GIL (SQLite here, as the header cache's writer does) otherwise each get a heap of their own."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_HEAPS = textwrap.dedent(
    """
    import ctypes, os, sqlite3, sys, tempfile, threading
    if sys.argv[1] == "limited":
        from tuimail.malloc_arenas import limit_malloc_arenas
        assert limit_malloc_arenas()

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


def _heaps(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _HEAPS, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_threads_share_at_most_two_heaps() -> None:
    from tuimail.malloc_arenas import MAX_ARENAS

    assert _heaps("limited") <= MAX_ARENAS < _heaps("default")


def test_the_command_limits_the_heaps_before_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    import tuimail.cli as cli
    import tuimail.malloc_arenas as arenas

    calls: list[str] = []
    monkeypatch.setattr(arenas, "limit_malloc_arenas", lambda *a: calls.append("arenas") or True)
    monkeypatch.setattr(cli, "_main", lambda argv: calls.append("main") or 0)
    assert cli.main([]) == 0
    assert calls == ["arenas", "main"]
