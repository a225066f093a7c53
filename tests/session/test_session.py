"""The background session against a real pymap server on its own thread.

Each test does what the UI does with the session's messages (the collector
keeps a replica of the view and applies every change in order) and checks
both the replica and, where it matters, the wire (the protocol trace).
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from imapclient import IMAPClient

from tuimail.demo.server import PymapServer
from tuimail.mail.mailbox_tree import MailboxNode
from tuimail.mail.view_changes import Added, FlagsChanged, Removed
from tuimail.session import messages as m
from tuimail.session import selected as selected_module
from tuimail.session.failures import FailureKind

from .support import (
    PASSWORD,
    USER,
    Collector,
    TraceLines,
    account_for,
    as_other_client,
    make_message,
    other_connection,
    pymap_thread,
    seeded,
    snapshot_flags,
    started,
    until_sent,
)


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


def changes_of(got: Collector, kind: type) -> list[Any]:
    """Every change of ``kind`` the session posted so far."""
    changed = [msg for msg in got.seen if isinstance(msg, m.ViewChanged)]
    return [c for msg in changed for c in msg.changes if isinstance(c, kind)]


async def test_connect_lists_mailboxes_and_opens_inbox_with_counts() -> None:
    with pymap_thread(seeded(30, unseen_every=3)) as server:
        async with started(server.port) as (session, got):
            # LIST and SELECT go out together: their answers may be posted in either order
            def first(kind: type) -> Any:
                return next((x for x in got.seen if isinstance(x, kind)), None)

            both = (m.MailboxesLoaded, m.MailboxOpened)
            await got.until(lambda: all(first(kind) for kind in both), what="tree and INBOX")
            loaded, opened = first(m.MailboxesLoaded), first(m.MailboxOpened)
            assert {"INBOX", "Archive", "Trash", "Sent", "Projects/tuimail"} <= names(loaded.nodes)
            assert (opened.view.name, opened.view.exists, opened.view.read_only) == ("INBOX", 30, False)
            await got.until(lambda: got.counts.get("INBOX") == (10, 30), what="INBOX counts")
            await got.until(lambda: got.counts.get("Trash") == (0, 0), what="the other mailboxes' counts")


async def test_the_counts_come_after_the_first_page(trace: TraceLines) -> None:
    """The start's LIST asks no counts (a server counts every mailbox before it answers a
    LIST-STATUS, and the SELECT would wait behind it); they follow the first page."""
    with pymap_thread(seeded(30, unseen_every=3)) as server:
        async with started(server.port) as (session, got):
            await got.until(lambda: None not in got.subjects(), what="first page")
            await got.until(lambda: got.counts.get("Trash") == (0, 0), what="the other mailboxes' counts")
    sent = trace.sent()
    first_list = next(line for line in sent if " LIST " in line)
    assert "STATUS" not in first_list, first_list
    commands = trace.commands()
    first_fetch = commands.index("FETCH")
    assert "STATUS" not in commands[:first_fetch] and "SELECT" in commands[:first_fetch], commands


async def test_first_page_comes_at_once_the_oldest_page_after_and_the_rest_on_request(
    trace: TraceLines,
) -> None:
    """The newest page first; then, in the background, the oldest page (a jump to the end shows at
    once); rows between them only when the list asks."""
    with pymap_thread(seeded(200)) as server:
        async with started(server.port) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            first = selected_module.FIRST_PAGE
            await got.until(lambda: None not in got.subjects()[:first], what="the first page")
            assert got.subjects()[:3] == [f"Message number {n}" for n in (200, 199, 198)]
            await got.until(lambda: None not in got.subjects()[-first:], what="the oldest page")
            assert got.subjects()[-2:] == ["Message number 2", "Message number 1"]
            assert got.subjects()[first:-first] == [None] * (200 - 2 * first)  # nothing else until asked
            view = got.view
            assert view is not None and view.generation == opened.generation
            session.want_rows(view.generation, view.removals, [100, 99, 98])
            await got.until(lambda: None not in got.subjects()[100:103], what="three in the middle")
            assert got.subjects()[100:103] == [f"Message number {n}" for n in (100, 99, 98)]
            assert got.subjects()[first:100] == [None] * (100 - first)
            assert view.uid_at_row(0) == view.summary_at_row(0).uid
    fetches = [line for line in trace.sent() if " FETCH " in line and "ENVELOPE" in line]
    assert [line.split()[2:4] for line in fetches] == [
        ["FETCH", "141:200"], ["FETCH", "1:60"], ["FETCH", "98:100"],
    ], fetches


async def test_opening_a_message_renders_it_and_marks_it_read(trace: TraceLines) -> None:
    with pymap_thread(seeded(6, unseen_every=1)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            got.want_all(session)
            await got.until(lambda: None not in got.subjects(), what="rows")
            assert got.view is not None
            row = got.view.summary_at_row(0)
            assert row is not None and row.unread
            session.open_message(row.uid)
            loaded = await got.wait_for(m.MessageLoaded)
            assert loaded.uid == row.uid and "Body of message 6." in loaded.rendered.body
            await got.until(lambda: not got.view.summary_at_row(0).unread, what="row read")
            flags = await asyncio.to_thread(unseen_flags, server.port)
            assert flags[6] is False and flags[5] is True, flags
    # The header and text in one command; BODY[HEADER] sets \Seen (RFC 9051 §6.4.5); no separate STORE.
    fetches = [line for line in trace.sent() if "BODY[" in line.upper() or "BODY.PEEK[" in line.upper()]
    assert len(fetches) == 1 and "BODY[HEADER]" in fetches[0].upper(), fetches
    assert "BODY.PEEK[1]<0." in fetches[0].upper() and "BODY[]" not in fetches[0].upper()
    assert "UID STORE" not in trace.commands()


async def test_read_only_session_examines_peeks_and_refuses_writes(trace: TraceLines) -> None:
    with pymap_thread(seeded(6, unseen_every=1)) as server:
        before = await asyncio.to_thread(snapshot_flags, "127.0.0.1", server.port)
        async with started(server.port, read_only=True) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            assert opened.view.read_only
            got.want_all(session)
            await got.until(lambda: None not in got.subjects(), what="rows")
            assert got.view is not None
            uid = got.view.uid_at_row(0)
            session.open_message(uid)
            await got.wait_for(m.MessageLoaded)
            for request in (
                lambda: session.set_flag([uid], "\\Seen", True),
                lambda: session.set_flag([uid], "\\Flagged", True),
                lambda: session.delete([uid]),
                lambda: session.archive([uid]),
                lambda: session.move([uid], "Trash"),
                lambda: session.copy([uid], "Trash"),
            ):
                request()
                refused = await got.wait_for(m.ActionFailed)
                assert refused.text.endswith("read-only")
            session.open_mailbox("Archive")
            await got.wait_for(m.MailboxOpened, lambda o: o.view.name == "Archive")
        after = await asyncio.to_thread(snapshot_flags, "127.0.0.1", server.port)
    assert after == before
    # The protocol trace shows what reached the wire: reads only.
    commands = trace.commands()
    assert "EXAMINE" in commands and "UID FETCH" in commands
    sent = " ".join(trace.sent()).upper()
    assert "BODY.PEEK[HEADER]" in sent and "BODY[" not in sent.replace("BODY.PEEK[", "")
    writes = {"SELECT", "STORE", "COPY", "MOVE", "EXPUNGE", "APPEND", "CREATE", "DELETE", "RENAME"}
    writes |= {"SUBSCRIBE", "UNSUBSCRIBE", "CLOSE"}
    assert not {c.removeprefix("UID ") for c in commands} & writes, commands


async def test_new_mail_adds_a_row_at_the_top_and_fetches_only_it(trace: TraceLines) -> None:
    with pymap_thread(seeded(5)) as server:
        async with started(server.port) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            got.want_all(session)
            await got.until(lambda: None not in got.subjects() and got.counts.get("INBOX"), what="loaded")
            mark = trace.mark()
            await as_other_client(server.port, lambda c: c.append("INBOX", make_message(99, "Fresh mail")))
            await got.until(lambda: got.subjects()[:1] == ["Fresh mail"], what="new mail on top")
            assert got.subjects()[1:] == [f"Message number {n}" for n in (5, 4, 3, 2, 1)]
            assert got.view is not None and got.view.generation == opened.view.generation
            assert changes_of(got, Added) == [Added(1)]
            # Only the new message's summary was fetched.
            fetched = [line for line in trace.sent(mark) if "ENVELOPE" in line]
            assert len(fetched) == 1 and " FETCH 6 " in fetched[0], fetched


async def test_wrong_password_is_reported_as_auth_failure() -> None:
    with pymap_thread() as server:
        async with started(server.port, password="wrong") as (session, got):
            failed = await got.wait_for(m.SessionFailed)
            assert failed.kind is FailureKind.AUTH


async def test_change_asked_for_without_a_connection_is_reported_not_dropped() -> None:
    with pymap_thread() as server:
        async with started(server.port, password="wrong") as (session, got):
            await got.wait_for(m.SessionFailed)
            session.set_flag([1], "\\Flagged", True)  # no connection: nothing can be sent
            failed = await got.wait_for(m.ActionFailed)
            assert "not connected" in failed.text and "flag" in failed.text


async def test_unreachable_host_is_reported_and_tried_again_later() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once closed
    async with started(port) as (_session, got):
        offline = await got.wait_for(m.ConnectionChanged, lambda c: c.state == "offline")
        assert offline.detail.startswith("Cannot reach the server")
        assert offline.retry_at is not None
        assert "Traceback" not in offline.detail
        await got.wait_for(m.ConnectionChanged, lambda c: c.state == "reconnecting")


async def test_delete_moves_to_trash_by_uid(trace: TraceLines) -> None:
    with pymap_thread(seeded(4)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            got.want_all(session)
            await got.until(lambda: None not in got.subjects(), what="rows")
            assert got.view is not None
            await got.until(lambda: got.counts.get("INBOX") == (1, 4), what="unread count")
            await got.until(lambda: "Trash" in got.counts, what="the start's counts")
            newest = got.view.summary_at_row(0)
            mark = trace.mark()
            session.delete([newest.uid])
            done = await got.wait_for(m.ActionDone)
            assert done.text == "1 message moved to Trash"
            left = [f"Message number {n}" for n in (3, 2, 1)]
            await got.until(lambda: got.subjects() == left, what="removed")
            removed = [msg for msg in got.seen if isinstance(msg, m.ViewChanged) and msg.ours]
            assert removed and removed[0].ours == {newest.uid}
            await got.until(lambda: got.counts.get("Trash") == (0, 1), what="the trash's counts")
            sent = [c for c in trace.commands(mark) if c not in ("DONE", "IDLE")]
            assert sent == ["UID MOVE", "STATUS"], sent
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
            await got.wait_for(m.ConnectionChanged, lambda c: c.state == "reconnecting")
            reopened = await got.wait_for(m.MailboxOpened)
            assert reopened.view.name == "INBOX" and reopened.view.exists == 5
            assert reopened.generation > opened.generation
            await got.wait_for(m.Notice, lambda n: "Reconnected" in n.text)
    finally:
        if second is not None:
            await asyncio.to_thread(second.stop_thread)


async def test_flag_change_by_another_client_updates_the_row_and_fetches_nothing(trace: TraceLines) -> None:
    with pymap_thread(seeded(4, unseen_every=1)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            got.want_all(session)
            await got.until(lambda: None not in got.subjects() and got.counts.get("INBOX") == (4, 4))
            mark = trace.mark()

            def flag_newest(client: IMAPClient) -> None:
                client.select_folder("INBOX")
                client.add_flags([max(client.search("ALL"))], ["\\Flagged", "\\Seen"])

            await as_other_client(server.port, flag_newest)
            await got.until(lambda: got.view.summary_at_row(0).flagged, what="row flagged")
            newest = got.view.summary_at_row(0)
            assert not newest.unread
            await got.until(lambda: got.counts.get("INBOX") == (3, 4), what="unread count from the flags")
            assert changes_of(got, FlagsChanged)
            assert not [line for line in trace.sent(mark) if "ENVELOPE" in line or "SEARCH" in line]


async def test_other_mailboxes_counts_are_kept_current() -> None:
    with pymap_thread(seeded(3)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxCounts, lambda c: c.name == "INBOX")
            assert session.keepalive is not None
            session.keepalive.counts_interval = 0.2  # refresh at every chance
            await as_other_client(server.port, lambda c: c.append("Archive", make_message(77, "Filed away")))
            counts = await got.wait_for(m.MailboxCounts, lambda c: c.name == "Archive" and c.total == 4)
            assert counts.unread == 1


async def test_expunge_by_another_client_removes_exactly_that_row(trace: TraceLines) -> None:
    with pymap_thread(seeded(4)) as server:
        async with started(server.port) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            got.want_all(session)
            await got.until(lambda: None not in got.subjects() and got.counts.get("INBOX"), what="ready")
            mark = trace.mark()

            def expunge_second_oldest(client: IMAPClient) -> None:
                client.select_folder("INBOX")
                client.delete_messages([sorted(client.search("ALL"))[1]])
                client.expunge()

            await as_other_client(server.port, expunge_second_oldest)
            await got.until(lambda: len(got.subjects()) == 3, what="row removed")
            assert got.subjects() == ["Message number 4", "Message number 3", "Message number 1"]
            assert got.view is not None and got.view.generation == opened.view.generation
            removed = changes_of(got, Removed)
            assert len(removed) == 1 and removed[0].seqno == 2
            assert not [line for line in trace.sent(mark) if "ENVELOPE" in line]


async def test_rows_asked_for_again_while_coming_are_fetched_once(trace: TraceLines) -> None:
    with pymap_thread(seeded(200)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            await got.until(
                lambda: "INBOX" in got.counts and None not in got.subjects()[-60:], what="ready"
            )
            view = got.view
            assert view is not None and got.subjects()[100:103] == [None, None, None]
            mark = trace.mark()
            for _ in range(3):  # the list asks again while the answer is on its way: one fetch
                session.want_rows(view.generation, view.removals, [100, 99, 98])
            await got.until(lambda: None not in got.subjects()[100:103], what="rows")
            await asyncio.sleep(0.3)
            assert got.subjects()[100:103] == [f"Message number {n}" for n in (100, 99, 98)]
            fetched = [line for line in trace.sent(mark) if "ENVELOPE" in line]
            assert len(fetched) == 1 and " FETCH 98:100 " in fetched[0], fetched


@pytest.mark.parametrize("unseen_every", [1, 2])
async def test_unread_count_follows_marking_read_without_asking_again(
    trace: TraceLines, unseen_every: int
) -> None:
    with pymap_thread(seeded(6, unseen_every=unseen_every)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            got.want_all(session)
            unread = 6 // unseen_every
            await got.until(lambda: None not in got.subjects() and got.counts.get("INBOX") == (unread, 6))
            await got.until(lambda: "Trash" in got.counts, what="the start's counts")
            mark = trace.mark()
            target = next(s for r in range(6) if (s := got.view.summary_at_row(r)).unread)
            session.set_flag([target.uid], "\\Seen", True)
            await got.until(lambda: got.counts.get("INBOX") == (unread - 1, 6), what="one fewer unread")
            assert [c for c in trace.commands(mark) if c not in ("DONE", "IDLE")] == ["UID STORE"]


async def test_a_request_following_the_last_ones_answer_finds_no_idle_to_end(trace: TraceLines) -> None:
    """The UI's next request often follows the answer to the last one (a listing, then its rows):
    the keep-alive waits SETTLE for quiet before IDLE, so no IDLE is begun only to be ended."""
    with pymap_thread(seeded(6, unseen_every=1)) as server:
        async with started(server.port) as (session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
            await until_sent(trace, "IDLE")
            mark = trace.mark()
            first, second = got.view.uid_at_row(0), got.view.uid_at_row(1)
            session.set_flag([first], "\\Flagged", True)
            await got.until(lambda: len(changes_of(got, FlagsChanged)) >= 1, what="the first flagged")
            session.set_flag([second], "\\Flagged", True)  # at once, as the UI would
            await got.until(lambda: len(changes_of(got, FlagsChanged)) >= 2, what="both flagged")
            await until_sent(trace, "IDLE", since=mark)
            commands = trace.commands(mark)
    assert commands[:2] == ["DONE", "UID STORE"], commands
    between = commands[2 : commands.index("UID STORE", 2)]
    assert "IDLE" not in between, commands


async def test_archive_by_year_creates_the_years_folder_and_moves_there(trace: TraceLines) -> None:
    with pymap_thread(seeded(3)) as server:
        account = account_for(server.port, archive_by_year=True)
        async with started(account) as (session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
            session.archive([got.view.uid_at_row(0), got.view.uid_at_row(1)])
            done = await got.wait_for(m.ActionDone, lambda d: "archived" in d.text)
            assert done.text == "2 messages archived to Archive/2024"
            loaded = [x for x in got.seen if isinstance(x, m.MailboxesLoaded)][-1]
            assert "Archive/2024" in names(loaded.nodes)
    assert "CREATE" in trace.commands()


async def test_mailboxes_are_created_renamed_and_deleted_from_the_session() -> None:
    with pymap_thread(seeded(1)) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            session.create_mailbox("Projects/new")
            await got.wait_for(m.ActionDone, lambda d: d.text == "Created Projects/new")
            loaded = [x for x in got.seen if isinstance(x, m.MailboxesLoaded)][-1]
            assert "Projects/new" in names(loaded.nodes)
            session.rename_mailbox("Projects/new", "Projects/renamed")
            await got.wait_for(m.ActionDone, lambda d: d.text == "Renamed Projects/new to Projects/renamed")
            session.delete_mailbox("Projects/renamed")
            await got.wait_for(m.ActionDone, lambda d: d.text == "Deleted Projects/renamed")
            loaded = [x for x in got.seen if isinstance(x, m.MailboxesLoaded)][-1]
            assert not {"Projects/new", "Projects/renamed"} & names(loaded.nodes)


async def test_the_start_sends_list_and_select_together_and_no_idle_before_the_first_rows(
    trace: TraceLines,
) -> None:
    with pymap_thread(seeded(5)) as server:
        async with started(server.port) as (session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="first screen")
            await got.until(lambda: got.counts.get("INBOX", (None, 0))[0] is not None, what="counts")
    lines = trace.lines
    sent_select = next(i for i, line in enumerate(lines) if line.startswith("C:") and " SELECT " in line)
    list_done = next(i for i, line in enumerate(lines) if line.startswith("S:") and "OK LIST" in line.upper())
    assert sent_select < list_done, "SELECT waited for LIST"
    commands = trace.commands()
    first_fetch = next(i for i, c in enumerate(commands) if c == "FETCH")
    assert "IDLE" not in commands[:first_fetch]  # no IDLE started only to be ended


async def test_asking_for_rows_already_here_leaves_the_connection_alone(trace: TraceLines) -> None:
    """The list asks for the rows in view (and a page either side) as it draws: rows the session
    already has, or asked for a view since changed, end no IDLE and send nothing."""
    with pymap_thread(seeded(20)) as server:
        async with started(server.port) as (session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
            await got.until(lambda: "Trash" in got.counts, what="the start's counts")
            await asyncio.sleep(0.3)  # settled: idling (or polling) now
            view = got.view
            assert view is not None
            mark = trace.mark()
            session.want_rows(view.generation, view.removals, list(range(1, view.exists + 1)))
            session.want_rows(view.generation, view.removals - 1, [1])  # a view since changed
            await asyncio.sleep(0.5)
            assert [c for c in trace.commands(mark) if c != "NOOP"] == [], trace.sent(mark)
