"""APPEND on the wire: line ends made CRLF (RFC 5322 §2.1) unless verbatim
(read back from pymap and Dovecot in tests/interop/test_client_commands.py)."""

from __future__ import annotations

import pytest

from tests.imap.scripted_server import Peer, greet, scripted_client


@pytest.mark.parametrize(
    ("verbatim", "sent"),
    [(False, b"Subject: x\r\n\r\nline\r\nline\r\n"), (True, b"Subject: x\n\nline\rline\n")],
)
async def test_append_sends_crlf_unless_verbatim(verbatim: bool, sent: bytes) -> None:
    """On the wire: the literal holds CRLF line ends (its announced size
    counts them), or the caller's bytes untouched with verbatim=True."""

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1")
        tag, name, rest = await peer.command()
        assert name == b"APPEND" and rest == b"INBOX {%d}" % len(sent)
        peer.send(b"+ go\r\n")
        assert await peer.read_exactly(len(sent)) == sent
        assert await peer.line() == b"\r\n"
        peer.send(tag + b" OK appended\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        await imap.append("INBOX", b"Subject: x\n\nline\rline\n", verbatim=verbatim)
    assert not server.errors, server.errors
