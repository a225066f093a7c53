"""The byte transport under the client: TCP, TLS, STARTTLS, COMPRESS.

Implicit TLS (RFC 8314) and the STARTTLS upgrade (RFC 9051 §6.2.1) use the
caller's :class:`ssl.SSLContext` or a default one that verifies the
certificate and the host name.  COMPRESS=DEFLATE (RFC 4978) wraps both
directions in raw DEFLATE after the server's OK.

The connection pushes received bytes to a callback (the client parses them
synchronously, in order) so that the client can discard everything that
arrived before a TLS handshake and switch decompression on at the exact
byte where the server's compressed stream begins.
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections.abc import Callable

from .errors import CommandTimeout, ConnectionLost, SecurityError

#: Largest amount of decompressed data produced from one read at a time.
DECOMPRESS_CHUNK = 256 * 1024


def default_ssl_context() -> ssl.SSLContext:
    """A client context verifying certificates and host names (TLS >= 1.2)."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


#: OpenSSL reasons meaning the two sides share no TLS version (or cipher).
_VERSION_REFUSED = frozenset(
    {
        "UNSUPPORTED_PROTOCOL",
        "TLSV1_ALERT_PROTOCOL_VERSION",
        "WRONG_VERSION_NUMBER",
        "NO_PROTOCOLS_AVAILABLE",
        "VERSION_TOO_LOW",
        "TLSV1_ALERT_INSUFFICIENT_SECURITY",
        "NO_SHARED_CIPHER",
        "SSLV3_ALERT_HANDSHAKE_FAILURE",
    }
)


def handshake_error(where: str, error: BaseException, ctx: ssl.SSLContext | None) -> SecurityError:
    """A :class:`SecurityError` saying why the TLS handshake failed (RFC 8314
    §5, RFC 9051 §6.2.1), never a bare ``ConnectionResetError('')``."""
    version = ctx.minimum_version if ctx is not None else ssl.TLSVersion.MINIMUM_SUPPORTED
    if version in (ssl.TLSVersion.MINIMUM_SUPPORTED, ssl.TLSVersion.MAXIMUM_SUPPORTED):
        minimum = "the minimum TLS version of its SSL context"
    else:  # "TLSv1_2" -> "TLS 1.2"
        minimum = version.name.replace("v", " ").replace("_", ".")
    if isinstance(error, ssl.SSLCertVerificationError):
        return SecurityError(f"{where} failed: certificate not trusted: {error.verify_message or error}")
    if isinstance(error, ssl.SSLError):
        reason = getattr(error, "reason", None) or ""
        if reason in _VERSION_REFUSED:
            return SecurityError(
                f"{where} failed: TLS version or cipher refused ({reason}); this client requires "
                f"{minimum} or later, and the server offers nothing both accept"
            )
        return SecurityError(f"{where} failed: {error}")
    # Dropped mid-handshake without an alert reaching us: what an old-TLS
    # (or TLS-1.3-only) server does when the versions do not meet.
    detail = f" ({error})" if str(error) else ""
    return SecurityError(
        f"{where} failed: the server reset the connection during the TLS handshake{detail}, "
        f"refusing it; most likely it offers no TLS version this client accepts ({minimum} or "
        "later), e.g. only TLS 1.0/1.1"
    )


