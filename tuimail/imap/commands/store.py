"""STORE and UID STORE (RFC 9051 §6.4.6), with the CONDSTORE
UNCHANGEDSINCE modifier and MODIFIED response code (RFC 7162 §3.1.3)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..encoder import Atom, Flags
from ..errors import EncodeError
from ..sequence_set import SequenceSet
from ..types import FetchData
from .base import CommandsBase, SetLike

_STORE_ITEM_RE = re.compile(r"[+-]?FLAGS(?:\.SILENT)?", re.IGNORECASE)


class StoreResult(list[FetchData]):
    """The FETCH responses of a STORE; ``modified`` holds the messages not
    changed because of UNCHANGEDSINCE (the MODIFIED code), if any."""

    modified: SequenceSet | None = None


class StoreCommands(CommandsBase):
    """Changing flags."""

    async def store(
        self, messages: SetLike, item: str, flags: Iterable[str] | str, *, unchangedsince: int | None = None
    ) -> StoreResult:
        """STORE: ``item`` is ``FLAGS``, ``+FLAGS`` or ``-FLAGS`` (optionally
        ``.SILENT``), e.g. ``await imap.store(3, "+FLAGS", ["\\\\Deleted"])``.
        :class:`InvalidStateError` in a read-only (EXAMINEd) mailbox."""
        return await self._store("STORE", messages, item, flags, unchangedsince)

    async def uid_store(
        self, uids: SetLike, item: str, flags: Iterable[str] | str, *, unchangedsince: int | None = None
    ) -> StoreResult:
        """UID STORE: as :meth:`store`, addressing messages by UID."""
        return await self._store("UID STORE", uids, item, flags, unchangedsince)

    async def _store(
        self, name: str, messages: SetLike, item: str, flags: Iterable[str] | str, unchangedsince: int | None
    ) -> StoreResult:
        self._require_writable(name)
        if not _STORE_ITEM_RE.fullmatch(item):
            raise EncodeError(f"not a STORE item: {item!r} (use FLAGS, +FLAGS or -FLAGS[.SILENT])")
        seq, numbers = self._sequence(messages)
        args: list[Any] = [seq]
        if unchangedsince is not None:
            args.append([Atom("UNCHANGEDSINCE"), int(unchangedsince)])
        args += [Atom(item.upper()), Flags(flags)]
        cmd = await self._run(name, *args, collect=("FETCH",), numbers=numbers, uid=name.startswith("UID"))
        result = StoreResult(r.data for r in cmd.responses if r.name == "FETCH")
        code = cmd.result.data.code if cmd.result is not None else None
        if code is not None and code.name == "MODIFIED" and isinstance(code.data, SequenceSet):
            result.modified = code.data
        return result
