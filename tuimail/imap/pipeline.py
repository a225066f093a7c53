"""Which command may be sent now: pipelining by tag under the rules of
RFC 9051 §5.5 ("Multiple Commands in Progress").

Commands are sent in the order they were issued, except that a read-only
command may overtake waiting read-only commands it cannot be confused with.
A command is held back while sending it could make responses ambiguous:

* a command that changes state (SELECT, STORE, EXPUNGE, APPEND, IDLE,
  AUTHENTICATE...) runs alone: it waits for every command in flight, and
  nothing is sent while it is in flight; except that SELECT/EXAMINE may follow
  LIST, LSUB and STATUS still in flight (they do not depend on the selected
  mailbox), which lets a start send both at once;
* a command using message sequence numbers waits while any command other
  than FETCH, STORE or SEARCH is in flight, since that command may send
  EXPUNGE and renumber the messages (§5.5, and the note on UID commands);
* two commands whose untagged responses could be confused (two SEARCHes,
  two LISTs, FETCHes of overlapping sets...) are not in flight at once;
  ESEARCH results are matched by their TAG correlator and FETCH results of
  disjoint sets by message number, so those may overlap;
* only one command is being written at a time: a command with
  synchronising literals keeps the wire until its last segment is sent.
"""

from __future__ import annotations

import itertools
from collections import deque

from .command import Command
from .types import UntaggedResponse

#: Commands that select a mailbox, and the reads that may still be in flight when one is sent.
SELECTING = frozenset({"SELECT", "EXAMINE"})
MAILBOX_LISTING = frozenset({"LIST", "LSUB", "STATUS"})

#: How far down the queue a read-only command may be looked for.
MAX_OVERTAKE = 64


class Pipeline:
    """The queue of commands waiting to be sent and those in flight."""

    def __init__(self) -> None:
        self.waiting: deque[Command] = deque()
        self.in_flight: dict[str, Command] = {}  # by tag, in send order
        self.sending: Command | None = None

    def enqueue(self, command: Command) -> None:
        self.waiting.append(command)

    def remove_waiting(self, command: Command) -> bool:
        try:
            self.waiting.remove(command)
        except ValueError:
            return False
        return True

    def can_send(self, command: Command) -> bool:
        """May ``command`` be sent with the current commands in flight?"""
        if self.sending is not None:
            return False
        if not self.in_flight:
            return True
        if command.name in SELECTING and all(o.name in MAILBOX_LISTING for o in self.in_flight.values()):
            # LIST, LSUB and STATUS do not depend on the selected mailbox (RFC 9051 §5.5), and
            # their answers (LIST, STATUS) cannot be taken for SELECT's: a start need not wait.
            return True
        if command.exclusive:
            return False
        for other in self.in_flight.values():
            if other.exclusive:
                return False
            if command.uses_sequence_numbers and not other.expunge_free:
                return False
            if command.conflicts_with(other):
                return False
        return True

    def next_to_send(self) -> Command | None:
        """The next command that may be sent now, else None.

        Normally the oldest waiting one.  A read-only command may overtake
        waiting read-only commands it cannot be confused with (reads
        commute), so that e.g. a second SEARCH waiting for the first does
        not hold back FETCHes behind it; nothing overtakes a command that
        changes state.
        """
        passed: list[Command] = []
        for command in itertools.islice(self.waiting, MAX_OVERTAKE):
            if command.exclusive:
                return command if not passed and self.can_send(command) else None
            if self.can_send(command) and not any(command.conflicts_with(w) for w in passed):
                return command
            passed.append(command)
        return None

    def start(self, command: Command) -> None:
        """Move ``command`` from waiting to in flight (it is being sent)."""
        self.waiting.remove(command)
        self.in_flight[command.tag] = command
        self.sending = command

    def complete(self, tag: str) -> Command | None:
        """Remove and return the command with this tag, if in flight."""
        return self.in_flight.pop(tag, None)

    def claim(self, response: UntaggedResponse) -> Command | None:
        """The in-flight command this untagged response belongs to."""
        for command in self.in_flight.values():
            if command.claims(response):
                return command
        return None

    def blocker(self) -> Command | None:
        """The in-flight command holding back the queue, if it can be asked
        to finish early (IDLE)."""
        if not self.waiting:
            return None
        for command in self.in_flight.values():
            if command.on_blocking is not None:
                return command
        return None

    def all(self) -> list[Command]:
        return [*self.in_flight.values(), *self.waiting]
