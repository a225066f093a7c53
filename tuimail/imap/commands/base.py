"""What every command family shares: building and running a command."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..command import Command
from ..encoder import Sequence
from ..engine import Engine
from ..errors import InvalidStateError, NoResponseError
from ..sequence_set import SequenceSet
from ..types import UntaggedResponse

#: What sequence-set arguments accept: ints, ranges, iterables, "1:*" text,
#: SequenceSet.
SetLike = Any


class CommandsBase(Engine):
    """Helpers for the command mixins."""

    async def _run(
        self,
        name: str,
        *args: Any,
        collect: Iterable[str] = (),
        no_error: type[NoResponseError] = NoResponseError,
        **fields: Any,
    ) -> Command:
        """Send ``name args``; return the completed command or raise for NO/BAD."""
        cmd = Command(name, tuple(args), collect=frozenset(collect), **fields)
        response = await self.execute(cmd)
        self.check_completion(cmd, response, no_error)
        return cmd

    @staticmethod
    def _sequence(value: SetLike) -> tuple[Sequence, SequenceSet]:
        seq = value if isinstance(value, Sequence) else Sequence(value)
        return seq, seq.set

    def _require_writable(self, command: str) -> None:
        """Refuse a command that changes messages while the selected
        mailbox is read-only (EXAMINE, or a READ-ONLY code), before sending
        it: servers answer OK and change nothing (Dovecot: "Store ignored
        with read-only mailbox"), which a caller cannot tell from success
        (RFC 9051 §6.3.3)."""
        state = self.selected
        if state is not None and state.read_only:
            raise InvalidStateError(
                f"{command} not sent: {state.name!r} is open read-only (EXAMINE); "
                "SELECT it to change messages"
            )

    def _require(self, *capabilities: str) -> None:
        """Raise unless the server has one of ``capabilities``."""
        if not any(self.has(c) for c in capabilities):
            raise InvalidStateError(f"the server does not support {' or '.join(capabilities)}")

    @staticmethod
    def _data(responses: Iterable[UntaggedResponse], name: str) -> list[Any]:
        return [r.data for r in responses if r.name == name]
