"""The demo's IMAP server in a child process, started before anything heavy is imported.

``tuimail --demo`` starts :class:`DemoServerProcess` first: the child
(``python -m tuimail.demo``, :mod:`tuimail.demo.serving`) imports pymap and
loads the demo mailbox on the second CPU while this process imports and
draws the UI, instead of both sharing one interpreter lock.

This process binds the listening socket (127.0.0.1, a free port) and hands
it to the child, so the port is known at once and the session may connect
straight away: the kernel queues the connection until the child accepts it
and sends the greeting.  This module imports only the standard library.

The child never outlives this process: its standard input is a pipe from
here, and it stops when that pipe closes, which happens when this process
calls :meth:`DemoServerProcess.stop`, exits, crashes or is killed (even by
SIGKILL).  A child that fails, or is not serving within
:data:`READY_TIMEOUT`, is a :meth:`~DemoServerProcess.failure` naming what it
said, never a wait without end.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["DEMO_PASSWORD", "DEMO_USER", "READY", "READY_TIMEOUT", "DemoServerError", "DemoServerProcess"]

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
#: The line the child writes once it accepts connections.
READY = b"ready"
#: Longest wait for the child to serve (s); then it is stopped and said to have failed.
READY_TIMEOUT = 30.0
#: The child: this Python running :mod:`tuimail.demo.serving`; ``-P``: nothing is imported from
#: the current folder (as for the ``tuimail`` command itself), whatever files it holds.
DEFAULT_COMMAND = (sys.executable, "-P", "-m", "tuimail.demo")
#: How much of the child's output is kept to explain a failure (bytes).
KEEP_OUTPUT = 4096


class DemoServerError(RuntimeError):
    """The demo server could not be started, or stopped on its own (the text says why)."""


class DemoServerProcess:
    """One child process serving the demo mailbox on :attr:`port` (127.0.0.1).

    ``command`` is the child's command line without its arguments (by default
    this Python running ``-m tuimail.demo``); the child is given
    ``--listen-fd N``, and ``--cache FOLDER`` with ``cache_folder`` (where the
    demo mailbox is kept; by default the user's cache folder).
    ``on_failure(reason)`` is called once, from a watcher thread, if the
    child fails or ends before :meth:`stop`.
    """

    def __init__(
        self,
        command: Sequence[str] | None = None,
        *,
        cache_folder: Path | None = None,
        ready_timeout: float = READY_TIMEOUT,
        on_failure: Callable[[str], object] | None = None,
    ) -> None:
        self.ready_timeout = ready_timeout
        self._on_failure = on_failure
        self._ready = threading.Event()
        self._settled = threading.Event()  # ready, or ended
        self._stopping = False
        self._failure: str | None = None
        self._lock = threading.Lock()
        self._output = bytearray()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", 0))
            listener.listen(64)
            self.port: int = listener.getsockname()[1]
            argv = [*(command or DEFAULT_COMMAND), "--listen-fd", str(listener.fileno())]
            if cache_folder is not None:
                argv += ["--cache", str(cache_folder)]
            self._process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
            )
        finally:
            # Only the child listens: if it dies, connections are refused instead of waiting.
            listener.close()
        self.pid: int = self._process.pid
        self._watcher = threading.Thread(target=self._watch, name="tuimail-demo-server", daemon=True)
        self._watcher.start()

    # --------------------------------------------------------------- interface

    def on_failure(self, callback: Callable[[str], object]) -> None:
        """Call ``callback(reason)`` if the child fails (at once if it has already)."""
        with self._lock:
            self._on_failure = callback
            failure = self._failure
        if failure is not None:
            callback(failure)

    def failure(self) -> str | None:
        """Why the server is not serving, if it has failed or ended on its own; else None."""
        with self._lock:
            return self._failure

    def wait_ready(self, timeout: float | None = None) -> None:
        """Wait until the child serves; :class:`DemoServerError` if it failed or is not serving in time."""
        self._settled.wait(self.ready_timeout if timeout is None else timeout)
        failure = self.failure()
        if failure is not None:
            raise DemoServerError(failure)
        if not self._ready.is_set():
            raise DemoServerError("the demo server is not serving yet")

    def stop(self, timeout: float = 1.0) -> None:
        """End the child (its input closes; after ``timeout`` it is killed) and wait for it."""
        with self._lock:
            self._stopping = True
        stdin = self._process.stdin
        if stdin is not None:
            with contextlib.suppress(OSError):
                stdin.close()
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._watcher.join(timeout)

    @property
    def returncode(self) -> int | None:
        return self._process.poll()

    # --------------------------------------------------------------- internals

    def _watch(self) -> None:
        """Read the child's output until it ends: the ready line, else what it said on failing."""
        stdout = self._process.stdout
        assert stdout is not None
        fd = stdout.fileno()
        deadline = self.ready_timeout
        pending = b""
        try:
            while True:
                if not self._ready.is_set():
                    readable, _, _ = select.select([fd], [], [], deadline)
                    if not readable:
                        self._fail(f"the demo server did not start within {self.ready_timeout:g} s")
                        self._process.kill()
                        break
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                if not self._ready.is_set():
                    pending += chunk
                    lines = pending.split(b"\n")
                    pending = lines.pop()
                    for line in lines:
                        if line.strip() == READY:
                            self._ready.set()
                            self._settled.set()
                        else:
                            self._keep(line + b"\n")
                    if self._ready.is_set():
                        self._keep(pending)
                        pending = b""
                else:
                    self._keep(chunk)
        except OSError:
            pass
        self._keep(pending)
        status = self._process.wait()
        with self._lock:
            stopping = self._stopping
        if not stopping:
            said = self._last_words()
            how = f"exited with status {status}" if status >= 0 else f"was killed by signal {-status}"
            self._fail(f"the demo server {how}" + (f": {said}" if said else ""))
        stdout.close()
        self._settled.set()

    def _keep(self, data: bytes) -> None:
        self._output += data
        del self._output[:-KEEP_OUTPUT]

    def _last_words(self) -> str:
        """The child's last line of output (a traceback's last line is the error)."""
        text = self._output.decode("utf-8", "replace")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            return ""
        last = lines[-1]
        return last.removeprefix("error: ")

    def _fail(self, reason: str) -> None:
        with self._lock:
            if self._failure is not None:
                return
            self._failure = reason
            callback = self._on_failure
        if callback is not None:
            callback(reason)
