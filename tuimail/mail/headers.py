"""Decoding header text for display (RFC 2047 encoded-words).

:func:`decode_text` decodes encoded-words with
``tuimail.imap.encoded_words.decode_header`` when the wire layer provides it,
and with a tolerant fallback built on the standard ``email.header`` module
otherwise.  It never raises: display must show what it can.  The result is
*not* sanitised; callers pass it through :func:`tuimail.mail.sanitize`.
"""

from __future__ import annotations

import codecs
import email.header
import re
from collections.abc import Callable

__all__ = ["decode_text", "decode_bytes"]


def _load_imap_decoder() -> Callable[[str], str] | None:
    """The wire layer's RFC 2047 decoder, once it exists."""
    try:
        from tuimail.imap import encoded_words  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    decoder = getattr(encoded_words, "decode_header", None)
    return decoder if callable(decoder) else None


_imap_decode = _load_imap_decoder()


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode ``data`` in ``charset``, falling back for unknown or broken
    charsets: the declared one, then UTF-8 (also when only a few bytes are
    broken), then the declared one with replacement characters, then
    Windows-1252, then Latin-1 (which always succeeds)."""
    candidates: list[str] = []
    if charset:
        name = charset.strip().strip('"').lower()
        if name in {"unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined"}:
            name = ""
        if name:
            try:
                info = codecs.lookup(name)
            except (LookupError, ValueError, TypeError):  # unknown, or e.g. an embedded NUL
                info = None
            # Refuse bytes-to-bytes codecs a message may name (base64, zlib, rot13...).
            if info is not None and getattr(info, "_is_text_encoding", True):
                candidates.append(info.name)
    for name in candidates:
        try:
            return data.decode(name)
        except Exception:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few broken bytes: keep the UTF-8 reading.
    text = data.decode("utf-8", errors="replace")
    non_ascii = sum(1 for b in data if b > 0x7F)
    if text.count("\ufffd") * 4 < non_ascii:
        return text
    if candidates:
        try:
            return data.decode(candidates[0], errors="replace")
        except Exception:
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _fallback_decode(value: str) -> str:
    """RFC 2047 via ``email.header.decode_header``, tolerant of bad charsets."""
    try:
        chunks = email.header.decode_header(value)
    except Exception:
        return value
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            # email.header encodes plain runs with raw-unicode-escape.
            try:
                out.append(chunk.decode("raw-unicode-escape"))
            except UnicodeDecodeError:
                out.append(decode_bytes(chunk, None))
        else:
            out.append(decode_bytes(chunk, charset))
    return "".join(out)


def decode_text(value: str | bytes | None) -> str:
    """Decode a header value (encoded-words, folding) for display.

    ``None`` gives ``""``.  Bytes are decoded as UTF-8 or Latin-1.  Folding
    whitespace (CRLF + WSP) is unfolded.  Never raises.
    """
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = decode_bytes(value, None)
    if not isinstance(value, str):
        value = str(value)
    if "\r" in value or "\n" in value:
        value = re.sub(r"\r?\n[ \t]*", " ", value)
    if "=?" not in value:
        return value
    if _imap_decode is not None:
        try:
            return _imap_decode(value)
        except Exception:
            pass
    return _fallback_decode(value)
