"""FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9), with the CONDSTORE
CHANGEDSINCE and QRESYNC VANISHED modifiers (RFC 7162 §3.1.4, §3.2.6)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..encoder import Atom, Raw
from ..types import FetchData
from .base import CommandsBase, SetLike


def fetch_items(items: str | Iterable[str]) -> Raw:
    """Fetch attributes as command text: ``"ENVELOPE"``, ``"(UID FLAGS)"``,
    ``["UID", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]``."""
    if isinstance(items, str):
        return Raw(items)
    items = list(items)
    return Raw(items[0] if len(items) == 1 else "(" + " ".join(items) + ")")


class FetchCommands(CommandsBase):
    """Fetching message data."""

    async def fetch(
        self, messages: SetLike, items: str | Iterable[str], *, changedsince: int | None = None
    ) -> list[FetchData]:
        """FETCH ``messages`` (sequence numbers) -> one :class:`FetchData`
        per message, e.g. ``(await imap.fetch(1, "ENVELOPE"))[0].attr["ENVELOPE"]``."""
        if self.selected is not None and self.selected.exists == 0:
            # No sequence number is valid in an empty mailbox (RFC 9051
            # §2.3.1.2); servers answer BAD, so there is nothing to ask.
            return []
        return await self._fetch("FETCH", messages, items, changedsince, False)

    async def uid_fetch(
        self,
        uids: SetLike,
        items: str | Iterable[str],
        *,
        changedsince: int | None = None,
        vanished: bool = False,
    ) -> list[FetchData]:
        """UID FETCH: ``uids`` are UIDs; each result carries ``UID``.

        ``vanished=True`` (QRESYNC, with ``changedsince``) also reports
        expunged UIDs as ``VANISHED (EARLIER)`` through the subscribers.
        """
        return await self._fetch("UID FETCH", uids, items, changedsince, vanished)

    async def _fetch(
        self,
        name: str,
        messages: SetLike,
        items: str | Iterable[str],
        changedsince: int | None,
        vanished: bool,
    ) -> list[FetchData]:
        seq, numbers = self._sequence(messages)
        args: list[Any] = [seq, fetch_items(items)]
        modifiers: list[Any] = []
        if changedsince is not None:
            modifiers += [Atom("CHANGEDSINCE"), int(changedsince)]
        if vanished:
            modifiers.append(Atom("VANISHED"))
        if modifiers:
            args.append(modifiers)
        collect = ("FETCH", "VANISHED") if vanished else ("FETCH",)
        cmd = await self._run(name, *args, collect=collect, numbers=numbers, uid=name.startswith("UID"))
        return [r.data for r in cmd.responses if r.name == "FETCH"]
