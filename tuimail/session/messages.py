"""Typed Textual messages the session posts to the UI (one way up).

The session runs on its own thread and hands these to ``App.post_message``
(thread-safe).  Each is a dataclass carrying domain objects
(:class:`~tuimail.mail.mailbox_view.MailboxView`, view changes,
``MailboxNode``), never protocol text for the UI to parse.  The replies to
what the user asked for (a listing, a message opened, an action done...) are
in :mod:`.replies`, and offered here too (``messages.ActionDone``).

``generation`` numbers a view of the selected mailbox: it changes only on
SELECT/EXAMINE, reconnection or a new UIDVALIDITY.  Within a generation the
UI keeps its replica of the view current by applying every
:class:`ViewChanged` in order; a message of another generation is stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from textual.message import Message

from tuimail.lazy_names import lazy_names

if TYPE_CHECKING:
    from tuimail.mail.mailbox_tree import MailboxNode
    from tuimail.mail.mailbox_view import MailboxView
    from tuimail.mail.view_changes import ViewChange

    from .failures import FailureKind
    from .replies import (
        AccountInfo,
        ActionDone,
        ActionFailed,
        AttachmentSaved,
        Listed,
        MessageGone,
        MessageLoaded,
        RawSourceLoaded,
        SaveProgress,
        SearchFailed,
    )

#: The replies to what the user asked for, in :mod:`.replies`, offered here too and imported on
#: first use (PEP 562): the first screen needs none of them.
_REPLIES = frozenset({
    "AccountInfo",
    "ActionDone",
    "ActionFailed",
    "AttachmentSaved",
    "Listed",
    "MessageGone",
    "MessageLoaded",
    "RawSourceLoaded",
    "SaveProgress",
    "SearchFailed",
})


if not TYPE_CHECKING:  # type checkers see the imports above, and no name goes unchecked
    __getattr__ = lazy_names(
        __package__, dict.fromkeys(_REPLIES, "replies"), module=__name__, namespace=globals()
    )


__all__ = [
    "AccountInfo",
    "ActionDone",
    "ActionFailed",
    "AttachmentSaved",
    "ConnectionChanged",
    "ConnectionStatus",
    "Listed",
    "MailboxCounts",
    "MailboxOpened",
    "MailboxesLoaded",
    "MessageGone",
    "MessageLoaded",
    "Notice",
    "QueueChanged",
    "RawSourceLoaded",
    "RowsFailed",
    "SaveProgress",
    "SearchFailed",
    "SessionFailed",
    "SessionMessage",
    "Severity",
    "ViewChanged",
]

ConnectionStatus = Literal["connecting", "connected", "waiting", "reconnecting", "offline"]
Severity = Literal["information", "warning", "error"]


class SessionMessage(Message, bubble=False):
    """Base class of everything the session posts."""


@dataclass
class ConnectionChanged(SessionMessage):
    """The connection's state: connecting, connected, waiting (for an answer),
    reconnecting, offline.  ``detail`` says why; ``retry_at`` (``time.time()``)
    when the next try is, while offline."""

    state: ConnectionStatus
    detail: str = ""
    retry_at: float | None = None


@dataclass
class SessionFailed(SessionMessage):
    """The session cannot go on without the user (wrong password, TLS, ...)."""

    kind: FailureKind
    title: str
    detail: str


@dataclass
class MailboxesLoaded(SessionMessage):
    """The mailbox tree (from LIST, with counts when known)."""

    nodes: list[MailboxNode]


@dataclass
class MailboxCounts(SessionMessage):
    """A mailbox's unread and total counts."""

    name: str
    unread: int | None
    total: int | None


@dataclass
class MailboxOpened(SessionMessage):
    """A mailbox was selected (or examined): ``view`` is the UI's replica of its rows."""

    view: MailboxView

    @property
    def generation(self) -> int:
        return self.view.generation


@dataclass
class ViewChanged(SessionMessage):
    """Changes to the open mailbox's rows, to apply in order.

    ``ours``: UIDs the user's own action removed (any other removal was
    another client's)."""

    generation: int
    changes: tuple[ViewChange, ...]
    ours: frozenset[int] = field(default_factory=frozenset)


@dataclass
class RowsFailed(SessionMessage):
    """These messages' summaries could not be fetched."""

    generation: int
    seqnos: tuple[int, ...]
    reason: str


@dataclass
class QueueChanged(SessionMessage):
    """Actions wait for the connection: ``count`` of them (0: none); ``text`` says what changed."""

    count: int
    text: str = ""


@dataclass
class Notice(SessionMessage):
    """Something for the user to read."""

    text: str
    severity: Severity = "information"
