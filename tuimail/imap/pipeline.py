"""Which command may be sent now: pipelining by tag under the rules of
RFC 9051 §5.5 ("Multiple Commands in Progress").

Commands are sent in the order they were issued; a command is held back
(and so are all issued after it) while sending it could make responses
ambiguous:

* a command that changes state (SELECT, STORE, EXPUNGE, APPEND, IDLE,
  AUTHENTICATE...) runs alone: it waits for every command in flight, and
  nothing is sent while it is in flight;
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

from collections import deque

from .command import Command
from .types import UntaggedResponse


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
        """The oldest waiting command if it may be sent now, else None."""
        if self.waiting and self.can_send(self.waiting[0]):
            return self.waiting[0]
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
