"""The selected mailbox's state, kept current as responses arrive
(RFC 9051 §6.3.1-2 SELECT/EXAMINE responses, §7.4 message status updates,
RFC 7162 §3.1/3.2 HIGHESTMODSEQ and VANISHED).

Data from the server is checked before it is used: a response code whose
data is missing or of the wrong shape (``[UIDNEXT abc]``, ``[UNSEEN]``,
``[PERMANENTFLAGS x]``: the parser keeps it as
:class:`~tuimail.imap.types.InvalidParseData`) is ignored like an unknown
code, and logged on the logger ``tuimail.imap``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from .types import FetchData, ResponseCode, ResponseText, UntaggedResponse, VanishedData

logger = logging.getLogger("tuimail.imap")

#: Largest ``number`` / ``nz-number`` (RFC 9051 §9: unsigned 32-bit).
MAX_NUMBER = 2**32 - 1
#: Largest ``mod-sequence-value`` (RFC 7162 §7: unsigned 63-bit).
MAX_MODSEQ = 2**63 - 1


def _count(value: object, low: int = 0, high: int = MAX_NUMBER) -> int | None:
    """``value`` when it is an int in [low, high], else None."""
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return None


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
        """Update from one untagged response; True if anything changed.

        Never raises: data of an unexpected shape changes nothing.
        """
        name, data = response.name, response.data
        if name in ("EXISTS", "RECENT"):
            number = _count(data)
            if number is None:
                return self._ignore(name, data)
            if name == "EXISTS":
                self.exists = number
            else:
                self.recent = number
        elif name == "EXPUNGE":
            self.exists = max(0, self.exists - 1)
        elif name == "VANISHED" and isinstance(data, VanishedData):
            if data.earlier:
                return False  # RFC 7162 §3.2.10: EARLIER does not change EXISTS
            self.exists = max(0, self.exists - len(data.uids))
        elif name == "FLAGS" and _is_flags(data):
            self.flags = list(data)
        elif name == "FETCH" and isinstance(data, FetchData):
            modseq = _count(data.attr.get("MODSEQ"), 1, MAX_MODSEQ)
            if modseq is not None and (self.highest_modseq is None or modseq > self.highest_modseq):
                self.highest_modseq = modseq
            uid = _count(data.attr.get("UID"), 1)
            if uid is not None and self.uidnext is not None and uid >= self.uidnext:
                self.uidnext = uid + 1
        elif name in ("OK", "NO", "BAD") and isinstance(data, ResponseText) and data.code is not None:
            return self.apply_code(data.code)
        else:
            return False
        return True

    def apply_code(self, code: ResponseCode) -> bool:
        """Update from a response code (RFC 9051 §7.1); True if it was
        used.  A known code with malformed data is ignored and logged."""
        name, data = code.name, code.data
        if name in ("UIDVALIDITY", "UIDNEXT", "UNSEEN"):
            number = _count(data, 1)
            if number is None:
                return self._ignore(name, data)
            if name == "UIDVALIDITY":
                self.uidvalidity = number
            elif name == "UIDNEXT":
                self.uidnext = number
            else:
                self.unseen = number
        elif name == "HIGHESTMODSEQ":
            modseq = _count(data, 1, MAX_MODSEQ)
            if modseq is None:
                return self._ignore(name, data)
            self.highest_modseq = modseq
        elif name == "PERMANENTFLAGS":
            if not _is_flags(data):
                return self._ignore(name, data)
            self.permanent_flags = list(data)
        elif name == "NOMODSEQ":
            self.no_modseq = True
        elif name == "READ-ONLY":
            self.read_only = True
        elif name == "READ-WRITE":
            self.read_only = False
        elif name == "MAILBOXID":
            if not isinstance(data, str):
                return self._ignore(name, data)
            self.mailbox_id = data
        else:
            return False
        return True

    def _ignore(self, name: str, data: object) -> bool:
        logger.info("%r: ignoring %s with malformed data %.200r", self.name, name, data)
        return False


def _is_flags(data: object) -> bool:
    return isinstance(data, list) and all(isinstance(f, str) for f in data)
