"""Client-side SORT (RFC 5256 §3) for servers without the SORT extension.

:func:`sort_uids` orders :class:`SortItem` rows by RFC 5256 sort keys
(``ARRIVAL``, ``CC``, ``DATE``, ``FROM``, ``SIZE``, ``SUBJECT``, ``TO``, each
optionally preceded by ``REVERSE``) exactly as a server's ``UID SORT`` would:
strings compare by the i;unicode-casemap collation (RFC 5051: titlecase,
then canonical decomposition), exact ties fall to the next key and finally
to UID order.  :func:`fetch_items_for` names the FETCH items the keys need,
so the caller fetches only those.

:func:`base_subject` is the subject used by ``SORT SUBJECT`` and by
threading (RFC 5256 §2.1).  Everything here is O(n log n) in the number of
messages and never raises on odd header text.
"""

from __future__ import annotations

import calendar
import heapq
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from tuimail.freeing import free_gradually
from tuimail.imap.types import Address, Envelope, FetchData

from .headers import decode_text
from .summary import parse_header_date

__all__ = [
    "BaseSubject",
    "SortItem",
    "SortKey",
    "base_subject",
    "casemap",
    "extract_base_subject",
    "fetch_items_for",
    "parse_sort_keys",
    "sort_uids",
    "stable_order",
]

#: Subjects longer than this (after whitespace folding) are cut before base
#: subject extraction, so that one hostile header cannot cost more than this.
MAX_SUBJECT = 4096


class SortKey(StrEnum):
    """RFC 5256 §3 sort-key names (``REVERSE`` is a modifier, see :func:`parse_sort_keys`)."""

    ARRIVAL = "ARRIVAL"
    CC = "CC"
    DATE = "DATE"
    FROM = "FROM"
    SIZE = "SIZE"
    SUBJECT = "SUBJECT"
    TO = "TO"


# --- i;unicode-casemap (RFC 5051) -------------------------------------------------


class _TitlecaseTable(dict[int, str]):
    """str.translate table: each character to its simple titlecase mapping,
    computed once per character (Unicode simple mappings are one character;
    characters whose full mapping is longer, like ß, keep themselves)."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        titled = char.title()
        value = titled if len(titled) == 1 else char
        self[codepoint] = value
        return value


_TITLECASE = _TitlecaseTable()


def casemap(text: str) -> str:
    """The i;unicode-casemap (RFC 5051 §2) form of ``text``: each character
    titlecased, then decomposed (NFD); comparing these strings by code point
    is the collation's ordering."""
    if text.isascii():
        return text.upper()
    return unicodedata.normalize("NFD", text.translate(_TITLECASE))


# --- base subject (RFC 5256 §2.1) ---------------------------------------------------

_WHITESPACE_RUN = re.compile(r"[ \t\r\n]+")
# Case-insensitive matching of the ASCII keywords, without changing lengths.
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
# subj-blob = "[" *BLOBCHAR "]" *WSP.  BLOBCHAR is any CHAR but "[" and "]";
# non-ASCII characters are allowed too, as servers do for UTF-8 subjects.
_BLOB = re.compile(r"\[[^\[\]]*\] ?")
# subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
_REFWD = re.compile(r"(?:re|fwd?) ?(?:\[[^\[\]]*\] ?)?:")


