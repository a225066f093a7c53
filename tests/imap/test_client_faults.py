"""Faulty and hostile servers (scripted): lost connections, BYE, garbage,
oversized literals, NO/BAD, timeouts, stray tags and continuations."""

from __future__ import annotations

import asyncio

import pytest

from tests.imap.scripted_server import Peer, greet, scripted_client, scripted_server
from tuimail.imap import (
    IMAP,
    BadResponseError,
    ByeResponseError,
    CommandTimeout,
    ConnectionLost,
    NoResponseError,
    ParseError,
    ResponseTooLargeError,
)


async def _selected(peer: Peer, capabilities: bytes = b"IMAP4rev1 IDLE UIDPLUS") -> None:
    greet(peer, capabilities)
    tag, name, _ = await peer.command()
    assert name == b"SELECT"
    peer.send(b"* 10 EXISTS\r\n" + tag + b" OK [READ-WRITE] selected\r\n")


async def test_lost_connection_fails_every_command_in_flight_and_later_ones() -> None:
    async def script(peer: Peer) -> None:
        await _selected(peer)
        await peer.command()
        await peer.command()
        peer.close()

    async with scripted_client(script) as (server, imap):
        await imap.select("INBOX")
        fetch = asyncio.create_task(imap.fetch(1, "FLAGS"))
        search = asyncio.create_task(imap.search(["ALL"]))
        results = await asyncio.gather(fetch, search, return_exceptions=True)
        assert all(isinstance(r, ConnectionLost) for r in results), results
        with pytest.raises(ConnectionLost):
            await imap.noop()
        assert imap.closed


async def test_bye_mid_command_raises_bye_error_with_server_text() -> None:
    async def script(peer: Peer) -> None:
        await _selected(peer)
        await peer.command()
        await peer.send_and_close(b"* BYE [UNAVAILABLE] server shutting down\r\n")

    async with scripted_client(script) as (server, imap):
        updates = imap.updates()
        await imap.select("INBOX")
        with pytest.raises(ByeResponseError) as info:
            await imap.fetch(1, "FLAGS")
        assert info.value.text == "server shutting down"
        assert info.value.code is not None and info.value.code.name == "UNAVAILABLE"
        bye = await updates.get()
        assert bye is not None and bye.name == "BYE"
        with pytest.raises(ConnectionLost):
            await imap.noop()


async def test_bye_greeting_is_an_error() -> None:
    async def script(peer: Peer) -> None:
        peer.send(b"* BYE too many connections\r\n")

    async with scripted_server(script) as server:
        with pytest.raises(ByeResponseError, match="too many connections"):
            await IMAP.connect("127.0.0.1", server.port, tls="none")


@pytest.mark.parametrize(
    ("answer", "error", "code", "text"),
    [
        (b"NO [TRYCREATE] Mailbox does not exist", NoResponseError, "TRYCREATE", "Mailbox does not exist"),
        (b"BAD [PARSE] Bad arguments", BadResponseError, "PARSE", "Bad arguments"),
        (b"NO Permission denied", NoResponseError, None, "Permission denied"),
    ],
)
async def test_no_and_bad_raise_distinct_errors_with_text_and_code(
    answer: bytes, error: type[Exception], code: str | None, text: str
) -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        await peer.expect(b"SELECT", answer)
        await peer.expect(b"NOOP")

    async with scripted_client(script) as (server, imap):
        with pytest.raises(error) as info:
            await imap.select("Nowhere")
        assert isinstance(info.value, NoResponseError) == (error is NoResponseError)
        assert info.value.text == text
        assert (info.value.code.name if info.value.code else None) == code
        assert imap.selected is None
        await imap.noop()  # the connection is still usable


