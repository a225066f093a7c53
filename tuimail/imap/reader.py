"""Response framing: split the server's byte stream into whole responses.

RFC 9051 §2.2.2 / §4.3: a server response is a line ending in CRLF, except
that a line ending in a literal announcement (``{n}``, or ``~{n}`` for a
BINARY literal, RFC 3516; ``{n+}`` is accepted too) is followed by exactly
``n`` bytes of literal data and then the rest of the response::

    * 1 FETCH (BODY[] {5}\\r\\nhello UID 7)\\r\\n

:class:`ResponseReader` only frames; it never parses.  Each response it
returns holds every byte of it: lines, literal announcements, literal data
and the final CRLF.  Lines are split at LF, so a server that ends lines
with a bare LF still frames (the parser decides what to make of it).

Limits are checked before data is kept or a literal is awaited: a literal
announced larger than ``max_response_size`` fails at once, and a line (the
text between literals) may not grow beyond ``max_line_length``.  Work is
linear in the input however it is chunked: the LF search resumes where the
last one stopped and literal data is skipped, not scanned.
"""

from __future__ import annotations

from typing import NoReturn

from .errors import ResponseTooLargeError

__all__ = [
    "DEFAULT_MAX_LINE_LENGTH",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "ResponseReader",
]

DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024
#: Large enough for a plain ``* SEARCH`` over about two million messages.
DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024

_LF = 0x0A
_CR = 0x0D
_RBRACE = 0x7D
_PLUS = 0x2B
# A literal size with more digits is beyond any limit (and int() of a very
# long digit string is itself slow or refused).
_MAX_SIZE_DIGITS = 19


