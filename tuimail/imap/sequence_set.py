"""SequenceSet: the IMAP ``sequence-set`` as a value type (RFC 9051 §9).

    sequence-set    = (seq-number / seq-range) ["," sequence-set]
    seq-range       = seq-number ":" seq-number
    seq-number      = nz-number / "*"

``*`` (the largest number in use) is represented by :data:`STAR`, which
sorts after every real number.  A set keeps the text it was parsed from
(``str()`` returns it) and a normalised list of disjoint, sorted ranges for
membership, iteration and comparison.

A set stays compact whatever it holds: ``1:4294967295`` is one range.
Membership is a binary search, ``len()`` is computed once; nothing is
expanded unless asked for (:meth:`SequenceSet.numbers`, iteration).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import EncodeError, ParseError

STAR = 2**32  # "*": larger than any nz-number (they are 32-bit)
MAX_NUMBER = 2**32 - 1

_NUM = rb"(?:[1-9][0-9]*|\*)"
_SET_RE = re.compile(rb"%s(?::%s)?(?:,%s(?::%s)?)*" % (_NUM, _NUM, _NUM, _NUM))


def _num(token: str) -> int:
    if token == "*":
        return STAR
    n = int(token)
    if not 0 < n <= MAX_NUMBER:
        raise ValueError(f"sequence number out of range: {token}")
    return n


def _fmt(n: int) -> str:
    return "*" if n == STAR else str(n)


class SequenceSet:
    """An immutable set of message sequence numbers or UIDs.

    Build one from an IMAP string (``"1:4,7,9:*"``), an int, a ``range``
    (stop exclusive, as in Python), a ``(start, stop)`` tuple (inclusive),
    another SequenceSet or an iterable of any of these.

    >>> s = SequenceSet("1:3,7")
    >>> 2 in s, list(s), str(s)
    (True, [1, 2, 3, 7], '1:3,7')
    """

    __slots__ = ("_len", "_ranges", "_string")

    def __init__(self, value: Any = None) -> None:
        ranges: list[tuple[int, int]] = []
        string: str | None = None
        self._string: str | None
        if value is None:
            pass
        elif isinstance(value, SequenceSet):
            ranges = list(value._ranges)
            string = value._string
        elif isinstance(value, (str, bytes)):
            text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
            ranges = self._parse_ranges(text)
            string = text
        else:
            self._add_value(ranges, value)
        self._ranges: tuple[tuple[int, int], ...] = self._normalise(ranges)
        self._string = string
        self._len = -1

    # --- construction ---------------------------------------------------

    @staticmethod
    def _parse_ranges(text: str) -> list[tuple[int, int]]:
        if not _SET_RE.fullmatch(text.encode("ascii", "replace")):
            raise ParseError(f"invalid sequence-set {text!r}", text.encode("utf-8", "replace"))
        out: list[tuple[int, int]] = []
        for part in text.split(","):
            a, _, b = part.partition(":")
            try:
                lo = _num(a)
                hi = _num(b) if b else lo
            except ValueError as e:
                raise ParseError(f"invalid sequence-set {text!r}: {e}") from None
            out.append((min(lo, hi), max(lo, hi)))
        return out

    @classmethod
    def _add_value(cls, ranges: list[tuple[int, int]], value: Any) -> None:
        if isinstance(value, bool):
            raise EncodeError(f"not a sequence number: {value!r}")
        if isinstance(value, int):
            if not 0 < value <= STAR:
                raise EncodeError(f"sequence number out of range: {value}")
            ranges.append((value, value))
        elif isinstance(value, range):
            if value.step != 1:
                for n in value:
                    cls._add_value(ranges, n)
            elif len(value):
                if value.start < 1:
                    raise EncodeError(f"sequence range starts below 1: {value!r}")
                ranges.append((value.start, value.stop - 1))
        elif isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) or v == "*"
                                                                   for v in value):
            lo, hi = (STAR if v == "*" else v for v in value)
            if lo < 1 or hi < 1:
                raise EncodeError(f"sequence range below 1: {value!r}")
            ranges.append((min(lo, hi), max(lo, hi)))
        elif isinstance(value, SequenceSet):
            ranges.extend(value._ranges)
        elif isinstance(value, str):
            try:
                ranges.extend(cls._parse_ranges(value))
            except ParseError as e:
                raise EncodeError(str(e)) from None
        elif isinstance(value, Iterable):
            for v in value:
                cls._add_value(ranges, v)
        else:
            raise EncodeError(f"cannot make a sequence set of {value!r}")

    @staticmethod
    def _normalise(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
        if not ranges:
            return ()
        ranges.sort()
        out = [ranges[0]]
        for lo, hi in ranges[1:]:
            plo, phi = out[-1]
            if lo <= phi + 1:
                if hi > phi:
                    out[-1] = (plo, hi)
            else:
                out.append((lo, hi))
        return tuple(out)

    @classmethod
    def parse(cls, text: str | bytes) -> SequenceSet:
        """Parse IMAP sequence-set text; raises :class:`ParseError`."""
        return cls(text)

    # --- queries --------------------------------------------------------

    @property
    def ranges(self) -> tuple[tuple[int, int], ...]:
        """Disjoint sorted inclusive ranges; :data:`STAR` stands for ``*``."""
        return self._ranges

    def __contains__(self, n: object) -> bool:
        if n == "*":
            n = STAR
        if not isinstance(n, int):
            return False
        ranges = self._ranges
        i = bisect_right(ranges, (n, STAR + 1)) - 1
        return i >= 0 and ranges[i][1] >= n

    def __iter__(self) -> Iterator[int]:
        """Every number in order.  ``*`` ends iteration with :data:`STAR`
        (a set ending in an open ``n:*`` yields ``n`` then STAR); use
        :meth:`numbers` with a known maximum to expand it."""
        for lo, hi in self._ranges:
            if hi == STAR:
                if lo == STAR:
                    yield STAR
                else:
                    yield from range(lo, lo + 1)
                    yield STAR
            else:
                yield from range(lo, hi + 1)

    def numbers(self, star: int | None = None) -> list[int]:
        """The numbers as a list; ``*`` is replaced by ``star`` when given."""
        out: list[int] = []
        for lo, hi in self._ranges:
            if star is not None:
                lo = star if lo == STAR else lo
                hi = star if hi == STAR else hi
                lo, hi = min(lo, hi), max(lo, hi)
                out.extend(range(lo, hi + 1))
            elif hi == STAR:
                out.extend(range(lo, lo + 1) if lo != STAR else [STAR])
                if lo != STAR:
                    out.append(STAR)
            else:
                out.extend(range(lo, hi + 1))
        return out

    def __len__(self) -> int:
        """How many numbers iteration yields (an open ``n:*`` counts as
        two: ``n`` and STAR); computed once, without expanding."""
        if self._len < 0:
            self._len = sum((hi - lo + 1) for lo, hi in self._ranges if hi != STAR) + sum(
                1 if lo == STAR else 2 for lo, hi in self._ranges if hi == STAR
            )
        return self._len

    def ordered_ranges(self) -> list[tuple[int, int]]:
        """The ranges in the order they were written, each ascending, as
        sent (``"5,1:3"`` -> ``[(5, 5), (1, 3)]``; duplicates kept).  The
        order matters where a set pairs with another, as COPYUID's source
        and assigned UIDs do (RFC 4315 §3).  A set built from Python values
        gives its sorted ranges."""
        if self._string is None:
            return list(self._ranges)
        return self._parse_ranges(self._string)

    def __bool__(self) -> bool:
        return bool(self._ranges)

    @property
    def min(self) -> int | None:
        return self._ranges[0][0] if self._ranges else None

    @property
    def max(self) -> int | None:
        return self._ranges[-1][1] if self._ranges else None

    # --- set operations -------------------------------------------------

    def __or__(self, other: Any) -> SequenceSet:
        return SequenceSet([self, SequenceSet(other) if not isinstance(other, SequenceSet) else other])

    union = __or__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SequenceSet):
            return self._ranges == other._ranges
        if isinstance(other, str):
            try:
                return self._ranges == SequenceSet(other)._ranges
            except ParseError:
                return False
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._ranges)

    # --- formatting -----------------------------------------------------

    def normalized_string(self) -> str:
        parts = []
        for lo, hi in self._ranges:
            parts.append(_fmt(lo) if lo == hi else f"{_fmt(lo)}:{_fmt(hi)}")
        return ",".join(parts)

    def __str__(self) -> str:
        if self._string is not None:
            return self._string
        return self.normalized_string()

    def to_imap(self) -> str:
        """The IMAP wire form; raises :class:`EncodeError` when empty."""
        if not self._ranges:
            raise EncodeError("an empty sequence set cannot be sent")
        return str(self)

    def __repr__(self) -> str:
        return f"SequenceSet({str(self)!r})"
