"""How much one server can make the client hold or compute: the limits
checked as its data arrives, before what they guard is allocated.

A server (or anyone who can make it misbehave) states sizes, counts and
ranges; none of them is trusted.  Each limit below bounds one kind of
work, so that memory and time stay bounded whatever is sent:

==============================  =============================================
``max_response_size``           bytes of one response, literals included
                                (:mod:`.reader`: refused as soon as a literal
                                is announced larger)
``max_line_length``             bytes of one line between literals
                                (:mod:`.reader`)
``max_items``                   values parsed from one response: elements of
                                parenthesised lists (at any depth), THREAD
                                members, ranges of a sequence set, words of a
                                CAPABILITY or flag list, ESEARCH return items
                                (:mod:`.parser`).  Each costs about a hundred
                                bytes and a few microseconds, so a response
                                costs at most ``max_items`` times that (at the
                                default, tens of MB and a few seconds).
                                SEARCH/SORT numbers are not counted: they are
                                kept as 4-byte values, bounded by the line
                                length.
``max_collected_responses``,    untagged responses kept for one command (a
``max_collected_bytes``         FETCH's ``* n FETCH``, a LIST's ``* LIST``...)
                                and their size on the wire (:mod:`.engine`)
==============================  =============================================

Breaking a framing or parsing limit ends the connection (the stream
cannot be trusted any more) with :class:`~tuimail.imap.errors.ConnectionLost`
caused by :class:`~tuimail.imap.errors.ResponseTooLargeError` or
:class:`~tuimail.imap.errors.ParseError`.  Breaking a collection limit fails
that command at once with :class:`~tuimail.imap.errors.ResponseTooLargeError`;
the rest of its responses are read and dropped and the connection carries
on.  Unsolicited responses are bounded by each subscription's buffer
(:mod:`.unsolicited`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .reader import DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_RESPONSE_SIZE
from .scanner import DEFAULT_MAX_ITEMS

__all__ = [
    "DEFAULT_MAX_COLLECTED_BYTES",
    "DEFAULT_MAX_COLLECTED_RESPONSES",
    "DEFAULT_MAX_ITEMS",
    "DEFAULT_MAX_LINE_LENGTH",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "Limits",
]

#: Untagged responses kept for one command: a small ``* n FETCH (UID FLAGS)``
#: takes about 750 bytes once parsed, so at most about 190 MB.
DEFAULT_MAX_COLLECTED_RESPONSES = 250_000
#: Bytes (on the wire) of the untagged responses kept for one command.
DEFAULT_MAX_COLLECTED_BYTES = 2 * DEFAULT_MAX_RESPONSE_SIZE


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits of one connection; pass ``IMAP.connect(..., limits=...)``.

    The defaults let a client work with mailboxes of hundreds of thousands
    of messages; fetch in windows (or raise the limits) beyond that.
    """

    max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE
    max_line_length: int = DEFAULT_MAX_LINE_LENGTH
    max_items: int = DEFAULT_MAX_ITEMS
    max_collected_responses: int = DEFAULT_MAX_COLLECTED_RESPONSES
    max_collected_bytes: int = DEFAULT_MAX_COLLECTED_BYTES

    def __post_init__(self) -> None:
        for name in self.__slots__:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive int, not {value!r}")
