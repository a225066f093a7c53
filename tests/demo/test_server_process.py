"""The demo's server in a child process: it serves the demo mailbox, never outlives its parent,
and a child that fails or hangs is a clear failure, never a wait."""

from __future__ import annotations

import imaplib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tuimail.demo.mailbox import demo_mailboxes
from tuimail.demo.server_process import DEMO_PASSWORD, DEMO_USER, DemoServerError, DemoServerProcess

INBOX_SIZE = len(demo_mailboxes()["INBOX"])
SENT_SIZE = len(demo_mailboxes()["Sent"])


@pytest.fixture(scope="module")
def cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the demo mailbox already (each child reads it, none builds it)."""
    folder = tmp_path_factory.mktemp("cache") / "tuimail"  # as $XDG_CACHE_HOME/tuimail
    demo_mailboxes(stored_in=folder)
    return folder


def gone(pid: int, within: float = 10.0) -> bool:
    """Whether process ``pid`` has ended (or is a zombie, ended but not yet reaped) in time."""
    deadline = time.monotonic() + within
    while True:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    if int(stat.read().rpartition(")")[2].split()[1]) == pid:
                        found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return found


@pytest.fixture
def server(cache_folder: Path) -> Iterator[DemoServerProcess]:
    process = DemoServerProcess(cache_folder=cache_folder)
    try:
        yield process
    finally:
        process.stop()


def test_the_child_serves_the_demo_mailbox_every_folder_complete(server: DemoServerProcess) -> None:
    server.wait_ready()
    client = imaplib.IMAP4("127.0.0.1", server.port)
    try:
        client.login(DEMO_USER, DEMO_PASSWORD)
        typ, data = client.select("INBOX")
        assert typ == "OK" and int(data[0] or 0) == INBOX_SIZE
        # The other folders are filled when first looked up: counts are whole from the start.
        typ, status = client.status("Sent", "(MESSAGES)")
        assert typ == "OK" and status[0] == f"Sent (MESSAGES {SENT_SIZE})".encode()
    finally:
        client.logout()
    assert server.failure() is None


def test_nothing_is_imported_from_the_current_folder(
    cache_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``tuimail --demo`` run in a folder holding a module named like one the server imports."""
    (tmp_path / "platformdirs.py").write_text("raise SystemExit('imported from the current folder')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_folder.parent))
    process = DemoServerProcess()  # no --cache: the server asks platformdirs for its folder
    try:
        process.wait_ready()
    finally:
        process.stop()


def test_a_connection_made_before_the_child_is_ready_is_served(cache_folder: Path) -> None:
    """The port is known at once: the kernel holds the connection until the child accepts it."""
    process = DemoServerProcess(cache_folder=cache_folder)
    try:
        client = imaplib.IMAP4("127.0.0.1", process.port, timeout=60)
        client.login(DEMO_USER, DEMO_PASSWORD)
        client.logout()
    finally:
        process.stop()


def test_stopping_ends_the_child_and_closes_the_port(server: DemoServerProcess) -> None:
    server.wait_ready()
    server.stop()
    assert server.returncode == 0
    assert gone(server.pid, within=0)
    with pytest.raises(ConnectionRefusedError):
        imaplib.IMAP4("127.0.0.1", server.port, timeout=5)
    assert server.failure() is None  # stopped on purpose: no failure to report


PARENT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tuimail.demo.server_process import DemoServerProcess
    process = DemoServerProcess(cache_folder=Path(sys.argv[1]))
    process.wait_ready()
    print(process.pid, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_child_ends_when_its_parent_is_killed(cache_folder: Path, how: signal.Signals) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(cache_folder)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert not gone(child, within=0)
        parent.send_signal(how)
        parent.wait(10)
        assert gone(child), "the demo server outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_a_child_that_fails_says_why() -> None:
    command = [sys.executable, "-c", "print('error: the disk is on fire', flush=True); raise SystemExit(3)"]
    failures: list[str] = []
    process = DemoServerProcess(command, on_failure=failures.append)
    try:
        with pytest.raises(DemoServerError) as info:
            process.wait_ready(10)
    finally:
        process.stop()
    assert str(info.value) == "the demo server exited with status 3: the disk is on fire"
    assert failures == [str(info.value)] and process.failure() == str(info.value)


def test_a_child_that_crashes_later_is_reported_once(server: DemoServerProcess) -> None:
    failures: list[str] = []
    server.on_failure(failures.append)
    server.wait_ready()
    os.kill(server.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not failures and time.monotonic() < deadline:
        time.sleep(0.05)
    assert failures == ["the demo server was killed by signal 9"]


def test_a_child_that_never_gets_ready_is_stopped_and_reported() -> None:
    command = [sys.executable, "-c", "import time; time.sleep(60)"]
    process = DemoServerProcess(command, ready_timeout=1.0)
    try:
        with pytest.raises(DemoServerError, match=r"did not start within 1 s"):
            process.wait_ready(10)
        assert gone(process.pid)
    finally:
        process.stop()


def test_a_child_that_ignores_the_end_of_its_input_is_killed() -> None:
    command = [sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(60)"]
    process = DemoServerProcess(command)
    process.wait_ready(10)
    started = time.monotonic()
    process.stop(timeout=0.5)
    assert time.monotonic() - started < 5
    assert process.returncode == -signal.SIGKILL
