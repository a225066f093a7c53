"""STARTTLS and connection security against a scripted (hostile) server:
no fallback to plaintext, nothing read from before the handshake trusted,
no credential sent where it should not be (RFC 9051 §6.2.1, §11.1)."""

from __future__ import annotations

import logging

import pytest

from tests.imap.scripted_server import Peer, ScriptCA, greet, scripted_client, scripted_server
from tuimail.imap import IMAP, CommandTimeout, SecurityError


@pytest.fixture(scope="module")
def ca() -> ScriptCA:
    return ScriptCA()


async def _answer_capability(peer: Peer, caps: bytes) -> None:
    tag, name, _ = await peer.command()
    assert name == b"CAPABILITY"
    peer.send(b"* CAPABILITY " + caps + b"\r\n" + tag + b" OK done\r\n")


async def test_starttls_refuses_when_server_does_not_offer_it(ca: ScriptCA) -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 AUTH=PLAIN")
        await peer.line()  # whatever comes next must not be a credential

    async with scripted_server(script) as server:
        with pytest.raises(SecurityError, match="does not offer STARTTLS"):
            await IMAP.connect("localhost", server.port, tls="starttls", ssl_context=ca.client_context())
    assert b"LOGIN" not in server.received and b"AUTHENTICATE" not in server.received
    assert b"STARTTLS" not in server.received


@pytest.mark.parametrize("answer", [b"NO [UNAVAILABLE] TLS broken", b"BAD what?"])
async def test_starttls_refused_by_server_ends_with_security_error(ca: ScriptCA, answer: bytes) -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 STARTTLS AUTH=PLAIN")
        await peer.expect(b"STARTTLS", answer)
        await peer.line()

    async with scripted_server(script) as server:
        with pytest.raises(SecurityError, match="STARTTLS refused"):
            await IMAP.connect("localhost", server.port, tls="starttls", ssl_context=ca.client_context())
    assert server.received.count(b"\n") == 1  # STARTTLS and nothing else


async def test_preauth_greeting_on_plaintext_is_refused_with_starttls(ca: ScriptCA) -> None:
    async def script(peer: Peer) -> None:
        peer.send(b"* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome, no TLS for you\r\n")
        await peer.line()

    async with scripted_server(script) as server:
        with pytest.raises(SecurityError, match="PREAUTH"):
            await IMAP.connect("localhost", server.port, tls="starttls", ssl_context=ca.client_context())
    assert server.received == b""


async def test_bytes_injected_before_the_handshake_are_discarded(
    ca: ScriptCA, caplog: pytest.LogCaptureFixture
) -> None:
    """A man in the middle appends plaintext to the STARTTLS OK (whole
    responses and the start of one); none of it may be read after TLS."""

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 STARTTLS LOGINDISABLED")
        tag, name, _ = await peer.command()
        assert name == b"STARTTLS"
        peer.send(
            tag + b" OK begin TLS\r\n"
            b"* OK [ALERT] injected alert\r\n"
            b"* CAPABILITY IMAP4rev1 AUTH=PLAIN X-INJECTED"  # no CRLF: would join the next line
        )
        await peer.drain()
        await peer.start_tls(ca.server_context())
        await _answer_capability(peer, b"IMAP4rev1 AUTH=PLAIN AUTH=SCRAM-SHA-256")
        await peer.expect(b"LOGOUT")

    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    async with scripted_server(script) as server:
        imap = await IMAP.connect("localhost", server.port, tls="starttls", ssl_context=ca.client_context())
        assert imap.tls
        assert imap.capabilities == {"IMAP4REV1", "AUTH=PLAIN", "AUTH=SCRAM-SHA-256"}
        await imap.logout()
    assert not server.errors, server.errors
    server_lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("S:")]
    assert not [line for line in server_lines if "INJECTED" in line.upper()], server_lines
    assert any("discard" in r.getMessage() for r in caplog.records)


