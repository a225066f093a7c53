"""The session's client facade: read-only and UID-only are facts of its types, checked
against the real IMAP class and on the wire of a real server."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tuimail.imap import IMAP
from tuimail.imap.commands.fetch import BodySection
from tuimail.imap.sequence_set import SequenceSet
from tuimail.session.client import ReadOnlyRefused, SessionClient

from .support import PASSWORD, USER, TraceLines, pymap_thread, seeded

#: Every public method of IMAP that can change what the server holds (RFC 9051 §6):
#: in read-only mode the session must not be able to call one.
IMAP_WRITES = {
    "append", "close", "copy", "create", "delete", "expunge", "move", "rename", "select", "store",
    "subscribe", "uid_copy", "uid_expunge", "uid_move", "uid_store", "unsubscribe",
    "execute", "write_continuation_line",  # the engine's interface: sends any command
}  # fmt: skip
#: ... and those that cannot (FETCH of bodies sets \\Seen unless PEEK: the facade decides).
IMAP_READS = {
    "abort", "authenticate", "capability", "check", "compress", "connect", "enable", "examine",
    "fetch", "has", "id", "idle", "list", "login", "logout", "lsub", "namespace", "noop",
    "search", "sort", "starttls", "status", "thread", "uid_fetch", "uid_search", "uid_sort",
    "uid_thread", "unselect", "updates",
    "check_completion", "is_in_flight",  # the engine's interface: nothing sent
}  # fmt: skip


def public_methods(cls: type) -> set[str]:
    return {name for name, value in inspect.getmembers(cls) if not name.startswith("_") and callable(value)}


def test_every_public_method_of_the_real_imap_class_is_known_as_a_read_or_a_write() -> None:
    methods = public_methods(IMAP)
    assert not IMAP_READS & IMAP_WRITES
    unknown = methods - IMAP_READS - IMAP_WRITES
    assert not unknown, f"classify these (do they change the server?): {sorted(unknown)}"


#: Every public method of the facade, called as the session calls it (uid 1 exists).
Call = Callable[[SessionClient], Awaitable[Any]]
FACADE_WRITES: dict[str, Call] = {
    "store_flags": lambda c: c.store_flags([1], ["\\Flagged"], add=True),
    "move": lambda c: c.move([1], "Trash"),
    "copy": lambda c: c.copy([1], "Trash"),
    "delete_for_good": lambda c: c.delete_for_good([1]),
    "create": lambda c: c.create("Made"),
    "rename": lambda c: c.rename("Made", "Renamed"),
    "subscribe": lambda c: c.subscribe("Renamed", True),
    "delete_mailbox": lambda c: c.delete_mailbox("Renamed"),
}
FACADE_READS: dict[str, Call] = {
    "open": lambda c: c.open("INBOX"),
    "fetch_summaries": lambda c: c.fetch_summaries(SequenceSet([1])),
    "uid_fetch_summaries": lambda c: c.uid_fetch_summaries([1]),
    "fetch_structure": lambda c: c.fetch_structure(1),
    "fetch_sections": lambda c: c.fetch_sections(
        1, [BodySection("HEADER"), BodySection("1", 0, 9)], mark_seen=True
    ),
    "uid_search_all": lambda c: c.uid_search_all(["ALL"]),
    "list_mailboxes": lambda c: c.list_mailboxes(special_use=False, status=None),
    "status": lambda c: c.status("Trash"),
    "noop": lambda c: c.noop(),
    "message_ids": lambda c: c.message_ids([1]),
    "uids_by_message_id": lambda c: c.uids_by_message_id(["<m1@example.com>"]),
    "uid_sort": lambda c: c.uid_sort(["ARRIVAL"], ["ALL"]) if c.has("SORT") else c.noop(),
    "uid_thread": lambda c: c.uid_thread() if c.has("THREAD=REFERENCES") else c.noop(),
    "uid_fetch_items": lambda c: c.uid_fetch_items([1], "(UID BODY.PEEK[HEADER.FIELDS (REFERENCES)])"),
    "flags_since": lambda c: c.flags_since(None),
    "enable_qresync": lambda c: c.enable_qresync(),
    "uid_search_uids": lambda c: c.uid_search_uids([1, 2]),
    "server_id": lambda c: c.server_id({"name": "tuimail"}),
}
#: Not commands, or not worth a round trip here: state, streams, the end.
FACADE_OTHER = {"has", "updates", "idle", "abort", "logout", "tls", "take_early_open"}


def test_every_method_of_the_facade_is_checked_below() -> None:
    assert public_methods(SessionClient) == set(FACADE_WRITES) | set(FACADE_READS) | FACADE_OTHER


async def test_fetches_that_would_set_seen_are_refused_before_the_wire(trace: TraceLines) -> None:
    with pymap_thread(seeded(1, unseen_every=1)) as server:
        imap = await IMAP.connect("127.0.0.1", server.port, tls="none")
        await imap.login(USER, PASSWORD)
        client = SessionClient(imap, read_only=True)
        await client.open("INBOX")
        mark = trace.mark()
        for items in ("BODY[]", "(UID RFC822)", "BINARY[1]", "RFC822.TEXT"):
            with pytest.raises(ReadOnlyRefused):
                await client.uid_fetch_items([1], items)
        assert trace.sent(mark) == []
        await imap.logout()


async def test_read_only_facade_refuses_every_write_before_the_wire_and_peeks(trace: TraceLines) -> None:
    with pymap_thread(seeded(3, unseen_every=1)) as server:
        imap = await IMAP.connect("127.0.0.1", server.port, tls="none")
        await imap.login(USER, PASSWORD)
        client = SessionClient(imap, read_only=True)
        for call in FACADE_READS.values():
            await call(client)
        mark = trace.mark()
        for name, call in FACADE_WRITES.items():
            with pytest.raises(ReadOnlyRefused):
                await call(client)
            assert trace.sent(mark) == [], name
        await imap.logout()
    commands = trace.commands()
    assert "EXAMINE" in commands and "SELECT" not in commands
    bodies = [line for line in trace.sent() if "BODY[" in line.upper() or "BODY.PEEK[" in line.upper()]
    assert bodies and all("BODY.PEEK[" in line.upper() for line in bodies)
    sections = next(line for line in bodies if "BODY.PEEK[1]<0.9>" in line)  # mark_seen, yet peeked
    assert "BODY.PEEK[HEADER]" in sections


async def test_read_write_facade_changes_messages_by_uid_only(trace: TraceLines) -> None:
    with pymap_thread(seeded(3, unseen_every=1)) as server:
        imap = await IMAP.connect("127.0.0.1", server.port, tls="none")
        await imap.login(USER, PASSWORD)
        client = SessionClient(imap, read_only=False)
        await client.open("INBOX")
        for call in FACADE_WRITES.values():
            await call(client)
        await imap.logout()
    for line in trace.sent():
        words = line.split()
        if len(words) > 2 and words[2].upper() in {"STORE", "COPY", "MOVE", "EXPUNGE", "CLOSE"}:
            raise AssertionError(f"a change by sequence number (or an expunge of all): {line}")
    sent = trace.commands()
    assert {"UID STORE", "UID MOVE", "UID COPY", "UID EXPUNGE"} <= set(sent)
    assert {"CREATE", "RENAME", "SUBSCRIBE", "DELETE"} <= set(sent)
