"""Typed IMAP response data that a mail client's start never meets: data kept unparsed,
NAMESPACE (RFC 2342), QUOTA (RFC 9208), ACL (RFC 4314), ESEARCH PARTIAL (RFC 9394),
THREAD (RFC 5256) and UIDPLUS's COPYUID/APPENDUID (RFC 4315).

Part of :mod:`tuimail.imap.types` (its conventions hold here), which offers every name of this
module and imports it on first use (PEP 562): each frozen dataclass costs about a millisecond to
create, and these are not needed before the first screen.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .sequence_set import STAR, SequenceSet

__all__ = [
    "AppendUIDData",
    "CopyUIDData",
    "ExtensionData",
    "InvalidParseData",
    "MailboxACLItem",
    "MailboxQuota",
    "MailboxQuotaRoot",
    "Namespace",
    "Namespaces",
    "PartialResult",
    "ThreadMember",
    "UIDMapping",
    "UnparsedData",
    "UnparsedNumericResponseData",
]


# --- data kept unparsed ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnparsedData:
    """Data of an unknown untagged response, kept as sent (never an error)."""

    unparsed_data: str


@dataclass(frozen=True, slots=True)
class UnparsedNumericResponseData:
    """Data of an unknown ``"*" SP number SP name SP ...`` response."""

    number: int
    unparsed_data: str


@dataclass(frozen=True, slots=True)
class InvalidParseData:
    """Data of a known response code that did not parse (a server bug).

    ``unparsed_data`` is the code's text as sent (None when missing);
    ``parsed_data`` what could be parsed before the error, if anything.
    """

    parse_error: str
    unparsed_data: str | None
    parsed_data: Any = None


@dataclass(frozen=True, slots=True)
class ExtensionData:
    """Opaque body-extension / fetch data of an unknown shape (nested lists)."""

    data: Any


# --- NAMESPACE, QUOTA, ACL --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Namespace:
    """Namespace-Descr: ``"(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
    [Namespace-Response-Extensions] ")"`` (RFC 2342)."""

    prefix: str
    delim: str | None
    extensions: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Namespaces:
    """namespace-response: personal, other users' and shared namespaces."""

    personal: list[Namespace]
    other: list[Namespace]
    shared: list[Namespace]


@dataclass(frozen=True, slots=True)
class MailboxQuota:
    """quota-response: ``"QUOTA" SP astring SP quota-list`` (RFC 9208).

    ``resources`` maps the resource name (STORAGE, MESSAGE...) to
    ``(usage, limit)``; ``usage``/``quota`` mirror the STORAGE (or first)
    resource for Net::IMAP compatibility.
    """

    mailbox: str
    usage: int | None
    quota: int | None
    resources: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MailboxQuotaRoot:
    """quotaroot-response: ``"QUOTAROOT" SP mailbox *(SP astring)``."""

    mailbox: str
    roots: list[str]


@dataclass(frozen=True, slots=True)
class MailboxACLItem:
    """acl-data item (RFC 4314): an identifier and its rights."""

    user: str
    rights: str
    mailbox: str


# --- ESEARCH PARTIAL, THREAD --------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartialResult:
    """partial-range and partial-results of ESEARCH PARTIAL (RFC 9394 §3.1).

    ``first``/``last`` are the requested range (negative counts from the
    end: ``-1:-100``); ``results`` the numbers found, or None for NIL.
    """

    first: int
    last: int
    results: SequenceSet | None

    @property
    def range(self) -> str:
        return f"{self.first}:{self.last}"


@dataclass(frozen=True, slots=True)
class ThreadMember:
    """thread-list member (RFC 5256): a message number/UID and its
    children.  ``seqno`` is None for a dummy parent of sibling threads."""

    seqno: int | None
    children: list[ThreadMember]


# --- UIDPLUS -----------------------------------------------------------------


class UIDMapping(Mapping[int, int]):
    """Source UID -> assigned UID of a COPYUID (RFC 4315 §3), worked out on
    demand from the two sets, paired in the order they were sent.

    Memory grows with the number of ranges sent, never with the number of
    UIDs they span: ``COPYUID 1 1:4294967295 1:4294967295`` costs a few
    hundred bytes.  A lookup is a binary search; ``len()`` is arithmetic.
    Iterating (or ``dict(mapping)``) expands it: do that only for a set
    you know to be small.
    """

    __slots__ = ("_dst", "_len", "_src")

    def __init__(self, source: SequenceSet, assigned: SequenceSet) -> None:
        self._src = _Positions(source)
        self._dst = _Positions(assigned)
        self._len = min(len(self._src), len(self._dst))

    def __getitem__(self, uid: int) -> int:
        position = self._src.position(uid)
        if position is None or position >= self._len:
            raise KeyError(uid)
        return self._dst.nth(position)

    def __iter__(self) -> Iterator[int]:
        remaining = self._len
        for lo, hi in self._src.ranges:
            for uid in range(lo, hi + 1):
                if remaining <= 0:
                    return
                remaining -= 1
                yield uid

    def __len__(self) -> int:
        return self._len

    def __repr__(self) -> str:
        return f"UIDMapping({len(self)} UIDs)"


class _Positions:
    """The numbers of a set in the order sent, by position, without
    expanding them: ranges, their starting positions, and the ranges
    sorted by first number for finding where a number sits."""

    __slots__ = ("_by_low", "_starts", "_total", "ranges")

    def __init__(self, numbers: SequenceSet) -> None:
        self.ranges = numbers.ordered_ranges()
        self._starts: list[int] = []
        total = 0
        for lo, hi in self.ranges:
            self._starts.append(total)
            total += hi - lo + 1
        self._total = total
        pairs = zip(self.ranges, self._starts, strict=True)
        self._by_low = sorted((lo, hi, start) for (lo, hi), start in pairs)

    def __len__(self) -> int:
        return self._total

    def position(self, number: int) -> int | None:
        i = bisect_right(self._by_low, (number, STAR + 1, 0)) - 1
        if i < 0:
            return None
        lo, hi, start = self._by_low[i]
        return start + number - lo if number <= hi else None

    def nth(self, position: int) -> int:
        i = bisect_right(self._starts, position) - 1
        return self.ranges[i][0] + position - self._starts[i]


@dataclass(frozen=True, slots=True)
class CopyUIDData:
    """resp-code-copy: ``"COPYUID" SP nz-number SP uid-set SP uid-set``
    (RFC 4315 §3, RFC 9051).

    The sets stay compact (:class:`SequenceSet`); :attr:`uid_mapping` pairs
    source and new UIDs lazily and :meth:`assigned_uid` maps one UID, so a
    server's ``1:4294967295`` is never expanded.
    """

    uidvalidity: int
    source_uids: SequenceSet
    assigned_uids: SequenceSet

    @property
    def uid_mapping(self) -> UIDMapping:
        """A read-only mapping source UID -> assigned UID, computed on demand."""
        return UIDMapping(self.source_uids, self.assigned_uids)

    def assigned_uid(self, source_uid: int) -> int | None:
        """The UID the copy of ``source_uid`` got, or None if it was not copied."""
        return self.uid_mapping.get(source_uid)


@dataclass(frozen=True, slots=True)
class AppendUIDData:
    """resp-code-apnd: ``"APPENDUID" SP nz-number SP append-uid``."""

    uidvalidity: int
    assigned_uids: SequenceSet
