"""A command in flight: its tag, wire segments, the untagged responses it
collected and the future of its completion (RFC 9051 §2.2.1-2, §5.5).

Like go-imap v2's command objects, each call builds one :class:`Command`;
the pipeline decides when it may be sent, the dispatcher hands it the
untagged responses that belong to it and resolves :attr:`Command.future`
with the tagged completion.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .sequence_set import STAR, SequenceSet
from .types import (
    ContinuationRequest,
    ESearchResult,
    FetchData,
    ResponseText,
    StatusData,
    TaggedResponse,
    UntaggedResponse,
)

#: Commands that may run while other commands are in progress: they only
#: read (RFC 9051 §5.5).  Everything else waits for, and holds back, all
#: other commands.
READ_ONLY_COMMANDS = frozenset(
    {
        "CAPABILITY",
        "NOOP",
        "CHECK",
        "NAMESPACE",
        "ID",
        "LIST",
        "LSUB",
        "STATUS",
        "FETCH",
        "UID FETCH",
        "SEARCH",
        "UID SEARCH",
        "SORT",
        "UID SORT",
        "THREAD",
        "UID THREAD",
        "GETQUOTA",
        "GETQUOTAROOT",
    }
)

#: Commands that address messages by sequence number (RFC 9051 §5.5).
SEQUENCE_NUMBER_COMMANDS = frozenset({"FETCH", "STORE", "SEARCH", "COPY", "MOVE", "SORT", "THREAD"})

#: During these (non-UID) commands the server must not send EXPUNGE
#: (RFC 9051 §5.5, §7.5.1), so sequence numbers stay valid around them.
NO_EXPUNGE_COMMANDS = frozenset({"FETCH", "STORE", "SEARCH"})


@dataclass(eq=False)
class Command:
    """One command: built by the client, sent by the pipeline.

    ``collect`` names the untagged responses that belong to this command;
    ``numbers``/``uid`` say which messages a FETCH/STORE addresses, so that
    two FETCHes of disjoint sets can be in flight at once and each
    ``* n FETCH`` still finds its command.  ``correlated`` marks an
    ESEARCH whose responses carry this command's tag (RFC 4731 §3.1).
    """

    name: str
    args: tuple[Any, ...] = ()
    collect: frozenset[str] = frozenset()
    numbers: SequenceSet | None = None
    uid: bool = False
    correlated: bool = False
    #: The mailbox a STATUS asks about: STATUS of different mailboxes pipeline.
    mailbox: str | None = None
    #: Trace redaction: "login" (arguments) or "authenticate" (SASL data).
    redact: str | None = None
    #: Called with each "+" once every segment is sent (AUTHENTICATE, IDLE).
    on_continuation: Callable[[ContinuationRequest], None] | None = None
    #: Called synchronously with the tagged response, before the future
    #: resolves and before any later byte is read (STARTTLS, COMPRESS).
    on_tagged: Callable[[TaggedResponse], None] | None = None
    #: Called right after the command's bytes are written.
    on_sent: Callable[[], None] | None = None
    #: Called when a later command is queued behind this one (IDLE: DONE).
    on_blocking: Callable[[], None] | None = None
    #: No command timeout applies (IDLE waits as long as it must).
    untimed: bool = False

    tag: str = ""
    segments: list[bytes] = field(default_factory=list)
    responses: list[UntaggedResponse] = field(default_factory=list)
    future: asyncio.Future[TaggedResponse] | None = None
    result: TaggedResponse | None = None
    #: While sending: waits for the "+" after a synchronising literal.
    continuation: asyncio.Future[ContinuationRequest] | None = None
    #: Set when the client itself fails the command (e.g. a SASL error).
    error: BaseException | None = None
    #: Bytes (on the wire) of ``responses``; bounded by Limits.
    collected_bytes: int = 0
    #: Past a collection limit: later responses are dropped, not kept.
    discarding: bool = False

    # --- classification (RFC 9051 §5.5), fixed at creation ---------------------

    def __post_init__(self) -> None:
        #: Only reads: may run alongside other commands.
        self.read_only = self.name in READ_ONLY_COMMANDS
        #: Runs alone: waits for all in flight and holds back all later.
        self.exclusive = not self.read_only
        self.uses_sequence_numbers = self.name in SEQUENCE_NUMBER_COMMANDS
        #: The server may not send EXPUNGE while this is in progress.
        self.expunge_free = self.name in NO_EXPUNGE_COMMANDS
        self._open_ended = self.numbers is None or any(hi == STAR for _, hi in self.numbers.ranges)

    def conflicts_with(self, other: Command) -> bool:
        """Could untagged responses of the two be mistaken for each other?"""
        shared = self.collect & other.collect
        if not shared:
            return False
        if shared <= {"FETCH"}:
            # Disjoint sets of the same kind of number: each FETCH response
            # names its message (seqno, or UID for UID FETCH) unambiguously.
            if self.uid != other.uid or self._open_ended or other._open_ended:
                return True
            assert self.numbers is not None and other.numbers is not None
            return _overlap(self.numbers, other.numbers)
        if shared <= {"ESEARCH"}:
            return not (self.correlated and other.correlated)
        if shared <= {"STATUS"} and self.mailbox is not None and other.mailbox is not None:
            return _same_mailbox(self.mailbox, other.mailbox)
        return True

    def claims(self, response: UntaggedResponse) -> bool:
        """Does this untagged response belong to this command?"""
        if response.name not in self.collect:
            return False
        data = response.data
        if response.name == "FETCH" and isinstance(data, FetchData) and self.numbers is not None:
            number = data.attr.get("UID") if self.uid else data.seqno
            if not isinstance(number, int):
                return False
            return self._open_ended or number in self.numbers
        if response.name == "ESEARCH" and self.correlated and isinstance(data, ESearchResult):
            return data.tag is None or data.tag == self.tag
        if response.name == "STATUS" and self.mailbox is not None and isinstance(data, StatusData):
            return _same_mailbox(data.mailbox, self.mailbox)
        if response.name in ("OK", "NO", "BAD"):
            # Only a COPYUID code (MOVE, RFC 6851 §4.3); other conditions
            # (ALERT...) stay unsolicited.
            return isinstance(data, ResponseText) and data.code is not None and data.code.name == "COPYUID"
        return True


def _same_mailbox(a: str, b: str) -> bool:
    """Mailbox names are case-sensitive, except INBOX (RFC 9051 §5.1)."""
    if a.upper() == "INBOX" and b.upper() == "INBOX":
        return True
    return a == b


def _overlap(a: SequenceSet, b: SequenceSet) -> bool:
    ra, rb = a.ranges, b.ranges
    i = j = 0
    while i < len(ra) and j < len(rb):
        (alo, ahi), (blo, bhi) = ra[i], rb[j]
        if alo <= bhi and blo <= ahi:
            return True
        if ahi < bhi:
            i += 1
        else:
            j += 1
    return False
