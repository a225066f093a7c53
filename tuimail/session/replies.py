"""The session's replies to what the user asked for (Textual messages, one way up): a search,
sort or threads listing, a message opened, its raw source, an action done or failed, an
attachment saved, the account's information.

Posted like the rest of :mod:`.messages`, which offers them too (``messages.ActionDone``):
they are imported when first used, the first screen needs none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .messages import SessionMessage

if TYPE_CHECKING:
    from tuimail.imap.types import ThreadMember
    from tuimail.mail.render import RenderedMessage

    from .account_info import CapabilityUse, HeaderCacheInfo, TlsInfo
    from .client import ServerId

__all__ = [
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
]


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
