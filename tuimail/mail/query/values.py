"""Dates and sizes in queries: ``since:2026-11-24``, ``since:7d``,
``larger:10k``.  Errors are :class:`QueryError` at the value's position."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from .errors import QueryError

__all__ = ["MAX_SIZE", "parse_date", "parse_size"]

#: Sizes are clamped to the largest IMAP4rev1 number (RFC 3501 §9).
MAX_SIZE = 2**32 - 1
_MIN_YEAR = 1000

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_RELATIVE = re.compile(r"(\d{1,6})([dwmy])", re.IGNORECASE | re.ASCII)
_SIZE = re.compile(r"(\d{1,15})([kmg]?)b?", re.IGNORECASE | re.ASCII)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + (today.month - 1) - months
    year, month = divmod(index, 12)
    if year < _MIN_YEAR:
        raise ValueError("year out of range")
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def parse_date(text: str, today: date, position: int) -> date:
    """``YYYY-MM-DD``; ``Nd``, ``Nw``, ``Nm``, ``Ny`` (N days, weeks,
    months, years before ``today``; a month back from 31 March is the last
    day of February); ``today`` or ``yesterday``."""
    lowered = text.lower()
    try:
        if lowered == "today":
            return today
        if lowered == "yesterday":
            return today - timedelta(days=1)
        if m := _ISO.fullmatch(text):
            year, month, day = (int(g) for g in m.groups())
            if year < _MIN_YEAR:
                raise ValueError("year out of range")
            return date(year, month, day)
        if m := _RELATIVE.fullmatch(text):
            count, unit = int(m.group(1)), m.group(2).lower()
            if unit == "m":
                return _months_back(today, count)
            if unit == "y":
                return _months_back(today, 12 * count)
            result = today - timedelta(days=count * (7 if unit == "w" else 1))
            if result.year < _MIN_YEAR:
                raise ValueError("year out of range")
            return result
    except (ValueError, OverflowError):
        raise QueryError(f"no such date: {text}", position) from None
    raise QueryError(
        f"bad date {text!r}: use YYYY-MM-DD, or 7d, 2w, 3m, 1y for days, weeks, months, years ago", position
    )


def parse_size(text: str, position: int) -> int:
    """Bytes, or ``k``/``M``/``G`` (1024-based, any case, optional ``b``):
    ``10k`` is 10240.  Clamped to :data:`MAX_SIZE`."""
    m = _SIZE.fullmatch(text)
    if m is None:
        raise QueryError(f"bad size {text!r}: use a number with k, M or G, e.g. 10k or 2M", position)
    return min(int(m.group(1)) * _UNITS[m.group(2).lower()], MAX_SIZE)
