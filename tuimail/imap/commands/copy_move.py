"""COPY, MOVE and their UID forms (RFC 9051 §6.4.7-9, RFC 6851), with
COPYUID results (RFC 4315 §3).  Without MOVE, ``move`` falls back to
UID COPY + UID STORE \\Deleted + UID EXPUNGE, but only when UIDPLUS makes
that expunge exactly the moved messages (RFC 6851 §3.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..command import Command
from ..encoder import Mailbox
from ..errors import InvalidStateError
from ..types import ResponseText
from .base import SetLike
from .fetch import FetchCommands
from .select import SelectCommands
from .store import StoreCommands

if TYPE_CHECKING:
    from ..extension_types import CopyUIDData


class CopyMoveCommands(FetchCommands, StoreCommands, SelectCommands):
    """Copying and moving messages."""

    async def copy(self, messages: SetLike, mailbox: str) -> CopyUIDData | None:
        """COPY ``messages`` to ``mailbox`` -> COPYUID data if sent."""
        seq, _ = self._sequence(messages)
        return _copyuid(await self._run("COPY", seq, Mailbox(mailbox)))

    async def uid_copy(self, uids: SetLike, mailbox: str) -> CopyUIDData | None:
        """UID COPY."""
        seq, _ = self._sequence(uids)
        return _copyuid(await self._run("UID COPY", seq, Mailbox(mailbox)))

    async def move(self, messages: SetLike, mailbox: str) -> CopyUIDData | None:
        """MOVE (RFC 6851 §3.1) -> COPYUID data if sent;
        :class:`InvalidStateError` in a read-only (EXAMINEd) mailbox."""
        self._require_writable("MOVE")
        if not (self.has("MOVE") or self.has("IMAP4REV2")):
            fetched = await self.fetch(messages, "UID")
            uids = [f.uid for f in fetched if f.uid is not None]
            if not uids:
                return None
            return await self._move_fallback(uids, mailbox)
        seq, _ = self._sequence(messages)
        return _copyuid(await self._run("MOVE", seq, Mailbox(mailbox), collect=("OK",)))

    async def uid_move(self, uids: SetLike, mailbox: str) -> CopyUIDData | None:
        """UID MOVE (RFC 6851 §3.2); refused in a read-only mailbox."""
        self._require_writable("UID MOVE")
        if not (self.has("MOVE") or self.has("IMAP4REV2")):
            return await self._move_fallback(uids, mailbox)
        seq, _ = self._sequence(uids)
        return _copyuid(await self._run("UID MOVE", seq, Mailbox(mailbox), collect=("OK",)))

    async def _move_fallback(self, uids: SetLike, mailbox: str) -> CopyUIDData | None:
        if not self.has("UIDPLUS"):
            raise InvalidStateError(
                "the server supports neither MOVE nor UIDPLUS: cannot move without expunging other messages"
            )
        result = await self.uid_copy(uids, mailbox)
        await self.uid_store(uids, "+FLAGS.SILENT", ["\\Deleted"])
        await self.uid_expunge(uids)
        return result


def _copyuid(cmd: Command) -> CopyUIDData | None:
    """COPYUID from the tagged OK, or (MOVE) from an untagged OK."""
    from ..extension_types import CopyUIDData  # imported when first used (never at the start)

    texts = [cmd.result.data] if cmd.result is not None else []
    texts += [r.data for r in cmd.responses if r.name == "OK"]
    for text in texts:
        if isinstance(text, ResponseText) and text.code is not None and text.code.name == "COPYUID":
            if isinstance(text.code.data, CopyUIDData):
                return text.code.data
    return None
