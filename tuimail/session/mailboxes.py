"""The mailbox list and every mailbox's counts.

``LIST "" "*"`` (RFC 9051 §6.3.9) with the SPECIAL-USE (RFC 6154 §5.1) and
LIST-STATUS (RFC 5819) return options when offered: one command gives the
tree and every count.  Without LIST-STATUS, one STATUS per mailbox
(§6.3.11), all pipelined; never for the selected mailbox, whose counts the
selected mailbox room keeps.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from tuimail.imap.errors import ResponseError
from tuimail.imap.types import MailboxList
from tuimail.mail.mailbox_tree import build_tree, iter_nodes

from . import messages as m
from .client import SessionClient

__all__ = ["COUNTS_INTERVAL", "MailboxDirectory"]

_log = logging.getLogger(__name__)

#: How often the other mailboxes' counts are refreshed (seconds).
COUNTS_INTERVAL = 120.0

Counts = tuple[int | None, int | None]


def _count(status: Any, key: str) -> int | None:
    value = status.get(key) if isinstance(status, dict) else None
    return value if isinstance(value, int) and value >= 0 else None


class MailboxDirectory:
    """What the account's mailboxes are, and how many messages they hold."""

    def __init__(self, post: Callable[[Any], Any]) -> None:
        self._post = post
        self.names: list[str] = []
        #: special-use attribute (``"\\Trash"``) -> mailbox name.
        self.special: dict[str, str] = {}
        #: The hierarchy delimiter most mailboxes use (RFC 9051 §6.3.9), if any.
        self.delimiter: str | None = None
        self.counts_at = 0.0

    def special_use(self, use: str) -> str | None:
        return self.special.get(use.lower())

    async def load(self, client: SessionClient, *, skip: str | None = None, counts: bool = True) -> None:
        """LIST with counts (``counts=False``: the tree alone, a cheap LIST; :meth:`refresh`
        brings the counts later, as after the first screen); posts MailboxesLoaded."""
        lists, known = await self._lists_and_counts(client, skip, counts=counts)
        self.names = sorted(entry.name for entry in lists)
        delimiters = [entry.delim for entry in lists if entry.delim]
        self.delimiter = max(set(delimiters), key=delimiters.count) if delimiters else None
        if counts:
            self.counts_at = asyncio.get_running_loop().time()
        nodes = build_tree(lists)
        self.special = {}
        for node in iter_nodes(nodes):
            if node.special_use and node.special_use != "\\Inbox":
                self.special.setdefault(node.special_use.lower(), node.name)
            if node.name in known:
                node.unread, node.total = known[node.name]
        self._post(m.MailboxesLoaded(nodes))

    async def refresh(self, client: SessionClient, *, skip: str | None) -> None:
        """Every mailbox's counts again (the list again if mailboxes came or went)."""
        lists, counts = await self._lists_and_counts(client, skip)
        self.counts_at = asyncio.get_running_loop().time()
        if sorted(entry.name for entry in lists) != self.names:
            await self.load(client, skip=skip)
            return
        for name, (unread, total) in counts.items():
            if name != skip:
                self._post(m.MailboxCounts(name, unread, total))

    async def refresh_one(self, client: SessionClient, name: str) -> None:
        """STATUS of one mailbox (after a move or copy into it)."""
        try:
            status = await client.status(name)
        except ResponseError as exc:
            _log.info("STATUS %s refused: %s", name, exc)
            return
        self._post(m.MailboxCounts(name, _count(status, "UNSEEN"), _count(status, "MESSAGES")))

    async def _lists_and_counts(
        self, client: SessionClient, skip: str | None, *, counts: bool = True
    ) -> tuple[list[MailboxList], dict[str, Counts]]:
        with_status = counts and client.has("LIST-STATUS")
        lists = await client.list_mailboxes(
            special_use=client.has("SPECIAL-USE"), status=["MESSAGES", "UNSEEN"] if with_status else None
        )
        if not counts:
            return lists, {}
        counts_of: dict[str, Counts] = {}
        for entry in lists:
            status = entry.extended.get("STATUS")
            if isinstance(status, dict):
                counts_of[entry.name] = (_count(status, "UNSEEN"), _count(status, "MESSAGES"))
        wanted = [
            entry.name
            for entry in lists
            if entry.name not in counts_of
            and entry.name != skip
            and not {str(a).lower() for a in entry.attr} & {"\\noselect", "\\nonexistent"}
        ]
        if wanted:  # one STATUS each, sent together (they pipeline: different mailboxes)
            results = await asyncio.gather(*(client.status(name) for name in wanted), return_exceptions=True)
            for name, result in zip(wanted, results, strict=True):
                if isinstance(result, ResponseError):
                    continue  # one mailbox's count is not worth failing for
                if isinstance(result, BaseException):
                    raise result
                counts_of[name] = (_count(result, "UNSEEN"), _count(result, "MESSAGES"))
        return lists, counts_of
