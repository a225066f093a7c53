"""The background session against a real pymap server on its own thread."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator

import pytest
from imapclient import IMAPClient

from tuimail.demo.server import PymapServer
from tuimail.mail.mailbox_tree import MailboxNode
from tuimail.session import messages as m

from .support import (
    PASSWORD,
    USER,
    as_other_client,
    make_message,
    other_connection,
    pymap_thread,
    seeded,
    snapshot_flags,
    started,
)


class TraceLines(logging.Handler):
    """Collects the client's protocol trace (``C:`` / ``S:`` lines)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def sent(self) -> list[str]:
        return [line for line in self.lines if line.startswith("C:")]


@pytest.fixture
def trace() -> Iterator[TraceLines]:
    handler = TraceLines()
    logger = logging.getLogger("tuimail.imap.protocol")
    old = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)


def command_name(line: str) -> str:
    """``C: A3 UID FETCH ...`` -> ``UID FETCH``."""
    parts = line.split()
    name = parts[2].upper() if len(parts) > 2 else ""
    return f"UID {parts[3].upper()}" if name == "UID" and len(parts) > 3 else name


def names(nodes: list[MailboxNode]) -> set[str]:
    out: set[str] = set()
    for node in nodes:
        out.add(node.name)
        out |= names(node.children)
    return out


def unseen_flags(port: int) -> dict[int, bool]:
    client = other_connection("127.0.0.1", port)
    try:
        client.select_folder("INBOX", readonly=True)
        data = client.fetch(client.search("ALL"), ["FLAGS"])
        return {d[b"SEQ"]: b"\\Seen" not in d[b"FLAGS"] for d in data.values()}
    finally:
        client.logout()


async def test_connect_lists_mailboxes_and_opens_inbox_with_counts() -> None:
    with pymap_thread(seeded(30, unseen_every=3)) as server:
        async with started(server.port) as (session, got):
            loaded = await got.wait_for(m.MailboxesLoaded)
            assert {"INBOX", "Archive", "Trash", "Sent", "Projects/tuimail"} <= names(loaded.nodes)
            inbox = next(n for n in loaded.nodes if n.name == "INBOX")
            assert (inbox.unread, inbox.total) == (10, 30)
            opened = await got.wait_for(m.MailboxOpened)
            assert (opened.name, opened.exists, opened.read_only) == ("INBOX", 30, False)
            counts = await got.wait_for(m.MailboxCounts)
            assert (counts.name, counts.unread, counts.total) == ("INBOX", 10, 30)


async def test_rows_are_newest_first_and_fetched_on_request() -> None:
    with pymap_thread(seeded(30)) as server:
        async with started(server.port) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            session.want_rows(0, 5)
            loaded = await got.wait_for(m.RowsLoaded)
            assert loaded.epoch == opened.epoch
            assert sorted(loaded.rows) == [0, 1, 2, 3, 4]
            assert loaded.rows[0].subject == "Message number 30"
            assert loaded.rows[4].subject == "Message number 26"
            assert loaded.rows[0].seqno == 30


