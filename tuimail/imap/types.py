"""Typed IMAP responses, in the style of Ruby's Net::IMAP ``response_data.rb``.

Each class is a small immutable value type whose docstring quotes the
RFC 9051 (IMAP4rev2) / RFC 3501 grammar it represents.  Conventions:

* NIL is ``None``.
* Strings from the wire (``string``/``nstring``/``astring``) are ``str``,
  decoded as UTF-8, or as Latin-1 when the bytes are not valid UTF-8.
  RFC 2047 encoded-words stay as sent; see :mod:`tuimail.imap.encoded_words`.
* Message body data (``BODY[...]``, ``BINARY[...]``, ``RFC822*``) is ``bytes``.
* Flags keep their backslash: ``"\\Seen"``; keywords are as sent.
* Mailbox names are decoded from modified UTF-7 unless UTF8=ACCEPT is on.

All values are meant to be immutable.  The types built for every message
of a FETCH (:class:`UntaggedResponse`, :class:`FetchData`,
:class:`Envelope`, :class:`Address`, body structures) are plain slotted
dataclasses rather than ``frozen=True`` ones: a frozen dataclass takes
about four times as long to construct, which shows in a 100,000-message
listing.  Do not mutate them.

The response data a client's start never meets (data kept unparsed, NAMESPACE, QUOTA, ACL,
ESEARCH PARTIAL, THREAD, COPYUID/APPENDUID) is defined in :mod:`.extension_types` and offered
here too, imported on first use (PEP 562): creating a frozen dataclass costs about a millisecond.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, overload

from ..lazy_names import lazy_names
from .sequence_set import STAR, SequenceSet

if TYPE_CHECKING:
    from .extension_types import (
        AppendUIDData,
        CopyUIDData,
        ExtensionData,
        InvalidParseData,
        MailboxACLItem,
        MailboxQuota,
        MailboxQuotaRoot,
        Namespace,
        Namespaces,
        PartialResult,
        ThreadMember,
        UIDMapping,
        UnparsedData,
        UnparsedNumericResponseData,
    )

#: ``array`` type code of 32-bit unsigned numbers (RFC 9051 ``number``).
NUMBER_TYPECODE = "I" if array("I").itemsize == 4 else "L"

__all__ = [
    "Address",
    "AppendUIDData",
    "BodyStructure",
    "BodyTypeBasic",
    "BodyTypeMessage",
    "BodyTypeMultipart",
    "BodyTypeText",
    "ContentDisposition",
    "ContinuationRequest",
    "CopyUIDData",
    "ESearchResult",
    "Envelope",
    "ExtensionData",
    "FetchData",
    "InternalDate",
    "InvalidParseData",
    "MailboxACLItem",
    "MailboxList",
    "MailboxQuota",
    "MailboxQuotaRoot",
    "Namespace",
    "Namespaces",
    "PartialResult",
    "Response",
    "ResponseCode",
    "ResponseText",
    "SearchResult",
    "SequenceSet",
    "StatusData",
    "TaggedResponse",
    "ThreadMember",
    "UIDMapping",
    "UnparsedData",
    "UnparsedNumericResponseData",
    "UntaggedResponse",
    "VanishedData",
]

#: The response data a client's start never meets, in :mod:`.extension_types`: offered here and
#: imported on first use (PEP 562; each frozen dataclass costs about a millisecond to create).
EXTENSION_TYPES = frozenset({
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
})

if not TYPE_CHECKING:  # type checkers see the imports above, and no name goes unchecked
    __getattr__ = lazy_names(
        __package__, dict.fromkeys(EXTENSION_TYPES, "extension_types"), module=__name__, namespace=globals()
    )


# --- responses ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResponseCode:
    """resp-text-code: ``"[" name [SP data] "]"`` (RFC 9051 §7.1).

    ``name`` is upper case.  ``data`` depends on the code:
    ALERT/PARSE/READ-ONLY/READ-WRITE/TRYCREATE/...: ``None``;
    UIDVALIDITY/UIDNEXT/UNSEEN/HIGHESTMODSEQ: ``int``;
    PERMANENTFLAGS: ``list[str]``; CAPABILITY: ``list[str]``;
    BADCHARSET: ``list[str]``; COPYUID: :class:`CopyUIDData`;
    APPENDUID: :class:`AppendUIDData`; MODIFIED: :class:`SequenceSet`;
    MAILBOXID: ``str``; unknown codes: the raw text after the name, or None.
    A known code whose data does not parse (a server bug) keeps it as
    :class:`InvalidParseData` instead of failing the response.
    """

    name: str
    data: Any = None


@dataclass(frozen=True, slots=True)
class ResponseText:
    """resp-text: ``["[" resp-text-code "]" SP] text`` (RFC 9051 §7.1)."""

    code: ResponseCode | None
    text: str


@dataclass(slots=True, unsafe_hash=True)
class UntaggedResponse:
    """An untagged response: ``"*" SP ...`` (RFC 9051 §7).

    ``name`` is upper case: ``"OK"``, ``"NO"``, ``"BAD"``, ``"BYE"``,
    ``"PREAUTH"``, ``"CAPABILITY"``, ``"FLAGS"``, ``"LIST"``, ``"LSUB"``,
    ``"STATUS"``, ``"SEARCH"``, ``"ESEARCH"``, ``"SORT"``, ``"THREAD"``,
    ``"EXISTS"``, ``"RECENT"``, ``"EXPUNGE"``, ``"FETCH"``, ``"VANISHED"``,
    ``"NAMESPACE"``, ``"ID"``, ``"ENABLED"``, ``"QUOTA"``, ``"QUOTAROOT"``,
    ``"ACL"``, or an unknown name kept with :class:`UnparsedData`.

    ``data`` is typed by name: ResponseText for conditions, ``int`` for
    EXISTS/RECENT/EXPUNGE, :class:`FetchData`, :class:`MailboxList`,
    :class:`StatusData`, :class:`SearchResult`, :class:`ESearchResult`,
    ``list[ThreadMember]``, :class:`VanishedData`, :class:`Namespaces`,
    ``dict | None`` for ID, ``list[str]`` for CAPABILITY/FLAGS/ENABLED.
    """

    name: str
    data: Any
    raw_data: bytes = b""


@dataclass(frozen=True, slots=True)
class TaggedResponse:
    """response-tagged: ``tag SP resp-cond-state CRLF`` (RFC 9051 §7.1)."""

    tag: str
    name: str
    data: ResponseText
    raw_data: bytes = b""


@dataclass(frozen=True, slots=True)
class ContinuationRequest:
    """continue-req: ``"+" SP (resp-text / base64) CRLF`` (RFC 9051 §7.5).

    For SASL challenges, ``data.text`` holds the base64 text.
    """

    data: ResponseText
    raw_data: bytes = b""


Response = UntaggedResponse | TaggedResponse | ContinuationRequest


# --- FETCH -------------------------------------------------------------------

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class InternalDate(datetime):
    """A timezone-aware ``datetime`` from an IMAP ``date-time`` (RFC 9051 §9):
    INTERNALDATE, SAVEDATE.

    ``str()`` gives the IMAP form, e.g. ``"17-Jul-1996 02:44:25 -0700"``;
    everything else is a datetime.
    """

    __slots__ = ()

    def __str__(self) -> str:
        offset = self.utcoffset()
        minutes = int(offset.total_seconds()) // 60 if offset is not None else 0
        sign = "-" if minutes < 0 else "+"
        zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
        return (
            f"{self.day:02d}-{_MONTH_NAMES[self.month - 1]}-{self.year:04d} "
            f"{self.hour:02d}:{self.minute:02d}:{self.second:02d} {zone}"
        )



@dataclass(slots=True, unsafe_hash=True)
class FetchData:
    """message-data: ``nz-number SP "FETCH" SP msg-att`` (RFC 9051 §7.5.2).

    ``attr`` maps the upper-case item name to its value:

    ====================================  ==================================
    ``"UID"``, ``"RFC822.SIZE"``          ``int``
    ``"MODSEQ"``                          ``int``
    ``"FLAGS"``                           ``list[str]``
    ``"INTERNALDATE"``                    ``datetime`` (timezone-aware; an
                                          :class:`InternalDate`, whose
                                          ``str()`` is the IMAP form)
    ``"ENVELOPE"``                        :class:`Envelope`
    ``"BODY"``, ``"BODYSTRUCTURE"``       :class:`BodyStructure`
    ``"BODY[...]"``, ``"BINARY[...]"``,   ``bytes | None`` (the key keeps the
    ``"RFC822"``, ``"RFC822.HEADER"``,    section and origin, upper-cased:
    ``"RFC822.TEXT"``                     ``"BODY[HEADER.FIELDS (SUBJECT)]"``,
                                          ``"BODY[1.2]<0>"``)
    ``"BINARY.SIZE[...]"``                ``int``
    ``"EMAILID"``, ``"THREADID"``         ``str | None`` (OBJECTID)
    ``"SAVEDATE"``                        ``datetime | None``
    ``"X-GM-MSGID"``, ``"X-GM-THRID"``    ``int``
    ``"X-GM-LABELS"``                     ``list[str]``
    unknown items                         parsed generically
    ====================================  ==================================

    ``uid`` is set when the response was to a UID command or carried UID.

    ENVELOPE and BODYSTRUCTURE values are validated when the response is
    parsed but may be built on first use: they are then instances of
    subclasses of :class:`Envelope` and the body types
    (``tuimail.imap.fetch_fast.Lazy*``) that fill their fields from the
    response text when first read, and compare equal to the plain types.
    """

    seqno: int
    attr: dict[str, Any]

    @property
    def uid(self) -> int | None:
        return self.attr.get("UID")

    @property
    def flags(self) -> list[str] | None:
        return self.attr.get("FLAGS")


@dataclass(slots=True, unsafe_hash=True)
class Address:
    """address: ``"(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"``
    (RFC 9051 §9).  A group start has ``host is None`` and ``mailbox`` the
    group name; a group end has both ``None``."""

    name: str | None
    route: str | None
    mailbox: str | None
    host: str | None

    @property
    def email(self) -> str | None:
        """``mailbox@host``, or None for group markers."""
        if self.mailbox is None or self.host is None:
            return None
        return f"{self.mailbox}@{self.host}"


@dataclass(slots=True, unsafe_hash=True)
class Envelope:
    """envelope: ``"(" env-date SP env-subject SP env-from SP env-sender SP
    env-reply-to SP env-to SP env-cc SP env-bcc SP env-in-reply-to SP
    env-message-id ")"`` (RFC 9051 §9).  Address lists are ``list[Address]``
    or ``None`` for NIL."""

    date: str | None
    subject: str | None
    from_: list[Address] | None
    sender: list[Address] | None
    reply_to: list[Address] | None
    to: list[Address] | None
    cc: list[Address] | None
    bcc: list[Address] | None
    in_reply_to: str | None
    message_id: str | None


@dataclass(slots=True, unsafe_hash=True)
class ContentDisposition:
    """body-fld-dsp: ``"(" string SP body-fld-param ")" / nil``."""

    dsp_type: str
    param: dict[str, str] | None = None


class _SinglePart:
    """What the non-multipart body types share."""

    __slots__ = ()

    @property
    def multipart(self) -> bool:
        """False: this part is not multipart/* (Net::IMAP's ``multipart?``)."""
        return False


@dataclass(slots=True, unsafe_hash=True)
class BodyTypeBasic(_SinglePart):
    """body-type-basic: ``media-basic SP body-fields`` plus body-ext-1part
    (RFC 9051 §9).  ``media_type``/``subtype`` are upper case; ``param``
    keys are upper case.  Extension fields are None when not sent."""

    media_type: str
    subtype: str
    param: dict[str, str] | None
    content_id: str | None
    description: str | None
    encoding: str | None
    size: int
    md5: str | None = None
    disposition: ContentDisposition | None = None
    language: list[str] | None = None
    location: str | None = None
    extension: list[Any] | None = None


@dataclass(slots=True, unsafe_hash=True)
class BodyTypeText(_SinglePart):
    """body-type-text: ``media-text SP body-fields SP body-fld-lines``."""

    media_type: str
    subtype: str
    param: dict[str, str] | None
    content_id: str | None
    description: str | None
    encoding: str | None
    size: int
    lines: int
    md5: str | None = None
    disposition: ContentDisposition | None = None
    language: list[str] | None = None
    location: str | None = None
    extension: list[Any] | None = None


@dataclass(slots=True, unsafe_hash=True)
class BodyTypeMessage(_SinglePart):
    """body-type-msg: ``media-message SP body-fields SP envelope SP body SP
    body-fld-lines`` (message/rfc822, message/global)."""

    media_type: str
    subtype: str
    param: dict[str, str] | None
    content_id: str | None
    description: str | None
    encoding: str | None
    size: int
    envelope: Envelope | None
    body: BodyStructure | None
    lines: int
    md5: str | None = None
    disposition: ContentDisposition | None = None
    language: list[str] | None = None
    location: str | None = None
    extension: list[Any] | None = None


@dataclass(slots=True, unsafe_hash=True)
class BodyTypeMultipart:
    """body-type-mpart: ``1*body SP media-subtype [SP body-ext-mpart]``."""

    media_type: str  # always "MULTIPART"
    subtype: str
    parts: list[BodyStructure]
    param: dict[str, str] | None = None
    disposition: ContentDisposition | None = None
    language: list[str] | None = None
    location: str | None = None
    extension: list[Any] | None = None

    @property
    def multipart(self) -> bool:
        return True


BodyStructure = BodyTypeBasic | BodyTypeText | BodyTypeMessage | BodyTypeMultipart


# --- mailboxes ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MailboxList:
    """mailbox-list: ``"(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR
    DQUOTE / nil) SP mailbox [SP mbox-list-extended]`` (RFC 9051 §7.3.1).

    ``attr`` holds the attributes as sent (``"\\HasChildren"``,
    ``"\\Sent"``...); ``delim`` is None for a flat namespace; ``extended``
    holds mbox-list-extended items, e.g. ``{"CHILDINFO": ["SUBSCRIBED"],
    "OLDNAME": "x"}``.
    """

    attr: list[str]
    delim: str | None
    name: str
    extended: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StatusData:
    """mailbox-data ``"STATUS" SP mailbox SP "(" [status-att-list] ")"``.

    ``attr`` maps the upper-case item (MESSAGES, UIDNEXT, UIDVALIDITY,
    UNSEEN, DELETED, SIZE, RECENT, HIGHESTMODSEQ, MAILBOXID...) to its value.
    """

    mailbox: str
    attr: dict[str, Any]


# --- search, sort, thread ----------------------------------------------------


class SearchResult(Sequence[int]):
    """mailbox-data ``"SEARCH" *(SP nz-number) [SP "(" "MODSEQ" SP
    mod-sequence-value ")"]`` and ``"SORT"`` (RFC 3501, RFC 7162 §3.1.5),
    or the ``ALL`` of an ESEARCH (RFC 4731 §3.1).

    An immutable sequence of message numbers or UIDs, kept compact whatever
    the server states: the numbers of a SEARCH or SORT response as 32-bit
    values in an ``array`` (4 bytes each), an ESEARCH ``ALL`` as its
    :class:`SequenceSet` (``1:50000000`` stays one range).  ``len()``,
    ``in`` and indexing never expand it; iterating yields the numbers one
    by one (ascending for a set, in the server's order for SORT).  It
    compares equal to a list of the same numbers; ``modseq`` is set when
    sent; :attr:`set` gives the numbers as a :class:`SequenceSet`.
    """

    __slots__ = ("_items", "_set", "_starts", "modseq")

    def __init__(self, items: Iterable[int] | SequenceSet = (), modseq: int | None = None) -> None:
        self._set: SequenceSet | None = None
        self._items: Sequence[int] = ()
        self._starts: list[int] | None = None
        if isinstance(items, SequenceSet):
            self._set = items
        elif isinstance(items, array):
            self._items = items
        else:
            values = list(items)
            try:
                self._items = array(NUMBER_TYPECODE, values)
            except (OverflowError, TypeError):
                self._items = values
        self.modseq = modseq

    @property
    def set(self) -> SequenceSet:
        """The numbers as a :class:`SequenceSet` (order and duplicates lost)."""
        return self._set if self._set is not None else SequenceSet(self._items)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if self._set is None:
            if isinstance(index, slice):
                return list(self._items[index])
            return self._items[index]
        if isinstance(index, slice):
            return [self._nth(i) for i in range(len(self))[index]]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("SearchResult index out of range")
        return self._nth(index)

    def _nth(self, index: int) -> int:
        """The index-th number of the set: a binary search over its ranges."""
        assert self._set is not None
        ranges = self._set.ranges
        if self._starts is None:
            starts, total = [], 0
            for lo, hi in ranges:
                starts.append(total)
                total += (hi - lo + 1) if hi != STAR else (1 if lo == STAR else 2)
            self._starts = starts
        i = bisect_right(self._starts, index) - 1
        lo, hi = ranges[i]
        offset = index - self._starts[i]
        if hi == STAR:
            return STAR if lo == STAR or offset else lo
        return lo + offset

    def __len__(self) -> int:
        return len(self._set) if self._set is not None else len(self._items)

    def __iter__(self) -> Iterator[int]:
        return iter(self._set) if self._set is not None else iter(self._items)

    def __contains__(self, value: object) -> bool:
        if self._set is not None:
            return value in self._set
        return value in self._items

    def __add__(self, other: Iterable[int]) -> list[int]:
        return [*self, *other]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SearchResult):
            if self.modseq != other.modseq or len(self) != len(other):
                return False
            if self._set is not None and other._set is not None:
                return self._set == other._set
            return all(a == b for a, b in zip(self, other, strict=True))
        if isinstance(other, (list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self._set is not None:
            base = repr(self._set)
        elif len(self._items) > 100:
            base = repr(list(self._items[:100]))[:-1] + f", ... {len(self._items) - 100} more]"
        else:
            base = repr(list(self._items))
        if self.modseq is None:
            return f"SearchResult({base})"
        return f"SearchResult({base}, modseq={self.modseq})"


@dataclass(frozen=True, slots=True)
class ESearchResult:
    """esearch-response: ``"ESEARCH" [search-correlator] [SP "UID"]
    *(SP search-return-data)`` (RFC 4731, RFC 9051 §7.3.4, RFC 9394).

    ``data`` holds every return item by upper-case name; the common ones
    are also fields.  ``all`` is a :class:`SequenceSet`; ``partial`` a
    :class:`PartialResult`.
    """

    tag: str | None
    uid: bool
    min: int | None = None
    max: int | None = None
    all: SequenceSet | None = None
    count: int | None = None
    modseq: int | None = None
    partial: PartialResult | None = None
    data: dict[str, Any] = field(default_factory=dict)


# --- QRESYNC ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VanishedData:
    """expunged-resp: ``"VANISHED" [SP "(EARLIER)"] SP known-uids``
    (RFC 7162 §3.2.10)."""

    uids: SequenceSet
    earlier: bool

