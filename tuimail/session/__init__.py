"""The background IMAP session: its own thread and event loop, typed Textual messages back.

    session = Session(account, app.post_message, read_only=True)
    session.start()            # connects, lists, opens INBOX; messages arrive in the UI
    session.want_rows(0, 50)   # non-blocking: RowsLoaded follows
"""

from .guard import GuardedClient, ReadOnlyRefused
from .session import Session

__all__ = ["GuardedClient", "ReadOnlyRefused", "Session"]
