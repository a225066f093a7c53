"""The read-only guard: the session's only way to the IMAP client.

In read-only mode no command that could change the server's state may be
sent: STORE, COPY, MOVE, EXPUNGE, APPEND, CREATE, DELETE, RENAME, SUBSCRIBE
(and UNSUBSCRIBE), and their UID forms.  Mailboxes are opened with EXAMINE
(RFC 9051 §6.3.3), never SELECT; CLOSE (which expunges after SELECT, §6.4.1)
is refused, UNSELECT is fine; FETCH of ``BODY[...]``, ``RFC822`` or
``RFC822.TEXT`` is refused because it sets ``\\Seen`` (§6.4.5): only
``BODY.PEEK[...]`` passes.

The guard raises :class:`ReadOnlyRefused` before anything reaches the
client, so nothing is written to the wire.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

#: client method -> the IMAP command it sends, for every command that writes.
WRITE_METHODS: dict[str, str] = {
    "store": "STORE",
    "uid_store": "UID STORE",
    "copy": "COPY",
    "uid_copy": "UID COPY",
    "move": "MOVE",
    "uid_move": "UID MOVE",
    "expunge": "EXPUNGE",
    "uid_expunge": "UID EXPUNGE",
    "append": "APPEND",
    "create": "CREATE",
    "delete": "DELETE",
    "rename": "RENAME",
    "subscribe": "SUBSCRIBE",
    "unsubscribe": "UNSUBSCRIBE",
    "select": "SELECT",
    "close": "CLOSE",
    "setacl": "SETACL",
    "deleteacl": "DELETEACL",
    "setquota": "SETQUOTA",
    "setmetadata": "SETMETADATA",
}

# FETCH items that set \Seen: BODY[...] without .PEEK, RFC822, RFC822.TEXT, BINARY[...].
_SEEN_SETTING_ITEM = re.compile(
    r"(?<![.\w])(BODY|BINARY)\[|(?<![.\w])RFC822(\.TEXT)?(?![.\w])", re.IGNORECASE
)


class ReadOnlyRefused(Exception):
    """A write command was refused in read-only mode; nothing was sent."""

    def __init__(self, command: str) -> None:
        super().__init__(f"{command} refused: the session is read-only")
        self.command = command


def fetch_items_set_seen(items: Any) -> bool:
    """Whether FETCH items would set ``\\Seen`` (RFC 9051 §6.4.5)."""
    if isinstance(items, str):
        text = items
    elif isinstance(items, (list, tuple)):
        text = " ".join(str(i) for i in items)
    else:
        text = str(items)
    return _SEEN_SETTING_ITEM.search(text) is not None


class GuardedClient:
    """Wraps an ``IMAP`` client; with ``read_only`` it refuses every write."""

    def __init__(self, imap: Any, *, read_only: bool) -> None:
        self._imap = imap
        self.read_only = read_only

    @property
    def client(self) -> Any:
        """The wrapped client (for state such as ``capabilities``/``selected``)."""
        return self._imap

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._imap, name)
        if not self.read_only:
            return attr
        if name in WRITE_METHODS:
            return self._refuser(WRITE_METHODS[name])
        if name in ("fetch", "uid_fetch"):

            def fetch(set_: Any, items: Any, *args: Any, **kwargs: Any) -> Any:
                if fetch_items_set_seen(items):
                    raise ReadOnlyRefused(("UID " if name == "uid_fetch" else "") + f"FETCH {items}")
                return attr(set_, items, *args, **kwargs)

            return fetch
        return attr

    @staticmethod
    def _refuser(command: str) -> Callable[..., Any]:
        async def refuse(*args: Any, **kwargs: Any) -> Any:
            raise ReadOnlyRefused(command)

        return refuse
