"""Low-level scanning of one IMAP response (RFC 9051 §4, §9 core rules).

A response arrives as bytes: a line, possibly ending in a literal
announcement ``{n}`` / ``~{n}`` (literal8, RFC 3516) followed by CRLF, n
bytes of literal data and the rest of the line, and so on.  :func:`split`
turns it into one ``str`` holding the line text with the literal *data*
removed (the ``{n}`` announcement stays in place) and a dict mapping the
offset of each announcement to its bytes.  The grammar then runs on the
``str`` with compiled regular expressions, and literal data stays ``bytes``.

Line text is decoded as UTF-8; bytes that are not UTF-8 are kept with
``surrogateescape`` and each string holding them is re-decoded as Latin-1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NoReturn

from .errors import ParseError
from .mutf7 import decode_mailbox

MAX_DEPTH = 100
"""Deepest parenthesis nesting accepted; deeper input is a ParseError."""

DEFAULT_MAX_ITEMS = 250_000
"""Values one response may hold (list elements at any depth, THREAD
members, sequence-set ranges...; see :mod:`tuimail.imap.limits`): at most
about 30 MB and 1 to 4 s of CPU to parse one response."""

MAX_NUMBER64 = 2**63 - 1

_LITERAL_END = re.compile(rb"~?\{(\d+)\}\r\n")
MAX_INLINE = 4096
_SURROGATE = re.compile("[\udc80-\udcff]")
_UNESCAPE = re.compile(r"\\(.)", re.S)

# quoted = DQUOTE *QUOTED-CHAR DQUOTE; the unrolled loop never backtracks.
QUOTED = r'"[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*"'
NIL = r"[Nn][Ii][Ll]"
_QUOTED_RE = re.compile(r'"([^"\\\r\n]*(?:\\.[^"\\\r\n]*)*)"', re.S)
_NUMBER_RE = re.compile(r"\d+")
# astring-ish: ATOM-CHAR / resp-specials; also list-wildcards for mailboxes.
_ASTRING_ATOM_RE = re.compile(r'[^\x00-\x20\x7f(){"\\]+')
_ATOM_RE = re.compile(r'[^\x00-\x20\x7f(){"\\\]]+')
_LITERAL_RE = re.compile(r"~?\{(\d+)\}")
_SP_RE = re.compile(r" +")
_SPACES_RE = re.compile(r" *")
_TAG_EXT_ATOM = re.compile(r'[^\x00-\x20\x7f(){"\\]+')


def _find_literal(data: bytes, pos: int, end: int) -> re.Match[bytes] | None:
    """The next literal announcement ``~{n}`` CRLF in data[pos:end]."""
    while True:
        i = data.find(b"}\r\n", pos, end)
        if i < 0:
            return None
        j = data.rfind(b"{", pos, i)
        if j >= 0:
            m = _LITERAL_END.match(data, j - 1 if j > pos and data[j - 1] == 0x7E else j, end)
            if m is not None and m.end() == i + 3:
                return m
        pos = i + 3


def split(data: bytes) -> tuple[str, dict[int, bytes], bool]:
    """Split a response into (line text, literals by offset, has 8-bit junk).

    The final CRLF (or bare LF) is dropped.  Raises ParseError for a
    truncated literal or an absurd literal size.
    """
    if data.endswith(b"\r\n"):
        end = len(data) - 2
    elif data.endswith(b"\n"):
        end = len(data) - 1
    else:
        end = len(data)
    # (bytes.find, not "in": "in" tries the argument as an int first.)
    m = None if data.find(b"{") < 0 else _find_literal(data, 0, end)
    if m is None:
        line = data[:end]
        try:
            return line.decode("utf-8"), {}, False
        except UnicodeDecodeError:
            return line.decode("utf-8", "surrogateescape"), {}, True
    parts: list[str] = []
    lits: dict[int, bytes] = {}
    dirty = False
    offset = 0  # length of the text in parts
    pos = 0
    while m is not None:
        announced = m.start()
        size_text = m.group(1)
        if len(size_text) > 19 or (size := int(size_text)) > MAX_NUMBER64:
            message = f"literal size {size_text.decode()} is out of range at byte {announced}"
            raise ParseError(message, data[:4096], announced)
        lit_start = m.end()
        lit_end = lit_start + size
        if lit_end > end:
            message = f"literal of {size} bytes at byte {announced} is truncated"
            raise ParseError(message, data[:4096], announced)
        seg = data[pos:announced]
        try:
            text = seg.decode("utf-8")
        except UnicodeDecodeError:
            text = seg.decode("utf-8", "surrogateescape")
            dirty = True
        offset += len(text)
        parts.append(text)
        lit = data[lit_start:lit_end]
        lits[offset] = lit
        if (size <= MAX_INLINE and data[announced] == 0x7B
                and lit.find(b"\r") < 0 and lit.find(b"\n") < 0 and lit.find(b"\x00") < 0):
            # A short plain-text literal becomes a quoted string in the text,
            # so whole-structure regexes match it; its bytes stay recorded.
            try:
                inline = lit.decode("utf-8")
            except UnicodeDecodeError:
                inline = lit.decode("latin-1")
            if '"' in inline or "\\" in inline:
                inline = inline.replace("\\", "\\\\").replace('"', '\\"')
            text = '"' + inline + '"'
        else:  # the announcement stays in the text (ASCII)
            text = data[announced : lit_start - 2].decode("ascii")
        offset += len(text)
        parts.append(text)
        pos = lit_end
        m = _find_literal(data, pos, end)
    seg = data[pos:end]
    try:
        parts.append(seg.decode("utf-8"))
    except UnicodeDecodeError:
        parts.append(seg.decode("utf-8", "surrogateescape"))
        dirty = True
    return "".join(parts), lits, dirty


def fix_8bit(text: str) -> str:
    """Re-decode a string holding undecodable bytes as Latin-1."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def unescape(text: str) -> str:
    """QUOTED-CHAR: ``\\\\`` and ``\\"`` stand for themselves (RFC 9051 §9)."""
    return _UNESCAPE.sub(r"\1", text) if "\\" in text else text


