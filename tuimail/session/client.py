"""The session's only way to the IMAP client: the commands it uses, and no others.

:class:`SessionClient` wraps a connected :class:`tuimail.imap.IMAP` and offers
exactly what the session needs.  Two rules are facts of its types rather
than habits of its callers:

* **UID only.**  Every method that changes a message takes UIDs and sends a
  UID command (RFC 9051 §6.4.9): ``UID STORE``, ``UID COPY``, ``UID MOVE``,
  ``UID EXPUNGE`` (RFC 4315 §2.1) of exactly the UIDs given.  There is no
  plain EXPUNGE, which would remove other clients' ``\\Deleted`` mail.
* **Read-only.**  With ``read_only`` a mailbox is opened with EXAMINE
  (§6.3.3), bodies are fetched with ``BODY.PEEK[...]`` (§6.4.5), and every
  method that could change the server raises :class:`ReadOnlyRefused`
  before anything is written.

The wrapped client is private: nothing reaches a command this class does not
list.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tuimail.imap import IMAP
from tuimail.imap.commands.fetch import BodySection
from tuimail.imap.errors import BadResponseError, NoResponseError
from tuimail.imap.idle import Idle
from tuimail.imap.mailbox_state import MailboxState
from tuimail.imap.sequence_set import SequenceSet
from tuimail.imap.types import ESearchResult, FetchData, MailboxList, UntaggedResponse
from tuimail.imap.unsolicited import Subscription
from tuimail.mail.summary import SUMMARY_ITEMS

from .opening import UPDATES_BUFFER, EarlyOpen, EarlyPage, open_mailbox

if TYPE_CHECKING:
    from tuimail.imap.types import CopyUIDData, ThreadMember

__all__ = ["ReadOnlyRefused", "ServerId", "SessionClient", "UidSet"]

#: UIDs as the session passes them: one, several, or a SequenceSet.
UidSet = int | Iterable[int] | SequenceSet

# FETCH items that set \Seen (RFC 9051 §6.4.5): BODY[...] and BINARY[...] without .PEEK, RFC822(.TEXT).
_SETS_SEEN = re.compile(r"(?<![.\w])(BODY|BINARY)\[|(?<![.\w])RFC822(\.TEXT)?(?![.\w])", re.IGNORECASE)



class ReadOnlyRefused(Exception):
    """A change was refused in read-only mode; nothing was sent."""

    def __init__(self, command: str) -> None:
        super().__init__(f"{command} refused: the session is read-only")
        self.command = command


@dataclass(frozen=True)
class ServerId:
    """The server's answer to ID (RFC 2971 §3.2), bounded as §3.3 says (30 fields of at most 30
    characters, values of at most 1024): its fields, or why there are none."""

    status: Literal["answered", "nil", "not offered", "refused"]
    fields: tuple[tuple[str, str], ...] = ()
    #: The server's words when it refused.
    detail: str = ""

    @classmethod
    def from_answer(cls, answer: Mapping[str, str | None] | None) -> ServerId:
        if answer is None:
            return cls("nil")
        fields = [(str(k)[:30], "" if v is None else str(v)[:1024]) for k, v in list(answer.items())[:30]]
        return cls("answered", tuple(fields))


def _uids(value: UidSet) -> SequenceSet:
    if isinstance(value, SequenceSet):
        return value
    return SequenceSet(value)


class SessionClient:
    """The IMAP commands of the session, over one connection."""

    def __init__(self, imap: IMAP, *, read_only: bool, early_open: EarlyOpen | None = None) -> None:
        """``early_open``: a mailbox's opening the head start sent on this connection already."""
        self._imap = imap
        self.read_only = read_only
        self._server_id: ServerId | None = None
        self._early_open = early_open
        self._early_page: EarlyPage | None = None

    # ------------------------------------------------------------ state (reads)

    @property
    def host(self) -> str:
        return self._imap.host

    @property
    def capabilities(self) -> frozenset[str]:
        return self._imap.capabilities

    def has(self, *capabilities: str) -> bool:
        """Does the server offer any of ``capabilities``?"""
        return any(self._imap.has(c) for c in capabilities)

    @property
    def selected(self) -> MailboxState | None:
        return self._imap.selected

    @property
    def uidvalidity(self) -> int | None:
        """The selected mailbox's UIDVALIDITY, if one is selected."""
        selected = self._imap.selected
        return selected.uidvalidity if selected is not None else None

    @property
    def closed(self) -> bool:
        return self._imap.closed

    @property
    def last_received(self) -> float:
        """Loop time of the last byte from the server."""
        return self._imap.last_received

    @property
    def greeting(self) -> UntaggedResponse | None:
        """The server's greeting (RFC 9051 §7.1: ``* OK``, ``* PREAUTH``), once received."""
        return self._imap.greeting

    @property
    def enabled(self) -> frozenset[str]:
        """Extensions turned on with ENABLE (RFC 5161), upper case."""
        return frozenset(self._imap.enabled)

    @property
    def compressed(self) -> bool:
        """Is the connection compressed (COMPRESS=DEFLATE, RFC 4978)?"""
        return self._imap.compressed

    def tls(self) -> ssl.SSLObject | None:
        """The TLS session (version, cipher, the server's certificate), or None in plaintext."""
        return self._imap.ssl_object

    def updates(self) -> Subscription:
        """Unsolicited responses (EXISTS, EXPUNGE, FETCH flags...), in order."""
        return self._imap.updates(UPDATES_BUFFER)

    def idle(self) -> Idle:
        return self._imap.idle()

    def abort(self, reason: str) -> None:
        """Give the connection up at once: every command waiting fails."""
        self._imap.abort(reason)

    # -------------------------------------------------------------- commands

    async def noop(self) -> None:
        await self._imap.noop()

    async def logout(self) -> None:
        await self._imap.logout()

    async def server_id(self, ours: Mapping[str, str]) -> ServerId:
        """ID (RFC 2971 §3.1) with ``ours``: sent at most once per connection, and only when the
        server offers ID; the answer is kept for the connection."""
        if self._server_id is None:
            if not self.has("ID"):
                self._server_id = ServerId("not offered")
            else:
                try:
                    answer = await self._imap.id(dict(ours))
                except (NoResponseError, BadResponseError) as exc:
                    self._server_id = ServerId("refused", detail=exc.text)
                else:
                    self._server_id = ServerId.from_answer(answer)
        return self._server_id

    async def list_mailboxes(self, *, special_use: bool, status: list[str] | None) -> list[MailboxList]:
        """LIST "" "*", with SPECIAL-USE (RFC 6154) and LIST-STATUS (RFC 5819) return options."""
        return await self._imap.list("", "*", special_use=special_use, status=status)

    async def status(self, mailbox: str) -> dict[str, object]:
        """STATUS mailbox (MESSAGES UNSEEN) (RFC 9051 §6.3.11)."""
        return await self._imap.status(mailbox, ["MESSAGES", "UNSEEN"])

    async def enable_qresync(self) -> bool:
        """ENABLE QRESYNC (RFC 7162 §3.2.3) when offered; True once it is on."""
        if "QRESYNC" in self._imap.enabled:
            return True
        if not self.has("QRESYNC"):
            return False
        return "QRESYNC" in [c.upper() for c in await self._imap.enable("QRESYNC")]

    @property
    def qresync(self) -> bool:
        return "QRESYNC" in self._imap.enabled

    async def open(
        self, mailbox: str, *, qresync: tuple[int, int, SequenceSet] | None = None
    ) -> MailboxState:
        """SELECT, or EXAMINE in read-only mode (RFC 9051 §6.3.2-3); with ``qresync``
        (uidvalidity, modseq, known UIDs) the server reports what changed since (RFC 7162 §3.2.5)."""
        return await open_mailbox(self._imap, mailbox, read_only=self.read_only, qresync=qresync)

    async def take_early_open(self, mailbox: str) -> EarlyOpen | None:
        """The opening of ``mailbox`` sent early on this connection (:mod:`.opening`), if it is
        the one this client would send now; any other is dropped once answered (two openings
        in flight would share their untagged answers).  Once only."""
        early, self._early_open = self._early_open, None
        if early is None or early.fits(mailbox, read_only=self.read_only):
            self._early_page = early.page if early is not None else None
            return early
        early.drop()
        answers: list[asyncio.Future[Any]] = [early.state, early.page.data]
        await asyncio.wait(answers)
        return None

    async def flags_since(self, modseq: int | None) -> list[FetchData]:
        """UID FETCH 1:* (FLAGS), only those changed since ``modseq`` with CONDSTORE (RFC 7162 §3.1.4)."""
        return await self._imap.uid_fetch("1:*", "(UID FLAGS)", changedsince=modseq)

    async def fetch_summaries(self, seqnos: SequenceSet) -> list[FetchData]:
        """FETCH seqnos (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE); the first
        call takes the early opening's FETCH instead when it asked for exactly ``seqnos``."""
        page, self._early_page = self._early_page, None
        if page is not None and await page.seqnos == seqnos:
            return await page.data
        return await self._imap.fetch(seqnos, SUMMARY_ITEMS)

    async def uid_fetch_summaries(self, uids: UidSet) -> list[FetchData]:
        """UID FETCH uids (the summary items)."""
        return await self._imap.uid_fetch(_uids(uids), SUMMARY_ITEMS)

    async def fetch_structure(self, uid: int) -> list[FetchData]:
        """UID FETCH uid (UID RFC822.SIZE BODYSTRUCTURE) (RFC 9051 §7.5.2)."""
        return await self._imap.uid_fetch(uid, "(UID RFC822.SIZE BODYSTRUCTURE)")

    async def fetch_sections(
        self,
        uid: int,
        sections: Sequence[BodySection],
        *,
        mark_seen: bool,
        size: bool = False,
        structure: bool = False,
    ) -> list[FetchData]:
        """UID FETCH uid (UID BODY.PEEK[...] ...) of these sections in one command (§6.4.5); with
        ``mark_seen`` the first is ``BODY[...]``, which sets \\Seen, unless read-only; with
        ``size`` also RFC822.SIZE, with ``structure`` also BODYSTRUCTURE (§7.5.2)."""
        seen = mark_seen and not self.read_only
        items = ["UID", *(["RFC822.SIZE"] if size else []), *(["BODYSTRUCTURE"] if structure else [])]
        items += [s.item(peek=not (seen and i == 0)) for i, s in enumerate(sections)]
        return await self._imap.uid_fetch(uid, items)

    async def uid_search_all(self, criteria: list[Any], *, charset: str | None = None) -> SequenceSet:
        """UID SEARCH (RETURN (ALL) with ESEARCH, RFC 4731): the matching UIDs, compact."""
        if self.has("ESEARCH", "IMAP4REV2"):
            result: ESearchResult = await self._imap.uid_search(criteria, charset, return_=["ALL"])
            return result.all if result.all is not None else SequenceSet()
        return (await self._imap.uid_search(criteria, charset)).set

    async def uid_sort(self, keys: list[str], criteria: list[Any], charset: str = "UTF-8") -> list[int]:
        """UID SORT (keys) charset criteria (RFC 5256 §3): UIDs in that order."""
        return list(await self._imap.uid_sort(keys, criteria, charset))

    async def uid_thread(self) -> list[ThreadMember]:
        """UID THREAD REFERENCES UTF-8 ALL (RFC 5256 §2.2)."""
        return await self._imap.uid_thread("REFERENCES", ["ALL"], "UTF-8")

    async def uid_fetch_items(self, uids: UidSet | str, items: str) -> list[FetchData]:
        """UID FETCH of other items (for sorting or threading on the client); never one that sets \\Seen."""
        if _SETS_SEEN.search(items):
            raise ReadOnlyRefused(f"UID FETCH {items}") if self.read_only else ValueError(items)
        return await self._imap.uid_fetch(uids if isinstance(uids, str) else _uids(uids), items)

    async def uid_search_uids(self, uids: UidSet) -> list[int]:
        """Which of ``uids`` the selected mailbox still holds (UID SEARCH UID set)."""
        found = await self.uid_search_all(["UID", _uids(uids)])
        return [uid for lo, hi in found.ranges for uid in range(lo, hi + 1)][: len(list(_uids(uids)))]

    async def message_ids(self, uids: UidSet) -> dict[int, str]:
        """UID FETCH uids (ENVELOPE): each message's Message-ID (RFC 5322 §3.6.4), where it has one."""
        out: dict[int, str] = {}
        for fd in await self._imap.uid_fetch(_uids(uids), "(UID ENVELOPE)"):
            uid, envelope = fd.attr.get("UID"), fd.attr.get("ENVELOPE")
            message_id = getattr(envelope, "message_id", None)
            if isinstance(uid, int) and isinstance(message_id, str) and message_id.strip():
                out[uid] = message_id.strip()
        return out

    async def uids_by_message_id(self, message_ids: Iterable[str]) -> list[int]:
        """UID SEARCH HEADER Message-ID (RFC 9051 §6.4.4) for each, issued together: the UIDs found."""
        searches = [self._imap.uid_search(["HEADER", "Message-ID", mid]) for mid in message_ids]
        return [uid for result in await asyncio.gather(*searches) for uid in result]

    # ----------------------------------------------------------- changes (UID)

    async def store_flags(self, uids: UidSet, flags: Iterable[str], *, add: bool) -> list[FetchData]:
        """UID STORE uids ±FLAGS (flags) (RFC 9051 §6.4.6): the FETCH responses of the change."""
        self._refuse("UID STORE")
        return await self._imap.uid_store(_uids(uids), "+FLAGS" if add else "-FLAGS", list(flags))

    async def move(self, uids: UidSet, mailbox: str) -> CopyUIDData | None:
        """UID MOVE (RFC 6851), or UID COPY + UID STORE \\Deleted + UID EXPUNGE of those UIDs."""
        self._refuse("UID MOVE")
        return await self._imap.uid_move(_uids(uids), mailbox)

    async def copy(self, uids: UidSet, mailbox: str) -> CopyUIDData | None:
        """UID COPY (RFC 9051 §6.4.7)."""
        self._refuse("UID COPY")
        return await self._imap.uid_copy(_uids(uids), mailbox)

    async def delete_for_good(self, uids: UidSet) -> None:
        """UID STORE +FLAGS.SILENT (\\Deleted), then UID EXPUNGE of exactly those UIDs (RFC 4315 §2.1).

        Without UIDPLUS this refuses (InvalidStateError) before anything is
        sent: a plain EXPUNGE would also remove other clients' ``\\Deleted`` mail.
        """
        self._refuse("UID EXPUNGE")
        if not self.has("UIDPLUS", "IMAP4REV2"):
            from tuimail.imap.errors import InvalidStateError

            raise InvalidStateError("the server lacks UID EXPUNGE (UIDPLUS)")
        uid_set = _uids(uids)
        await self._imap.uid_store(uid_set, "+FLAGS.SILENT", ["\\Deleted"])
        await self._imap.uid_expunge(uid_set)

    # ------------------------------------------------------ mailboxes (changes)

    async def create(self, mailbox: str) -> None:
        """CREATE (RFC 9051 §6.3.4)."""
        self._refuse("CREATE")
        await self._imap.create(mailbox)

    async def rename(self, old: str, new: str) -> None:
        """RENAME (RFC 9051 §6.3.6)."""
        self._refuse("RENAME")
        await self._imap.rename(old, new)

    async def delete_mailbox(self, mailbox: str) -> None:
        """DELETE (RFC 9051 §6.3.5): the mailbox and every message in it."""
        self._refuse("DELETE")
        await self._imap.delete(mailbox)

    async def subscribe(self, mailbox: str, on: bool) -> None:
        """SUBSCRIBE or UNSUBSCRIBE (RFC 9051 §6.3.7-8)."""
        self._refuse("SUBSCRIBE" if on else "UNSUBSCRIBE")
        await (self._imap.subscribe(mailbox) if on else self._imap.unsubscribe(mailbox))

    def _refuse(self, command: str) -> None:
        if self.read_only:
            raise ReadOnlyRefused(command)
