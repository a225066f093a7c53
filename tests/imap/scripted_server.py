"""A scripted IMAP server for tests of hostile or faulty behaviour only
(real behaviour is tested against pymap and Dovecot in tests/interop).

A test writes the server's side as a coroutine taking a :class:`Peer`:

    async def script(peer: Peer) -> None:
        peer.send(b"* OK [CAPABILITY IMAP4rev1] hi\\r\\n")
        tag, name, rest = await peer.command()
        peer.send(tag + b" OK done\\r\\n")

    async with scripted_server(script) as server:
        imap = await IMAP.connect("127.0.0.1", server.port, tls="none")

Everything the client sent is kept in ``server.received`` (raw bytes).
Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import trustme

from tuimail.imap import IMAP


class Peer:
    """The server's end of one client connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log: bytearray) -> None:
        self.reader = reader
        self.writer = writer
        self._log = log
        self._compressor: zlib._Compress | None = None
        self._decompressor: zlib._Decompress | None = None
        self._pending = b""

    def send(self, data: bytes) -> None:
        if self._compressor is not None:
            data = self._compressor.compress(data) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
        self.writer.write(data)

    def send_compressed_after(self, plain: bytes, compressed: bytes) -> None:
        """Send ``plain`` and, in the same write, ``compressed`` deflated,
        and compress from then on (COMPRESS, RFC 4978)."""
        self._compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._decompressor = zlib.decompressobj(-15)
        body = self._compressor.compress(compressed) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
        self.writer.write(plain + body)

    async def _read_more(self) -> bytes:
        data = await self.reader.read(65536)
        if not data:
            raise ConnectionError("client closed the connection")
        if self._decompressor is not None:
            data = self._decompressor.decompress(data)
        self._log += data
        return data

    async def line(self) -> bytes:
        """One line from the client, CRLF included."""
        while b"\n" not in self._pending:
            self._pending += await self._read_more()
        line, _, self._pending = self._pending.partition(b"\n")
        return line + b"\n"

    async def read_exactly(self, n: int) -> bytes:
        while len(self._pending) < n:
            self._pending += await self._read_more()
        data, self._pending = self._pending[:n], self._pending[n:]
        return data

    async def command(self) -> tuple[bytes, bytes, bytes]:
        """The next command line as (tag, upper-case name, rest of line)."""
        line = await self.line()
        parts = line.rstrip(b"\r\n").split(b" ", 2)
        tag = parts[0]
        name = parts[1].upper() if len(parts) > 1 else b""
        if name == b"UID" and len(parts) > 2:
            sub, _, rest = parts[2].partition(b" ")
            return tag, b"UID " + sub.upper(), rest
        return tag, name, parts[2] if len(parts) > 2 else b""

    async def expect(self, name: bytes, reply: bytes = b"OK done") -> tuple[bytes, bytes]:
        """Read a command, check its name, answer ``tag reply``."""
        tag, got, rest = await self.command()
        assert got == name, f"expected {name!r}, got {got!r} {rest!r}"
        self.send(tag + b" " + reply + b"\r\n")
        return tag, rest

    async def start_tls(self, context: ssl.SSLContext) -> None:
        await self.writer.start_tls(context)

    async def drain(self) -> None:
        await self.writer.drain()

    async def stream(self, chunks: Iterable[bytes]) -> None:
        """Send each chunk and wait until it has left (flow control), so
        this side holds one chunk at a time however much is sent: memory
        measured in a test is then the client's."""
        for chunk in chunks:
            self.send(chunk)
            await self.writer.drain()

    def close(self) -> None:
        self.writer.close()

    async def send_and_close(self, data: bytes) -> None:
        """Send ``data`` (a BYE, say), see it leave, and hang up."""
        self.send(data)
        await self.drain()
        self.close()


Script = Callable[[Peer], Awaitable[None]]


@dataclass
class Running:
    port: int
    received: bytearray = field(default_factory=bytearray)
    errors: list[BaseException] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)


@contextlib.asynccontextmanager
async def scripted_server(script: Script, *, tls: ssl.SSLContext | None = None) -> AsyncIterator[Running]:
    """Run ``script`` for each connection on 127.0.0.1 (random port);
    ``tls``: implicit TLS with this server context."""
    running = Running(port=0)
    tasks: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        peer = Peer(reader, writer, running.received)
        try:
            await script(peer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, asyncio.CancelledError):
            pass  # the client left, or the test is over
        except BaseException as e:  # surfaced by the test through .errors
            running.errors.append(e)
        finally:
            running.done.set()
            with contextlib.suppress(Exception):
                writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
    running.port = server.sockets[0].getsockname()[1]
    try:
        yield running
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


def answering(capabilities: bytes, name: bytes, reply: bytes) -> Script:
    """A script that greets with ``capabilities``, answers the command
    ``name`` with ``tag reply`` (a refusal, say) and waits."""

    async def script(peer: Peer) -> None:
        greet(peer, capabilities)
        await peer.expect(name, reply)
        await peer.line()

    return script


@contextlib.asynccontextmanager
async def scripted_client(script: Script, **connect: Any) -> AsyncIterator[tuple[Running, IMAP]]:
    """A :func:`scripted_server` and a plaintext client connected to it
    (``connect``: further arguments of :meth:`IMAP.connect`)."""
    async with scripted_server(script) as server:
        yield server, await IMAP.connect("127.0.0.1", server.port, tls="none", **connect)


class ScriptCA:
    """A throwaway CA and a "localhost" certificate for STARTTLS scripts."""

    def __init__(self) -> None:
        self.ca = trustme.CA()
        self.cert = self.ca.issue_cert("localhost")

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.cert.configure_cert(ctx)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context()
        self.ca.configure_trust(ctx)
        return ctx


def greet(peer: Peer, capabilities: bytes = b"IMAP4rev1 IDLE UIDPLUS") -> None:
    """Send an OK greeting carrying the capabilities (so the client asks nothing)."""
    peer.send(b"* OK [CAPABILITY " + capabilities + b"] scripted server ready\r\n")
