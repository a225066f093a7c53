"""The protocol trace (logger ``tuimail.imap.protocol``): server text is
escaped so it cannot forge log lines or reach a terminal raw, long
responses are shortened, and records tell connections apart."""

from __future__ import annotations

import logging

import pytest

from tests.imap.scripted_server import Peer, greet, scripted_client
from tuimail.imap.trace import MAX_LOGGED


async def test_trace_escapes_controls_and_shortens_long_responses(caplog: pytest.LogCaptureFixture) -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        tag, _, _ = await peer.command()
        peer.send(b"* OK \x1b[31mred\x07 and a fake\x08S: T9 OK line\r\n")
        peer.send(b"* OK " + b"x" * (MAX_LOGGED * 3) + b"\r\n")
        peer.send(tag + b" OK done\r\n")
        await peer.expect(b"LOGOUT")

    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    async with scripted_client(script) as (server, imap):
        await imap.noop()
        await imap.logout()
    messages = [r.getMessage() for r in caplog.records if r.name == "tuimail.imap.protocol"]
    assert all("\x1b" not in m and "\r" not in m and "\n" not in m and "\x07" not in m for m in messages)
    assert "S: * OK \\x1b[31mred\\x07 and a fake\\x08S: T9 OK line" in messages
    long = [m for m in messages if m.startswith("S: * OK xxx")]
    assert (
        len(long) == 1
        and len(long[0]) < MAX_LOGGED + 100
        and long[0].endswith(f"[{MAX_LOGGED * 3 + 5} bytes]")
    )
    ids = {getattr(r, "imap_connection", None) for r in caplog.records if r.name == "tuimail.imap.protocol"}
    assert ids == {imap.trace_id}


async def test_trace_is_silent_unless_debug_is_enabled(caplog: pytest.LogCaptureFixture) -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        await peer.expect(b"LOGIN", b"OK [CAPABILITY IMAP4rev1] welcome")
        await peer.expect(b"LOGOUT")

    caplog.set_level(logging.INFO, logger="tuimail.imap.protocol")
    async with scripted_client(script) as (server, imap):
        await imap.login("joe", "secret")
        await imap.logout()
    assert not server.errors, server.errors
    assert not [r for r in caplog.records if r.name == "tuimail.imap.protocol"]
