"""The BODYSTRUCTUREs the message list's FETCH brought, kept for opening those messages.

The list fetches ``(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)`` for the rows
it shows (RFC 9051 §7.5.2); opening one of them then needs no FETCH of its structure, only of
its header and text parts: one round trip.  The structures of the rows fetched last are kept
(a user opens what is on the screen, which the list fetched last), by UID, within a budget of
bytes: a mailbox of 100,000 rows, every one fetched, holds no more than that.

What is kept is the value the parser gave: built on first use from its own copy of the text
as sent (:mod:`tuimail.imap.fetch_fast`), or, off that path, built already; its weight is
the text's length, or an estimate per part.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from tuimail.imap.fetch_fast import body_text
from tuimail.imap.types import BodyTypeMultipart, FetchData

__all__ = ["BUDGET", "ListedStructures"]

#: Bytes of body structures kept (some 3,000 rows of ordinary mail; benchmarks/listed_structures.py).
BUDGET = 2 * 1024 * 1024
#: Bytes an entry costs beyond its text: the value, its key and its place in the map.
ENTRY_COST = 400
#: Bytes counted per part of a body structure that was built (not kept as its text).
PART_COST = 600
#: A body structure weighing more than this is not kept (it is fetched again when opened).
MAX_ENTRY = 64 * 1024


def weight(body: Any) -> int:
    """About how many bytes keeping ``body`` costs (bounded work: at most MAX_ENTRY // PART_COST
    parts are counted)."""
    text = body_text(body)
    if text is not None:
        return ENTRY_COST + len(text)
    limit = MAX_ENTRY // PART_COST + 1
    count = 0
    stack = [body]
    while stack and count < limit:
        part = stack.pop()
        count += 1
        if isinstance(part, BodyTypeMultipart):
            stack.extend(part.parts or ())
    return ENTRY_COST + count * PART_COST


class ListedStructures:
    """UID -> the BODYSTRUCTURE the list's FETCH gave, for the rows fetched last (bounded)."""

    def __init__(self, budget: int = BUDGET) -> None:
        self.budget = budget
        self._kept: OrderedDict[int, tuple[Any, int]] = OrderedDict()
        self.size = 0

    def __len__(self) -> int:
        return len(self._kept)

    def keep(self, data: Iterable[FetchData]) -> None:
        """Keep the BODYSTRUCTURE of each FETCH response that has one and a UID."""
        for fd in data:
            uid, body = fd.attr.get("UID"), fd.attr.get("BODYSTRUCTURE")
            if not isinstance(uid, int) or body is None:
                continue
            cost = weight(body)
            self._drop(uid)
            if cost > MAX_ENTRY:
                continue
            self._kept[uid] = (body, cost)
            self.size += cost
        while self.size > self.budget and self._kept:
            _, (_, cost) = self._kept.popitem(last=False)
            self.size -= cost

    def get(self, uid: int) -> Any | None:
        """The body structure of ``uid`` as the list fetched it, if kept."""
        found = self._kept.get(uid)
        return None if found is None else found[0]

    def _drop(self, uid: int) -> None:
        old = self._kept.pop(uid, None)
        if old is not None:
            self.size -= old[1]

    def clear(self) -> None:
        """Forget them all (another mailbox, or another view of this one, is open)."""
        self._kept.clear()
        self.size = 0
