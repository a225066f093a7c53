"""AUTHENTICATE with every SASL mechanism against a scripted server:
exact wire messages, SASL-IR, cancellation, SCRAM server verification, and
credentials never in the protocol trace (RFC 9051 §6.2.2, RFC 4959)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging

import pytest
import scramp

from tests.imap.scripted_server import Peer, answering, greet, scripted_client
from tuimail.imap import AuthenticationError, SecurityError

PASSWORD = "s3cr\u00e9t-pa55"
TOKEN = "ya29.token-VALUE"


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data)


def _unb64(line: bytes) -> bytes:
    return base64.b64decode(line.strip())


async def _authenticate(peer: Peer, mech: bytes) -> tuple[bytes, bytes]:
    tag, name, rest = await peer.command()
    assert name == b"AUTHENTICATE", (name, rest)
    got_mech, _, initial = rest.partition(b" ")
    assert got_mech == mech
    return tag, initial


def _secret_free(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in secrets:
        assert secret not in text, f"{secret!r} leaked into the protocol trace"
        encoded = base64.b64encode(secret.encode()).decode()
        assert encoded[:8] not in text, f"base64 of {secret!r} leaked into the trace"


@pytest.fixture(autouse=True)
def _trace(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")


@pytest.mark.parametrize("sasl_ir", [True, False])
async def test_plain_sends_authzid_user_password_with_or_without_sasl_ir(
    sasl_ir: bool, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[bytes] = []

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 AUTH=PLAIN" + (b" SASL-IR" if sasl_ir else b""))
        tag, initial = await _authenticate(peer, b"PLAIN")
        if not sasl_ir:
            assert initial == b""
            peer.send(b"+ \r\n")
            initial = await peer.line()
        seen.append(_unb64(initial))
        peer.send(tag + b" OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n")

    async with scripted_client(script) as (server, imap):
        await imap.authenticate("PLAIN", "joe", PASSWORD)
        assert imap.state == "authenticated" and "IDLE" in imap.capabilities
    assert seen == [b"\0joe\0" + PASSWORD.encode()]
    _secret_free(caplog, PASSWORD, "\0joe\0" + PASSWORD)
    assert any(r.getMessage().startswith("C: T1 AUTHENTICATE PLAIN") for r in caplog.records)


async def _answers_to_challenges(mech: str, challenges: list[bytes], *args: str) -> list[bytes]:
    """Authenticate with ``mech`` against a server that sends each challenge
    in turn (no SASL-IR) and then OK; the client's answers, decoded."""
    answers: list[bytes] = []

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 AUTH=" + mech.encode())
        tag, _ = await _authenticate(peer, mech.encode())
        for challenge in challenges:
            peer.send(b"+ " + _b64(challenge) + b"\r\n")
            answers.append(_unb64(await peer.line()))
        peer.send(tag + b" OK [CAPABILITY IMAP4rev1] ok\r\n")

    async with scripted_client(script) as (server, imap):
        await imap.authenticate(mech, *args)
    return answers


async def test_login_mechanism_answers_username_then_password(caplog: pytest.LogCaptureFixture) -> None:
    answers = await _answers_to_challenges("LOGIN", [b"Username:", b"Password:"], "joe", PASSWORD)
    assert answers == [b"joe", PASSWORD.encode()]
    _secret_free(caplog, PASSWORD)


async def test_cram_md5_answers_hmac_of_challenge(caplog: pytest.LogCaptureFixture) -> None:
    challenge = b"<1896.697170952@postoffice.example.net>"
    answers = await _answers_to_challenges("CRAM-MD5", [challenge], "joe", PASSWORD)
    digest = hmac.new(PASSWORD.encode(), challenge, hashlib.md5).hexdigest()
    assert answers == [b"joe " + digest.encode()]


async def _token_error_exchange(mech: str, *args: str, **kwargs: str | int) -> list[bytes]:
    """Authenticate with an OAuth mechanism against a server that answers the
    token with a JSON error challenge, then NO; what the client sent."""
    received: list[bytes] = []

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 SASL-IR AUTH=" + mech.encode())
        tag, initial = await _authenticate(peer, mech.encode())
        received.append(_unb64(initial))
        peer.send(b"+ " + _b64(b'{"status":"401","schemes":"bearer"}') + b"\r\n")
        received.append(_unb64(await peer.line()))
        peer.send(tag + b" NO [AUTHENTICATIONFAILED] invalid token\r\n")

    async with scripted_client(script) as (server, imap):
        with pytest.raises(AuthenticationError) as info:
            await imap.authenticate(mech, *args, **kwargs)
        assert info.value.code is not None and info.value.code.name == "AUTHENTICATIONFAILED"
    return received


async def test_xoauth2_error_challenge_is_answered_empty_then_fails(caplog: pytest.LogCaptureFixture) -> None:
    received = await _token_error_exchange("XOAUTH2", "joe@example.com", TOKEN)
    assert received == [f"user=joe@example.com\x01auth=Bearer {TOKEN}\x01\x01".encode(), b""]
    _secret_free(caplog, TOKEN)


async def test_oauthbearer_error_challenge_is_answered_with_ctrl_a_then_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    received = await _token_error_exchange("OAUTHBEARER", "joe", TOKEN)
    # RFC 7628 §3.2.3: the client answers the error challenge with a lone ^A.
    assert received == [f"n,a=joe,\x01auth=Bearer {TOKEN}\x01\x01".encode(), b"\x01"]
    _secret_free(caplog, TOKEN)


