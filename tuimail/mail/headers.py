"""Header text for display: RFC 2047 encoded-words, charsets, dates.

:func:`decode_text` decodes encoded-words with the wire layer's linear
decoder, :func:`tuimail.imap.encoded_words.decode_header`.  It never raises:
display must show what it can.  Its result is *not* sanitised;
:func:`display_text` is the bounded, sanitised form for one header line.

:func:`parse_date` reads an RFC 5322 §3.3 date and :func:`message_date`
is the one rule for the date a message is shown with, in the list and in
the viewer: its Date header, else INTERNALDATE (RFC 9051 §2.3.3).
"""

from __future__ import annotations

import codecs
import email.utils
import re
from datetime import UTC, datetime, timedelta, timezone

from tuimail.imap.encoded_words import decode_header

from .sanitize import sanitize

__all__ = [
    "MAX_DISPLAY_CHARS",
    "MAX_DECODE_CHARS",
    "cut_text",
    "decode_bytes",
    "decode_text",
    "display_text",
    "message_date",
    "parse_date",
]

#: A header line shown is cut to this many characters (with an ellipsis).
MAX_DISPLAY_CHARS = 4096
#: At most this many characters of one header value are decoded for display.
MAX_DECODE_CHARS = 64 * 1024
#: An RFC 5322 date is short; longer text is cut before it is parsed.
_MAX_DATE_CHARS = 256

_FOLDING = re.compile(r"\r?\n[ \t]*")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NON_TEXT_CHARSETS = {"unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined"}


def _text_codec(charset: str | None) -> str | None:
    """The Python codec for a declared charset, or None when unknown or not a
    text encoding (a message may name base64, zlib, rot13...)."""
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    if not name or name in _NON_TEXT_CHARSETS:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):  # unknown, or e.g. an embedded NUL
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode ``data`` in ``charset``, falling back for unknown or broken
    charsets: the declared one, then UTF-8 (also when only a few bytes are
    broken), then the declared one with replacement characters, then
    Windows-1252, then Latin-1 (which always succeeds)."""
    codec = _text_codec(charset)
    if codec is not None:
        try:
            return data.decode(codec)
        except Exception:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few broken bytes: keep the UTF-8 reading.
    text = data.decode("utf-8", errors="replace")
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    if text.count("\ufffd") * 4 < non_ascii:
        return text
    if codec is not None:
        try:
            return data.decode(codec, errors="replace")
        except Exception:
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode_text(value: str | bytes | None) -> str:
    """Decode a header value (RFC 2047 encoded-words, folding) for display.

    ``None`` gives ``""``.  Bytes are decoded as UTF-8 or Latin-1.  Folding
    whitespace (CRLF + WSP) becomes one space.  Time and memory are linear
    in the length of ``value``.  Never raises.
    """
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = decode_bytes(value, None)
    if not isinstance(value, str):
        value = str(value)
    if "\r" in value or "\n" in value:
        value = _FOLDING.sub(" ", value)
    if "=?" not in value:
        return value
    try:
        return decode_header(value)
    except Exception:  # the decoder promises not to raise; display never depends on it
        return value


def cut_text(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def display_text(value: str | None, *, cut: bool = False, limit: int = MAX_DISPLAY_CHARS) -> str:
    """One unstructured header value (Subject, Message-ID...) for display:
    at most :data:`MAX_DECODE_CHARS` of it decoded, sanitised, stripped and
    cut to ``limit`` characters.  ``cut`` says the value was already cut
    (an ellipsis is added).  Bounded whatever the value holds."""
    if not value:
        return ""
    if len(value) > MAX_DECODE_CHARS:
        value, cut = value[:MAX_DECODE_CHARS], True
    text = sanitize(decode_text(value)).strip()
    if cut:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return cut_text(text, limit)


# The form nearly every Date header has ("Tue, 3 Mar 2026 10:00:00 +0100"),
# read directly; its result is what email.utils gives for that text.
_COMMON_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?+(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"([1-9]\d{3}) (\d\d):(\d\d):(\d\d) ([+-]\d{4})"
)
_MONTH_NUMBERS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                               "Oct", "Nov", "Dec"), 1)}
# int() of the short numbers a date holds, read from a table (int() of a
# string costs several times a lookup); other digits go through int().
_NUMBERS = {f"{i}": i for i in range(10)} | {f"{i:02d}": i for i in range(100)}
_YEARS = {f"{i}": i for i in range(1970, 2100)}
_ZONES: dict[str, timezone] = {}


def _zone(text: str) -> timezone:
    """``+hhmm``/``-hhmm`` as email.utils reads it (``-0000`` is UTC here);
    ValueError past a day."""
    zone = _ZONES.get(text)
    if zone is None:
        sign = -1 if text[0] == "-" else 1
        zone = timezone(timedelta(seconds=sign * (int(text[1:3]) * 3600 + int(text[3:5]) * 60)))
        if len(_ZONES) < 1024:
            _ZONES[text] = zone
    return zone


def parse_date(value: str | None) -> datetime | None:
    """An RFC 5322 §3.3 date-time, always timezone-aware, or None when it
    does not parse.  ``-0000`` ("UTC, zone unknown", §3.3) gives UTC."""
    if not value or not isinstance(value, str):
        return None
    m = _COMMON_DATE.fullmatch(value)
    if m is not None:
        day, month, year, hour, minute, second, zone = m.groups()
        numbers = _NUMBERS
        try:
            return datetime(
                _YEARS.get(year) or int(year), _MONTH_NUMBERS[month],
                int(day) if (d := numbers.get(day)) is None else d,
                int(hour) if (h := numbers.get(hour)) is None else h,
                int(minute) if (mi := numbers.get(minute)) is None else mi,
                int(second) if (sec := numbers.get(second)) is None else sec,
                0, _ZONES.get(zone) or _zone(zone))
        except ValueError:  # out of range: as email.utils decides
            pass
    text = " ".join(value[: _MAX_DATE_CHARS * 4].split())[:_MAX_DATE_CHARS]
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if not isinstance(parsed, datetime):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def message_date(date_header: str | None, internaldate: object = None) -> datetime | None:
    """The date a message is shown with, in the list and in the viewer: its
    Date header (RFC 5322 §3.6.1) when that parses, else the server's
    INTERNALDATE (RFC 9051 §2.3.3; naive means UTC), else None."""
    parsed = parse_date(date_header)
    if parsed is not None:
        return parsed
    if isinstance(internaldate, datetime):
        return internaldate.replace(tzinfo=UTC) if internaldate.tzinfo is None else internaldate
    return None
