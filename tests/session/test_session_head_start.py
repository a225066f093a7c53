"""The head start: the first connection opened and logged in before the session (and Textual)
is imported, on the thread the session then runs on; the session takes it as its first."""

from __future__ import annotations

import asyncio
import socket
import threading

from tuimail.session import messages as m
from tuimail.session.head_start import HeadStart

from .support import TraceLines, account_for, pymap_thread, seeded, started


async def logged_in(trace: TraceLines) -> None:
    """Until the server accepted the LOGIN."""
    for _ in range(1000):
        tags = [line.split()[1] for line in trace.sent() if line.endswith(" LOGIN <redacted>")]
        if tags and any(line.startswith(f"S: {tags[0]} OK") for line in trace.lines):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not logged in: {trace.lines}")


def session_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("tuimail-session-")]


async def test_the_session_takes_the_connection_the_head_start_logged_in(trace: TraceLines) -> None:
    with pymap_thread(seeded(3)) as server:
        head = HeadStart.begin(account_for(server.port))
        assert head is not None
        await logged_in(trace)  # before the session exists
        assert trace.commands() == ["LOGIN"]
        async with started(server.port, head_start=head) as (_session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
            assert head.taken and session_threads() == ["tuimail-session-test"]
        head.close()  # taken: nothing more
    connecting = [line for line in trace.lines if line.startswith("-- connecting")]
    assert len(connecting) == 1 and trace.commands().count("LOGIN") == 1, trace.lines
    assert trace.commands()[1:3] == ["LIST", "SELECT"], trace.commands()


async def test_a_head_start_no_session_took_is_logged_out_and_its_thread_ends(trace: TraceLines) -> None:
    with pymap_thread(seeded(1)) as server:
        head = HeadStart.begin(account_for(server.port))
        assert head is not None
        await logged_in(trace)
        await asyncio.to_thread(head.close)
        assert trace.commands() == ["LOGIN", "LOGOUT"]
        assert session_threads() == []


async def test_a_head_start_that_failed_fails_the_first_try_and_the_next_connects_anew(
    trace: TraceLines,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    head = HeadStart.begin(account_for(port))
    assert head is not None
    async with started(port, head_start=head) as (_session, got):
        offline = await got.wait_for(m.ConnectionChanged, lambda c: c.state == "offline")
        assert offline.retry_at is not None and offline.detail.startswith("Cannot reach the server"), offline
        await got.until(
            lambda: sum(line.startswith("-- connecting") for line in trace.lines) >= 2, what="a new try"
        )
    assert head.taken
