"""A minimal raw IMAP line client for testing the test servers themselves
(independent of tuimail.imap, so a client bug cannot hide a fixture bug)."""

from __future__ import annotations

import asyncio
import ssl


class RawIMAP:
    """Sends command lines and reads response lines, nothing more."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, greeting: bytes) -> None:
        self.reader = reader
        self.writer = writer
        self.greeting = greeting
        self._tags = 0

    @classmethod
    async def connect(
        cls,
        host: str,
        port: int,
        *,
        ssl_context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
    ) -> RawIMAP:
        reader, writer = await asyncio.open_connection(
            host, port, ssl=ssl_context, server_hostname=server_hostname
        )
        greeting = await reader.readline()
        return cls(reader, writer, greeting)

    async def command(self, line: bytes) -> list[bytes]:
        """Send ``TAG line`` and return every response line up to the tagged one."""
        self._tags += 1
        tag = b"t%d" % self._tags
        self.writer.write(tag + b" " + line + b"\r\n")
        return await self.read_until(tag + b" ")

    async def read_until(self, prefix: bytes) -> list[bytes]:
        """Read lines until one starts with ``prefix`` (included)."""
        lines: list[bytes] = []
        while True:
            line = await self.reader.readline()
            assert line, f"connection closed before {prefix!r}: {lines!r}"
            lines.append(line)
            if line.startswith(prefix):
                return lines

    async def login(self, username: str, password: str) -> list[bytes]:
        return await self.command(b'LOGIN "%s" "%s"' % (username.encode(), password.encode()))

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, ssl.SSLError):
            pass
