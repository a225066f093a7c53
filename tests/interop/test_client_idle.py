"""IDLE against the real servers: while one connection idles, a second
appends, flags and expunges, and the first sees each within a second with
its mailbox state right; IDLE restarts, yields to other commands, and
sends DONE when stopped or cancelled."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from tests.interop.helpers import connect, message
from tests.servers.info import ServerInfo
from tuimail.imap import IMAP, Idle, UntaggedResponse

#: The issue's bound for seeing another session's change while idling.
WITHIN = 1.0


async def _next(
    updates: Idle, name: str, match: Callable[[UntaggedResponse], bool] = lambda r: True
) -> UntaggedResponse:
    """The next update called ``name`` (and matching), within a second."""

    async def wait() -> UntaggedResponse:
        async for response in updates:
            if response.name == name and match(response):
                return response
        raise AssertionError(f"IDLE ended before {name}")

    return await asyncio.wait_for(wait(), WITHIN)


async def _pair(server: ServerInfo) -> tuple[IMAP, IMAP]:
    watcher = await connect(server)
    actor = await connect(server)  # the same user, a second session
    await watcher.select("INBOX")
    await actor.select("INBOX")
    return watcher, actor


async def test_idle_sees_append_flag_and_expunge_from_another_session(imap_server: ServerInfo) -> None:
    watcher, actor = await _pair(imap_server)
    try:
        async with watcher.idle() as updates:
            await actor.append("INBOX", message("first"))
            exists = await _next(updates, "EXISTS")
            assert exists.data == 1 and watcher.selected is not None and watcher.selected.exists == 1

            await actor.append("INBOX", message("second"))
            await _next(updates, "EXISTS")
            assert watcher.selected.exists == 2

            await actor.noop()
            await actor.store(1, "+FLAGS", ["\\Flagged"])
            fetch = await _next(updates, "FETCH", lambda r: "\\Flagged" in (r.data.flags or []))
            assert fetch.data.seqno == 1

            await actor.store(1, "+FLAGS", ["\\Deleted"])
            await actor.expunge()
            expunge = await _next(updates, "EXPUNGE")
            assert expunge.data == 1 and watcher.selected.exists == 1
        (left,) = await watcher.fetch(1, "ENVELOPE")
        assert left.attr["ENVELOPE"].subject == "second"
    finally:
        await actor.logout()
        await watcher.logout()


async def test_idle_iterated_directly_and_cancelled_sends_done(
    imap_server: ServerInfo, caplog: pytest.LogCaptureFixture
) -> None:
    watcher, actor = await _pair(imap_server)
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    seen: list[str] = []
    first = asyncio.Event()

    async def watch() -> None:
        async for response in watcher.idle():
            seen.append(response.name)
            first.set()

    task = asyncio.create_task(watch())
    try:
        await asyncio.sleep(0)  # let it start
        await _until_idling(caplog)
        await actor.append("INBOX", message("wake up"))
        await asyncio.wait_for(first.wait(), WITHIN)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert _sent(caplog, watcher)[-1] == "C: DONE"  # sent on cancellation, not later
        await watcher.noop()  # the connection still works after DONE
        assert "EXISTS" in seen
        client_lines = _sent(caplog, watcher)
        assert [line.split(" ", 2)[-1] for line in client_lines] == ["IDLE", "DONE", "NOOP"]
    finally:
        await actor.logout()
        await watcher.logout()


def _sent(caplog: pytest.LogCaptureFixture, imap: IMAP) -> list[str]:
    """What ``imap`` sent, from the protocol trace."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.getMessage().startswith("C:") and getattr(r, "imap_connection", None) == imap.trace_id
    ]


async def _until_idling(caplog: pytest.LogCaptureFixture) -> None:
    for _ in range(200):
        if any(r.getMessage().startswith("S: +") for r in caplog.records):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the server never accepted IDLE")


async def test_idle_restarts_itself_and_keeps_delivering(
    imap_server: ServerInfo, caplog: pytest.LogCaptureFixture
) -> None:
    watcher, actor = await _pair(imap_server)
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    try:
        async with watcher.idle(restart_after=0.05) as updates:
            while updates.rounds < 3:
                await asyncio.sleep(0.02)
            await actor.append("INBOX", message("after restarts"))
            await _next(updates, "EXISTS")
            assert watcher.selected is not None and watcher.selected.exists == 1
        sent = _sent(caplog, watcher)
        assert len([line for line in sent if line.endswith(" IDLE")]) >= 3
        assert sent.count("C: DONE") == len([line for line in sent if line.endswith(" IDLE")])
    finally:
        await actor.logout()
        await watcher.logout()


async def test_commands_issued_while_idling_run_and_idle_resumes(imap_server: ServerInfo) -> None:
    watcher, actor = await _pair(imap_server)
    try:
        await actor.append("INBOX", message("present"))
        async with watcher.idle() as updates:
            await _next(updates, "EXISTS")
            # Another coroutine uses the connection: IDLE steps aside.
            (fetched,) = await asyncio.wait_for(watcher.fetch(1, "ENVELOPE"), 5)
            assert fetched.attr["ENVELOPE"].subject == "present"
            await actor.append("INBOX", message("later"))
            await _next(updates, "EXISTS")
            assert watcher.selected is not None and watcher.selected.exists == 2
            assert updates.rounds >= 2
    finally:
        await actor.logout()
        await watcher.logout()
