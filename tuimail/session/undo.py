"""Undo: what the user did, and how to take it back.

Every action that the server confirmed leaves one :class:`UndoStep` (a bulk
action is one step): a flag change is reversed on the same UIDs; a move
(delete to Trash, archive) moves the messages back from where they went, by
the UIDs the server reported (COPYUID, RFC 4315 §3) or, without them, found by
Message-ID there (RFC 9051 §6.4.4 ``HEADER``); a copy is deleted again.  A
message deleted for good cannot come back: its step says so.

The history keeps the last :data:`HISTORY` steps of the session.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .client import SessionClient

__all__ = ["HISTORY", "UndoHistory", "UndoStep"]

#: Steps kept (the issue asks for at least 50).
HISTORY = 100

#: Takes the step back over the session's connection; returns what to tell the user.
Inverse = Callable[[SessionClient], Awaitable[str]]


@dataclass(frozen=True)
class UndoStep:
    """One action the user can take back (or, with ``inverse`` None, cannot: ``said`` tells why)."""

    what: str
    inverse: Inverse | None
    said: str = ""


class UndoHistory:
    """The last steps, newest last."""

    def __init__(self, limit: int = HISTORY) -> None:
        self._steps: deque[UndoStep] = deque(maxlen=limit)

    def push(self, step: UndoStep) -> None:
        self._steps.append(step)

    def pop(self) -> UndoStep | None:
        return self._steps.pop() if self._steps else None

    def __len__(self) -> int:
        return len(self._steps)
