"""The head start: the first connection opened and logged in before the session (and Textual)
is imported, on the thread the session then runs on; the session takes it as its first."""

from __future__ import annotations

import asyncio
import socket
import threading

from tuimail.session import messages as m
from tuimail.session.head_start import HeadStart

from .support import TraceLines, account_for, command_name, pymap_thread, seeded, started


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


async def test_the_session_takes_the_opening_and_first_page_the_head_start_sent(trace: TraceLines) -> None:
    """Nothing cached: the head start sends SELECT as soon as it has logged in and the FETCH of
    the newest page once the SELECT is answered; the session sends neither again."""
    with pymap_thread(seeded(80)) as server:
        head = HeadStart.begin(account_for(server.port), select="INBOX")
        assert head is not None
        for _ in range(500):  # both answered before the session exists
            fetched = [line.split()[1] for line in trace.sent() if command_name(line) == "FETCH"]
            if fetched and any(line.startswith(f"S: {fetched[0]} OK") for line in trace.lines):
                break
            await asyncio.sleep(0.02)
        assert trace.commands() == ["LOGIN", "SELECT", "FETCH"], trace.lines
        fetch = trace.sent()[-1]
        assert " FETCH 21:80 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)" in fetch, fetch
        async with started(server.port, head_start=head) as (_session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects()[:60], what="rows")
            assert got.subjects()[:2] == ["Message number 80", "Message number 79"]
            await got.until(lambda: "IDLE" in trace.commands(), what="the follow-ups done")
        head.close()
    commands = trace.commands()
    assert commands.count("SELECT") == 1 and commands.count("LOGIN") == 1, commands
    fetches = [line for line in trace.sent() if command_name(line) == "FETCH"]
    assert fetches[0] == fetch and all(" 21:80 " not in line for line in fetches[1:]), fetches
    assert commands[3] == "LIST", commands


async def test_an_opening_the_session_would_not_send_is_answered_then_left_for_its_own(
    trace: TraceLines,
) -> None:
    """The head start examined INBOX, the session is not read-only: the session waits for both
    early answers, then selects INBOX itself and fetches its rows."""
    with pymap_thread(seeded(30)) as server:
        head = HeadStart.begin(account_for(server.port), select="INBOX", read_only=True)
        assert head is not None
        async with started(server.port, head_start=head) as (_session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
            assert got.view is not None and not got.view.read_only
        head.close()
    commands = trace.commands()
    assert commands[:2] == ["LOGIN", "EXAMINE"], commands
    assert commands.index("FETCH") < commands.index("SELECT"), commands
    tags = {command_name(line): line.split()[1] for line in reversed(trace.sent())}
    answered = [i for i, line in enumerate(trace.lines) if line.startswith(f"S: {tags['FETCH']} OK")]
    selected = [i for i, line in enumerate(trace.lines) if line.startswith("C: ") and " SELECT INBOX" in line]
    assert answered and selected and answered[0] < selected[0], trace.lines
    assert commands.count("SELECT") == 1, commands
