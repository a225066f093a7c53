"""Tests of the test-server fixtures themselves, over raw sockets (no tuimail.imap)."""

from __future__ import annotations

import asyncio
import ssl

import pytest

from tests.servers import dovecot as dovecot_module
from tests.servers.info import ServerInfo
from tests.servers.raw import RawIMAP


async def _login_result(info: ServerInfo, username: str, password: str) -> bytes:
    client = await RawIMAP.connect(info.host, info.port)
    try:
        assert client.greeting.startswith(b"* OK"), client.greeting
        return (await client.login(username, password))[-1]
    finally:
        await client.close()


async def test_server_accepts_login_with_given_credentials(imap_server: ServerInfo) -> None:
    result = await _login_result(imap_server, imap_server.username, imap_server.password)
    assert result.startswith(b"t1 OK"), result


async def test_server_rejects_wrong_password(imap_server: ServerInfo) -> None:
    result = await _login_result(imap_server, imap_server.username, imap_server.password + "x")
    assert result.startswith(b"t1 NO"), result


async def test_other_account_is_a_distinct_working_login(imap_server: ServerInfo) -> None:
    username, password = imap_server.other_account()
    assert username != imap_server.username
    result = await _login_result(imap_server, username, password)
    assert result.startswith(b"t1 OK"), result


async def test_fresh_account_has_empty_inbox(imap_server: ServerInfo) -> None:
    client = await RawIMAP.connect(imap_server.host, imap_server.port)
    try:
        assert (await client.login(imap_server.username, imap_server.password))[-1].startswith(b"t1 OK")
        lines = await client.command(b"SELECT INBOX")
    finally:
        await client.close()
    assert lines[-1].startswith(b"t2 OK"), lines
    assert b"* 0 EXISTS\r\n" in lines, lines


async def test_server_advertises_the_sasl_mechanisms_it_claims(imap_server: ServerInfo) -> None:
    client = await RawIMAP.connect(imap_server.host, imap_server.port)
    try:
        capabilities = b"".join(await client.command(b"CAPABILITY"))
    finally:
        await client.close()
    assert imap_server.sasl_mechanisms
    for mechanism in imap_server.sasl_mechanisms:
        assert b" AUTH=" + mechanism.encode() in capabilities, capabilities


async def test_dovecot_tls_listener_presents_cert_valid_for_localhost(dovecot_server: ServerInfo) -> None:
    assert dovecot_server.tls_port is not None and dovecot_server.ssl_context is not None
    client = await RawIMAP.connect(
        dovecot_server.host,
        dovecot_server.tls_port,
        ssl_context=dovecot_server.ssl_context,
        server_hostname="localhost",
    )
    try:
        result = (await client.login(dovecot_server.username, dovecot_server.password))[-1]
    finally:
        await client.close()
    assert result.startswith(b"t1 OK"), result


async def test_dovecot_tls_cert_does_not_verify_for_other_names(dovecot_server: ServerInfo) -> None:
    assert dovecot_server.tls_port is not None
    with pytest.raises(ssl.SSLCertVerificationError):
        await asyncio.open_connection(
            dovecot_server.host,
            dovecot_server.tls_port,
            ssl=dovecot_server.ssl_context,
            server_hostname="example.com",
        )


async def test_dovecot_tls_cert_is_not_trusted_without_the_test_ca(dovecot_server: ServerInfo) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        await asyncio.open_connection(
            dovecot_server.host,
            dovecot_server.tls_port,
            ssl=ssl.create_default_context(),
            server_hostname="localhost",
        )


async def test_server_offers_starttls_with_cert_for_localhost(imap_server: ServerInfo) -> None:
    assert imap_server.ssl_context is not None
    client = await RawIMAP.connect(imap_server.host, imap_server.port)
    try:
        capabilities = b"".join(await client.command(b"CAPABILITY"))
        assert b" STARTTLS" in capabilities, capabilities
        assert (await client.command(b"STARTTLS"))[-1].startswith(b"t2 OK")
        await client.writer.start_tls(imap_server.ssl_context, server_hostname="localhost")
        result = (await client.login(imap_server.username, imap_server.password))[-1]
    finally:
        await client.close()
    assert result.startswith(b"t3 OK"), result


async def test_server_starttls_cert_does_not_verify_for_other_names(imap_server: ServerInfo) -> None:
    client = await RawIMAP.connect(imap_server.host, imap_server.port)
    try:
        assert (await client.command(b"STARTTLS"))[-1].startswith(b"t1 OK")
        with pytest.raises(ssl.SSLCertVerificationError):
            await client.writer.start_tls(imap_server.ssl_context, server_hostname="example.com")
    finally:
        client.writer.transport.abort()


async def test_dovecot_has_subscribed_special_use_folders(dovecot_server: ServerInfo) -> None:
    client = await RawIMAP.connect(dovecot_server.host, dovecot_server.port)
    try:
        await client.login(dovecot_server.username, dovecot_server.password)
        listing = b"".join(await client.command(b'LIST (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE)'))
    finally:
        await client.close()
    for name in ("Drafts", "Sent", "Trash", "Archive", "Junk"):
        entry = [line for line in listing.split(b"\r\n") if line.endswith(b' "/" ' + name.encode())]
        assert entry, listing
        assert b"\\" + name.encode() in entry[0] and b"\\Subscribed" in entry[0], entry


def _hide_dovecot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dovecot_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(dovecot_module.os, "access", lambda path, mode: False)


def test_missing_dovecot_skips_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_dovecot(monkeypatch)
    monkeypatch.delenv("TUIMAIL_REQUIRE_DOVECOT", raising=False)
    with pytest.raises(pytest.skip.Exception):
        dovecot_module.dovecot_or_skip()


def test_missing_dovecot_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_dovecot(monkeypatch)
    monkeypatch.setenv("TUIMAIL_REQUIRE_DOVECOT", "1")
    with pytest.raises(pytest.fail.Exception):
        dovecot_module.dovecot_or_skip()
