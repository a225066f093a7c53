"""Connecting tuimail's client to the real test servers (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

from tests.servers.info import ServerInfo
from tuimail.imap import IMAP


async def connect(
    server: ServerInfo, *, login: bool = True, user: tuple[str, str] | None = None, **kw: Any
) -> IMAP:
    """A logged-in client: implicit TLS (verified, host "localhost") on
    Dovecot, plaintext on pymap (which has no TLS listener)."""
    if server.tls_port is not None:
        imap = await IMAP.connect("localhost", server.tls_port, ssl_context=server.ssl_context, **kw)
    else:
        imap = await IMAP.connect(server.host, server.port, tls="none", **kw)
    if login:
        username, password = user or (server.username, server.password)
        await imap.login(username, password)
    return imap


def message(
    subject: str, body: str = "hello", sender: str = "Ann Example <ann@example.com>", **headers: str
) -> bytes:
    """A small RFC 5322 message."""
    lines = [
        f"From: {sender}",
        "To: Joe <joe@example.com>",
        f"Subject: {subject}",
        "Date: Thu, 17 Apr 2003 10:00:00 +0000",
        f"Message-ID: <{re.sub(r'[^A-Za-z0-9]', '.', subject)}.{len(body)}@example.com>",
        *(f"{k.replace('_', '-')}: {v}" for k, v in headers.items()),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        body,
        "",
    ]
    return "\r\n".join(lines).encode()


async def eventually(check: Callable[[], Awaitable[bool]], what: str, attempts: int = 50) -> None:
    """Poll ``check`` (for server-side effects that land asynchronously)."""
    for _ in range(attempts):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")
