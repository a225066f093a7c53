"""The session against Dovecot: TLS, LIST-STATUS counts, and the round trips of each
user action and server update, pinned from the protocol trace."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from imapclient import IMAPClient

from tests.servers.info import ServerInfo
from tuimail.config import Account
from tuimail.session import messages as m
from tuimail.session.failures import FailureKind
from tuimail.session.session import Session

from .support import Collector, TraceLines, make_message, other_connection, started


def account(info: ServerInfo, host: str, *, tls: str, port: int) -> Account:
    return Account("dovecot", host, info.username, port=port, tls=tls, password=info.password)


def other(info: ServerInfo) -> IMAPClient:
    return other_connection(info.host, info.port, info.username, info.password)


async def as_other(info: ServerInfo, action: object) -> None:
    def run() -> None:
        client = other(info)
        try:
            action(client)  # type: ignore[operator]
        finally:
            client.logout()

    await asyncio.to_thread(run)


@asynccontextmanager
async def inbox_of(
    info: ServerInfo, count: int, *, unseen: bool = False
) -> AsyncIterator[tuple[Session, Collector]]:
    """A session on a Dovecot INBOX of ``count`` messages, every row loaded, counts known, IDLE on."""
    client = other(info)
    for n in range(1, count + 1):
        client.append("INBOX", make_message(n), flags=[] if unseen else ["\\Seen"])
    client.logout()
    async with started(account(info, info.host, tls="none", port=info.port)) as (session, got):
        await got.wait_for(m.MailboxOpened)
        await got.until(
            lambda: None not in got.subjects() and got.counts.get("INBOX") == (count if unseen else 0, count),
            what="INBOX loaded",
        )
        yield session, got


async def idling(trace: TraceLines, since: int = 0) -> None:
    """Until the client has sent IDLE (after line ``since``) and the server accepted it."""
    for _ in range(500):
        lines = trace.lines[since:]
        idle = [i for i, line in enumerate(lines) if line.startswith("C:") and line.split()[-1] == "IDLE"]
        if idle and any(line.startswith("S: +") for line in lines[idle[-1] :]):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the session never went IDLE")


def commands(trace: TraceLines, since: int) -> list[str]:
    return [c for c in trace.commands(since) if c != "IDLE"]


async def test_tls_certificate_for_another_name_is_a_tls_failure(dovecot_server: ServerInfo) -> None:
    info = dovecot_server
    assert info.tls_port is not None
    # The test certificate names "localhost" only: 127.0.0.1 must not verify.
    wrong_name = account(info, "127.0.0.1", tls="implicit", port=info.tls_port)
    async with started(wrong_name, ssl_context=info.ssl_context) as (_session, got):
        failed = await got.wait_for(m.SessionFailed)
    assert failed.kind is FailureKind.TLS
    assert not any(isinstance(x, m.MailboxOpened) for x in got.seen)


async def test_implicit_tls_and_starttls_open_inbox_with_special_use_tree(dovecot_server: ServerInfo) -> None:
    info = dovecot_server
    assert info.tls_port is not None
    for tls, port in (("implicit", info.tls_port), ("starttls", info.port)):
        tls_account = account(info, "localhost", tls=tls, port=port)
        async with started(tls_account, ssl_context=info.ssl_context) as (_session, got):
            loaded = await got.wait_for(m.MailboxesLoaded)
            names = [n.name for n in loaded.nodes]
            assert names[:6] == ["INBOX", "Drafts", "Sent", "Archive", "Junk", "Trash"]
            opened = await got.wait_for(m.MailboxOpened)
            assert opened.view.name == "INBOX" and opened.view.exists == 0
            # The counts follow the first page (the start's LIST asks none).
            six = names[:6]
            await got.until(lambda: all(got.counts.get(n) == (0, 0) for n in six), what="counts")  # noqa: B023


async def test_delete_sends_the_move_and_one_count_command(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    async with inbox_of(dovecot_server, 30) as (session, got):
        await idling(trace)
        mark = trace.mark()
        newest = got.view.summary_at_row(0)
        session.delete([newest.uid])
        await got.wait_for(m.ActionDone)
        await got.until(lambda: got.counts.get("Trash") == (0, 1), what="the trash's counts")
        await idling(trace, mark)
        assert commands(trace, mark) == ["DONE", "UID MOVE", "STATUS"]
        assert got.subjects() == [f"Message number {n}" for n in range(29, 0, -1)]
        assert got.counts["INBOX"] == (0, 29)


async def test_new_mail_fetches_only_the_new_rows_and_idle_stays_on(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    async with inbox_of(dovecot_server, 20) as (session, got):
        await idling(trace)
        mark = trace.mark()
        loop = asyncio.get_running_loop()
        appended = loop.time()
        await as_other(dovecot_server, lambda c: c.append("INBOX", make_message(99, "Fresh mail")))
        await got.until(lambda: got.subjects()[:1] == ["Fresh mail"], what="new mail on top")
        assert loop.time() - appended < 1.0 + 0.5  # "on screen within a second" (plus the append itself)
        await idling(trace, mark)
        sent = [line for line in trace.sent(mark)]
        assert commands(trace, mark) == ["DONE", "FETCH"], sent
        assert " FETCH 21 (" in next(line for line in sent if "FETCH" in line)
        await got.until(lambda: got.counts["INBOX"] == (1, 21), what="counted from the new row's flags")


async def test_another_clients_flag_change_fetches_nothing_and_idle_is_not_ended(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    async with inbox_of(dovecot_server, 10, unseen=True) as (session, got):
        await idling(trace)
        mark = trace.mark()

        def flag_and_read_newest(client: IMAPClient) -> None:
            client.select_folder("INBOX")
            newest = max(client.search("ALL"))
            client.add_flags([newest], ["\\Flagged"])
            client.add_flags([newest], ["\\Seen"])

        await as_other(dovecot_server, flag_and_read_newest)
        await got.until(lambda: got.view.summary_at_row(0).flagged, what="flagged")
        await got.until(lambda: got.counts.get("INBOX") == (9, 10), what="one fewer unread")
        await asyncio.sleep(0.3)
        assert trace.sent(mark) == [], trace.sent(mark)  # no DONE, no FETCH, no SEARCH: IDLE stays on


async def test_another_clients_expunge_removes_that_row_and_fetches_nothing(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    async with inbox_of(dovecot_server, 10) as (session, got):
        await idling(trace)
        mark = trace.mark()

        def expunge_third(client: IMAPClient) -> None:
            client.select_folder("INBOX")
            client.delete_messages([sorted(client.search("ALL"))[2]])
            client.expunge()

        await as_other(dovecot_server, expunge_third)
        await got.until(lambda: len(got.subjects()) == 9, what="row removed")
        assert "Message number 3" not in got.subjects() and None not in got.subjects()
        await asyncio.sleep(0.3)
        assert trace.sent(mark) == []


async def test_actions_on_a_message_another_client_expunged_are_reported_not_done(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    async with inbox_of(dovecot_server, 5) as (session, got):
        target = got.view.summary_at_row(0)
        session.open_message(target.uid)
        await got.wait_for(m.MessageLoaded)
        await idling(trace)

        def expunge_newest(client: IMAPClient) -> None:
            client.select_folder("INBOX")
            client.delete_messages([max(client.search("ALL"))])
            client.expunge()

        await as_other(dovecot_server, expunge_newest)
        await got.until(lambda: target.uid not in got.view, what="the row went")
        session.set_flag([target.uid], "\\Flagged", True)
        failed = await got.wait_for(m.ActionFailed)
        assert failed.text == "Not flagged: 1 message no longer exist (removed by another client?)"
        session.delete([target.uid])
        failed = await got.wait_for(m.ActionFailed)
        assert failed.text.startswith("Not moved: 1 message no longer exist")
        assert not [x for x in got.seen if isinstance(x, m.ActionDone)]
        assert all(not s.flagged for r in range(4) if (s := got.view.summary_at_row(r)))
    client = other(dovecot_server)
    assert client.folder_status("Trash", ["MESSAGES"])[b"MESSAGES"] == 0
    client.logout()


async def test_delete_moves_to_trash_then_expunges_only_that_uid_in_trash(dovecot_server: ServerInfo) -> None:
    info = dovecot_server
    client = other(info)
    for n in (1, 2):
        client.append("INBOX", make_message(n))
    client.append("Trash", make_message(9), flags=["\\Deleted"])  # must survive: not ours to expunge
    async with started(account(info, info.host, tls="none", port=info.port)) as (session, got):
        await got.until(lambda: got.subjects() == ["Message number 2", "Message number 1"], what="INBOX")
        session.delete([got.view.uid_at_row(0)])
        await got.until(lambda: got.subjects() == ["Message number 1"], what="moved")
        session.open_mailbox("Trash")
        await got.wait_for(m.MailboxOpened, lambda o: o.view.name == "Trash")
        both = ["Message number 2", "Message number 9"]
        await got.until(lambda: sorted(s or "" for s in got.subjects()) == both, what="trash")
        moved = next(got.view.uid_at_row(r) for r in range(2) if got.subjects()[r] == both[0])
        session.delete([moved])
        done = await got.wait_for(m.ActionDone)
        assert done.text == "1 message deleted for good"
        await got.until(lambda: got.subjects() == ["Message number 9"], what="expunged")
    client.select_folder("Trash", readonly=True)
    left = client.fetch(client.search("ALL"), ["ENVELOPE", "FLAGS"])
    client.logout()
    assert [d[b"ENVELOPE"].subject for d in left.values()] == [b"Message number 9"]
