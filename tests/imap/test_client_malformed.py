"""Malformed but framable server data (RFC 9051 §7.1 response codes,
§7.4 EXISTS): a known code with bad data is ignored and logged like an
unknown one, the connection carries on; a message-status response without
its number is the parser's own ParseError, never a TypeError inside the
data callback."""

from __future__ import annotations

import logging

import pytest

from tests.imap.scripted_server import Peer, greet, scripted_client
from tuimail.imap import ConnectionLost, ParseError

MALFORMED_CODES = (
    b"* OK [UIDNEXT abc] predicted next UID\r\n"
    b"* OK [UIDVALIDITY] UIDs valid\r\n"
    b"* OK [UNSEEN] first unseen\r\n"
    b"* OK [HIGHESTMODSEQ] highest\r\n"
    b"* OK [PERMANENTFLAGS x] limited\r\n"
    b"* OK [MAILBOXID] id\r\n"
)


async def test_malformed_codes_in_select_are_ignored_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        tag, name, _ = await peer.command()
        assert name == b"SELECT"
        peer.send(b"* 3 EXISTS\r\n" + MALFORMED_CODES + tag + b" OK [UIDNEXT] [READ-WRITE] done\r\n")
        tag, name, _ = await peer.command()
        peer.send(MALFORMED_CODES + b"* OK [UIDNEXT 9] fine now\r\n" + tag + b" OK noop\r\n")
        await peer.expect(b"LOGOUT")

    caplog.set_level(logging.INFO, logger="tuimail.imap")
    async with scripted_client(script) as (server, imap):
        state = await imap.select("INBOX")
        assert state.exists == 3
        assert (state.uidnext, state.uidvalidity, state.unseen, state.highest_modseq) == (None,) * 4
        assert state.permanent_flags == [] and state.mailbox_id is None
        await imap.noop()
        assert state.uidnext == 9 and not imap.closed
        await imap.logout()
    assert not server.errors, server.errors
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "tuimail.imap")
    for name in ("UIDNEXT", "UIDVALIDITY", "UNSEEN", "HIGHESTMODSEQ", "PERMANENTFLAGS", "MAILBOXID"):
        assert f"ignoring {name} with malformed data" in logged


@pytest.mark.parametrize(
    "line", [b"* EXISTS", b"* RECENT", b"* EXPUNGE", b"* FETCH (FLAGS ())", b"* 4294967296 EXISTS"]
)
async def test_message_status_without_a_valid_number_is_a_parse_error(line: bytes) -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        tag, name, _ = await peer.command()
        peer.send(b"* 3 EXISTS\r\n" + tag + b" OK [READ-WRITE] done\r\n")
        tag, name, _ = await peer.command()
        peer.send(line + b"\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        await imap.select("INBOX")
        with pytest.raises(ConnectionLost) as info:
            await imap.noop()
        assert isinstance(info.value.__cause__, ParseError)
        assert imap.closed and imap.selected is not None and imap.selected.exists == 3
    assert not server.errors, server.errors