class _Protocol(asyncio.Protocol):
    """asyncio protocol forwarding events to its :class:`Connection`."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def data_received(self, data: bytes) -> None:
        self._conn._data_received(data)

    def eof_received(self) -> bool | None:
        return None  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self._conn._connection_lost(exc)

    def pause_writing(self) -> None:
        self._conn._pause_writing()

    def resume_writing(self) -> None:
        self._conn._resume_writing()


class Connection:
    """One TCP (optionally TLS, optionally compressed) connection.

    ``on_data(bytes)`` receives every decrypted, decompressed chunk;
    ``on_lost(exc)`` is called once when the connection ends.
    """

    def __init__(self, on_data: Callable[[bytes], None], on_lost: Callable[[Exception | None], None]) -> None:
        self._on_data = on_data
        self._on_lost = on_lost
        self._transport: asyncio.Transport | None = None
        self._protocol = _Protocol(self)
        self._closed = False
        self._write_paused = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._compressor: zlib._Compress | None = None
        self._decompressor: zlib._Decompress | None = None
        self._abort_reason: Exception | None = None
        self.tls = False

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        *,
        ssl_context: ssl.SSLContext | None,
        server_hostname: str | None,
        timeout: float | None,
        on_data: Callable[[bytes], None],
        on_lost: Callable[[Exception | None], None],
    ) -> Connection:
        """Connect (and, with ``ssl_context``, do the TLS handshake).

        Raises OSError when the host cannot be reached, :class:`SecurityError`
        when the TLS handshake or certificate check fails and
        :class:`CommandTimeout` after ``timeout`` seconds.
        """
        conn = cls(on_data, on_lost)
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, _ = await loop.create_connection(
                    lambda: conn._protocol,
                    host,
                    port,
                    ssl=ssl_context,
                    server_hostname=(server_hostname or host) if ssl_context is not None else None,
                )
        except TimeoutError:
            raise CommandTimeout(f"connecting to {host}:{port} took longer than {timeout}s") from None
        except ssl.SSLError as e:
            raise handshake_error(f"TLS with {host}:{port}", e, ssl_context) from e
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as e:
            if ssl_context is None:
                raise
            # Connected, then dropped during the handshake: what a server
            # that only speaks an older TLS version does (no alert).
            raise handshake_error(f"TLS with {host}:{port}", e, ssl_context) from e
        conn._transport = transport
        conn.tls = ssl_context is not None
        return conn

    # --- events from the protocol ---------------------------------------------

    def _data_received(self, data: bytes) -> None:
        if self._decompressor is not None:
            self.feed_compressed(data)
        else:
            self._on_data(data)

    def feed_compressed(self, data: bytes) -> None:
        """Decompress ``data`` (RFC 4978) and pass it on, in bounded chunks."""
        d = self._decompressor
        if d is None:
            self._on_data(data)
            return
        try:
            while data and not self._closed:
                out = d.decompress(data, DECOMPRESS_CHUNK)
                data = d.unconsumed_tail
                if out:
                    self._on_data(out)
        except zlib.error as e:
            self.abort(ConnectionLost(f"corrupt compressed stream: {e}"))

    def _connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        for w in self._drain_waiters:
            if not w.done():
                w.set_exception(ConnectionLost("connection closed while sending"))
        self._drain_waiters.clear()
        self._on_lost(exc or self._abort_reason)

    def _pause_writing(self) -> None:
        self._write_paused = True

    def _resume_writing(self) -> None:
        self._write_paused = False
        for w in self._drain_waiters:
            if not w.done():
                w.set_result(None)
        self._drain_waiters.clear()

    # --- operations -------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def compressed(self) -> bool:
        return self._compressor is not None

    def write(self, data: bytes) -> None:
        """Queue ``data`` for sending (compressed when COMPRESS is active)."""
        if self._closed or self._transport is None:
            raise ConnectionLost("the connection is closed")
        if self._compressor is not None:
            data = self._compressor.compress(data) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
        self._transport.write(data)

    async def drain(self) -> None:
        """Wait until the transport's write buffer has room again."""
        if self._closed:
            raise ConnectionLost("the connection is closed")
        if not self._write_paused:
            return
        fut = asyncio.get_running_loop().create_future()
        self._drain_waiters.append(fut)
        await fut

    def pause_reading(self) -> None:
        if self._transport is not None and not self._closed:
            self._transport.pause_reading()

    def resume_reading(self) -> None:
        if self._transport is not None and not self._closed:
            self._transport.resume_reading()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str, timeout: float | None
    ) -> None:
        """Upgrade to TLS in place (RFC 9051 §6.2.1); verification per context."""
        if self._transport is None or self._closed:
            raise ConnectionLost("the connection is closed")
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                new = await loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError:
            self.abort()
            raise CommandTimeout(f"TLS handshake took longer than {timeout}s") from None
        except (ssl.SSLError, ConnectionError, OSError) as e:
            self.abort()
            raise handshake_error("TLS handshake after STARTTLS", e, ssl_context) from e
        if new is None:
            self.abort()
            raise SecurityError("TLS handshake after STARTTLS failed: no transport")
        self._transport = new
        self.tls = True

    def start_compression(self) -> None:
        """Switch both directions to raw DEFLATE (RFC 4978 §3)."""
        self._compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._decompressor = zlib.decompressobj(-15)

    def ssl_object(self) -> ssl.SSLObject | None:
        if self._transport is None:
            return None
        obj = self._transport.get_extra_info("ssl_object")
        return obj if isinstance(obj, ssl.SSLObject) else None

    def abort(self, exc: Exception | None = None) -> None:
        """Drop the connection at once; ``exc`` is reported as the reason."""
        if self._abort_reason is None:
            self._abort_reason = exc
        if self._transport is not None and not self._closed:
            self._transport.abort()

    def close(self) -> None:
        """Close after the write buffer is flushed."""
        if self._transport is not None and not self._closed:
            self._transport.close()


__all__ = ["Connection", "default_ssl_context"]
