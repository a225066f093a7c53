"""``tuimail --demo`` and its server process, run as a user runs them (a pseudo-terminal): no
server is left once the app has ended, whether it quit, was killed or crashed; a server that
fails says so in one line and the app ends."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.demo.test_server_process import gone
from tuimail import cli
from tuimail.demo.mailbox import demo_mailboxes
from tuimail.demo.server_process import DemoServerProcess


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HOME and XDG folders whose cache holds the demo mailbox already."""
    folder = tmp_path_factory.mktemp("home")
    demo_mailboxes(stored_in=folder / "tuimail")
    return folder


def environment(home: Path, **more: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "XDG_CACHE_HOME": str(home),
        "XDG_STATE_HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        **more,
    }


class Terminal:
    """``python -m tuimail ARGS`` in a 120x40 pseudo-terminal."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tuimail", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self._master = master
        self._output = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self._output.extend(chunk)

    @property
    def output(self) -> str:
        return bytes(self._output).decode("utf-8", "replace")

    def wait_until(self, ready: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            assert self.process.poll() is None, f"exited early: {self.output[-2000:]!r}"
            assert time.monotonic() < deadline, f"never ready: {self.output[-2000:]!r}"
            time.sleep(0.05)

    def server_pid(self) -> int:
        """The demo server: the child of the app running ``-m tuimail.demo``."""
        self.wait_until(lambda: bool(self._server_pids()))
        (pid,) = self._server_pids()
        return pid

    def _server_pids(self) -> list[int]:
        with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as file:
            pids = [int(p) for p in file.read().split()]
        found = []
        for pid in pids:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as file:
                    if b"tuimail.demo" in file.read():
                        found.append(pid)
            except FileNotFoundError:
                pass
        return found

    def type(self, keys: bytes) -> None:
        os.write(self._master, keys)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(5)
        os.close(self._master)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.close()


def started(terminals: list[Terminal], home: Path, **env: str) -> tuple[Terminal, Path]:
    """``tuimail --demo`` with a log; returns once the session idles on INBOX (the demo is up)."""
    log = home / f"demo-{len(terminals)}.log"
    terminal = Terminal(["--demo", "--log", str(log)], environment(home, **env))
    terminals.append(terminal)
    terminal.wait_until(lambda: log.exists() and " IDLE" in log.read_text(errors="replace"))
    return terminal, log


def test_quitting_the_demo_ends_its_server(home: Path, terminals: list[Terminal]) -> None:
    terminal, _ = started(terminals, home)
    server = terminal.server_pid()
    terminal.type(b"q")
    assert terminal.process.wait(30) == 0, terminal.output[-2000:]
    assert gone(server, within=5), "the demo server outlived the app"
    assert "Traceback" not in terminal.output


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_killing_the_demo_ends_its_server(home: Path, terminals: list[Terminal], how: signal.Signals) -> None:
    terminal, _ = started(terminals, home)
    server = terminal.server_pid()
    terminal.process.send_signal(how)
    terminal.process.wait(30)
    assert gone(server), f"the demo server outlived the app killed by {how.name}"


def test_a_crash_of_the_app_ends_its_server(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error escaping the app (here raised as it starts running) ends the command with its one
    line, and the server with it."""
    for name, value in environment(home).items():
        monkeypatch.setenv(name, value)
    servers: list[DemoServerProcess] = []
    start = cli.start_demo_process

    def recorded() -> DemoServerProcess:
        servers.append(start())
        return servers[-1]

    def crash(self: object) -> None:
        servers[0].wait_ready()
        raise RuntimeError("the app fell over")

    from tuimail.ui.app import TuimailApp

    monkeypatch.setattr(cli, "start_demo_process", recorded)
    monkeypatch.setattr(TuimailApp, "run", crash)
    assert cli.main(["--demo"]) == 1
    assert "stopped on an unexpected error (RuntimeError)" in capsys.readouterr().err
    assert gone(servers[0].pid, within=5), "the demo server outlived the crashed app"


def test_a_server_that_dies_ends_the_demo_with_a_clear_message(home: Path, terminals: list[Terminal]) -> None:
    terminal, _ = started(terminals, home)
    os.kill(terminal.server_pid(), signal.SIGKILL)
    assert terminal.process.wait(30) == 1
    assert "tuimail: error: cannot run the demo: the demo server was killed by signal 9" in terminal.output
    assert "Traceback" not in terminal.output


def test_a_server_that_cannot_start_is_a_clear_error(home: Path, terminals: list[Terminal]) -> None:
    """Without pymap (here a package of that name that cannot be imported) the demo ends at once
    with one line saying what is missing and how to install it."""
    broken = home / "no-pymap"
    (broken / "pymap").mkdir(parents=True, exist_ok=True)
    (broken / "pymap" / "__init__.py").write_text("raise ImportError('No module named pymap')\n")
    terminal = Terminal(["--demo"], environment(home, PYTHONPATH=str(broken)))
    terminals.append(terminal)
    assert terminal.process.wait(60) == 1
    output = terminal.output
    assert (
        "tuimail: error: cannot run the demo: the demo server exited with status 1: the demo needs pymap "
        "(pip install 'tuimail[demo]'): No module named pymap"
    ) in output, output[-2000:]
    assert "Traceback" not in output