def bytes_to_str(data: bytes) -> str:
    """Decode string data sent as a literal: UTF-8, else Latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class Scanner:
    """Position-keeping scanner over one split response.

    Methods are named after the ABNF rules of RFC 9051 §9 they read.
    Each returns the value and advances ``pos``; :meth:`error` raises a
    :class:`ParseError` saying where.
    """

    __slots__ = (
        "s", "pos", "lits", "dirty", "utf8", "depth", "data", "budget", "max_items", "whole_structures"
    )

    def __init__(
        self,
        data: bytes,
        *,
        utf8: bool = False,
        max_items: int = DEFAULT_MAX_ITEMS,
        whole_structures: bool = True,
    ) -> None:
        self.data = data
        #: Whether FETCH structures may be matched whole by :mod:`.fetch_fast`'s patterns.
        self.whole_structures = whole_structures
        self.s, self.lits, self.dirty = split(data)
        self.pos = 0
        self.utf8 = utf8
        self.depth = 0
        #: Items this response may still hold (see :meth:`spend`).
        self.budget = max_items
        self.max_items = max_items

    # --- errors and structure ------------------------------------------

    def error(self, message: str, pos: int | None = None) -> NoReturn:
        p = self.pos if pos is None else pos
        s = self.s
        before = s[max(0, p - 24) : p]
        after = s[p : p + 24]
        raise ParseError(f"{message} at offset {p} (after {before!r}, before {after!r})", self.data[:4096], p)

    def at_end(self) -> bool:
        """True when only trailing spaces remain (a common quirk); looks
        at those spaces only, never copies the rest of the line."""
        m = _SPACES_RE.match(self.s, self.pos)
        return m is not None and m.end() == len(self.s)

    def end(self) -> None:
        if not self.at_end():
            self.error("unexpected data at end of response")

    def peek(self) -> str:
        return self.s[self.pos : self.pos + 1]

    def expect(self, text: str) -> None:
        if not self.s.startswith(text, self.pos):
            self.error(f"expected {text!r}")
        self.pos += len(text)

    def accept(self, text: str) -> bool:
        if self.s.startswith(text, self.pos):
            self.pos += len(text)
            return True
        return False

    def take(self, regex: re.Pattern[str], what: str) -> re.Match[str]:
        """Match ``regex`` here and move past it; a ParseError saying
        "expected <what>" when it does not match."""
        m = regex.match(self.s, self.pos)
        if m is None:
            self.error(f"expected {what}")
        self.pos = m.end()
        return m

    def sp(self) -> None:
        """SP; extra spaces are tolerated (several servers send them)."""
        self.take(_SP_RE, "SP")

    def accept_sp(self) -> bool:
        m = _SP_RE.match(self.s, self.pos)
        if m is None:
            return False
        self.pos = m.end()
        return True

    def more(self) -> bool:
        """SP before one more item of a ``*(SP item)`` run that ends the
        line; False at the end (trailing spaces tolerated)."""
        return self.accept_sp() and not self.at_end()

    def enter(self) -> None:
        """Count one level of parenthesis nesting; bounded by MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.error(f"parentheses nested deeper than {MAX_DEPTH}")

    def leave(self) -> None:
        self.depth -= 1

    def spend(self, items: int = 1) -> None:
        """Count ``items`` values about to be built; a ParseError once the
        response holds more than ``max_items``, so the work per response
        is bounded, not only its bytes (RFC 9051 §9 sets no count)."""
        self.budget -= items
        if self.budget < 0:
            self.error(f"response too large to parse: more than {self.max_items} items (Limits.max_items)")

    # --- atoms and numbers ---------------------------------------------

    def atom(self) -> str:
        return self.take(_ATOM_RE, "atom").group()

    def number(self) -> int:
        """number / number64 / nz-number (RFC 9051 §9)."""
        m = _NUMBER_RE.match(self.s, self.pos)
        if m is None:
            self.error("expected number")
        text = m.group()
        if len(text) > 19 or int(text) > MAX_NUMBER64:
            self.error("number out of range")
        self.pos = m.end()
        return int(text)

    def is_nil(self) -> bool:
        """Consume NIL (any case) when it is the next token."""
        s, p = self.s, self.pos
        if s[p : p + 3].upper() == "NIL" and not _ATOM_RE.match(s, p + 3):
            self.pos = p + 3
            return True
        return False

    # --- strings ---------------------------------------------------------

    def _str(self, text: str) -> str:
        return fix_8bit(text) if self.dirty else text

    def literal_bytes(self) -> bytes:
        """literal / literal8: the data recorded for the ``{n}`` here."""
        p = self.pos
        data = self.lits.get(p)
        m = _LITERAL_RE.match(self.s, p)
        if data is None or m is None:
            self.error("expected literal")
        self.pos = m.end()
        return data

    def quoted(self) -> str:
        text = self.take(_QUOTED_RE, "quoted string").group(1)
        if "\\" in text:
            text = unescape(text)
        return self._str(text)

    def string(self) -> str:
        """string = quoted / literal."""
        c = self.peek()
        if c == '"':
            return self.quoted()
        if c in ("{", "~"):
            return bytes_to_str(self.literal_bytes())
        self.error("expected string")

    def nstring(self) -> str | None:
        if self.is_nil():
            return None
        return self.string()

    def nstrings(self, count: int) -> list[str | None]:
        """``count`` nstrings separated by SP (address and body fields)."""
        out = [self.nstring()]
        for _ in range(count - 1):
            self.sp()
            out.append(self.nstring())
        return out

    def nstring_bytes(self) -> bytes | None:
        """nstring as message data: bytes (``BODY[...]``, ``RFC822``...)."""
        c = self.peek()
        if c in ("{", "~"):
            return self.literal_bytes()
        if c == '"':
            inlined = self.lits.get(self.pos)
            text = self.quoted()
            if inlined is not None:
                return inlined
            return text.encode("utf-8", "surrogateescape")
        if self.is_nil():
            return None
        self.error("expected nstring")

    def astring(self) -> str:
        c = self.peek()
        if c == '"' or c == "{" or (c == "~" and self.pos in self.lits):
            return self.string()
        return self._str(self.take(_ASTRING_ATOM_RE, "astring").group())

    def mailbox(self) -> str:
        """mailbox: astring, decoded from modified UTF-7 unless UTF8=ACCEPT."""
        name = self.astring()
        if self.utf8:
            return name
        return decode_mailbox(name)

    def nquoted_char(self) -> str | None:
        """DQUOTE QUOTED-CHAR DQUOTE / nil (a hierarchy delimiter)."""
        if self.is_nil():
            return None
        return self.quoted()

    # --- generic values --------------------------------------------------

    def value(self, *, nil_is_none: bool = True) -> Any:
        """Any IMAP value of unknown shape: nil, number, string, atom or a
        parenthesised list of values (body-extension, tagged-ext-val)."""
        c = self.peek()
        if c == "(":
            return self.value_list(nil_is_none=nil_is_none)
        if c == '"' or c == "{":
            return self.string()
        if c == "~" and self.pos in self.lits:
            return self.literal_bytes()
        if nil_is_none and self.is_nil():
            return None
        m = _NUMBER_RE.match(self.s, self.pos)
        if m is not None and not _TAG_EXT_ATOM.match(self.s, m.end()):
            return self.number()
        m = _TAG_EXT_ATOM.match(self.s, self.pos)
        if m is None:
            self.error("expected a value")
        self.pos = m.end()
        return self._str(m.group())

    def items(self) -> Iterator[None]:
        """ "(" [item *(SP item)] ")": yields once before each item, which
        the caller reads.  Spaces after "(" and before ")" are tolerated
        (several servers send them)."""
        self.expect("(")
        self.accept_sp()
        first = True
        while not self.accept(")"):
            if not first:
                self.sp()
                if self.accept(")"):
                    return
            first = False
            self.spend()
            yield

    def value_list(self, *, nil_is_none: bool = True) -> list[Any]:
        """ "(" [value *(SP value)] ")", nesting bounded by MAX_DEPTH."""
        self.enter()
        out = [self.value(nil_is_none=nil_is_none) for _ in self.items()]
        self.leave()
        return out

    def rest(self) -> str:
        """The rest of the line, as sent."""
        text = self.s[self.pos :]
        self.pos = len(self.s)
        return self._str(text)
