"""Actions taken while offline, kept until the connection is back.

A flag or read change, a move, an archive or a delete to the trash asked for
while the session has no connection is written to a small SQLite file
(beside the header cache) with what names its messages for good: the
mailbox, its UIDVALIDITY and the UIDs (RFC 9051 §2.3.1.1).  On reconnection
the session replays the actions in order and reports each; one that can no
longer apply (the mailbox was rebuilt: another UIDVALIDITY; the messages are
gone) is reported as not done, never dropped silently.  The file survives a
restart: quitting with actions waiting asks first, and the next start
replays them.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    import sqlite3

__all__ = ["OfflineQueue", "QueuedAction", "default_queue_path"]

_log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS queued (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    mailbox TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    kind TEXT NOT NULL,
    uids TEXT NOT NULL,
    detail TEXT NOT NULL
)
"""

#: The actions that can wait: (kind, what it is called for the user).
KINDS = {"flag": "flag change", "move": "move", "archive": "archive", "delete": "delete"}


def default_queue_path() -> Path:
    return Path(platformdirs.user_cache_dir("tuimail")) / "offline-queue.sqlite3"


@dataclass(frozen=True)
class QueuedAction:
    """One action waiting: ``kind`` flag/move/archive/delete; ``detail`` its arguments
    (flag and on, or the target mailbox)."""

    id: int
    account: str
    mailbox: str
    uidvalidity: int
    kind: str
    uids: tuple[int, ...]
    detail: dict[str, object]

    def describe(self) -> str:
        count = len(self.uids)
        what = f"{count} message" + ("s" if count != 1 else "")
        if self.kind == "flag":
            on = bool(self.detail.get("on"))
            flag = str(self.detail.get("flag", ""))
            words = {"\\Seen": ("mark read", "mark unread"), "\\Flagged": ("flag", "unflag")}
            verb = words.get(flag, ("set " + flag, "clear " + flag))[0 if on else 1]
            return f"{verb} {what} in {self.mailbox}"
        if self.kind == "move":
            return f"move {what} from {self.mailbox} to {self.detail.get('target')}"
        return f"{self.kind} {what} in {self.mailbox}"


class OfflineQueue:
    """The queue file; every call is short and safe from any thread."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._memory: list[QueuedAction] = []  # when there is no file
        if path is not None:
            import sqlite3  # only for a file: the demo's queue lives in memory

            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(path, check_same_thread=False, timeout=5)
                self._conn.execute(_SCHEMA)
                self._conn.commit()
                path.chmod(0o600)
            except (sqlite3.Error, OSError) as exc:
                _log.warning("the offline queue %s cannot be used (%s): it lives in memory only", path, exc)
                self._conn = None

    def add(
        self,
        account: str,
        mailbox: str,
        uidvalidity: int,
        kind: str,
        uids: list[int],
        detail: dict[str, object],
    ) -> QueuedAction:
        with self._lock:
            if self._conn is None:
                action = QueuedAction(
                    len(self._memory) + 1, account, mailbox, uidvalidity, kind, tuple(uids), detail
                )
                self._memory.append(action)
                return action
            import json  # with a file only (as sqlite3): the demo's queue lives in memory

            cursor = self._conn.execute(
                "INSERT INTO queued (account, mailbox, uidvalidity, kind, uids, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (account, mailbox, uidvalidity, kind, json.dumps(uids), json.dumps(detail)),
            )
            self._conn.commit()
            return QueuedAction(
                cursor.lastrowid or 0, account, mailbox, uidvalidity, kind, tuple(uids), detail
            )

    def pending(self, account: str) -> list[QueuedAction]:
        """The account's actions, oldest first."""
        with self._lock:
            if self._conn is None:
                return [a for a in self._memory if a.account == account]
            rows = self._conn.execute(
                "SELECT id, account, mailbox, uidvalidity, kind, uids, detail FROM queued"
                " WHERE account = ? ORDER BY id",
                (account,),
            ).fetchall()
        import json

        out = []
        for id_, acc, mailbox, uidvalidity, kind, uids, detail in rows:
            try:
                parsed = [int(u) for u in json.loads(uids)]
                details = json.loads(detail)
            except (ValueError, TypeError):
                parsed, details = [], {}
            out.append(
                QueuedAction(
                    id_,
                    acc,
                    mailbox,
                    uidvalidity,
                    kind,
                    tuple(parsed),
                    details if isinstance(details, dict) else {},
                )
            )
        return out

    def remove(self, action: QueuedAction) -> None:
        with self._lock:
            if self._conn is None:
                self._memory = [a for a in self._memory if a.id != action.id]
                return
            self._conn.execute("DELETE FROM queued WHERE id = ?", (action.id,))
            self._conn.commit()

    def count(self, account: str) -> int:
        return len(self.pending(account))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
