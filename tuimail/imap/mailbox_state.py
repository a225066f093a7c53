"""The selected mailbox's state, kept current as responses arrive
(RFC 9051 §6.3.1-2 SELECT/EXAMINE responses, §7.4 message status updates,
RFC 7162 §3.1/3.2 HIGHESTMODSEQ and VANISHED)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .types import FetchData, ResponseCode, ResponseText, UntaggedResponse, VanishedData


@dataclass
class MailboxState:
    """What the client knows about the selected mailbox.

    Returned by ``select``/``examine`` and kept up to date afterwards (it
    is the same object as ``imap.selected``): EXISTS sets ``exists``,
    EXPUNGE and VANISHED lower it, FETCH with MODSEQ raises
    ``highest_modseq``, FLAGS replaces ``flags``.
    """

    name: str
    exists: int = 0
    recent: int = 0
    uidvalidity: int | None = None
    uidnext: int | None = None
    flags: list[str] = field(default_factory=list)
    permanent_flags: list[str] = field(default_factory=list)
    highest_modseq: int | None = None
    read_only: bool = False
    unseen: int | None = None
    #: True when the server sent [NOMODSEQ] (no CONDSTORE for this mailbox).
    no_modseq: bool = False
    #: MAILBOXID (RFC 8474), when sent.
    mailbox_id: str | None = None

    def apply(self, response: UntaggedResponse) -> bool:
        """Update from one untagged response; True if anything changed."""
        name, data = response.name, response.data
        if name == "EXISTS":
            self.exists = int(data)
        elif name == "RECENT":
            self.recent = int(data)
        elif name == "EXPUNGE":
            self.exists = max(0, self.exists - 1)
        elif name == "VANISHED" and isinstance(data, VanishedData):
            if data.earlier:
                return False  # RFC 7162 §3.2.10: EARLIER does not change EXISTS
            self.exists = max(0, self.exists - len(data.uids))
        elif name == "FLAGS" and isinstance(data, list):
            self.flags = list(data)
        elif name == "FETCH" and isinstance(data, FetchData):
            modseq = data.attr.get("MODSEQ")
            if isinstance(modseq, int) and (self.highest_modseq is None or modseq > self.highest_modseq):
                self.highest_modseq = modseq
            uid = data.attr.get("UID")
            if isinstance(uid, int) and self.uidnext is not None and uid >= self.uidnext:
                self.uidnext = uid + 1
        elif name in ("OK", "NO", "BAD") and isinstance(data, ResponseText) and data.code is not None:
            return self.apply_code(data.code)
        else:
            return False
        return True

    def apply_code(self, code: ResponseCode) -> bool:
        """Update from a response code (RFC 9051 §7.1)."""
        name, data = code.name, code.data
        value: Any = data
        if name == "UIDVALIDITY":
            self.uidvalidity = int(value)
        elif name == "UIDNEXT":
            self.uidnext = int(value)
        elif name == "PERMANENTFLAGS":
            self.permanent_flags = list(value or [])
        elif name == "HIGHESTMODSEQ":
            self.highest_modseq = int(value)
        elif name == "NOMODSEQ":
            self.no_modseq = True
        elif name == "UNSEEN":
            self.unseen = int(value)
        elif name == "READ-ONLY":
            self.read_only = True
        elif name == "READ-WRITE":
            self.read_only = False
        elif name == "MAILBOXID":
            self.mailbox_id = str(value)
        else:
            return False
        return True
