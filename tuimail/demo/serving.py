"""The demo mailbox served by pymap, and the child process that serves it (``python -m tuimail.demo``).

:func:`demo_server` builds the server (the mailbox read from the cache
folder, :mod:`tuimail.demo.stored_mailbox`).  :func:`main` is the child that
:class:`tuimail.demo.server_process.DemoServerProcess` starts: it serves on
the listening socket it is handed (``--listen-fd N``), writes ``ready`` on
its standard output once it accepts connections, and ends when its
standard input closes (its parent stopped, exited or died).  What goes
wrong is said in one line on its standard output (``error: ...``), which
the parent reads; nothing reaches the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tuimail.demo.server_process import DEMO_PASSWORD, DEMO_USER, READY

if TYPE_CHECKING:
    from tuimail.demo.server import PymapServer

__all__ = ["demo_server", "main"]


def demo_server(
    stored_in: Path | None, *, sock: socket.socket | None = None, inbox_first: bool = False
) -> PymapServer:
    """pymap with the demo user and mailbox (kept in ``stored_in``), not started yet; with
    ``inbox_first`` the other folders are filled when first looked up."""
    from tuimail.demo.mailbox import demo_mailboxes
    from tuimail.demo.server import PymapServer

    boxes = {
        name: [(m.raw, m.flags, m.internaldate) for m in box]
        for name, box in demo_mailboxes(stored_in=stored_in).items()
    }
    return PymapServer({DEMO_USER: DEMO_PASSWORD}, {DEMO_USER: boxes}, sock=sock, inbox_first=inbox_first)


def default_cache_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("tuimail"))


async def _serve(server: PymapServer, stdin: int) -> None:
    await server.start()
    # The mailbox is loaded and lives as long as the process: no collector pass need walk it.
    gc.freeze()
    gc.enable()
    sys.stdout.buffer.write(READY + b"\n")
    sys.stdout.flush()
    closed = asyncio.Event()

    def read_stdin() -> None:
        try:
            if os.read(stdin, 4096):
                return  # nothing is ever sent: only the end matters
        except OSError:
            pass
        closed.set()

    loop = asyncio.get_running_loop()
    loop.add_reader(stdin, read_stdin)
    try:
        await closed.wait()
    finally:
        loop.remove_reader(stdin)
        await server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the demo mailbox on ``--listen-fd`` until standard input closes."""
    # Ctrl+C at the terminal belongs to the app, which stops this process itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # loading makes many objects that all stay: no pass would find garbage
    parser = argparse.ArgumentParser(prog="python -m tuimail.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--listen-fd", type=int, required=True, help="a bound, listening TCP socket")
    parser.add_argument("--cache", type=Path, help="folder of the stored demo mailbox")
    args = parser.parse_args(argv)
    try:
        sock = socket.socket(fileno=args.listen_fd)
        # The first screen shows INBOX: the other folders are parsed when the app first asks.
        server = demo_server(args.cache or default_cache_folder(), sock=sock, inbox_first=True)
    except ImportError as exc:
        print(f"error: the demo needs pymap (pip install 'tuimail[demo]'): {exc}", flush=True)
        return 1
    except OSError as exc:
        print(f"error: {exc}", flush=True)
        return 1
    with contextlib.suppress(BrokenPipeError):  # the parent went away: nothing more to say
        asyncio.run(_serve(server, sys.stdin.fileno()))
    return 0
