"""COMPRESS=DEFLATE (RFC 4978) against a scripted server: the compressed
stream may start in the same packet as the OK, and a corrupt stream ends
the connection."""

from __future__ import annotations

import pytest

from tests.imap.scripted_server import Peer, greet, scripted_client
from tuimail.imap import ConnectionLost, ResponseTooLargeError


async def _login_then_compress(peer: Peer, after_ok: bytes) -> bytes:
    greet(peer, b"IMAP4rev1 AUTH=PLAIN")
    await peer.expect(b"LOGIN", b"OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] logged in")
    tag, name, rest = await peer.command()
    assert (name, rest) == (b"COMPRESS", b"DEFLATE")
    peer.send_compressed_after(tag + b" OK deflate active\r\n", after_ok)
    return tag


async def test_compression_starts_mid_packet_right_after_the_ok() -> None:
    async def script(peer: Peer) -> None:
        await _login_then_compress(peer, b"* OK [ALERT] first compressed bytes\r\n")
        tag, name, _ = await peer.command()  # read through the decompressor
        assert name == b"NOOP"
        peer.send(b"* OK [ALERT] second\r\n" + tag + b" OK noop done\r\n")
        await peer.expect(b"LOGOUT", b"OK bye")

    async with scripted_client(script) as (server, imap):
        alerts = imap.updates()
        await imap.login("joe", "pw")
        assert imap.compressed
        await imap.noop()
        texts = [alerts.get_nowait(), alerts.get_nowait()]
        assert [t.data.text for t in texts if t is not None] == ["first compressed bytes", "second"]
        await imap.logout()
    assert not server.errors, server.errors


async def test_corrupt_compressed_stream_ends_the_connection() -> None:
    async def script(peer: Peer) -> None:
        await _login_then_compress(peer, b"")
        await peer.command()
        peer.writer.write(b"\xff\xff\xff\xff not deflate at all")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        await imap.login("joe", "pw")
        with pytest.raises(ConnectionLost, match="compressed"):
            await imap.noop()


async def test_compression_can_be_declined() -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 AUTH=PLAIN")
        await peer.expect(b"LOGIN", b"OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] logged in")
        await peer.expect(b"NOOP")

    async with scripted_client(script, compress=False) as (server, imap):
        await imap.login("joe", "pw")
        await imap.noop()
        assert not imap.compressed
    assert b"COMPRESS" not in server.received


async def test_decompression_bomb_stops_at_the_response_size_limit() -> None:
    async def script(peer: Peer) -> None:
        await _login_then_compress(peer, b"")
        await peer.command()
        # ~64 MiB of one line, a few dozen KiB on the wire.
        peer.send(b"* OK " + b"A" * (64 * 1024 * 1024) + b"\r\n")
        await peer.line()

    async with scripted_client(script, max_response_size=1024 * 1024) as (server, imap):
        await imap.login("joe", "pw")
        with pytest.raises(ConnectionLost) as info:
            await imap.noop()
        assert isinstance(info.value.__cause__, ResponseTooLargeError)
