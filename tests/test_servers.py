"""Tests of the test servers themselves, over raw sockets (no tuimail.imap)."""

from __future__ import annotations

import asyncio
import ssl

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
