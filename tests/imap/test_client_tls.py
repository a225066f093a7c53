"""Implicit TLS refused by the server (RFC 8314 §5): an old-TLS-only
server, a reset during the handshake, no common version.  The client ends
with a SecurityError saying the TLS version or handshake was refused, not
a bare ConnectionResetError with an empty message, and sends nothing in
plaintext."""

from __future__ import annotations

import socket
import ssl
import struct
import warnings

import pytest

from tests.imap.scripted_server import Peer, ScriptCA, greet, scripted_server
from tuimail.imap import IMAP, SecurityError
from tuimail.imap.connection import handshake_error


def tls11_only(ca: ScriptCA) -> ssl.SSLContext:
    """A server context offering TLS 1.1 and nothing else."""
    ctx = ca.server_context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


async def greets(peer: Peer) -> None:
    greet(peer)
    await peer.line()


async def test_server_offering_only_tls_1_1_is_refused_with_a_security_error() -> None:
    ca = ScriptCA()
    async with scripted_server(greets, tls=tls11_only(ca)) as server:
        with pytest.raises(SecurityError, match="TLS") as info:
            await IMAP.connect("localhost", server.port, ssl_context=ca.client_context(), timeout=5)
    message = str(info.value)
    assert f"TLS with localhost:{server.port} failed" in message
    assert "no TLS version this client accepts (TLS 1.2 or later)" in message
    assert not server.received  # the scripted side never got a byte of IMAP


async def test_reset_during_the_handshake_is_a_security_error() -> None:
    async def reset(peer: Peer) -> None:
        await peer.reader.read(10)  # part of the ClientHello, then RST
        sock = peer.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        peer.writer.transport.abort()

    ca = ScriptCA()
    async with scripted_server(reset) as server:
        with pytest.raises(SecurityError, match="reset the connection during the TLS handshake") as info:
            await IMAP.connect("localhost", server.port, ssl_context=ca.client_context(), timeout=5)
    assert isinstance(info.value.__cause__, ConnectionResetError)


async def test_no_common_tls_version_is_a_security_error() -> None:
    """The server wants TLS 1.3, the client allows at most 1.2."""
    ca = ScriptCA()
    server_ctx = ca.server_context()
    server_ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    client_ctx = ca.client_context()
    client_ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    async with scripted_server(greets, tls=server_ctx) as server:
        with pytest.raises(SecurityError, match="TLS handshake") as info:
            await IMAP.connect("localhost", server.port, ssl_context=client_ctx, timeout=5)
    assert "no TLS version this client accepts (TLS 1.2 or later)" in str(info.value)


@pytest.mark.parametrize(
    "reason", ["UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "WRONG_VERSION_NUMBER"]
)
def test_tls_alerts_about_versions_say_the_version_was_refused(reason: str) -> None:
    """When OpenSSL does report the alert (a synchronous handshake, another
    platform), its reason is turned into the same plain statement."""
    error = ssl.SSLError(1, f"[SSL: {reason}] {reason.lower()}")
    error.reason = reason
    ctx = ssl.create_default_context()
    message = str(handshake_error("TLS with mail.example.com:993", error, ctx))
    assert message.startswith("TLS with mail.example.com:993 failed: TLS version or cipher refused")
    assert reason in message and "TLS 1.2 or later" in message


async def test_starttls_to_an_old_tls_only_server_is_a_security_error() -> None:
    ca = ScriptCA()
    old = tls11_only(ca)

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 STARTTLS")
        await peer.expect(b"STARTTLS", b"OK begin TLS")
        await peer.start_tls(old)

    async with scripted_server(script) as server:
        with pytest.raises(SecurityError, match="TLS handshake after STARTTLS failed") as info:
            await IMAP.connect(
                "localhost", server.port, tls="starttls", ssl_context=ca.client_context(), timeout=5
            )
    assert "TLS" in str(info.value).split("failed:", 1)[1]
    assert b"LOGIN" not in server.received