# Quick tests for subjects with nothing to remove.
_NEEDS_SPACE_FOLDING = re.compile(r"[\t\r\n]|  ")
_MAY_LEAD = " ["
_MAY_TRAIL = " )]"
_REFWD_START = re.compile(r"re|fw", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BaseSubject:
    """A base subject (RFC 5256 §2.1) and whether extracting it removed a
    reply or forward marker (``Re:``, ``Fwd:``, ``(fwd)``, ``[fwd: ...]``),
    which threading needs (RFC 5256 §2.2.2, step 5)."""

    text: str
    is_reply_or_forward: bool


def extract_base_subject(subject: str | None) -> BaseSubject:
    """RFC 5256 §2.1 base subject extraction.

    (1) decode RFC 2047 encoded-words, turn tabs and line breaks into
    spaces and runs of spaces into one; (2) remove trailing ``(fwd)`` and
    spaces; (3) remove leading ``Re:``/``Fw:``/``Fwd:`` (with optional
    ``[blob]`` before or inside) and a leading space; (4) remove a leading
    ``[blob]`` unless nothing would remain; (5) repeat 3-4; (6) unwrap
    ``[fwd: ...]`` and repeat from 2.  Case is kept; compare with
    :func:`casemap`.
    """
    if not subject:
        return BaseSubject("", False)
    try:
        text = decode_text(subject[: MAX_SUBJECT * 4])
    except Exception:  # a decoder must never make sorting fail
        text = str(subject)
    if _NEEDS_SPACE_FOLDING.search(text):
        text = _WHITESPACE_RUN.sub(" ", text[: MAX_SUBJECT * 4])
    text = text[:MAX_SUBJECT]
    if not text:
        return BaseSubject("", False)
    if text[0] not in _MAY_LEAD and text[-1] not in _MAY_TRAIL and not _REFWD_START.match(text):
        return BaseSubject(text, False)  # nothing to remove: most subjects
    lower = text.translate(_ASCII_LOWER)
    start, end = 0, len(text)
    reply = False
    while True:
        # (2) subj-trailer = "(fwd)" / WSP, removed from the end.
        while end > start:
            if lower[end - 1] == " ":
                end -= 1
            elif end - start >= 5 and lower.startswith("(fwd)", end - 5, end):
                end -= 5
                reply = True
            else:
                break
        # (3), (4) and (5).
        while True:
            found = False
            if start < end and lower[start] == " ":
                start += 1
                found = True
            blobs_end = start
            while (m := _BLOB.match(lower, blobs_end, end)) is not None:
                blobs_end = m.end()
            refwd = _REFWD.match(lower, blobs_end, end)
            if refwd is not None:
                start = refwd.end()
                reply = True
                continue
            # No subj-refwd after these blobs: (4) removes them one at a
            # time while something remains, which ends after the last one
            # when text follows them, or before the last one otherwise.
            if blobs_end > start:
                if blobs_end < end:
                    start = blobs_end
                    found = True
                else:
                    last = start
                    while (m := _BLOB.match(lower, last, end)) is not None and m.end() < end:
                        last = m.end()
                    if last > start:
                        start = last
                        found = True
            if not found:
                break
        # (6) subj-fwd-hdr "[fwd:" ... subj-fwd-trl "]".
        if end - start >= 6 and lower.startswith("[fwd:", start, end) and lower[end - 1] == "]":
            start += 5
            end -= 1
            reply = True
            continue
        return BaseSubject(text[start:end], reply)


def base_subject(subject: str | None) -> str:
    """The base subject (RFC 5256 §2.1) of a Subject header value, e.g.
    ``base_subject("Re: [list] Fwd: Lunch (fwd)") == "Lunch"``."""
    return extract_base_subject(subject).text


# --- sort keys ------------------------------------------------------------------------


def parse_sort_keys(keys: Iterable[str]) -> list[tuple[SortKey, bool]]:
    """``["REVERSE", "DATE", "SUBJECT"]`` -> ``[(DATE, True), (SUBJECT, False)]``
    (RFC 5256 §3 sort-criteria).  :class:`ValueError` for an unknown key,
    a REVERSE not followed by a key, or no key at all."""
    out: list[tuple[SortKey, bool]] = []
    reverse = False
    for raw in keys:
        name = str(raw).upper()
        if name == "REVERSE":
            if reverse:
                raise ValueError("REVERSE REVERSE is not a sort key")
            reverse = True
            continue
        try:
            key = SortKey(name)
        except ValueError:
            raise ValueError(f"unknown sort key {raw!r}") from None
        out.append((key, reverse))
        reverse = False
    if reverse:
        raise ValueError("REVERSE must be followed by a sort key")
    if not out:
        raise ValueError("no sort key")
    return out


_FETCH_ORDER = ("UID", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE")
_NEEDS: dict[SortKey, tuple[str, ...]] = {
    SortKey.ARRIVAL: ("INTERNALDATE",),
    SortKey.SIZE: ("RFC822.SIZE",),
    SortKey.CC: ("ENVELOPE",),
    SortKey.FROM: ("ENVELOPE",),
    SortKey.TO: ("ENVELOPE",),
    SortKey.SUBJECT: ("ENVELOPE",),
    # The Date header, and INTERNALDATE for messages without a valid one.
    SortKey.DATE: ("ENVELOPE", "INTERNALDATE"),
}


def fetch_items_for(keys: Iterable[str]) -> str:
    """The FETCH items (RFC 9051 §6.4.5) that :meth:`SortItem.from_fetch`
    needs for these sort keys, e.g. ``"(UID INTERNALDATE)"`` for
    ``["REVERSE", "ARRIVAL"]``, ``"(UID ENVELOPE)"`` for ``["SUBJECT"]``."""
    wanted = {"UID"}
    for key, _reverse in parse_sort_keys(keys):
        wanted.update(_NEEDS[key])
    return "(" + " ".join(item for item in _FETCH_ORDER if item in wanted) + ")"


@dataclass(frozen=True, slots=True)
class SortItem:
    """What client-side sorting needs of one message; fields a key does not
    use may stay at their defaults.

    ``date`` is the Date header text (the envelope's), ``from_``/``to``/``cc``
    the mailbox part (local part) of the first address, ``subject`` the
    Subject header (encoded-words allowed; None when absent).
    """

    uid: int
    internaldate: datetime | None = None
    date: str | None = None
    from_: str = ""
    to: str = ""
    cc: str = ""
    subject: str | None = None
    size: int = 0

    @classmethod
    def from_fetch(cls, fd: FetchData) -> SortItem:
        """From FETCH data holding :func:`fetch_items_for`'s items; missing
        or oddly shaped items give neutral values, never an error."""
        attr = fd.attr
        uid = attr.get("UID")
        internaldate = attr.get("INTERNALDATE")
        size = attr.get("RFC822.SIZE")
        envelope = attr.get("ENVELOPE")
        if not isinstance(envelope, Envelope):
            envelope = None
        return cls(
            uid=uid if isinstance(uid, int) and not isinstance(uid, bool) else 0,
            internaldate=internaldate if isinstance(internaldate, datetime) else None,
            date=_str_or_none(envelope.date) if envelope else None,
            from_=_first_mailbox(envelope.from_) if envelope else "",
            to=_first_mailbox(envelope.to) if envelope else "",
            cc=_first_mailbox(envelope.cc) if envelope else "",
            subject=_str_or_none(envelope.subject) if envelope else None,
            size=size if isinstance(size, int) and not isinstance(size, bool) else 0,
        )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _first_mailbox(addresses: object) -> str:
    """addr-mailbox of the first address (RFC 5256 §3), or ""."""
    if isinstance(addresses, list | tuple) and addresses:
        first = addresses[0]
        if isinstance(first, Address) and isinstance(first.mailbox, str):
            return first.mailbox
    return ""


def _timestamp(value: datetime | None) -> int:
    """Whole seconds since the epoch, UTC (naive values taken as UTC)."""
    if value is None:
        return 0
    try:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp())
    except (OverflowError, ValueError, OSError):
        return 0


# date-time (RFC 9051 §9), which some servers (pymap) put in the envelope.
_IMAP_DATE_TIME = re.compile(
    r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\s*", re.ASCII
)
_MONTHS = {name: i for i, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def _parse_imap_date_time(text: str) -> datetime | None:
    m = _IMAP_DATE_TIME.fullmatch(text)
    month = _MONTHS.get(m.group(2).lower()) if m else None
    if m is None or month is None:
        return None
    sign = 1 if m.group(7) == "+" else -1
    offset = timedelta(hours=int(m.group(8)), minutes=int(m.group(9))) * sign
    try:
        day, year, hour, minute, second = (int(m.group(i)) for i in (1, 3, 4, 5, 6))
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone(offset))
    except ValueError:
        return None


# The usual RFC 5322 §3.3 date-time, read quickly: "Tue, 3 Mar 2026 10:00:00 +0100".
_RFC5322_DATE = re.compile(
    r"\s*(?:[A-Za-z]{3},\s*)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\s*",
    re.ASCII,
)


_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _quick_timestamp(text: str) -> int | None:
    m = _RFC5322_DATE.fullmatch(text)
    if m is None:
        return None
    day_s, month_s, year_s, hour_s, minute_s, second_s, sign, zone_h, zone_m = m.groups()
    month = _MONTHS.get(month_s.lower())
    day, year, hour, minute, second = int(day_s), int(year_s), int(hour_s), int(minute_s), int(second_s)
    if month is None or year < 1 or hour > 23 or minute > 59 or second > 59 or int(zone_m) > 59:
        return None  # the thorough parser decides
    if not 1 <= day <= _DAYS_IN_MONTH[month] or (month == 2 and day == 29 and not calendar.isleap(year)):
        return None
    offset = (int(zone_h) * 60 + int(zone_m)) * 60
    return calendar.timegm((year, month, day, hour, minute, second)) - (offset if sign == "+" else -offset)


def sent_timestamp(date_header: str | None, internaldate: datetime | None) -> int:
    """The DATE sort value (RFC 5256 §3): the Date header in UTC seconds,
    or the internal date when the header is missing or does not parse.
    RFC 5322 dates and IMAP date-time (RFC 9051 §9) are both read."""
    if date_header:
        header = date_header[:256]
        quick = _quick_timestamp(header)
        if quick:
            return quick
        parsed = parse_header_date(header) or _parse_imap_date_time(header)
        if parsed is not None:
            stamp = _timestamp(parsed)
            if stamp != 0:
                return stamp
    return _timestamp(internaldate)


def _key_function(key: SortKey) -> Any:
    if key is SortKey.ARRIVAL:
        return lambda item: _timestamp(item.internaldate)
    if key is SortKey.DATE:
        return lambda item: sent_timestamp(item.date, item.internaldate)
    if key is SortKey.SIZE:
        return lambda item: item.size
    if key is SortKey.SUBJECT:
        return lambda item: casemap(base_subject(item.subject))
    if key is SortKey.FROM:
        return lambda item: casemap(item.from_)
    if key is SortKey.TO:
        return lambda item: casemap(item.to)
    return lambda item: casemap(item.cc)


def sort_uids(items: Iterable[SortItem], keys: Iterable[str]) -> list[int]:
    """The UIDs of ``items`` in the order ``UID SORT (keys)`` gives (RFC 5256
    §3): by the first key (descending after ``REVERSE``), exact ties by the
    next, and finally by UID, ascending, as servers order by sequence number.

    >>> sort_uids([SortItem(1, size=9), SortItem(2, size=5)], ["SIZE"])
    [2, 1]
    """
    parsed = parse_sort_keys(keys)
    rows: Sequence[SortItem] = list(items)
    rows = [rows[i] for i in stable_order([item.uid for item in rows], reverse=False)]
    # Stable sorts from the last key to the first: ties keep the order the
    # later keys (and finally the UID) gave them.  reverse=True keeps ties
    # in their previous order too.
    for key, reverse in reversed(parsed):
        function = _key_function(key)
        values = [function(item) for item in rows]
        rows = [rows[i] for i in stable_order(values, reverse=reverse)]
        free_gradually(values)
    uids = [item.uid for item in rows]
    free_gradually(rows)  # 100,000 items and their texts: freed at once, they would stall the UI thread
    return uids


#: Values sorted in one go by :func:`stable_order`; longer lists are sorted in runs of this many.
SORT_RUN = 8192


def stable_order(values: list[Any], *, reverse: bool = False) -> list[int]:
    """The positions of ``values`` in sorted order, stable (ties keep their order, also with
    ``reverse``).  One sort of 100,000 strings compares in C from start to end, holding the
    GIL for all of it (the UI thread stops meanwhile); runs of :data:`SORT_RUN` are sorted
    apart and merged by :func:`heapq.merge`, which runs bytecode between its steps (stable:
    ties are taken from the earlier run first)."""
    n = len(values)
    get = values.__getitem__
    if n <= SORT_RUN:
        return sorted(range(n), key=get, reverse=reverse)
    starts = range(0, n, SORT_RUN)
    runs = [sorted(range(lo, min(lo + SORT_RUN, n)), key=get, reverse=reverse) for lo in starts]
    return list(heapq.merge(*runs, key=get, reverse=reverse))