async def test_garbage_response_ends_the_connection_with_parse_error_cause() -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        await peer.command()
        peer.send(b"\x00\x01garbage (((\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        with pytest.raises(ConnectionLost) as info:
            await imap.noop()
        assert isinstance(info.value.__cause__, ParseError)


async def test_garbage_greeting_is_refused() -> None:
    async def script(peer: Peer) -> None:
        peer.send(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        await peer.line()

    async with scripted_server(script) as server:
        with pytest.raises(ConnectionLost) as info:
            await IMAP.connect("127.0.0.1", server.port, tls="none")
        assert isinstance(info.value.__cause__, ParseError)


async def test_oversized_literal_fails_at_once_without_waiting_for_data() -> None:
    async def script(peer: Peer) -> None:
        await _selected(peer)
        await peer.command()
        peer.send(b"* 1 FETCH (BODY[] {99999999999}\r\n")  # then nothing: the client must not wait
        await peer.line()

    async with scripted_client(script, max_response_size=1024 * 1024) as (server, imap):
        await imap.select("INBOX")
        with pytest.raises(ConnectionLost) as info:
            await imap.fetch(1, "BODY[]")
        assert isinstance(info.value.__cause__, ResponseTooLargeError)


async def test_oversized_literal_drops_the_connection_and_fails_every_command() -> None:
    client_left = asyncio.Event()

    async def script(peer: Peer) -> None:
        await _selected(peer)
        await peer.command()
        await peer.command()
        peer.send(b"* 1 FETCH (BODY[] {99999999999}\r\n")  # and never the data
        try:
            while True:
                await peer.line()
        except ConnectionError:
            client_left.set()  # the client closed its end: the connection is dropped

    async with scripted_client(script, max_response_size=1024 * 1024) as (server, imap):
        await imap.select("INBOX")
        updates = imap.updates()
        in_flight = [
            asyncio.create_task(imap.uid_fetch(1, "BODY[]")),
            asyncio.create_task(imap.uid_search(["ALL"])),
            asyncio.create_task(imap.noop()),  # may still be waiting its turn: fails too
        ]
        # wait_for only guards against a hang; nothing here depends on timing
        results = await asyncio.wait_for(asyncio.gather(*in_flight, return_exceptions=True), 30)
        assert all(isinstance(r, ConnectionLost) for r in results), results
        cause = results[0].__cause__
        assert isinstance(cause, ResponseTooLargeError), cause
        assert "99999999999" in str(cause) and "1048576" in str(cause)  # what and which limit
        assert imap.closed
        assert [u async for u in updates] == []  # subscribers are told it is over
        await asyncio.wait_for(client_left.wait(), 30)
        with pytest.raises(ConnectionLost):
            await imap.noop()


async def test_command_timeout_raises_and_closes_the_connection() -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        await peer.command()  # never answered
        await peer.line()

    async with scripted_client(script, command_timeout=0.2) as (server, imap):
        with pytest.raises(CommandTimeout):
            await imap.noop()
        assert imap.closed


async def test_greeting_timeout_raises_command_timeout() -> None:
    async def script(peer: Peer) -> None:
        await peer.line()  # no greeting

    async with scripted_server(script) as server:
        with pytest.raises(CommandTimeout):
            await IMAP.connect("127.0.0.1", server.port, tls="none", timeout=0.2)


async def test_unknown_tag_and_unexpected_continuation_are_ignored() -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        tag, _, _ = await peer.command()
        peer.send(b"X999 OK [ALERT] not yours\r\n+ send me something\r\n" + tag + b" OK done\r\n")
        await peer.expect(b"NOOP")

    async with scripted_client(script) as (server, imap):
        await imap.noop()
        await imap.noop()
        lines = bytes(server.received).split(b"\r\n")
        assert [line.split(b" ")[1] for line in lines if line] == [b"NOOP", b"NOOP"]


async def test_literal_refused_by_server_is_never_sent() -> None:
    secret = b"Subject: do not send\r\n\r\nbody\r\n"

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1")  # no LITERAL+: synchronising literals
        tag, name, rest = await peer.command()
        assert name == b"APPEND" and rest.endswith(b"{%d}" % len(secret))
        peer.send(tag + b" NO [OVERQUOTA] mailbox full\r\n")
        await peer.expect(b"NOOP")

    async with scripted_client(script) as (server, imap):
        with pytest.raises(NoResponseError) as info:
            await imap.append("INBOX", secret)
        assert info.value.code is not None and info.value.code.name == "OVERQUOTA"
        await imap.noop()
    assert b"do not send" not in server.received


async def test_synchronising_literal_waits_for_continuation() -> None:
    message = b"Subject: hi\r\n\r\nhello\r\n"

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 UIDPLUS")
        tag, name, rest = await peer.command()
        assert name == b"APPEND"
        assert len(peer._pending) == 0  # nothing after the announcement yet
        peer.send(b"+ go ahead\r\n")
        data = await peer.read_exactly(len(message))
        assert data == message
        assert await peer.line() == b"\r\n"
        peer.send(tag + b" OK [APPENDUID 7 42] appended\r\n")

    async with scripted_client(script) as (server, imap):
        result = await imap.append("INBOX", message)
        assert result is not None and result.uidvalidity == 7 and list(result.assigned_uids) == [42]
    assert not server.errors, server.errors
