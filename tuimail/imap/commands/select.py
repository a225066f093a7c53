"""Selected-state commands (RFC 9051 §6.3.2-3, §6.4): SELECT and EXAMINE
(with CONDSTORE and QRESYNC parameters, RFC 7162 §3.1.8, §3.2.5),
UNSELECT (RFC 3691), CLOSE, CHECK, EXPUNGE and UID EXPUNGE (RFC 4315)."""

from __future__ import annotations

from typing import Any

from ..encoder import Atom, Mailbox, Sequence
from ..mailbox_state import MailboxState
from ..sequence_set import SequenceSet
from ..types import TaggedResponse, VanishedData
from .base import CommandsBase, SetLike

#: QRESYNC parameters: (uidvalidity, modseq[, known_uids[, (known_seqnos, known_uids)]]).
QResync = tuple[Any, ...]


class SelectCommands(CommandsBase):
    """Opening and closing mailboxes; expunging."""

    async def select(
        self, mailbox: str, *, condstore: bool = False, qresync: QResync | None = None
    ) -> MailboxState:
        """SELECT (RFC 9051 §6.3.2) -> the mailbox's live state.

        ``condstore=True`` adds ``(CONDSTORE)``; ``qresync=(uidvalidity,
        modseq, known_uids)`` adds ``(QRESYNC (...))`` (ENABLE QRESYNC
        first).  The returned :class:`MailboxState` is ``imap.selected``
        and stays current as updates arrive.
        """
        return await self._select("SELECT", mailbox, condstore, qresync)

    async def examine(
        self, mailbox: str, *, condstore: bool = False, qresync: QResync | None = None
    ) -> MailboxState:
        """EXAMINE (RFC 9051 §6.3.3): SELECT, read-only."""
        return await self._select("EXAMINE", mailbox, condstore, qresync)

    async def _select(
        self, name: str, mailbox: str, condstore: bool, qresync: QResync | None
    ) -> MailboxState:
        args: list[Any] = [Mailbox(mailbox)]
        params: list[Any] = []
        if condstore:
            params.append(Atom("CONDSTORE"))
        if qresync is not None:
            q: list[Any] = [int(qresync[0]), int(qresync[1])]
            if len(qresync) > 2 and qresync[2] is not None:
                q.append(Sequence(qresync[2]))
            if len(qresync) > 3 and qresync[3] is not None:
                q.append([Sequence(qresync[3][0]), Sequence(qresync[3][1])])
            params += [Atom("QRESYNC"), q]
        if params:
            args.append(params)
        state = MailboxState(mailbox, read_only=name == "EXAMINE")

        def sent() -> None:
            # RFC 9051 §6.3.2: the previous mailbox is deselected at once.
            self.selected = None
            self._selecting = state

        def on_tagged(response: TaggedResponse) -> None:
            self._selecting = None
            if response.name == "OK":
                self.selected = state
                self.state = "selected"
            else:
                self.state = "authenticated"

        await self._run(name, *args, on_sent=sent, on_tagged=on_tagged)
        return state

    async def unselect(self) -> None:
        """UNSELECT (RFC 3691, RFC 9051 §6.4.2): close without expunging."""
        await self._run("UNSELECT", on_tagged=self._deselected)

    async def close(self) -> None:
        """CLOSE (RFC 9051 §6.4.1): expunge silently and close the mailbox."""
        await self._run("CLOSE", on_tagged=self._deselected)

    def _deselected(self, response: TaggedResponse) -> None:
        if response.name == "OK":
            self.selected = None
            self.state = "authenticated"

    async def check(self) -> None:
        """CHECK (RFC 3501 §6.4.1)."""
        await self._run("CHECK")

    async def expunge(self) -> list[int] | VanishedData:
        """EXPUNGE (RFC 9051 §6.4.3) -> the expunged sequence numbers, or the
        VANISHED UIDs once QRESYNC is enabled (RFC 7162 §3.2.10).
        :class:`InvalidStateError` in a read-only (EXAMINEd) mailbox."""
        self._require_writable("EXPUNGE")
        cmd = await self._run("EXPUNGE", collect=("EXPUNGE", "VANISHED"))
        return _expunged(cmd.responses)

    async def uid_expunge(self, uids: SetLike) -> list[int] | VanishedData:
        """UID EXPUNGE (RFC 4315 §2.1, RFC 9051 §6.4.9): expunge only those
        of ``uids`` marked \\Deleted.  :class:`InvalidStateError` in a
        read-only (EXAMINEd) mailbox."""
        self._require_writable("UID EXPUNGE")
        self._require("UIDPLUS", "IMAP4REV2")
        seq, _ = self._sequence(uids)
        cmd = await self._run("UID EXPUNGE", seq, collect=("EXPUNGE", "VANISHED"))
        return _expunged(cmd.responses)


def _expunged(responses: list[Any]) -> list[int] | VanishedData:
    vanished = [r.data for r in responses if r.name == "VANISHED"]
    if vanished:
        return VanishedData(SequenceSet([v.uids for v in vanished]), False)
    return [r.data for r in responses if r.name == "EXPUNGE" and isinstance(r.data, int)]
