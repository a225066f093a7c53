"""What a row's flags say: unread, flagged, answered, deleted, draft (RFC 9051 §2.3.2).

:class:`SystemFlags` is a mixin for anything with a ``flags`` set (the message list's
:class:`~tuimail.mail.summary.MessageSummary`, the first paint's cached row): system flags
are compared case-insensitively, as servers may spell them in any case.  Standard library
only, so the first paint can use it before anything heavy is imported.
"""

from __future__ import annotations

from collections.abc import Set

__all__ = ["SystemFlags"]


class SystemFlags:
    """The system flags of ``self.flags`` as properties (no state of its own)."""

    __slots__ = ()
    flags: Set[str]

    def _has_flag(self, flag: str) -> bool:
        if flag in self.flags:
            return True
        lowered = flag.lower()
        return any(f.lower() == lowered for f in self.flags)

    @property
    def unread(self) -> bool:
        """No ``\\Seen`` flag (RFC 9051 §2.3.2)."""
        return not self._has_flag("\\Seen")

    @property
    def flagged(self) -> bool:
        return self._has_flag("\\Flagged")

    @property
    def answered(self) -> bool:
        return self._has_flag("\\Answered")

    @property
    def deleted(self) -> bool:
        return self._has_flag("\\Deleted")

    @property
    def draft(self) -> bool:
        return self._has_flag("\\Draft")
