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

    def _require(self, *capabilities: str) -> None:
        """Raise unless the server has one of ``capabilities``."""
        if not any(self.has(c) for c in capabilities):
            raise InvalidStateError(f"the server does not support {' or '.join(capabilities)}")

    @staticmethod
    def _data(responses: Iterable[UntaggedResponse], name: str) -> list[Any]:
        return [r.data for r in responses if r.name == name]
