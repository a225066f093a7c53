"""tuimail.mail.cache: message-list rows kept on disk between runs (SQLite).

- :mod:`.header_cache`: :class:`HeaderCache` (the file) and :class:`MailboxCache`
  (one mailbox at one UIDVALIDITY), the interface the session uses;
- :mod:`.rows`: how a :class:`~tuimail.mail.summary.MessageSummary` is stored;
- :mod:`.schema`: the file's tables, and opening it safely;
- :mod:`.writes` and :mod:`.writer`: the writes, and the thread that applies them.
"""

from .header_cache import CACHE_FILE_NAME, HeaderCache, MailboxCache, MailboxState, default_cache_path

__all__ = ["CACHE_FILE_NAME", "HeaderCache", "MailboxCache", "MailboxState", "default_cache_path"]
