"""The open mailbox's unread count, kept from the flags the client knows.

Once the set of unseen UIDs is known (``UID SEARCH UNSEEN``, RFC 9051
§6.4.4, compact with ESEARCH), every later change keeps it exact without
asking the server again: a message expunged leaves the set, a flag change or
a loaded summary updates its UID.  Only when the client cannot know (flags
changed, or a message was expunged, whose UID it never learnt) does the
count become unknown; the session then asks again.

A change seen while the set is being fetched is remembered and applied on
top of the answer, so a set that arrives late is not stale.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["UnreadCount"]


class UnreadCount:
    """Unseen UIDs of one mailbox view; ``count`` is None while not known."""

    def __init__(self) -> None:
        self._unseen: set[int] | None = None
        self._loading = False
        self._removed_meanwhile: set[int] = set()
        self._flags_meanwhile: dict[int, bool] = {}
        #: A change the client could not attribute to a UID: the count must be asked again.
        self.stale = False

    @property
    def count(self) -> int | None:
        return None if self._unseen is None or self.stale else len(self._unseen)

    @property
    def known(self) -> bool:
        return self._unseen is not None and not self.stale

    def loading(self) -> None:
        """A fresh set was asked for: remember changes until it arrives."""
        self._loading = True
        self._removed_meanwhile.clear()
        self._flags_meanwhile.clear()

    def loaded(self, unseen: Iterable[int]) -> None:
        """The server's set of unseen UIDs, as of when it answered."""
        found = set(unseen)
        found -= self._removed_meanwhile
        for uid, is_unseen in self._flags_meanwhile.items():
            if is_unseen:
                found.add(uid)
            else:
                found.discard(uid)
        self._unseen = found
        self._loading = False
        self.stale = False
        self._removed_meanwhile.clear()
        self._flags_meanwhile.clear()

    def flags(self, uid: int, flags: Iterable[str]) -> bool:
        """A message's flags became known; True if the count changed."""
        is_unseen = not any(f.lower() == "\\seen" for f in flags)
        if not uid:
            self.stale = self.stale or self._unseen is not None or self._loading
            return False
        if self._loading:
            self._flags_meanwhile[uid] = is_unseen
        if self._unseen is None:
            return False
        before = len(self._unseen)
        if is_unseen:
            self._unseen.add(uid)
        else:
            self._unseen.discard(uid)
        return len(self._unseen) != before

    def removed(self, uid: int) -> bool:
        """A message was expunged; True if the count changed."""
        if not uid:
            self.stale = self.stale or self._unseen is not None or self._loading
            return False
        if self._loading:
            self._removed_meanwhile.add(uid)
            self._flags_meanwhile.pop(uid, None)
        if self._unseen is None or uid not in self._unseen:
            return False
        self._unseen.discard(uid)
        return True

    def unseen_among(self, uids: Iterable[int]) -> int:
        """How many of ``uids`` are known unseen."""
        if self._unseen is None:
            return 0
        return sum(1 for uid in uids if uid in self._unseen)
