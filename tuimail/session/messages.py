"""Typed Textual messages the session posts to the UI.

The session runs on its own thread; it hands these to ``App.post_message``
(thread-safe).  Each carries domain objects (``MessageSummary``,
``MailboxNode``, ``RenderedMessage``), never raw protocol text to be parsed
by the UI.

``epoch`` numbers a view of the selected mailbox: it changes whenever the
row <-> sequence-number mapping changes (another mailbox selected, messages
added or expunged, reconnection).  The UI drops rows of an older epoch.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tuimail.mail.mailbox_tree import MailboxNode
    from tuimail.mail.render import RenderedMessage
    from tuimail.mail.summary import MessageSummary


class SessionMessage(Message, bubble=False):
    """Base class of everything the session posts."""


class ConnectionState(SessionMessage):
    """The connection's state changed: connecting, connected, idle, reconnecting, offline."""

    def __init__(self, state: str, detail: str = "") -> None:
        super().__init__()
        self.state = state
        self.detail = detail


class SessionFailed(SessionMessage):
    """Something failed; ``kind`` is one of auth, unreachable, tls, lost, password, protocol.

    ``fatal`` means the session is offline and needs the user (retry or quit);
    otherwise the session recovered or the failure concerned one request.
    """

    def __init__(self, kind: str, title: str, detail: str, *, fatal: bool) -> None:
        super().__init__()
        self.kind = kind
        self.title = title
        self.detail = detail
        self.fatal = fatal


class MailboxesLoaded(SessionMessage):
    """The mailbox tree (from LIST, with counts when known)."""

    def __init__(self, nodes: list[MailboxNode]) -> None:
        super().__init__()
        self.nodes = nodes


class MailboxCounts(SessionMessage):
    """A mailbox's unread and total counts changed."""

    def __init__(self, name: str, unread: int | None, total: int | None) -> None:
        super().__init__()
        self.name = name
        self.unread = unread
        self.total = total


class MailboxOpened(SessionMessage):
    """A mailbox was selected (or examined): the list has ``exists`` rows."""

    def __init__(self, name: str, exists: int, read_only: bool, epoch: int) -> None:
        super().__init__()
        self.name = name
        self.exists = exists
        self.read_only = read_only
        self.epoch = epoch


class MailboxChanged(SessionMessage):
    """The selected mailbox's message count changed (new mail, expunge)."""

    def __init__(self, name: str, exists: int, epoch: int) -> None:
        super().__init__()
        self.name = name
        self.exists = exists
        self.epoch = epoch


class RowsLoaded(SessionMessage):
    """Summaries for rows of the message list (row 0 = newest)."""

    def __init__(self, mailbox: str, epoch: int, rows: dict[int, MessageSummary]) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.epoch = epoch
        self.rows = rows


class MessageLoaded(SessionMessage):
    """A message's body was fetched and rendered."""

    def __init__(self, mailbox: str, uid: int, raw: bytes, rendered: RenderedMessage) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.uid = uid
        self.raw = raw
        self.rendered = rendered


class Refused(SessionMessage):
    """The session refused an action before it reached the wire (read-only mode)."""

    def __init__(self, action: str, reason: str) -> None:
        super().__init__()
        self.action = action
        self.reason = reason


class Notice(SessionMessage):
    """Something for the user to read: ``severity`` is information, warning or error."""

    def __init__(self, text: str, severity: str = "information") -> None:
        super().__init__()
        self.text = text
        self.severity = severity


class AttachmentSaved(SessionMessage):
    """An attachment was written to ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
