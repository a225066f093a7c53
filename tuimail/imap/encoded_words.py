"""RFC 2047 encoded-words, decoded for display only.

    encoded-word = "=?" charset "?" encoding "?" encoded-text "?="

Envelope fields keep encoded-words as sent (the wire types never decode);
:func:`decode_header` turns them into text for the screen.  It is lenient
the way mail readers are: encoded-words inside a word are decoded too,
adjacent encoded-words in one charset are joined *before* charset decoding
(senders split multi-byte characters across words), an RFC 2231 language
suffix (``utf-8*en``) is ignored, and a word with an unknown charset or
broken base64 is left exactly as sent.  It never raises.

The result is untrusted text: it may hold control characters and must pass
through the display sanitiser.
"""

from __future__ import annotations

import binascii
import codecs
import re

__all__ = ["decode_header"]

# RFC 2047 §2: charset and encoding are tokens; encoded-text has no "?" or
# white space.  (The 75-character limit is not enforced: senders break it.)
_WORD_RE = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_FOLD_RE = re.compile(r"\r?\n(?=[ \t])")
_QP_ESCAPE_RE = re.compile(rb"=([0-9A-Fa-f]{2})")
_QP_STRAY_RE = re.compile(rb"=(?![0-9A-Fa-f]{2})")
_WSP_RE = re.compile(r"[ \t\r\n]*")

# Labels seen in real mail that Python's codecs do not know, or know as a
# narrower charset than senders mean (WHATWG Encoding practice).
_CHARSET_ALIASES = {
    "unknown-8bit": "latin-1",
    "x-unknown": "latin-1",
    "unknown": "latin-1",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "x-mac-roman": "mac-roman",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "utf8": "utf-8",
    "x-utf-8": "utf-8",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
}


_CODECS: dict[str, str | None] = {}
_CODECS_LIMIT = 256


def _codec(charset: str) -> str | None:
    """The Python codec for a MIME charset label, or None when unknown;
    memoised (a mailbox uses few labels; at most _CODECS_LIMIT kept, of
    short labels)."""
    try:
        return _CODECS[charset]
    except KeyError:
        pass
    codec = _lookup_codec(charset)
    if len(_CODECS) < _CODECS_LIMIT and len(charset) <= 64:
        _CODECS[charset] = codec
    return codec


def _lookup_codec(charset: str) -> str | None:
    label = charset.strip().lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    # Only text encodings: "base64", "rot13", "zlib"... are codecs too.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _decode_payload(encoding: str, text: str) -> bytes | None:
    """The bytes of an encoded-text (RFC 2047 §4), or None when broken."""
    if not text.isascii():
        return None
    raw = text.encode("ascii")
    if encoding in "bB":
        raw = raw.rstrip(b"=")
        if len(raw) % 4 == 1:
            return None
        try:
            return binascii.a2b_base64(raw + b"=" * (-len(raw) % 4), strict_mode=True)
        except binascii.Error:
            return None
    # "Q": "_" is a space, "=XX" a byte; a stray "=" is kept as sent.
    if _QP_STRAY_RE.search(raw) is None:  # as a2b_qp reads it (in C)
        return binascii.a2b_qp(raw, header=True)
    raw = raw.replace(b"_", b" ")
    return _QP_ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def decode_header(text: str) -> str:
    """Decode RFC 2047 encoded-words in a header value for display.

    >>> decode_header("=?UTF-8?B?R3LDvMOfZQ==?= aus =?iso-8859-1?q?M=FCnchen?=")
    'Grüße aus München'
    >>> decode_header("=?utf-8?q?a?= =?utf-8?q?b?=")
    'ab'
    >>> decode_header("=?nonsense?q?a?= stays")
    '=?nonsense?q?a?= stays'
    """
    if not isinstance(text, str):
        return "" if text is None else str(text)
    if "=?" not in text:
        return text
    if "\n" in text:
        text = _FOLD_RE.sub("", text)  # RFC 5322 §2.2.3 unfolding
    out: list[str] = []
    pos = 0
    # A run of adjacent decodable words in one codec: its codec, the
    # words' bytes and where its first word starts in text.
    run_codec: str | None = None
    run_bytes: list[bytes] = []
    run_start = 0
    for m in _WORD_RE.finditer(text):
        start = m.start()
        charset, encoding, encoded = m.groups()
        codec = _codec(charset)
        payload = _decode_payload(encoding, encoded) if codec is not None else None
        if payload is None or codec is None:
            if run_codec is not None:
                out.append(_decoded_run(run_bytes, run_codec, text, run_start, pos))
                run_codec = None
            out.append(text[pos:start])
            out.append(m.group())  # left as sent
        # RFC 2047 §6.2: white space between adjacent encoded-words is ignored.
        elif run_codec is not None and (start == pos or _WSP_RE.fullmatch(text, pos, start) is not None):
            if codec == run_codec:
                run_bytes.append(payload)
            else:
                out.append(_decoded_run(run_bytes, run_codec, text, run_start, pos))
                run_codec, run_bytes, run_start = codec, [payload], start
        else:
            if run_codec is not None:
                out.append(_decoded_run(run_bytes, run_codec, text, run_start, pos))
            if start != pos:
                out.append(text[pos:start])
            run_codec, run_bytes, run_start = codec, [payload], start
        pos = m.end()
    if run_codec is not None:
        out.append(_decoded_run(run_bytes, run_codec, text, run_start, pos))
    out.append(text[pos:])
    return "".join(out)


def _decoded_run(parts: list[bytes], codec: str, text: str, start: int, end: int) -> str:
    """The text of a run of adjacent encoded-words (text[start:end]) in one
    codec: their bytes joined, then decoded; as sent when the codec fails."""
    try:
        return b"".join(parts).decode(codec, "replace")
    except Exception:  # odd codecs ("undefined", "idna"...) may still raise
        return text[start:end]
