"""Command encoder: Python values to IMAP command bytes (RFC 9051 §2.2.1, §9).

:func:`encode_command` returns the command as *segments*.  Every segment
but the last ends with a synchronising literal announcement ``{n}\\r\\n``;
the client sends it, waits for the server's continuation request (``+``),
then sends the next segment, which starts with the literal's data.  The
last segment ends with the command's CRLF.

Arguments are converted by type:

========================  ==================================================
``int``                   a number (``bool`` and negative numbers refused)
``None``                  ``NIL``
``str``                   an atom when it is a valid atom other than ``NIL``;
                          else a quoted string; else (CR, LF, other controls,
                          8-bit without ``utf8``, very long) a literal.
                          NUL is refused.  **User data that must never be
                          read as a keyword goes in** :class:`String`.
``bytes``                 a literal (NUL refused; see :class:`Literal`)
:class:`Atom`             sent as is; validated (no CR/LF/NUL/SP/specials)
:class:`Raw`              pre-formatted text such as fetch attributes
                          (``BODY.PEEK[HEADER.FIELDS (SUBJECT)]``); printable
                          ASCII without ``{``
:class:`String`           an IMAP string: quoted when possible, else a
                          literal; never an atom (so never a keyword or NIL)
:class:`Quoted`           a quoted string, or :class:`EncodeError`
:class:`Literal`          a literal; ``binary=True`` sends ``~{n}`` (RFC 3516)
                          and allows NUL
:class:`Mailbox`          a mailbox name, modified UTF-7 (RFC 3501 §5.1.3)
                          unless ``utf8`` (RFC 6855: UTF-8 quoted)
:class:`Sequence`,        a sequence set (ints, ranges, iterables, ``"1:*"``)
``SequenceSet``,
``range``
:class:`Flags`            a parenthesised flag list ``(\\Seen $Junk)``
``date``                  ``d-Mon-yyyy`` (RFC 9051 ``date``)
``datetime``              ``"dd-Mon-yyyy hh:mm:ss +zzzz"`` (``date-time``,
                          naive values taken as local time)
``list``/``tuple``        a parenthesised list of the converted items
========================  ==================================================

Literals are synchronising unless ``literal_plus`` (LITERAL+, RFC 7888: any
size as ``{n+}``) or ``literal_minus`` (LITERAL-: ``{n+}`` only up to 4096
bytes, larger ones synchronise).

No argument can inject a command: CR, LF and NUL never appear outside a
literal's data, literal sizes are exact, and where a literal is not allowed
(atoms, flags, raw text, tags, the command name) such values raise
:class:`EncodeError`.

Search criteria are turned into arguments by
:mod:`tuimail.imap.commands.search_keys`, next to the SEARCH commands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .errors import EncodeError, ParseError
from .mutf7 import encode_mailbox
from .sequence_set import SequenceSet

__all__ = [
    "LITERAL_MINUS_MAX",
    "Atom",
    "Flags",
    "Literal",
    "Mailbox",
    "Quoted",
    "Raw",
    "Sequence",
    "String",
    "encode_command",
    "format_date",
    "format_datetime",
]

#: Largest non-synchronising literal allowed by LITERAL- (RFC 7888 §4).
LITERAL_MINUS_MAX = 4096
# Strings longer than this (in bytes) go as literals rather than quoted:
# servers limit line lengths.
_MAX_QUOTED = 1024
_MAX_DEPTH = 64

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# ATOM-CHAR: any CHAR except atom-specials: "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]".
# The classes name the printable ASCII characters allowed rather than excluding the rest of
# Unicode: a class excluding a range up to U+10FFFF takes the regular expression compiler
# 10-40 ms to build, on every start (tests/imap/test_encoder.py checks they are the same sets).
_ATOM_CHARS = r"\x21\x23\x24\x26\x27\x2b-\x5b\x5e-\x7a\x7c-\x7e"
_ATOM_RE = re.compile(f"[{_ATOM_CHARS}]+")
# flag: "\" atom (system flags and flag-extension) or a keyword atom.
_FLAG_RE = re.compile(rf"\\?[{_ATOM_CHARS}]+")
# ASTRING-CHAR = ATOM-CHAR / resp-specials ("]")
_ASTRING_RE = re.compile(r"[\x21\x23\x24\x26\x27\x2b-\x5b\x5d-\x7a\x7c-\x7e]+")
# tag: 1*<any ASTRING-CHAR except "+">
_TAG_RE = re.compile(r"[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c-\x7e]+")
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9._-]*(?: [A-Za-z][A-Za-z0-9._-]*)*")
_RAW_RE = re.compile(r"[\x20-\x7e]+")
# Printable ASCII: may go in a quoted string (after escaping " and \).
_QUOTABLE_ASCII_RE = re.compile(r"[\x20-\x7e]*")
# With UTF8=ACCEPT also any non-ASCII character except C1 controls and
# line/paragraph separators (shown oddly; such strings go as literals): the characters
# [\x20-\x7e\xa0-\u2027\u202a-\U0010ffff], written as what is excluded.
_QUOTABLE_UTF8_RE = re.compile(r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]*")


# --- argument wrapper types --------------------------------------------------


def _require_str(kind: str, text: object) -> str:
    if not isinstance(text, str):
        raise EncodeError(f"{kind} must be a str, not {type(text).__name__}")
    return text


@dataclass(frozen=True, slots=True)
class Atom:
    """An atom (RFC 9051 §4.1), sent as is: keywords, command words, flags.

    Validated when built: ATOM-CHARs only (no SP, CR, LF, NUL, controls,
    8-bit, ``( ) { % * " \\ ]``), optionally after one leading ``\\`` (flags
    like ``\\Seen``).  Anything else raises :class:`EncodeError`.
    """

    text: str

    def __post_init__(self) -> None:
        text = _require_str("an atom", self.text)
        if not _FLAG_RE.fullmatch(text):
            raise EncodeError(f"not a valid IMAP atom: {text!r}")


@dataclass(frozen=True, slots=True)
class Raw:
    """Pre-formatted command text sent as is, e.g. fetch attributes
    ``BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]``.

    Printable ASCII and spaces only; ``{`` is refused so that raw text can
    never announce a literal.  Never put user data in Raw.
    """

    text: str

    def __post_init__(self) -> None:
        text = _require_str("raw text", self.text)
        if not _RAW_RE.fullmatch(text) or "{" in text:
            raise EncodeError(f"raw command text must be printable ASCII without '{{': {text!r}")


@dataclass(frozen=True, slots=True)
class String:
    """An IMAP ``string`` (RFC 9051 §4.3): quoted when possible, else a
    literal; never an atom, so never a keyword or NIL.  NUL is refused."""

    text: str

    def __post_init__(self) -> None:
        _require_str("a string", self.text)


@dataclass(frozen=True, slots=True)
class Quoted:
    """A quoted string (RFC 9051 §4.3); :class:`EncodeError` when the text
    holds CR, LF, NUL or other controls, or 8-bit text without ``utf8``."""

    text: str

    def __post_init__(self) -> None:
        _require_str("a quoted string", self.text)


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal (RFC 9051 §4.3): ``{n}`` then ``n`` bytes of data.

    A ``str`` is sent as UTF-8.  ``binary=True`` makes it a literal8
    ``~{n}`` (RFC 3516, and APPEND's ``UTF8 (~{n})`` of RFC 6855), the only
    kind that may hold NUL.
    """

    data: bytes | str
    binary: bool = False

    def payload(self) -> bytes:
        """The literal's bytes; :class:`EncodeError` for NUL in a non-binary one."""
        data = _utf8(self.data) if isinstance(self.data, str) else bytes(self.data)
        if not self.binary and b"\x00" in data:
            raise EncodeError("NUL cannot be sent in a literal; use Literal(data, binary=True)")
        return data


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A mailbox name (RFC 9051 §5.1): modified UTF-7 (RFC 3501 §5.1.3)
    unless the command is encoded with ``utf8`` (RFC 6855)."""

    name: str

    def __post_init__(self) -> None:
        _require_str("a mailbox name", self.name)


@dataclass(frozen=True, slots=True)
class Sequence:
    """A sequence set from anything :class:`SequenceSet` accepts: ints,
    ranges, ``(lo, hi)`` tuples, iterables, IMAP text such as ``"1:*"``.

    An empty set raises :class:`EncodeError`.  The SEARCHRES reference
    ``$`` (RFC 5182) is sent as ``Atom("$")``."""

    value: Any
    set: SequenceSet = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        value = self.value
        if not isinstance(value, SequenceSet):
            try:
                value = SequenceSet(value)
            except ParseError as e:
                raise EncodeError(str(e)) from None
        object.__setattr__(self, "set", value)
        self.set.to_imap()  # refuse an empty set now


@dataclass(frozen=True, slots=True)
class Flags:
    """A parenthesised flag list (RFC 9051 ``flag-list``), e.g.
    ``Flags(["\\\\Seen", "$Forwarded"])``; a single str is one flag.

    Each flag is ``\\`` + atom or a keyword atom; anything else (spaces, CR,
    LF, 8-bit...) raises :class:`EncodeError`.
    """

    flags: tuple[str, ...]

    def __init__(self, flags: Iterable[str] | str = ()) -> None:
        items = (flags,) if isinstance(flags, str) else tuple(flags)
        for flag in items:
            if not isinstance(flag, str) or not _FLAG_RE.fullmatch(flag):
                raise EncodeError(f"not a valid IMAP flag: {flag!r}")
        object.__setattr__(self, "flags", items)


# --- formatting helpers --------------------------------------------------------


def format_date(value: date) -> str:
    """``d-Mon-yyyy`` (RFC 9051 ``date-text``), months in English."""
    return f"{value.day}-{_MONTHS[value.month - 1]}-{value.year:04d}"


def format_datetime(value: datetime) -> str:
    """``dd-Mon-yyyy hh:mm:ss +zzzz`` (RFC 9051 ``date-time``, unquoted);
    a naive value is taken as local time."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.astimezone()
    offset = value.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hh, mm = divmod(abs(minutes), 60)
    return (
        f"{value.day:2d}-{_MONTHS[value.month - 1]}-{value.year:04d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} {sign}{hh:02d}{mm:02d}"
    )


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise EncodeError(f"text cannot be encoded as UTF-8: {e}") from None


def _quote(text: str) -> bytes:
    return b'"' + _utf8(text.replace("\\", "\\\\").replace('"', '\\"')) + b'"'


def _is_atom(text: str) -> bool:
    return _ATOM_RE.fullmatch(text) is not None and text.upper() != "NIL"


# --- the encoder -------------------------------------------------------------


class _Builder:
    """Accumulates segments; one per synchronising literal, plus the last."""

    __slots__ = ("cur", "literal_minus", "literal_plus", "segments", "utf8")

    def __init__(self, literal_plus: bool, literal_minus: bool, utf8: bool) -> None:
        self.literal_plus = literal_plus
        self.literal_minus = literal_minus
        self.utf8 = utf8
        self.segments: list[bytes] = []
        self.cur = bytearray()

    def literal(self, data: bytes, binary: bool = False) -> None:
        """Append a literal (RFC 9051 §4.3; RFC 7888 for ``{n+}``)."""
        n = len(data)
        prefix = b"~" if binary else b""
        if self.literal_plus or (self.literal_minus and n <= LITERAL_MINUS_MAX):
            self.cur += b"%s{%d+}\r\n" % (prefix, n)
            self.cur += data
        else:
            self.cur += b"%s{%d}\r\n" % (prefix, n)
            self.segments.append(bytes(self.cur))
            self.cur = bytearray(data)

    def string(self, text: str) -> None:
        """An IMAP string: quoted when possible, else a literal."""
        if "\x00" in text:
            raise EncodeError("NUL cannot be sent in an IMAP string")
        quotable = _QUOTABLE_UTF8_RE if self.utf8 else _QUOTABLE_ASCII_RE
        if len(text) <= _MAX_QUOTED and quotable.fullmatch(text):
            quoted = _quote(text)
            if len(quoted) <= _MAX_QUOTED + 2:
                self.cur += quoted
                return
        self.literal(_utf8(text))

    def quoted(self, text: str) -> None:
        quotable = _QUOTABLE_UTF8_RE if self.utf8 else _QUOTABLE_ASCII_RE
        if not quotable.fullmatch(text):
            what = "8-bit text without UTF8=ACCEPT" if text.isprintable() else "control characters"
            raise EncodeError(f"cannot send {text!r} as a quoted string: it holds {what}")
        self.cur += _quote(text)

    def mailbox(self, name: str) -> None:
        """mailbox (RFC 9051 §9): astring, mUTF-7 encoded unless utf8."""
        if "\x00" in name:
            raise EncodeError("NUL cannot be sent in a mailbox name")
        wire = name if self.utf8 else encode_mailbox(name)
        if _ASTRING_RE.fullmatch(wire) and wire.upper() != "NIL":
            self.cur += wire.encode("ascii")
        else:
            self.string(wire)

    def add(self, value: Any, depth: int = 0) -> None:
        cur = self.cur
        if isinstance(value, str):
            if _is_atom(value):
                cur += value.encode("ascii")
            else:
                self.string(value)
        elif value is None:
            cur += b"NIL"
        elif isinstance(value, bool):
            raise EncodeError(f"cannot send a bool ({value!r}); use an int or an Atom")
        elif isinstance(value, int):
            if value < 0:
                raise EncodeError(f"IMAP numbers are unsigned: {value}")
            cur += b"%d" % value
        elif isinstance(value, Atom | Raw):
            cur += value.text.encode("ascii")
        elif isinstance(value, String):
            self.string(value.text)
        elif isinstance(value, Quoted):
            self.quoted(value.text)
        elif isinstance(value, bytes | bytearray | memoryview):
            self.literal(Literal(bytes(value)).payload())
        elif isinstance(value, Literal):
            self.literal(value.payload(), value.binary)
        elif isinstance(value, Mailbox):
            self.mailbox(value.name)
        elif isinstance(value, Sequence):
            cur += value.set.to_imap().encode("ascii")
        elif isinstance(value, SequenceSet):
            cur += value.to_imap().encode("ascii")
        elif isinstance(value, range):
            cur += SequenceSet(value).to_imap().encode("ascii")
        elif isinstance(value, Flags):
            cur += b"(" + " ".join(value.flags).encode("ascii") + b")"
        elif isinstance(value, datetime):
            cur += b'"' + format_datetime(value).encode("ascii") + b'"'
        elif isinstance(value, date):
            cur += format_date(value).encode("ascii")
        elif isinstance(value, list | tuple):
            if depth >= _MAX_DEPTH:
                raise EncodeError(f"lists nested deeper than {_MAX_DEPTH} levels")
            cur += b"("
            for i, item in enumerate(value):
                if i:
                    self.cur += b" "
                self.add(item, depth + 1)
            self.cur += b")"
        else:
            raise EncodeError(f"cannot encode {type(value).__name__} value {value!r} as an IMAP argument")


def encode_command(
    tag: str,
    name: str,
    *args: Any,
    literal_plus: bool = False,
    literal_minus: bool = False,
    utf8: bool = False,
) -> list[bytes]:
    """Encode ``tag SP name *(SP arg) CRLF`` (RFC 9051 §2.2.1) as segments.

    >>> encode_command("A1", "LOGIN", "joe", "two words")
    [b'A1 LOGIN joe "two words"\\r\\n']
    >>> encode_command("A2", "SELECT", Mailbox("Entwürfe"))
    [b'A2 SELECT Entw&APw-rfe\\r\\n']
    >>> encode_command("A3", "APPEND", Mailbox("INBOX"), b"hi")
    [b'A3 APPEND INBOX {2}\\r\\n', b'hi\\r\\n']

    Raises :class:`EncodeError` for a value that cannot be sent safely.
    """
    if not isinstance(tag, str) or not _TAG_RE.fullmatch(tag):
        raise EncodeError(f"not a valid IMAP tag: {tag!r}")
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise EncodeError(f"not a valid IMAP command name: {name!r}")
    builder = _Builder(literal_plus, literal_minus, utf8)
    builder.cur += f"{tag} {name}".encode("ascii")
    for arg in args:
        builder.cur += b" "
        builder.add(arg)
    builder.cur += b"\r\n"
    builder.segments.append(bytes(builder.cur))
    return builder.segments
