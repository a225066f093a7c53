"""The read-only guard refuses every writing command before it reaches the client."""

from __future__ import annotations

from typing import Any

import pytest

from tuimail.session.guard import WRITE_METHODS, GuardedClient, ReadOnlyRefused, fetch_items_set_seen


class RecordingClient:
    """Stands in for IMAP: records every method call (each would send a command)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        async def command(*args: Any, **kwargs: Any) -> str:
            self.calls.append(name)
            return name

        return command


WRITE_CALLS: list[tuple[str, tuple[Any, ...]]] = [
    ("store", ("1", "+FLAGS", ["\\Seen"])),
    ("uid_store", (5, "-FLAGS", ["\\Flagged"])),
    ("copy", ("1", "Archive")),
    ("uid_copy", (5, "Archive")),
    ("move", ("1", "Trash")),
    ("uid_move", (5, "Trash")),
    ("expunge", ()),
    ("uid_expunge", (5,)),
    ("append", ("INBOX", b"Subject: x\r\n\r\nbody")),
    ("create", ("New",)),
    ("delete", ("Old",)),
    ("rename", ("Old", "New")),
    ("subscribe", ("INBOX",)),
    ("unsubscribe", ("INBOX",)),
    ("select", ("INBOX",)),
    ("close", ()),
]


@pytest.mark.parametrize(("method", "args"), WRITE_CALLS, ids=[c[0] for c in WRITE_CALLS])
async def test_read_only_guard_refuses_write_without_calling_client(
    method: str, args: tuple[Any, ...]
) -> None:
    client = RecordingClient()
    guarded = GuardedClient(client, read_only=True)
    with pytest.raises(ReadOnlyRefused):
        await getattr(guarded, method)(*args)
    assert client.calls == []


@pytest.mark.parametrize(("method", "args"), WRITE_CALLS, ids=[c[0] for c in WRITE_CALLS])
async def test_read_write_guard_passes_commands_through(method: str, args: tuple[Any, ...]) -> None:
    client = RecordingClient()
    assert await getattr(GuardedClient(client, read_only=False), method)(*args) == method
    assert client.calls == [method]


@pytest.mark.parametrize(
    "items", ["BODY[]", "(UID BODY[TEXT])", "RFC822", "rfc822.text", "BINARY[1]", ["BODY[1]"]]
)
async def test_read_only_guard_refuses_fetch_that_sets_seen(items: Any) -> None:
    client = RecordingClient()
    guarded = GuardedClient(client, read_only=True)
    with pytest.raises(ReadOnlyRefused):
        await guarded.uid_fetch(5, items)
    with pytest.raises(ReadOnlyRefused):
        await guarded.fetch("1:*", items)
    assert client.calls == []


@pytest.mark.parametrize(
    "items",
    [
        "BODY.PEEK[]",
        "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)",
        "RFC822.HEADER",
        "BINARY.PEEK[1]",
    ],
)
async def test_read_only_guard_allows_reads(items: str) -> None:
    client = RecordingClient()
    guarded = GuardedClient(client, read_only=True)
    assert fetch_items_set_seen(items) is False
    await guarded.fetch("1:*", items)
    await guarded.examine("INBOX")
    await guarded.list("", "*")
    await guarded.noop()
    assert client.calls == ["fetch", "examine", "list", "noop"]


def test_every_write_command_of_the_issue_is_guarded() -> None:
    guarded_commands = {cmd.removeprefix("UID ") for cmd in WRITE_METHODS.values()}
    required = {"STORE", "COPY", "MOVE", "EXPUNGE", "APPEND", "CREATE", "DELETE", "RENAME", "SUBSCRIBE"}
    assert required <= guarded_commands


def test_unsolicited_updates_are_not_refused() -> None:
    class Client:
        def updates(self, maxsize: int = 100) -> str:
            return "queue"

    assert GuardedClient(Client(), read_only=True).updates() == "queue"
