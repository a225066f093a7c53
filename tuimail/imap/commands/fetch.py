"""FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9), with the CONDSTORE
CHANGEDSINCE and QRESYNC VANISHED modifiers (RFC 7162 §3.1.4, §3.2.6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tuimail.freeing import free_gradually

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


@dataclass(frozen=True, slots=True)
class BodySection:
    """One ``BODY[section]<origin.octets>`` FETCH item (RFC 9051 §6.4.5).

    ``section`` is as written between the brackets (``""`` the whole message,
    ``"HEADER"``, ``"1.2"``, ``"1.2.MIME"``); with ``length`` only the octets
    from ``start`` are asked for (a partial fetch: the server answers with
    ``BODY[section]<start>`` and at most ``length`` octets).
    """

    section: str = ""
    start: int = 0
    length: int | None = None

    def __post_init__(self) -> None:
        if (
            any(c in self.section for c in '[]<>\r\n"')
            or self.start < 0
            or (self.length is not None and self.length <= 0)
        ):
            raise ValueError(f"not a body section: {self!r}")

    def item(self, *, peek: bool = True) -> str:
        """The item as sent: ``BODY.PEEK[1.2]<0.4194304>`` (``BODY[...]``, which sets
        \\Seen, when not ``peek``)."""
        partial = f"<{self.start}.{self.length}>" if self.length is not None else ""
        return f"{'BODY.PEEK' if peek else 'BODY'}[{self.section}]{partial}"

    @property
    def key(self) -> str:
        """The key of the answer in :attr:`FetchData.attr`: ``BODY[1.2]<0>`` (RFC 9051 §7.5.2:
        a partial answer names its origin only)."""
        origin = f"<{self.start}>" if self.length is not None else ""
        return f"BODY[{self.section.upper()}]{origin}"

    def data(self, fetched: FetchData) -> bytes | None:
        """This section's bytes in ``fetched`` (None when the server sent none or NIL)."""
        value = fetched.attr.get(self.key)
        return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else None


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
        data = [r.data for r in cmd.responses if r.name == "FETCH"]
        free_gradually(cmd.responses)  # a whole mailbox's raw responses: not all in one bytecode
        return data