async def test_oauthbearer_sends_gs2_header_host_port_and_token(caplog: pytest.LogCaptureFixture) -> None:
    received: list[bytes] = []

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 AUTH=OAUTHBEARER SASL-IR")
        tag, initial = await _authenticate(peer, b"OAUTHBEARER")
        received.append(_unb64(initial))
        peer.send(tag + b" OK [CAPABILITY IMAP4rev1] ok\r\n")

    async with scripted_client(script) as (server, imap):
        await imap.authenticate(
            "OAUTHBEARER", "joe,x=y@example.com", TOKEN, host="imap.example.com", port=993
        )
    assert received == [
        b"n,a=joe=2Cx=3Dy@example.com,\x01host=imap.example.com\x01port=993"
        + f"\x01auth=Bearer {TOKEN}\x01\x01".encode()
    ]
    _secret_free(caplog, TOKEN)


@pytest.mark.parametrize(
    ("mech", "args", "expected"), [("EXTERNAL", (), b""), ("ANONYMOUS", ("joe@x",), b"joe@x")]
)
async def test_external_and_anonymous_send_their_single_message(
    mech: str, args: tuple[str, ...], expected: bytes
) -> None:
    received: list[bytes] = []

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 SASL-IR AUTH=" + mech.encode())
        tag, initial = await _authenticate(peer, mech.encode())
        received.append(initial)
        peer.send(tag + b" OK [CAPABILITY IMAP4rev1] ok\r\n")

    async with scripted_client(script) as (server, imap):
        await imap.authenticate(mech, *args)
    # RFC 4959: an empty initial response is sent as "=".
    assert received == [_b64(expected) if expected else b"="]


def _scram_server(password: str) -> scramp.ScramServer:
    mechanism = scramp.ScramMechanism("SCRAM-SHA-256")
    info = mechanism.make_auth_info(password, iteration_count=4096)
    return mechanism.make_server(lambda username: info)


@pytest.mark.parametrize("tamper", [False, True])
async def test_scram_sha_256_verifies_the_server_signature(
    tamper: bool, caplog: pytest.LogCaptureFixture
) -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256")
        tag, initial = await _authenticate(peer, b"SCRAM-SHA-256")
        server = _scram_server(PASSWORD)
        server.set_client_first(_unb64(initial).decode())
        peer.send(b"+ " + _b64(server.get_server_first().encode()) + b"\r\n")
        server.set_client_final(_unb64(await peer.line()).decode())
        final = server.get_server_final()
        if tamper:
            final = "v=" + base64.b64encode(b"\x00" * 32).decode()
        peer.send(b"+ " + _b64(final.encode()) + b"\r\n")
        answer = await peer.line()
        if answer.strip() == b"*":
            peer.send(tag + b" BAD authentication cancelled\r\n")
        else:
            assert answer == b"\r\n"
            peer.send(tag + b" OK [CAPABILITY IMAP4rev1] ok\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        if tamper:
            with pytest.raises(SecurityError, match="signature"):
                await imap.authenticate("SCRAM-SHA-256", "joe", PASSWORD)
            assert imap.state == "not authenticated"
        else:
            await imap.authenticate("SCRAM-SHA-256", "joe", PASSWORD)
            assert imap.state == "authenticated"
        await imap.logout()
    assert not server.errors, server.errors
    _secret_free(caplog, PASSWORD)


async def test_scram_refuses_absurd_iteration_counts() -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-1")
        tag, initial = await _authenticate(peer, b"SCRAM-SHA-1")
        nonce = _unb64(initial).split(b"r=")[1]
        first = b"r=" + nonce + b"srv,s=" + base64.b64encode(b"salt") + b",i=999999999"
        peer.send(b"+ " + _b64(first) + b"\r\n")
        assert (await peer.line()).strip() == b"*"
        peer.send(tag + b" BAD cancelled\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        with pytest.raises(SecurityError, match="iterations"):
            await imap.authenticate("SCRAM-SHA-1", "joe", PASSWORD)
        await imap.logout()


async def test_login_arguments_are_redacted_even_as_literals(caplog: pytest.LogCaptureFixture) -> None:
    password = "line\r\nbreak-" + PASSWORD  # CR LF forces a literal

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 AUTH=PLAIN")
        tag, name, rest = await peer.command()
        assert name == b"LOGIN" and rest.endswith(b"}")
        size = int(rest.rsplit(b"{", 1)[1].rstrip(b"}"))
        peer.send(b"+ ok\r\n")
        assert await peer.read_exactly(size) == password.encode()
        await peer.line()
        peer.send(tag + b" OK [CAPABILITY IMAP4rev1] ok\r\n")

    async with scripted_client(script) as (server, imap):
        await imap.login("joe", password)
    assert not server.errors, server.errors
    _secret_free(caplog, PASSWORD, "break-")
    assert any(r.getMessage() == "C: T1 LOGIN <redacted>" for r in caplog.records)


async def test_rejected_login_raises_authentication_error() -> None:
    script = answering(b"IMAP4rev1 AUTH=PLAIN", b"LOGIN", b"NO [AUTHENTICATIONFAILED] Authentication failed.")
    async with scripted_client(script) as (_, imap):
        with pytest.raises(AuthenticationError) as info:
            await imap.login("joe", "wrong")
        assert info.value.text == "Authentication failed."
