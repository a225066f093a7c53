"""IDLE edge cases against a scripted server (live behaviour is tested
against pymap and Dovecot in tests/interop/test_client_idle.py)."""

from __future__ import annotations

import asyncio

import pytest

from tests.imap.scripted_server import Peer, Running, Script, answering, greet, scripted_client
from tuimail.imap import BadResponseError, ByeResponseError, ConnectionLost, InvalidStateError
from tuimail.imap.idle import Idle


def idle_accepted_late(accept: asyncio.Event, noops: int) -> Script:
    """A server that answers IDLE with "+" only once ``accept`` is set,
    then wants DONE, then ``noops`` NOOPs and nothing else (no new IDLE)."""

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 IDLE")
        tag, name, _ = await peer.command()
        assert name == b"IDLE"
        await accept.wait()
        peer.send(b"+ idling\r\n")
        assert await peer.line() == b"DONE\r\n"
        peer.send(tag + b" OK idle done\r\n")
        for _ in range(noops):
            await peer.expect(b"NOOP")

    return script


async def idle_sent(server: Running, idle: Idle) -> asyncio.Task[None]:
    """Start ``idle`` and return once the server has received IDLE."""
    starting = asyncio.create_task(idle.start())
    while b"IDLE" not in server.received:
        await asyncio.sleep(0.01)
    return starting


async def test_stop_before_the_server_accepts_sends_done_once_accepted() -> None:
    accept = asyncio.Event()
    async with scripted_client(idle_accepted_late(accept, noops=1)) as (server, imap):
        idle = imap.idle()
        starting = await idle_sent(server, idle)
        stopping = asyncio.create_task(idle.stop())
        await asyncio.sleep(0)
        accept.set()
        await asyncio.gather(starting, stopping)
        await imap.noop()
    assert not server.errors, server.errors


async def test_start_cancelled_before_the_server_accepts_ends_idle_instead_of_looping() -> None:
    """A caller that gives up waiting for "+" (e.g. a timeout) must not leave
    an IDLE behind that keeps restarting itself after every command."""
    accept = asyncio.Event()
    async with scripted_client(idle_accepted_late(accept, noops=2)) as (server, imap):
        idle = imap.idle()
        starting = await idle_sent(server, idle)
        starting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await starting
        accept.set()
        await imap.noop()
        await imap.noop()
        assert idle.rounds == 1
    assert server.received.count(b"IDLE") == 1
    assert not server.errors, server.errors


async def test_idle_refused_by_server_raises_on_start() -> None:
    script = answering(b"IMAP4rev1 IDLE", b"IDLE", b"BAD not now")
    async with scripted_client(script) as (_, imap):
        with pytest.raises(BadResponseError, match="not now"):
            async with imap.idle():
                pass


async def test_idle_without_capability_is_refused_before_sending() -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        with pytest.raises(InvalidStateError):
            async with imap.idle():
                pass
    assert server.received == b""


async def test_idle_iteration_ends_when_server_says_bye() -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 IDLE")
        await peer.command()
        await peer.send_and_close(b"+ idling\r\n* 4 EXISTS\r\n* BYE idle timeout\r\n")

    async with scripted_client(script) as (server, imap):
        seen = []
        with pytest.raises((ByeResponseError, ConnectionLost)):
            async with imap.idle() as updates:
                async for response in updates:
                    seen.append(response.name)
        assert seen == ["EXISTS", "BYE"]


class PublicOnly:
    """The real client seen through its public attributes only: reaching
    for a private one (``_pipeline``, ``_conn``...) is an AttributeError."""

    def __init__(self, engine: object) -> None:
        self._engine = engine

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(f"IDLE reached into the engine's private {name!r}")
        return getattr(self._engine, name)


async def test_idle_runs_on_the_engines_public_interface_only() -> None:
    """Start, an update, a command that interrupts IDLE (DONE, NOOP, IDLE
    again), and the end: all through the public surface."""

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 IDLE")
        tag, name, _ = await peer.command()
        assert name == b"IDLE"
        peer.send(b"+ idling\r\n* 3 EXISTS\r\n")
        assert await peer.line() == b"DONE\r\n"
        peer.send(tag + b" OK idle done\r\n")
        await peer.expect(b"NOOP")
        tag, name, _ = await peer.command()
        assert name == b"IDLE"
        peer.send(b"+ idling\r\n")
        assert await peer.line() == b"DONE\r\n"
        peer.send(tag + b" OK idle done\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        idle = Idle(PublicOnly(imap))  # type: ignore[arg-type]
        async with idle:
            update = await anext(idle)
            assert (update.name, update.data) == ("EXISTS", 3)
            await imap.noop()
            while idle.rounds < 2:
                await asyncio.sleep(0.01)
        assert idle.rounds == 2
    assert server.received.count(b"DONE\r\n") == 2
    assert not server.errors, server.errors
