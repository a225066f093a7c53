"""Typed Textual messages the session posts to the UI (one way up).

The session runs on its own thread and hands these to ``App.post_message``
(thread-safe).  Each is a dataclass carrying domain objects
(:class:`~tuimail.mail.mailbox_view.MailboxView`, view changes,
``MailboxNode``, ``RenderedMessage``), never protocol text for the UI to
parse.

``generation`` numbers a view of the selected mailbox: it changes only on
SELECT/EXAMINE, reconnection or a new UIDVALIDITY.  Within a generation the
UI keeps its replica of the view current by applying every
:class:`ViewChanged` in order; a message of another generation is stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from tuimail.imap.types import ThreadMember
    from tuimail.mail.mailbox_tree import MailboxNode
    from tuimail.mail.mailbox_view import MailboxView
    from tuimail.mail.render import RenderedMessage
    from tuimail.mail.view_changes import ViewChange

    from .account_info import CapabilityUse, HeaderCacheInfo, TlsInfo
    from .client import ServerId
    from .failures import FailureKind

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
class Listed(SessionMessage):
    """A listing of the open mailbox: ``kind`` "search" (``title``: the query), "sort" (by
    ``sort`` keys) or "threads" (``threads``); ``uids`` in display order (search, sort)."""

    generation: int
    kind: Literal["search", "sort", "threads"]
    title: str
    uids: tuple[int, ...]
    sort: tuple[str, ...] = ()
    threads: tuple[ThreadMember, ...] = ()


@dataclass
class SearchFailed(SessionMessage):
    """A query could not be compiled: ``reason``, and where (``position`` in ``text``)."""

    generation: int
    text: str
    reason: str
    position: int


@dataclass
class MessageLoaded(SessionMessage):
    """What the viewer shows of a message was fetched (its header and text parts) and rendered."""

    mailbox: str
    uid: int
    rendered: RenderedMessage


@dataclass
class RawSourceLoaded(SessionMessage):
    """The start of a message's raw source: ``data``, the first bytes, of ``size`` in all."""

    mailbox: str
    uid: int
    data: bytes
    size: int


@dataclass
class MessageGone(SessionMessage):
    """A message the user asked for no longer exists (another client removed it)."""

    mailbox: str
    uid: int


@dataclass
class ActionDone(SessionMessage):
    """The server confirmed an action; ``text`` says what was done."""

    action: str
    text: str


@dataclass
class ActionFailed(SessionMessage):
    """An action was not done (or only partly); ``text`` says why, for a person."""

    action: str
    text: str
    uids: tuple[int, ...] = ()


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


@dataclass
class SaveProgress(SessionMessage):
    """An attachment being saved as ``name``: ``done`` bytes (as sent) of ``total`` received;
    ``failed`` once it stopped short (the file was removed)."""

    name: str
    done: int
    total: int
    failed: bool = False


@dataclass
class AttachmentSaved(SessionMessage):
    """An attachment was written to ``path``."""

    path: Path


@dataclass
class AccountInfo(SessionMessage):
    """What the server is and offers, and how tuimail talks to it (the answer to
    ``Session.account_info()``; see :mod:`.account_info`).  Server strings as sent: sanitise them."""

    account: str
    server: str
    username: str
    #: "implicit TLS", "STARTTLS" or "none: plaintext".
    security: str
    #: The greeting (RFC 9051 §7.1): ``OK [CODE] text``.
    greeting: str
    server_id: ServerId
    capabilities: tuple[CapabilityUse, ...]
    #: None: plaintext.
    tls: TlsInfo | None
    compressed: bool
    #: None: the session has no header cache.
    header_cache: HeaderCacheInfo | None
