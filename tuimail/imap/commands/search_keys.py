"""The SEARCH key grammar (RFC 9051 §6.4.4, RFC 3501 §6.4.4, extensions):
Python lists of search keys to encoder arguments.

:func:`search_criteria` turns a list such as ``["BEFORE", date(2003, 4,
30), "SINCE", "1-Apr-2003", "SUBJECT", text]`` into arguments for
:func:`~tuimail.imap.encoder.encode_command`, knowing which positions hold
search keys and which hold values.  Values are always strings (never
atoms), so user text cannot become a key.  :func:`needs_charset` says when
the arguments need ``CHARSET UTF-8``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from ..encoder import Atom, Literal, Quoted, Raw, Sequence, String, format_date
from ..errors import EncodeError
from ..sequence_set import SequenceSet

__all__ = ["needs_charset", "search_criteria"]

_MAX_DEPTH = 64
_DATE_TEXT_RE = re.compile(r"(\d{1,2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{4})", re.I)

_NO_ARG = "none"
_STRING = "string"
_DATE = "date"
_NUMBER = "number"
_KEYWORD = "keyword"
_SEQUENCE = "sequence"
_KEY = "key"
_ATOM = "atom"

# search-key (RFC 9051 §6.4.4, RFC 3501 §6.4.4) and extensions: CONDSTORE
# (RFC 7162), WITHIN (RFC 5032), SAVEDATE (RFC 8514), OBJECTID (RFC 8474),
# FUZZY (RFC 6203), FILTERS (RFC 5466), SEARCHRES (RFC 5182), Gmail.
_SEARCH_KEYS: dict[str, tuple[str, ...]] = {
    **{
        k: ()
        for k in (
            "ALL ANSWERED DELETED DRAFT FLAGGED NEW OLD RECENT SEEN UNANSWERED UNDELETED UNDRAFT "
            "UNFLAGGED UNSEEN SAVEDATESUPPORTED $"
        ).split()
    },
    **{k: (_STRING,) for k in "BCC BODY CC FROM SUBJECT TEXT TO X-GM-RAW X-GM-LABELS".split()},
    "HEADER": (_STRING, _STRING),
    **{
        k: (_DATE,)
        for k in "BEFORE ON SINCE SENTBEFORE SENTON SENTSINCE SAVEDBEFORE SAVEDON SAVEDSINCE".split()
    },
    **{k: (_NUMBER,) for k in "LARGER SMALLER OLDER YOUNGER X-GM-MSGID X-GM-THRID".split()},
    **{k: (_KEYWORD,) for k in ("KEYWORD", "UNKEYWORD")},
    **{k: (_ATOM,) for k in ("EMAILID", "THREADID", "FILTER")},
    "UID": (_SEQUENCE,),
    "NOT": (_KEY,),
    "FUZZY": (_KEY,),
    "OR": (_KEY, _KEY),
    # MODSEQ [entry-name entry-type-req] mod-sequence-valzer: special-cased.
    "MODSEQ": (),
}

_PASS_THROUGH = (Atom, Raw, String, Quoted, Literal, Sequence, SequenceSet)


def search_criteria(criteria: Iterable[Any] | str) -> list[Any]:
    """Search keys (RFC 9051 §6.4.4) from a list, as encoder arguments.

    >>> search_criteria(["BEFORE", date(2003, 4, 30), "SINCE", "1-Apr-2003", "SUBJECT", "ALL"])
    [Atom(text='BEFORE'), Atom(text='30-Apr-2003'), Atom(text='SINCE'), Atom(text='1-Apr-2003'), \
Atom(text='SUBJECT'), String(text='ALL')]

    Rules: a ``str`` in a key position must be a known search key (any
    case) or a sequence set (``"1:5,9"``); unknown keys raise
    :class:`EncodeError` (send extensions as :class:`Atom`).  Arguments are
    read by the key's grammar: strings become :class:`String` (quoted or
    literal, never an atom), dates ``date``/``datetime``/``"d-Mon-yyyy"``,
    numbers ``int``, UID sets anything :class:`SequenceSet` takes.  ints,
    ranges and sets in key position are sequence sets; a nested list is a
    parenthesised group; OR, NOT and FUZZY take whole keys (a list groups
    several).  A ``str`` criteria is split at whitespace, e.g. ``"UNSEEN
    FLAGGED"``; put values holding spaces in a list.
    """
    if isinstance(criteria, str):
        if any(c in criteria for c in '"(){}\\'):
            raise EncodeError(f"search criteria text {criteria!r}: use a list for quoting and grouping")
        items: list[Any] = criteria.split()
    else:
        items = list(criteria)
    out: list[Any] = []
    pos = 0
    while pos < len(items):
        pos = _search_key(items, pos, out, 0)
    if not out:
        raise EncodeError("empty search criteria")
    return out


def _search_key(items: list[Any], pos: int, out: list[Any], depth: int) -> int:
    """Convert one search-key starting at items[pos]; return the next position."""
    if depth > _MAX_DEPTH:
        raise EncodeError(f"search criteria nested deeper than {_MAX_DEPTH} levels")
    item = items[pos]
    pos += 1
    if isinstance(item, str):
        key = item.upper()
        spec = _SEARCH_KEYS.get(key)
        if spec is None:
            try:
                out.append(Sequence(item))
            except EncodeError:
                raise EncodeError(f"unknown search key {item!r} (send extension keys as Atom(...))") from None
            return pos
        out.append(Atom(key))
        if key == "MODSEQ":
            return _modseq_args(items, pos, out)
        for kind in spec:
            if pos >= len(items):
                raise EncodeError(f"search key {key} needs more arguments")
            if kind == _KEY:
                pos = _search_key(items, pos, out, depth + 1)
            else:
                out.append(_search_value(key, kind, items[pos]))
                pos += 1
        return pos
    if isinstance(item, bool):
        raise EncodeError(f"a bool is not a search key: {item!r}")
    if isinstance(item, list | tuple):
        group: list[Any] = []
        sub = list(item)
        i = 0
        while i < len(sub):
            i = _search_key(sub, i, group, depth + 1)
        if not group:
            raise EncodeError("empty search group")
        out.append(group)
        return pos
    if isinstance(item, int | range):
        out.append(Sequence(item))
        return pos
    if isinstance(item, _PASS_THROUGH):
        out.append(item)
        return pos
    raise EncodeError(f"cannot use {type(item).__name__} value {item!r} as a search key")


def _modseq_args(items: list[Any], pos: int, out: list[Any]) -> int:
    """``MODSEQ [entry-name SP entry-type-req SP] mod-sequence-valzer`` (RFC 7162 §3.1.5)."""
    if pos < len(items) and not isinstance(items[pos], int | bool):
        if pos + 2 >= len(items):
            raise EncodeError("MODSEQ needs an entry name, an entry type and a number")
        entry_type = items[pos + 1]
        if not isinstance(entry_type, str) or entry_type.lower() not in ("priv", "shared", "all"):
            raise EncodeError(f"MODSEQ entry type must be priv, shared or all: {entry_type!r}")
        out.append(_search_value("MODSEQ", _STRING, items[pos]))
        out.append(Atom(entry_type.lower()))
        pos += 2
    if pos >= len(items):
        raise EncodeError("search key MODSEQ needs a number")
    out.append(_search_value("MODSEQ", _NUMBER, items[pos]))
    return pos + 1


def _search_value(key: str, kind: str, value: Any) -> Any:
    """Convert the argument of a search key according to its grammar."""
    if isinstance(value, Atom | Raw | Quoted | Literal | String) and kind in (_STRING, _ATOM, _KEYWORD):
        return value
    if kind == _STRING:
        if isinstance(value, str):
            return String(value)
        if isinstance(value, bytes | bytearray):
            return bytes(value)
    elif kind == _DATE:
        if isinstance(value, datetime):
            return Atom(format_date(value.date()))
        if isinstance(value, date):
            return Atom(format_date(value))
        if isinstance(value, str):
            m = _DATE_TEXT_RE.fullmatch(value)
            if m and 1 <= int(m.group(1)) <= 31:
                return Atom(f"{int(m.group(1))}-{m.group(2).capitalize()}-{m.group(3)}")
            raise EncodeError(f"{key} needs a date like 1-Apr-2003, not {value!r}")
    elif kind == _NUMBER:
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    elif kind in (_KEYWORD, _ATOM):
        if isinstance(value, str):
            return Atom(value)
    elif kind == _SEQUENCE:
        if isinstance(value, Sequence):
            return value
        return Sequence(value)
    raise EncodeError(f"search key {key} cannot take {type(value).__name__} value {value!r}")


def needs_charset(args: Iterable[Any]) -> bool:
    """True when encoded search arguments hold non-ASCII text, so SEARCH
    needs ``CHARSET UTF-8`` (RFC 3501 §6.4.4) unless UTF8=ACCEPT is on."""
    for arg in args:
        if isinstance(arg, str | String | Quoted):
            text = arg if isinstance(arg, str) else arg.text
            if not text.isascii():
                return True
        elif isinstance(arg, Literal) and isinstance(arg.data, str) and not arg.data.isascii():
            return True
        elif isinstance(arg, bytes | bytearray) and not bytes(arg).isascii():
            return True
        elif isinstance(arg, list | tuple) and needs_charset(arg):
            return True
    return False