class ResponseReader:
    """Incremental framer for server responses (RFC 9051 §2.2.2, §4.3).

    >>> r = ResponseReader()
    >>> r.feed(b"* OK hi\\r\\n* 1 FETCH (BODY[] {2}\\r\\n")
    [b'* OK hi\\r\\n']
    >>> r.feed(b"ab)\\r\\n")
    [b'* 1 FETCH (BODY[] {2}\\r\\nab)\\r\\n']

    State after :class:`ResponseTooLargeError`: the reader is *broken*.  Its
    buffer is dropped, and every later :meth:`feed` raises
    :class:`ResponseTooLargeError` again, because the stream cannot be
    resynchronised (the client drops the connection).  Responses completed
    earlier in the same :meth:`feed` call are dropped with it.  :meth:`clear`
    returns it to its initial, usable state.

    ``max_line_length`` is capped at ``max_response_size``.
    """

    __slots__ = (
        "_broken",
        "_buf",
        "_line_start",
        "_literal_end",
        "_scan",
        "max_line_length",
        "max_response_size",
    )

    def __init__(
        self,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
    ) -> None:
        if max_response_size < 1 or max_line_length < 1:
            raise ValueError("limits must be positive")
        self.max_response_size = max_response_size
        self.max_line_length = min(max_line_length, max_response_size)
        self._buf = bytearray()
        # Offsets into _buf.  The current (incomplete) response starts at 0.
        self._line_start = 0  # start of the line being read
        self._scan = 0  # where the next LF search resumes
        self._literal_end = -1  # end of the literal being awaited, or -1
        self._broken: str | None = None

    # --- public API -----------------------------------------------------

    def feed(self, chunk: bytes | bytearray | memoryview) -> list[bytes]:
        """Add received bytes; return every response completed by them.

        Raises :class:`ResponseTooLargeError` when a literal is announced
        larger than ``max_response_size``, or when a line or response grows
        beyond its limit; nothing of the oversized data is kept.
        """
        if self._broken is not None:
            raise ResponseTooLargeError(f"response reader is unusable after an earlier error: {self._broken}")
        buf = self._buf
        buf += chunk
        out: list[bytes] = []
        # Offsets kept in locals for speed; written back in ``finally``.
        start = 0  # start of the current response in buf
        line_start = self._line_start
        scan = self._scan
        literal_end = self._literal_end
        max_line = self.max_line_length
        max_size = self.max_response_size
        size_now = len(buf)
        find = buf.find
        try:
            while True:
                if literal_end >= 0:
                    if size_now < literal_end:
                        break
                    line_start = scan = literal_end
                    literal_end = -1
                nl = find(b"\n", scan)
                if nl < 0:
                    scan = size_now
                    if size_now - line_start > max_line:
                        self._fail(
                            f"response line longer than the limit of {max_line} bytes without a line end",
                            size_now - line_start,
                            max_line,
                        )
                    if size_now - start > max_size:
                        self._fail(
                            f"response larger than the limit of {max_size} bytes",
                            size_now - start,
                            max_size,
                        )
                    break
                end = nl + 1
                if end - line_start > max_line:
                    self._fail(
                        f"response line of {end - line_start} bytes exceeds the limit of {max_line} bytes",
                        end - line_start,
                        max_line,
                    )
                # Fast check before the full one: does the line end in "}"?
                last = buf[nl - 1] if nl > line_start else 0
                if last == _CR and nl - 1 > line_start:
                    last = buf[nl - 2]
                size = self._literal_size(buf, line_start, nl) if last == _RBRACE else -1
                if size < 0:
                    if end - start > max_size:
                        self._fail(
                            f"response of {end - start} bytes exceeds the limit of {max_size} bytes",
                            end - start,
                            max_size,
                        )
                    out.append(bytes(buf[start:end]))
                    start = line_start = scan = end
                    continue
                total = end - start + size
                if total > max_size:
                    self._fail(
                        f"server announced a literal of {size} bytes; the response would be "
                        f"{total} bytes, over the limit of {max_size} bytes",
                        total,
                        max_size,
                    )
                literal_end = end + size
                scan = end
        finally:
            if self._broken is None:
                if start:
                    del buf[:start]  # O(1) amortised: bytearray moves its start
                    line_start -= start
                    scan -= start
                    if literal_end >= 0:
                        literal_end -= start
                self._line_start = line_start
                self._scan = scan
                self._literal_end = literal_end
        return out

    def clear(self) -> int:
        """Discard buffered bytes and any error; return how many were dropped.

        Used when STARTTLS swaps the stream (RFC 9051 §6.2.1): bytes that
        arrived before the TLS handshake must not be read as responses.
        """
        dropped = len(self._buf)
        self._buf = bytearray()
        self._line_start = self._scan = 0
        self._literal_end = -1
        self._broken = None
        return dropped

    @property
    def buffered(self) -> int:
        """Number of bytes received but not yet returned as a response."""
        return len(self._buf)

    @property
    def broken(self) -> bool:
        """True after :class:`ResponseTooLargeError`, until :meth:`clear`."""
        return self._broken is not None

    # --- helpers --------------------------------------------------------

    def _fail(self, message: str, size: int, limit: int) -> NoReturn:
        self._broken = message
        self._buf = bytearray()
        self._line_start = self._scan = 0
        self._literal_end = -1
        raise ResponseTooLargeError(message, size=size, limit=limit)

    def _literal_size(self, buf: bytearray, line_start: int, nl: int) -> int:
        """Size of the literal announced at the end of the line, or -1.

        The line is ``buf[line_start:nl]`` (without its LF).  A literal
        announcement is ``{digits}`` or ``{digits+}`` right before the
        (CR)LF, possibly preceded by ``~`` (RFC 9051 §4.3, RFC 3516).
        """
        close = nl - 1
        if close >= line_start and buf[close] == _CR:
            close -= 1
        if close < line_start or buf[close] != _RBRACE:
            return -1
        digits_end = close
        if digits_end > line_start and buf[digits_end - 1] == _PLUS:
            digits_end -= 1
        opening = buf.rfind(b"{", line_start, digits_end)
        if opening < 0:
            return -1
        digits = buf[opening + 1 : digits_end]
        if not digits or not digits.isdigit():
            return -1
        if len(digits) > _MAX_SIZE_DIGITS:
            self._fail(
                f"server announced a literal with a {len(digits)}-digit size, over the limit of "
                f"{self.max_response_size} bytes",
                -1,
                self.max_response_size,
            )
        return int(digits)