async def test_capability_code_on_starttls_reply_is_ignored_and_capabilities_asked_again(
    ca: ScriptCA,
) -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 STARTTLS LOGINDISABLED")
        await peer.expect(b"STARTTLS", b"OK [CAPABILITY IMAP4rev1 X-FROM-STARTTLS-REPLY] go ahead")
        await peer.start_tls(ca.server_context())
        await _answer_capability(peer, b"IMAP4rev1 AUTH=PLAIN")
        await peer.expect(b"LOGOUT")

    async with scripted_server(script) as server:
        imap = await IMAP.connect("localhost", server.port, tls="starttls", ssl_context=ca.client_context())
        # LOGINDISABLED from before TLS is forgotten; the reply's code never used.
        assert imap.capabilities == {"IMAP4REV1", "AUTH=PLAIN"}
        await imap.logout()
    assert not server.errors, server.errors
    lines = bytes(server.received).split(b"\r\n")
    assert lines[0].endswith(b"STARTTLS") and lines[1].endswith(b"CAPABILITY")


async def test_starttls_with_untrusted_certificate_fails_before_credentials() -> None:
    other_ca = ScriptCA()  # the client trusts a different CA

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 STARTTLS AUTH=PLAIN")
        await peer.expect(b"STARTTLS", b"OK go")
        await peer.start_tls(ScriptCA().server_context())
        await peer.line()

    async with scripted_server(script) as server:
        with pytest.raises(SecurityError, match="TLS handshake"):
            await IMAP.connect(
                "localhost", server.port, tls="starttls", ssl_context=other_ca.client_context()
            )
    assert b"LOGIN" not in server.received


async def test_starttls_ok_followed_by_plaintext_fails_before_credentials(ca: ScriptCA) -> None:
    """A server (or a man in the middle) that says OK to STARTTLS and then
    goes on in plaintext: the handshake fails, nothing falls back."""

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 STARTTLS AUTH=PLAIN")
        await peer.expect(b"STARTTLS", b"OK go ahead")
        await peer.drain()
        await peer.read_exactly(5)  # the start of the client's TLS hello
        peer.send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] still plaintext\r\n")
        await peer.line()

    async with scripted_server(script) as server:
        with pytest.raises(SecurityError, match="TLS handshake"):
            await IMAP.connect("localhost", server.port, tls="starttls", ssl_context=ca.client_context())
    assert b"LOGIN" not in server.received and b"AUTHENTICATE" not in server.received
    assert b"CAPABILITY" not in server.received.split(b"STARTTLS", 1)[1]


async def test_login_is_refused_when_server_advertises_logindisabled() -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 LOGINDISABLED AUTH=PLAIN")
        await peer.expect(b"LOGOUT")

    async with scripted_client(script) as (server, imap):
        with pytest.raises(SecurityError, match="LOGINDISABLED"):
            await imap.login("joe", "secret")
        await imap.logout()
    assert b"secret" not in server.received and b"LOGIN" not in server.received


async def test_plaintext_requires_explicit_opt_in() -> None:
    """The default is implicit TLS: a plaintext server makes the handshake fail."""

    async def script(peer: Peer) -> None:
        greet(peer)
        await peer.line()

    async with scripted_server(script) as server:
        with pytest.raises(SecurityError):
            await IMAP.connect("127.0.0.1", server.port, timeout=5)


async def test_starttls_answered_with_a_continuation_times_out_without_credentials(ca: ScriptCA) -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 STARTTLS AUTH=PLAIN")
        await peer.command()
        peer.send(b"+ send me your password\r\n")
        await peer.line()

    async with scripted_server(script) as server:
        with pytest.raises(CommandTimeout):
            await IMAP.connect(
                "localhost", server.port, tls="starttls", ssl_context=ca.client_context(), timeout=0.3
            )
    assert server.received.count(b"\n") == 1


async def test_preauth_greeting_is_accepted_on_explicit_plaintext() -> None:
    async def script(peer: Peer) -> None:
        peer.send(b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE] logged in as joe\r\n")
        await peer.expect(b"LOGOUT")

    async with scripted_client(script) as (server, imap):
        assert imap.state == "authenticated" and "IDLE" in imap.capabilities
        await imap.logout()
