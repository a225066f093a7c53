"""Modified UTF-7 for mailbox names (RFC 3501 §5.1.3, RFC 9051 §5.1.3).

Printable US-ASCII except ``&`` stands for itself; ``&`` is ``&-``; any
other run of characters is UTF-16BE, base64-encoded with ``,`` in place of
``/``, without padding, between ``&`` and ``-``.

    >>> encode_mailbox("Entwürfe")
    'Entw&APw-rfe'
    >>> decode_mailbox("Entw&APw-rfe")
    'Entwürfe'
"""

from __future__ import annotations

import binascii
import re

__all__ = ["decode_mailbox", "encode_mailbox"]

_SHIFTED_RE = re.compile(r"&([^-]*)-")
_B64_CHARS = re.compile(r"[A-Za-z0-9+,]*")


def _is_direct(ch: str) -> bool:
    return "\x20" <= ch <= "\x7e"


def _encode_run(run: str) -> str:
    utf16 = run.encode("utf-16-be", "surrogatepass")
    b64 = binascii.b2a_base64(utf16, newline=False).decode("ascii").rstrip("=")
    return "&" + b64.replace("/", ",") + "-"


def encode_mailbox(name: str) -> str:
    """Encode a mailbox name to modified UTF-7 (RFC 3501 §5.1.3)."""
    if name.isascii() and "&" not in name and name.isprintable():
        return name
    out: list[str] = []
    run: list[str] = []
    for ch in name:
        if _is_direct(ch):
            if run:
                out.append(_encode_run("".join(run)))
                run = []
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    if run:
        out.append(_encode_run("".join(run)))
    return "".join(out)


def _decode_run(b64: str) -> str:
    """Decode the base64 between ``&`` and ``-``; ValueError when invalid."""
    if not _B64_CHARS.fullmatch(b64) or len(b64) % 4 == 1:
        raise ValueError(f"invalid modified base64 {b64!r}")
    raw = b64.replace(",", "/")
    raw += "=" * (-len(raw) % 4)
    try:
        data = binascii.a2b_base64(raw.encode("ascii"), strict_mode=True)
    except binascii.Error as e:
        raise ValueError(f"invalid modified base64 {b64!r}: {e}") from None
    if len(data) % 2:
        raise ValueError(f"modified base64 {b64!r} is not UTF-16")
    text = data.decode("utf-16-be", "strict")
    if any(_is_direct(c) for c in text):
        raise ValueError(f"modified base64 {b64!r} encodes printable ASCII")
    return text


def decode_mailbox(name: str, *, strict: bool = False) -> str:
    """Decode a modified UTF-7 mailbox name (RFC 3501 §5.1.3).

    Names that are not valid modified UTF-7 (an unterminated ``&``, bad
    base64, raw 8-bit characters from a server that sends UTF-8 anyway) are
    returned as sent, or raise :class:`ValueError` when ``strict``.
    """
    if "&" not in name:
        if strict and not name.isascii():
            raise ValueError(f"mailbox name {name!r} is not 7-bit")
        return name
    if not name.isascii():
        if strict:
            raise ValueError(f"mailbox name {name!r} is not 7-bit")
        return name
    out: list[str] = []
    pos = 0
    try:
        for m in _SHIFTED_RE.finditer(name):
            out.append(name[pos : m.start()])
            b64 = m.group(1)
            out.append("&" if b64 == "" else _decode_run(b64))
            pos = m.end()
        rest = name[pos:]
        if "&" in rest:
            raise ValueError(f"unterminated '&' in mailbox name {name!r}")
        out.append(rest)
    except (ValueError, UnicodeDecodeError):
        if strict:
            raise ValueError(f"mailbox name {name!r} is not valid modified UTF-7") from None
        return name
    return "".join(out)
