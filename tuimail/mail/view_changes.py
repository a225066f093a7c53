"""What can happen to an open mailbox's rows, as values.

The session derives these from the server's responses (RFC 9051 §7.4:
EXISTS, EXPUNGE, FETCH; RFC 7162 §3.2.10 VANISHED) and from the rows it
fetches; :meth:`tuimail.mail.mailbox_view.MailboxView.apply` applies them.
They are applied in order: a :class:`Removed` renumbers every later message,
so each position is the one valid at its turn.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from .summary import MessageSummary

__all__ = ["Added", "FlagsChanged", "Loaded", "Removed", "UidsKnown", "ViewChange"]


@dataclass(frozen=True, slots=True)
class Added:
    """``count`` messages arrived: they take the sequence numbers after the last (EXISTS grew)."""

    count: int


@dataclass(frozen=True, slots=True)
class Removed:
    """The message at ``seqno`` was expunged (``uid``: its UID, 0 if not known)."""

    seqno: int
    uid: int = 0


@dataclass(frozen=True, slots=True)
class FlagsChanged:
    """The message at ``seqno`` (UID ``uid``, 0 if not known) now has ``flags``."""

    seqno: int
    uid: int
    flags: frozenset[str]


@dataclass(frozen=True, slots=True)
class Loaded:
    """Summaries arrived, each with the sequence number it is at (0: not known yet)."""

    placements: tuple[tuple[int, MessageSummary], ...]


@dataclass(frozen=True, slots=True)
class UidsKnown:
    """The whole UID order, by sequence number (0 for a message whose UID is not known)."""

    uids: array[int]


ViewChange = Added | Removed | FlagsChanged | Loaded | UidsKnown
