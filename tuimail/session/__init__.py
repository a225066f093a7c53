"""The background IMAP session: its own thread and event loop, typed Textual messages back.

session = Session(account, app.post_message, read_only=True)
session.start()                 # connects, lists, opens INBOX: MailboxOpened arrives
session.want_rows(generation, removals, [seqno, ...])   # non-blocking: ViewChanged follows
"""

from .client import ReadOnlyRefused, SessionClient
from .session import Session

__all__ = ["ReadOnlyRefused", "Session", "SessionClient"]
