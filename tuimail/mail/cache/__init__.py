"""tuimail.mail.cache: message-list rows kept on disk between runs (SQLite).

- :mod:`.location`: :func:`default_cache_path`;
- :mod:`.header_cache`: :class:`HeaderCache` (the file) and :class:`MailboxCache`
  (one mailbox at one UIDVALIDITY), the interface the session uses;
- :mod:`.rows`: how a :class:`~tuimail.mail.summary.MessageSummary` is stored;
- :mod:`.schema`: the file's tables, and opening it safely;
- :mod:`.writes` and :mod:`.writer`: the writes, and the thread that applies them.

The classes are imported on first use (SQLite, the row codec, the writer): a start without a
cache (the demo's) does without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuimail.lazy_names import lazy_names

from .location import CACHE_FILE_NAME, default_cache_path

if TYPE_CHECKING:
    from .header_cache import HeaderCache, MailboxCache, MailboxState

__all__ = ["CACHE_FILE_NAME", "HeaderCache", "MailboxCache", "MailboxState", "default_cache_path"]

_FROM_HEADER_CACHE = frozenset({"HeaderCache", "MailboxCache", "MailboxState"})


__getattr__ = lazy_names(__name__, dict.fromkeys(_FROM_HEADER_CACHE, "header_cache"))