async def test_opening_a_message_renders_it_and_marks_it_read() -> None:
    with pymap_thread(seeded(6, unseen_every=1)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            session.want_rows(0, 1)
            row = (await got.wait_for(m.RowsLoaded)).rows[0]
            assert row.unread
            session.open_message(row)
            loaded = await got.wait_for(m.MessageLoaded)
            assert loaded.uid == row.uid and "Body of message 6." in loaded.rendered.body
            updated = await got.wait_for(m.RowsLoaded, lambda r: 0 in r.rows)
            assert not updated.rows[0].unread
            flags = await asyncio.to_thread(unseen_flags, server.port)
            assert flags[6] is False and flags[5] is True, flags


async def test_read_only_session_examines_peeks_and_refuses_writes(trace: TraceLines) -> None:
    with pymap_thread(seeded(6, unseen_every=1)) as server:
        before = await asyncio.to_thread(snapshot_flags, "127.0.0.1", server.port)
        async with started(server.port, read_only=True) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            assert opened.read_only
            session.want_rows(0, 1)
            row = (await got.wait_for(m.RowsLoaded)).rows[0]
            session.open_message(row)
            await got.wait_for(m.MessageLoaded)
            for request in (
                session.toggle_seen,
                session.toggle_flagged,
                session.delete,
                session.archive,
                lambda s: session.move(s, "Trash"),
                lambda s: session.copy(s, "Trash"),
            ):
                request(row)
                refused = await got.wait_for(m.Refused)
                assert "read-only" in refused.reason
            session.open_mailbox("Archive")
            await got.wait_for(m.MailboxOpened, lambda o: o.name == "Archive")
        after = await asyncio.to_thread(snapshot_flags, "127.0.0.1", server.port)
    assert after == before
    # The protocol trace shows what reached the wire: reads only.
    commands = [command_name(line) for line in trace.sent()]
    assert "EXAMINE" in commands and "UID FETCH" in commands
    assert "BODY.PEEK[]" in " ".join(trace.sent()).upper()
    writes = {"SELECT", "STORE", "COPY", "MOVE", "EXPUNGE", "APPEND", "CREATE", "DELETE", "RENAME"}
    writes |= {"SUBSCRIBE", "UNSUBSCRIBE", "CLOSE"}
    assert not {c.removeprefix("UID ") for c in commands} & writes, commands


async def test_new_mail_while_idle_is_reported(trace: TraceLines) -> None:
    with pymap_thread(seeded(5)) as server:
        async with started(server.port) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            await got.wait_for(m.MailboxCounts)
            await as_other_client(server.port, lambda c: c.append("INBOX", make_message(99, "Fresh mail")))
            changed = await got.wait_for(m.MailboxChanged)
            assert changed.exists == 6 and changed.epoch > opened.epoch
            session.want_rows(0, 1)
            rows = await got.wait_for(m.RowsLoaded, lambda r: r.epoch == changed.epoch)
            assert rows.rows[0].subject == "Fresh mail"
            assert "IDLE" in [command_name(line) for line in trace.sent()]


async def test_wrong_password_is_reported_as_auth_failure() -> None:
    with pymap_thread() as server:
        async with started(server.port, password="wrong") as (session, got):
            failed = await got.wait_for(m.SessionFailed)
            assert failed.kind == "auth" and failed.fatal


async def test_change_asked_for_without_a_connection_is_reported_not_dropped() -> None:
    with pymap_thread() as server:
        async with started(server.port, password="wrong") as (session, got):
            await got.wait_for(m.SessionFailed)
            session.toggle_flagged(object())  # no connection: nothing can be sent
            notice = await got.wait_for(m.Notice)
            assert "not connected" in notice.text and "toggle flag" in notice.text


async def test_unreachable_host_is_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once closed
    async with started(port) as (_session, got):
        failed = await got.wait_for(m.SessionFailed)
        assert failed.kind == "unreachable" and failed.fatal
        assert "Traceback" not in failed.detail


async def test_delete_moves_to_trash_by_uid() -> None:
    with pymap_thread(seeded(4)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            session.want_rows(0, 1)
            row = (await got.wait_for(m.RowsLoaded)).rows[0]
            session.delete(row)
            changed = await got.wait_for(m.MailboxChanged)
            assert changed.exists == 3
        client = other_connection("127.0.0.1", server.port)
        try:
            assert client.folder_status("Trash", ["MESSAGES"])[b"MESSAGES"] == 1
            client.select_folder("Trash", readonly=True)
            envelope = next(iter(client.fetch(client.search("ALL"), ["ENVELOPE"]).values()))[b"ENVELOPE"]
            assert envelope.subject == b"Message number 4"
        finally:
            client.logout()


async def test_lost_connection_is_reported_then_recovered_by_reconnecting() -> None:
    boxes = seeded(5)
    first = PymapServer({USER: PASSWORD}, {USER: boxes})
    first.start_in_thread()
    port = first.port
    second = None
    try:
        async with started(port) as (_session, got):
            opened = await got.wait_for(m.MailboxOpened)
            await got.wait_for(m.MailboxCounts)
            await asyncio.to_thread(first.stop_thread)  # the server goes away mid-IDLE
            second = PymapServer({USER: PASSWORD}, {USER: boxes}, port=port)
            await asyncio.to_thread(second.start_in_thread)
            lost = await got.wait_for(m.SessionFailed)
            assert lost.kind == "lost" and not lost.fatal
            reopened = await got.wait_for(m.MailboxOpened)
            assert reopened.name == "INBOX" and reopened.exists == 5 and reopened.epoch > opened.epoch
            await got.wait_for(m.Notice, lambda n: "Reconnected" in n.text)
    finally:
        if second is not None:
            await asyncio.to_thread(second.stop_thread)


async def test_flag_change_by_another_client_updates_the_row() -> None:
    with pymap_thread(seeded(4, unseen_every=1)) as server:
        async with started(server.port) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            await got.wait_for(m.MailboxCounts)

            def flag_newest(client: IMAPClient) -> None:
                client.select_folder("INBOX")
                client.add_flags([max(client.search("ALL"))], ["\\Flagged", "\\Seen"])

            await as_other_client(server.port, flag_newest)
            rows = await got.wait_for(m.RowsLoaded, lambda r: 0 in r.rows)
            assert rows.epoch == opened.epoch
            assert rows.rows[0].flagged and not rows.rows[0].unread
            counts = await got.wait_for(m.MailboxCounts)
            assert counts.unread == 3


async def test_other_mailboxes_counts_are_kept_current(monkeypatch: pytest.MonkeyPatch) -> None:
    from tuimail.session import session as session_module

    monkeypatch.setattr(session_module, "COUNTS_INTERVAL", 0.2)  # refresh at every chance
    with pymap_thread(seeded(3)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxCounts, lambda c: c.name == "INBOX")
            await as_other_client(server.port, lambda c: c.append("Archive", make_message(77, "Filed away")))
            counts = await got.wait_for(m.MailboxCounts, lambda c: c.name == "Archive" and c.total == 4)
            assert counts.unread == 1


async def test_expunge_by_another_client_shrinks_the_list() -> None:
    with pymap_thread(seeded(4)) as server:
        async with started(server.port) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            await got.wait_for(m.MailboxCounts)

            def expunge_oldest(client: IMAPClient) -> None:
                client.select_folder("INBOX")
                client.delete_messages([min(client.search("ALL"))])
                client.expunge()

            await as_other_client(server.port, expunge_oldest)
            changed = await got.wait_for(m.MailboxChanged)
            assert changed.exists == 3 and changed.epoch > opened.epoch
            session.want_rows(0, 3, changed.epoch)
            rows = await got.wait_for(m.RowsLoaded, lambda r: r.epoch == changed.epoch)
            assert [rows.rows[i].subject for i in range(3)] == [f"Message number {n}" for n in (4, 3, 2)]
