"""The background IMAP session: its own thread and event loop, typed Textual messages back.

session = Session(account, app.post_message, read_only=True)
session.start()                 # connects, lists, opens INBOX: MailboxOpened arrives
session.want_rows(generation, removals, [seqno, ...])   # non-blocking: ViewChanged follows

The names are imported on first use (:mod:`tuimail.lazy_names`): :mod:`.head_start` opens the
first connection before Textual, which :mod:`.messages` needs, is imported.
"""

from typing import TYPE_CHECKING

from tuimail.lazy_names import lazy_names

if TYPE_CHECKING:
    from .client import ReadOnlyRefused, SessionClient
    from .session import Session

__getattr__ = lazy_names(
    __name__, {"ReadOnlyRefused": "client", "SessionClient": "client", "Session": "session"}
)

__all__ = ["ReadOnlyRefused", "Session", "SessionClient"]
