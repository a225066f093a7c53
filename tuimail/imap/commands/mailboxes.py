"""Mailbox commands (RFC 9051 §6.3): CREATE (with SPECIAL-USE, RFC 6154),
DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (LIST-EXTENDED RFC 5258,
LIST-STATUS RFC 5819, SPECIAL-USE RFC 6154), LSUB, STATUS, APPEND
(UIDPLUS APPENDUID, RFC 4315)."""

from __future__ import annotations

import builtins
import dataclasses
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from ..encoder import Atom, Flags, Literal, Mailbox
from ..types import MailboxList, StatusData
from .base import CommandsBase

if TYPE_CHECKING:
    from ..extension_types import AppendUIDData

#: STATUS items asked for by default.
DEFAULT_STATUS_ITEMS = ("MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN")

_LINE_END = re.compile(rb"\r\n|\r|\n")


def crlf_line_ends(message: bytes) -> bytes:
    """``message`` with every line ending (CRLF, bare LF, bare CR) as CRLF
    (RFC 5322 §2.1, RFC 9051 §6.3.12)."""
    crlf = message.count(b"\r\n")
    if message.count(b"\n") == crlf == message.count(b"\r"):
        return message  # already CRLF throughout: no copy
    return _LINE_END.sub(b"\r\n", message)


class MailboxCommands(CommandsBase):
    """Commands on mailboxes (authenticated state)."""

    async def create(self, mailbox: str, *, special_use: Iterable[str] | None = None) -> None:
        """CREATE (RFC 9051 §6.3.4); ``special_use=["\\\\Sent"]`` uses
        CREATE-SPECIAL-USE (RFC 6154 §3)."""
        args: list[object] = [Mailbox(mailbox)]
        if special_use:
            args.append([Atom("USE"), [Atom(u) for u in special_use]])
        await self._run("CREATE", *args)

    async def delete(self, mailbox: str) -> None:
        """DELETE (RFC 9051 §6.3.5)."""
        await self._run("DELETE", Mailbox(mailbox))

    async def rename(self, old: str, new: str) -> None:
        """RENAME (RFC 9051 §6.3.6)."""
        await self._run("RENAME", Mailbox(old), Mailbox(new))

    async def subscribe(self, mailbox: str) -> None:
        """SUBSCRIBE (RFC 9051 §6.3.7).  Unsolicited responses are
        :meth:`updates`, not this."""
        await self._run("SUBSCRIBE", Mailbox(mailbox))

    async def unsubscribe(self, mailbox: str) -> None:
        """UNSUBSCRIBE (RFC 9051 §6.3.8)."""
        await self._run("UNSUBSCRIBE", Mailbox(mailbox))

    async def list(
        self,
        reference: str = "",
        pattern: str = "*",
        *,
        selection: Iterable[str] | None = None,
        special_use: bool = False,
        subscribed: bool = False,
        children: bool = False,
        status: Iterable[str] | None = None,
    ) -> builtins.list[MailboxList]:
        """LIST (RFC 9051 §6.3.9) -> one :class:`MailboxList` per mailbox.

        ``selection``: LIST-EXTENDED selection options (``["SUBSCRIBED"]``,
        ``["SPECIAL-USE"]``...).  Return options: ``special_use``,
        ``subscribed``, ``children`` and ``status`` (LIST-STATUS items such
        as ``["MESSAGES", "UNSEEN"]``); with ``status`` each result's
        ``extended["STATUS"]`` holds the mailbox's STATUS dict.
        """
        args: builtins.list[object] = []
        if selection:
            args.append([Atom(s) for s in selection])
        args += [Mailbox(reference), Mailbox(pattern)]
        ret: builtins.list[object] = []
        if special_use:
            ret.append(Atom("SPECIAL-USE"))
        if subscribed:
            ret.append(Atom("SUBSCRIBED"))
        if children:
            ret.append(Atom("CHILDREN"))
        status_items = list(status or ())
        if status_items:
            ret += [Atom("STATUS"), [Atom(i) for i in status_items]]
        if ret:
            args += [Atom("RETURN"), ret]
        collect = ("LIST", "STATUS") if status_items else ("LIST",)
        cmd = await self._run("LIST", *args, collect=collect)
        found: builtins.list[MailboxList] = self._data(cmd.responses, "LIST")
        if not status_items:
            return found
        statuses: dict[str, StatusData] = {s.mailbox: s for s in self._data(cmd.responses, "STATUS")}
        out = []
        for m in found:
            st = statuses.get(m.name)
            out.append(dataclasses.replace(m, extended={**m.extended, "STATUS": st.attr}) if st else m)
        return out

    async def lsub(self, reference: str = "", pattern: str = "*") -> builtins.list[MailboxList]:
        """LSUB (RFC 3501 §6.3.9): subscribed mailboxes."""
        cmd = await self._run("LSUB", Mailbox(reference), Mailbox(pattern), collect=("LSUB",))
        found: builtins.list[MailboxList] = self._data(cmd.responses, "LSUB")
        return found

    async def status(self, mailbox: str, items: Iterable[str] = DEFAULT_STATUS_ITEMS) -> dict[str, object]:
        """STATUS (RFC 9051 §6.3.11) -> ``{"MESSAGES": 3, "UNSEEN": 1, ...}``."""
        cmd = await self._run(
            "STATUS", Mailbox(mailbox), [Atom(i.upper()) for i in items], collect=("STATUS",), mailbox=mailbox
        )
        result: dict[str, object] = {}
        for data in self._data(cmd.responses, "STATUS"):
            result.update(data.attr)
        return result

    async def append(
        self,
        mailbox: str,
        message: bytes | str,
        flags: Iterable[str] | None = None,
        date_time: datetime | None = None,
        *,
        verbatim: bool = False,
    ) -> AppendUIDData | None:
        """APPEND (RFC 9051 §6.3.12) -> the APPENDUID data (RFC 4315) if sent.

        A message is sent with CRLF line ends, as RFC 5322 §2.1 requires
        and as Python's imaplib does: every bare LF or CR (what
        ``EmailMessage.as_bytes()`` gives by default) becomes CRLF, since
        strict servers (Cyrus) refuse bare newlines.  ``verbatim=True``
        sends the bytes exactly as given.  A ``str`` is sent as UTF-8.
        """
        args: builtins.list[object] = [Mailbox(mailbox)]
        if flags is not None:
            args.append(Flags(flags))
        if date_time is not None:
            args.append(date_time)
        if isinstance(message, str):
            message = message.encode("utf-8")
        if not verbatim:
            message = crlf_line_ends(message)
        args.append(Literal(message))
        cmd = await self._run("APPEND", *args)
        from ..extension_types import AppendUIDData  # imported when first used (never at the start)

        code = cmd.result.data.code if cmd.result is not None else None
        if code is not None and code.name == "APPENDUID" and isinstance(code.data, AppendUIDData):
            return code.data
        return None
