"""Tests of the test servers themselves, over raw sockets (no tuimail.imap)."""

from __future__ import annotations

import asyncio
import ssl

import pytest

from tests.servers import dovecot as dovecot_module
from tests.servers.info import ServerInfo


async def _read_tagged(reader: asyncio.StreamReader, tag: bytes) -> list[bytes]:
    """Read response lines up to and including the one tagged ``tag``."""
    lines = []
    while True:
        line = await reader.readline()
        assert line, f"connection closed before {tag!r} completed: {lines!r}"
        lines.append(line)
        if line.startswith(tag + b" "):
            return lines


async def _login(
    host: str,
    port: int,
    username: str,
    password: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    server_hostname: str | None = None,
) -> list[bytes]:
    reader, writer = await asyncio.open_connection(
        host, port, ssl=ssl_context, server_hostname=server_hostname
    )
    try:
        greeting = await reader.readline()
        assert greeting.startswith(b"* OK"), greeting
        writer.write(b'a1 LOGIN "%s" "%s"\r\n' % (username.encode(), password.encode()))
        lines = await _read_tagged(reader, b"a1")
        writer.write(b"a2 LOGOUT\r\n")
        await _read_tagged(reader, b"a2")
        return lines
    finally:
        writer.close()


async def test_imap_server_accepts_login_with_given_credentials(imap_server: ServerInfo) -> None:
    lines = await _login(imap_server.host, imap_server.port, imap_server.username, imap_server.password)
    assert lines[-1].startswith(b"a1 OK"), lines


async def test_imap_server_rejects_wrong_password(imap_server: ServerInfo) -> None:
    lines = await _login(imap_server.host, imap_server.port, imap_server.username, imap_server.password + "x")
    assert lines[-1].startswith(b"a1 NO"), lines


async def test_other_account_is_a_distinct_working_login(imap_server: ServerInfo) -> None:
    username, password = imap_server.other_account()
    assert username != imap_server.username
    lines = await _login(imap_server.host, imap_server.port, username, password)
    assert lines[-1].startswith(b"a1 OK"), lines


async def test_fresh_account_has_empty_inbox(imap_server: ServerInfo) -> None:
    reader, writer = await asyncio.open_connection(imap_server.host, imap_server.port)
    try:
        await reader.readline()
        writer.write(
            b'a1 LOGIN "%s" "%s"\r\n' % (imap_server.username.encode(), imap_server.password.encode())
        )
        assert (await _read_tagged(reader, b"a1"))[-1].startswith(b"a1 OK")
        writer.write(b"a2 SELECT INBOX\r\n")
        lines = await _read_tagged(reader, b"a2")
        assert lines[-1].startswith(b"a2 OK"), lines
        assert b"* 0 EXISTS\r\n" in lines, lines
    finally:
        writer.close()


async def test_pymap_advertises_its_sasl_mechanisms(pymap_server: ServerInfo) -> None:
    reader, writer = await asyncio.open_connection(pymap_server.host, pymap_server.port)
    try:
        greeting = await reader.readline()
    finally:
        writer.close()
    for mechanism in pymap_server.sasl_mechanisms:
        assert b"AUTH=" + mechanism.encode() in greeting, greeting


async def test_dovecot_tls_listener_presents_cert_valid_for_localhost(dovecot_server: ServerInfo) -> None:
    assert dovecot_server.tls_port is not None and dovecot_server.ssl_context is not None
    lines = await _login(
        dovecot_server.host,
        dovecot_server.tls_port,
        dovecot_server.username,
        dovecot_server.password,
        ssl_context=dovecot_server.ssl_context,
        server_hostname="localhost",
    )
    assert lines[-1].startswith(b"a1 OK"), lines


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


async def test_dovecot_offers_starttls_on_plaintext_port(dovecot_server: ServerInfo) -> None:
    reader, writer = await asyncio.open_connection(dovecot_server.host, dovecot_server.port)
    try:
        greeting = await reader.readline()
        writer.write(b"a1 CAPABILITY\r\n")
        lines = await _read_tagged(reader, b"a1")
        assert any(b" STARTTLS" in line for line in [greeting, *lines]), lines
        writer.write(b"a2 STARTTLS\r\n")
        assert (await _read_tagged(reader, b"a2"))[-1].startswith(b"a2 OK")
        await writer.start_tls(dovecot_server.ssl_context, server_hostname="localhost")
        writer.write(
            b'a3 LOGIN "%s" "%s"\r\n' % (dovecot_server.username.encode(), dovecot_server.password.encode())
        )
        assert (await _read_tagged(reader, b"a3"))[-1].startswith(b"a3 OK")
    finally:
        writer.close()


async def test_dovecot_has_special_use_folders(dovecot_server: ServerInfo) -> None:
    reader, writer = await asyncio.open_connection(dovecot_server.host, dovecot_server.port)
    try:
        await reader.readline()
        writer.write(
            b'a1 LOGIN "%s" "%s"\r\n' % (dovecot_server.username.encode(), dovecot_server.password.encode())
        )
        assert (await _read_tagged(reader, b"a1"))[-1].startswith(b"a1 OK")
        writer.write(b'a2 LSUB "" "*"\r\n')
        lines = b"".join(await _read_tagged(reader, b"a2"))
    finally:
        writer.close()
    for name in ("Drafts", "Sent", "Trash", "Archive", "Junk"):
        assert b'\\%s) "/" %s\r\n' % (name.encode(), name.encode()) in lines, lines


async def test_dovecot_advertises_its_sasl_mechanisms(dovecot_server: ServerInfo) -> None:
    reader, writer = await asyncio.open_connection(dovecot_server.host, dovecot_server.port)
    try:
        greeting = await reader.readline()
    finally:
        writer.close()
    for mechanism in dovecot_server.sasl_mechanisms:
        assert b"AUTH=" + mechanism.encode() in greeting, greeting


async def test_pymap_lists_special_use_folders_it_was_given() -> None:
    from datetime import datetime

    from tuimail.demo.server import PymapServer

    message = b"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"
    server = PymapServer(
        {"joe": "pw"}, {"joe": {"Sent": [(message, ["\\Seen"], datetime(2024, 1, 1))], "Work": []}}
    )
    async with server:
        reader, writer = await asyncio.open_connection(server.host, server.port)
        try:
            await reader.readline()
            writer.write(b"a1 LOGIN joe pw\r\n")
            assert (await _read_tagged(reader, b"a1"))[-1].startswith(b"a1 OK")
            writer.write(b'a2 LIST "" "*"\r\n')
            listing = b"".join(await _read_tagged(reader, b"a2"))
            writer.write(b"a3 EXAMINE Sent\r\n")
            examined = await _read_tagged(reader, b"a3")
        finally:
            writer.close()
    assert b'(\\HasNoChildren \\Sent) "/" Sent\r\n' in listing, listing
    assert b'(\\HasNoChildren) "/" Work\r\n' in listing, listing
    assert b"* 1 EXISTS\r\n" in examined, examined


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
