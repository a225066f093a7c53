"""SASL mechanisms and TLS against the real servers: every mechanism each
server supports, certificate and host name verification, STARTTLS."""

from __future__ import annotations

import base64
import logging
import ssl

import pytest

from tests.interop.helpers import connect
from tests.servers.info import ServerInfo
from tuimail.imap import IMAP, AuthenticationError, SecurityError


async def test_every_supported_sasl_mechanism_authenticates(
    imap_server: ServerInfo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    assert imap_server.sasl_mechanisms
    for mechanism in imap_server.sasl_mechanisms:
        imap = await connect(imap_server, login=False)
        try:
            assert f"AUTH={mechanism}" in imap.capabilities
            await imap.authenticate(mechanism, imap_server.username, imap_server.password)
            assert imap.state == "authenticated", mechanism
            state = await imap.select("INBOX")
            assert state.exists == 0
        finally:
            await imap.logout()
    trace = "\n".join(r.getMessage() for r in caplog.records)
    assert "AUTHENTICATE SCRAM-SHA-256" in trace or imap_server.name == "pymap"
    assert imap_server.password not in trace
    assert (
        base64.b64encode(f"\0{imap_server.username}\0{imap_server.password}".encode()).decode() not in trace
    )
    assert base64.b64encode(imap_server.password.encode()).decode() not in trace


async def test_every_sasl_mechanism_rejects_a_wrong_password(imap_server: ServerInfo) -> None:
    for mechanism in imap_server.sasl_mechanisms:
        imap = await connect(imap_server, login=False)
        try:
            with pytest.raises(AuthenticationError):
                await imap.authenticate(mechanism, imap_server.username, imap_server.password + "-wrong")
            assert imap.state == "not authenticated"
        finally:
            await imap.logout()


async def test_login_with_wrong_password_raises_authentication_error(imap_server: ServerInfo) -> None:
    with pytest.raises(AuthenticationError) as info:
        await connect(imap_server, user=(imap_server.username, "wrong"))
    assert info.value.text


async def test_tls_verification_fails_for_wrong_hostname(dovecot_server: ServerInfo) -> None:
    """The certificate is for "localhost": connecting to "127.0.0.1" must fail."""
    assert dovecot_server.tls_port is not None
    with pytest.raises(SecurityError) as info:
        await IMAP.connect("127.0.0.1", dovecot_server.tls_port, ssl_context=dovecot_server.ssl_context)
    assert isinstance(info.value.__cause__, ssl.SSLCertVerificationError)


async def test_tls_verification_fails_for_untrusted_ca(dovecot_server: ServerInfo) -> None:
    assert dovecot_server.tls_port is not None
    with pytest.raises(SecurityError):
        await IMAP.connect("localhost", dovecot_server.tls_port)  # system trust store only


async def test_starttls_verification_fails_for_wrong_hostname(dovecot_server: ServerInfo) -> None:
    with pytest.raises(SecurityError):
        await IMAP.connect(
            "127.0.0.1", dovecot_server.port, tls="starttls", ssl_context=dovecot_server.ssl_context
        )


async def test_implicit_tls_and_starttls_both_reach_a_verified_session(dovecot_server: ServerInfo) -> None:
    implicit = await connect(dovecot_server)
    assert implicit.tls
    await implicit.logout()
    imap = await IMAP.connect(
        "localhost", dovecot_server.port, tls="starttls", ssl_context=dovecot_server.ssl_context
    )
    try:
        assert imap.tls
        assert "STARTTLS" not in imap.capabilities  # asked again over TLS
        await imap.login(dovecot_server.username, dovecot_server.password)
        assert (await imap.select("INBOX")).exists == 0
    finally:
        await imap.logout()


async def test_server_hostname_overrides_the_name_checked(dovecot_server: ServerInfo) -> None:
    assert dovecot_server.tls_port is not None
    imap = await IMAP.connect(
        "127.0.0.1",
        dovecot_server.tls_port,
        ssl_context=dovecot_server.ssl_context,
        server_hostname="localhost",
    )
    assert imap.tls
    await imap.logout()


async def test_plaintext_is_an_explicit_choice(imap_server: ServerInfo) -> None:
    imap = await IMAP.connect(imap_server.host, imap_server.port, tls="none")
    try:
        assert not imap.tls
        await imap.login(imap_server.username, imap_server.password)
    finally:
        await imap.logout()


async def test_async_with_logs_out(imap_server: ServerInfo) -> None:
    async with IMAP.connect(imap_server.host, imap_server.port, tls="none") as imap:
        await imap.login(imap_server.username, imap_server.password)
        assert not imap.closed
    assert imap.closed
