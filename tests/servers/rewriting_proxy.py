"""A TCP proxy in front of a real test server that changes what the server says, for what no
real server sends on demand: ``[ALERT]`` responses (RFC 9051 §7.1), a hostile greeting text.

Server to client, response by response (a literal's bytes pass untouched):

* ``greeting``: replaces the server's greeting line (the client then asks CAPABILITY itself);
* ``select_alerts``: untagged lines sent just before the tagged completion of SELECT/EXAMINE;
* ``select_code``: replaces that completion's text (``T5 OK [ALERT] ...``);
* ``select_held``: an :class:`asyncio.Event` that completion waits for (a SELECT still out);
* :meth:`RewritingProxy.inject` sends lines to every client at once, between responses.

Plaintext only (no TLS, no COMPRESS: use pymap, which offers neither on its plaintext port
by default).  Listens on 127.0.0.1; runs on the test's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator

__all__ = ["RewritingProxy", "rewriting_proxy"]

_LIMIT = 1 << 24
_LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")
_SELECT = re.compile(rb"^(\S+) (?:SELECT|EXAMINE) ", re.IGNORECASE)


class RewritingProxy:
    """One listener; every client connection gets its own upstream connection."""

    def __init__(
        self,
        upstream_port: int,
        *,
        greeting: bytes | None = None,
        select_alerts: tuple[bytes, ...] = (),
        select_code: bytes | None = None,
        select_held: asyncio.Event | None = None,
    ) -> None:
        self.upstream_port = upstream_port
        self.greeting = greeting
        self.select_alerts = select_alerts
        self.select_code = select_code
        self.select_held = select_held
        self.port = 0
        self._server: asyncio.Server | None = None
        self._clients: list[tuple[asyncio.StreamWriter, asyncio.Lock]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=_LIMIT)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer, _ in self._clients:
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task

    async def inject(self, *lines: bytes) -> None:
        """Send ``lines`` to every connected client now (between two responses)."""
        for writer, lock in list(self._clients):
            async with lock:
                writer.write(b"".join(lines))
                with contextlib.suppress(ConnectionError):
                    await writer.drain()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port, limit=_LIMIT)
        lock = asyncio.Lock()
        self._clients.append((writer, lock))
        selects: set[bytes] = set()
        upward = asyncio.ensure_future(self._client_to_server(reader, up_writer, selects))
        try:
            await self._server_to_client(up_reader, writer, lock, selects)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            upward.cancel()
            with contextlib.suppress(BaseException):
                await upward
            self._clients.remove((writer, lock))
            for w in (writer, up_writer):
                w.close()
            self._tasks.discard(task)

    @staticmethod
    async def _client_to_server(
        reader: asyncio.StreamReader, up_writer: asyncio.StreamWriter, selects: set[bytes]
    ) -> None:
        with contextlib.suppress(ConnectionError):
            while line := await reader.readline():
                match = _SELECT.match(line)
                if match:
                    selects.add(match.group(1))
                up_writer.write(line)
                await up_writer.drain()
            up_writer.close()

    async def _server_to_client(
        self,
        up_reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        lock: asyncio.Lock,
        selects: set[bytes],
    ) -> None:
        first = True
        while line := await up_reader.readline():
            async with lock:
                if first:
                    first = False
                    line = self.greeting or line
                else:
                    tag = line.split(b" ", 1)[0]
                    if tag in selects and line[len(tag) :].startswith(b" OK"):
                        selects.discard(tag)
                        if self.select_held is not None:
                            await self.select_held.wait()
                        writer.write(b"".join(self.select_alerts))
                        if self.select_code is not None:
                            line = tag + b" OK " + self.select_code + b"\r\n"
                writer.write(line)
                literal = _LITERAL.search(line)
                if literal:
                    writer.write(await up_reader.readexactly(int(literal.group(1))))
                await writer.drain()


@contextlib.asynccontextmanager
async def rewriting_proxy(upstream_port: int, **changes: object) -> AsyncIterator[RewritingProxy]:
    """A started :class:`RewritingProxy` in front of 127.0.0.1:``upstream_port``; stopped after."""
    proxy = RewritingProxy(upstream_port, **changes)  # type: ignore[arg-type]
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()
