"""Content-Transfer-Encodings undone piece by piece (RFC 2045 §6), for streaming an attachment.

An attachment is fetched in chunks that end anywhere: in the middle of a
base64 quantum, of a quoted-printable ``=XX`` escape or soft line break, of a
uuencoded line.  :func:`decoder_for` gives an object whose ``feed(chunk)``
returns the bytes decoded so far and keeps what cannot be decoded yet (less
than one line), and whose ``finish()`` returns the rest.  Fed a whole body in
any split, the result equals :meth:`tuimail.mail.mime.MimePart.decoded` of it.
Memory is bounded by a chunk plus one line (lines longer than
:data:`MAX_HELD` are decoded as they are rather than held).
"""

from __future__ import annotations

import binascii
from typing import Protocol

from .mime import _decode_base64, _decode_uu

__all__ = ["MAX_HELD", "TransferDecoder", "decoder_for"]

#: Bytes held back waiting for a line's end, at most.
MAX_HELD = 64 * 1024

_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOT_B64 = bytes(b for b in range(256) if b not in _B64_ALPHABET)


class TransferDecoder(Protocol):
    """``feed`` a chunk, get what is decoded; ``finish`` at the end."""

    def feed(self, chunk: bytes) -> bytes: ...

    def finish(self) -> bytes: ...


class _Identity:
    """7bit, 8bit, binary and unknown encodings: the bytes as they are."""

    def feed(self, chunk: bytes) -> bytes:
        return bytes(chunk)

    def finish(self) -> bytes:
        return b""


class _Base64:
    """RFC 2045 §6.8: letters outside the alphabet are ignored; quanta of 4 letters are decoded as
    they are complete, padding and a broken tail at the end as :mod:`.mime` does."""

    def __init__(self) -> None:
        self._held = b""
        self._ended = False

    def feed(self, chunk: bytes) -> bytes:
        if self._ended:
            return b""
        data = self._held + chunk if self._held else bytes(chunk)  # no copy of a piece on its own
        pad = data.find(b"=")
        if pad >= 0:  # padding ends the data (what follows is not decoded, as binascii does)
            self._held, self._ended = data[:pad].translate(None, _NOT_B64) + b"=" * 2, True
            return b""
        letters = data.translate(None, _NOT_B64)
        whole = len(letters) - len(letters) % 4
        self._held = letters[whole:]
        return binascii.a2b_base64(letters[:whole]) if whole else b""

    def finish(self) -> bytes:
        held, self._held = self._held, b""
        return _decode_base64(held) if held.strip(b"=") else b""


class _ByLine:
    """Quoted-printable (RFC 2045 §6.7) and uuencode: decoded a whole line at a time."""

    def __init__(self, decode_lines: _LineDecoder) -> None:
        self._held = b""
        self._decode = decode_lines

    def feed(self, chunk: bytes) -> bytes:
        data = self._held + bytes(chunk)
        end = data.rfind(b"\n") + 1
        if end == 0 and len(data) <= MAX_HELD:
            self._held = data
            return b""
        if end == 0:
            end = len(data) - 3 if data[-3:].find(b"=") >= 0 else len(data)  # never split an =XX
        self._held = data[end:]
        return self._decode.lines(data[:end])

    def finish(self) -> bytes:
        held, self._held = self._held, b""
        return self._decode.lines(held) if held else b""


class _LineDecoder(Protocol):
    def lines(self, data: bytes) -> bytes: ...


class _QuotedPrintable:
    def lines(self, data: bytes) -> bytes:
        return binascii.a2b_qp(data)


class _Uuencode:
    """Lines between ``begin`` and ``end`` (as :func:`.mime._decode_uu`)."""

    def __init__(self) -> None:
        self._state = "before"

    def lines(self, data: bytes) -> bytes:
        out: list[bytes] = []
        for line in data.splitlines(keepends=True):
            if self._state == "before":
                if line.startswith(b"begin "):
                    self._state = "inside"
            elif self._state == "inside":
                if line.strip() == b"end":
                    self._state = "after"
                else:
                    out.append(_decode_uu(b"begin 644 x\n" + line))
        return b"".join(out)


def decoder_for(encoding: str | None) -> TransferDecoder:
    """The incremental decoder of a Content-Transfer-Encoding (lower or upper case)."""
    name = (encoding or "7bit").strip().lower()
    if name == "base64":
        return _Base64()
    if name == "quoted-printable":
        return _ByLine(_QuotedPrintable())
    if name in ("x-uuencode", "uuencode", "uue", "x-uue"):
        return _ByLine(_Uuencode())
    return _Identity()
