"""A TCP proxy that hides capabilities from the client: the test's way to meet a server
without, say, QRESYNC, using a real Dovecot (every other byte passes through unchanged)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Iterable


class CapabilityProxy:
    """Listens on 127.0.0.1; forwards to (host, port); drops ``hidden`` from CAPABILITY lists."""

    def __init__(self, host: str, port: int, hidden: Iterable[str]) -> None:
        self.target = (host, port)
        # The proxy reads lines: a compressed stream (RFC 4978) would hide them.
        self.hidden = [*hidden, "COMPRESS=DEFLATE"]
        words = "|".join(re.escape(h) for h in self.hidden)
        self._hidden = re.compile(rb" (?:" + words.encode() + rb")(?=[ \]\r])", re.IGNORECASE)
        self.port = 0
        self._server: asyncio.base_events.Server | None = None
        #: While cut, every connection is dropped and new ones are closed at once (a network outage).
        self.cut = False
        self._writers: set[asyncio.StreamWriter] = set()
        #: Cut the network as soon as the client sends a line matching this (before it goes).
        self.cut_on: re.Pattern[bytes] | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=1 << 26)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def cut_off(self) -> None:
        """Drop every connection, and refuse new ones until :meth:`restore`."""
        self.cut = True
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    def restore(self) -> None:
        self.cut = False

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target, limit=1 << 26)
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, rewrite: bool) -> None:
            try:
                while line := await src.readline():
                    if not rewrite and self.cut_on is not None and self.cut_on.search(line):
                        self.cut_on = None
                        self.cut_off()
                        self.restore()  # only these connections go: reconnecting works
                        return
                    if rewrite and b"CAPABILITY" in line.upper():
                        line = self._hidden.sub(b"", line)
                    dst.write(line)
                    await dst.drain()
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    dst.close()

        await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))


@contextlib.asynccontextmanager
async def hiding(host: str, port: int, *hidden: str) -> AsyncIterator[CapabilityProxy]:
    proxy = CapabilityProxy(host, port, hidden)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()
