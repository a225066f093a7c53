"""Values that could inject commands (CR, LF, NUL) never reach the wire
raw: they go as literals or are refused before anything is sent."""

from __future__ import annotations

import pytest

from tests.imap.scripted_server import Peer, greet, scripted_server
from tuimail.imap import IMAP, EncodeError


async def _literal_server(peer: Peer, received: list[bytes]) -> None:
    """Reads whole commands, literals included (all synchronising)."""
    greet(peer, b"IMAP4rev1")  # no LITERAL+: every literal is synchronising
    while True:
        line = await peer.line()
        received.append(line)
        tag, name = line.split(b" ")[:2]
        while line.rstrip(b"\r\n").endswith(b"}"):
            size = int(line.rstrip(b"\r\n").rsplit(b"{", 1)[1].rstrip(b"}"))
            peer.send(b"+ go\r\n")
            received.append(await peer.read_exactly(size))
            line = await peer.line()  # the rest of the command line
            received.append(line)
        if name.upper() == b"SELECT":
            peer.send(b"* 1 EXISTS\r\n")
        peer.send(tag + b" OK done\r\n")


@pytest.mark.parametrize(
    "call",
    [
        lambda imap: imap.select("INBOX\r\nT99 DELETE INBOX"),
        lambda imap: imap.search(["SUBJECT", "x\r\nT99 EXPUNGE"]),
        lambda imap: imap.create("a\nT99 LOGOUT"),
    ],
    ids=["select", "search", "create"],
)
async def test_line_breaks_in_arguments_travel_inside_literals(call: object) -> None:
    received: list[bytes] = []
    async with scripted_server(lambda peer: _literal_server(peer, received)) as server:
        imap = await IMAP.connect("127.0.0.1", server.port, tls="none")
        await imap.select("INBOX")
        await call(imap)  # type: ignore[operator]
    # The payload arrives only as literal data, never as a line of its own.
    assert not [r for r in received if r.startswith(b"T99")], received
    assert any(b"T99" in r and not r.startswith(b"T99") for r in received), received


@pytest.mark.parametrize(
    "call",
    [
        lambda imap: imap.store(1, "+FLAGS", ["\\Seen)\r\nT99 EXPUNGE"]),
        lambda imap: imap.store(1, "+FLAGS\r\nT99", ["\\Seen"]),
        lambda imap: imap.fetch(1, "BODY[]\r\nT99 EXPUNGE"),
        lambda imap: imap.fetch(1, "BODY[] {5}"),
        lambda imap: imap.status("INBOX", ["MESSAGES) T99 EXPUNGE ("]),
        lambda imap: imap.login("joe\0", "x"),
    ],
    ids=["flag", "store-item", "fetch-crlf", "fetch-literal", "status-item", "nul"],
)
async def test_unsafe_atoms_are_refused_before_sending(call: object) -> None:
    received: list[bytes] = []
    async with scripted_server(lambda peer: _literal_server(peer, received)) as server:
        imap = await IMAP.connect("127.0.0.1", server.port, tls="none")
        await imap.select("INBOX")
        with pytest.raises(EncodeError):
            await call(imap)  # type: ignore[operator]
        await imap.noop()  # still usable: nothing half-sent
    assert len(received) == 2 and received[1].split(b" ")[1] == b"NOOP\r\n"
