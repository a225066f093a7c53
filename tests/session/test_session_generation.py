"""Requests naming UIDs carry the generation of the view they were made from: the session refuses
(visibly) one whose UIDs would name other messages now, another mailbox or a new UIDVALIDITY
(RFC 9051 §2.3.1.1), and does the rest, a reconnection's new view included.  Against Dovecot,
where every mailbox's first message has UID 1: a UID from one mailbox names a message in another."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from imapclient import IMAPClient

from tests.servers.info import ServerInfo
from tuimail.config import Account
from tuimail.session import messages as m

from .support import Collector, TraceLines, account_for, make_message, other_connection, started


def account(info: ServerInfo) -> Account:
    return account_for(info.port, username=info.username, password=info.password)


async def as_other(info: ServerInfo, action: Callable[[IMAPClient], object]) -> object:
    def run() -> object:
        client = other_connection(info.host, info.port, info.username, info.password)
        try:
            return action(client)
        finally:
            client.logout()

    return await asyncio.to_thread(run)


def flagged(mailbox: str) -> Callable[[IMAPClient], list[int]]:
    def read(client: IMAPClient) -> list[int]:
        client.select_folder(mailbox, readonly=True)
        data = client.fetch(client.search("ALL"), ["FLAGS"])
        return sorted(uid for uid, d in data.items() if b"\\Flagged" in d[b"FLAGS"])

    return read


def named_uids(line: str) -> bool:
    """A command that names messages by UID (the follow-up UID SEARCHes of an open name none)."""
    return " UID " in line and " UID SEARCH " not in line


async def opened(got: Collector, name: str) -> int:
    """The generation of ``name``'s view, once opened and its rows loaded."""
    view = (await got.wait_for(m.MailboxOpened, lambda o: o.view.name == name)).view
    await got.until(lambda: got.view is not None and None not in got.subjects(), what=f"{name}'s rows")
    return int(view.generation)


async def test_a_request_from_the_view_of_another_mailbox_is_refused_and_nothing_is_sent(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    info = dovecot_server

    def fill(client: IMAPClient) -> None:
        client.append("INBOX", make_message(1, "In the inbox"))
        client.create_folder("Work")
        client.append("Work", make_message(2, "At work"))

    await as_other(info, fill)
    async with started(account(info)) as (session, got):
        inbox = await opened(got, "INBOX")
        assert got.view is not None
        uid = got.view.uid_at_row(0)
        assert uid == 1
        session.open_mailbox("Work")
        work = await opened(got, "Work")
        assert got.view.uid_at_row(0) == 1  # the same UID names another message here
        mark = trace.mark()
        # Typed in the INBOX's list an instant before the Work mailbox reached the screen:
        session.set_flag([uid], "\\Flagged", True, generation=inbox)
        failed = await got.wait_for(m.ActionFailed)
        session.open_message(uid, generation=inbox)
        refused = await got.wait_for(m.ActionFailed)
        session.delete([uid], generation=inbox)
        not_deleted = await got.wait_for(m.ActionFailed)
        await asyncio.sleep(0.2)
        sent = [line for line in trace.sent(mark) if named_uids(line)]
        # The same request from the view it names is done.
        session.set_flag([uid], "\\Flagged", True, generation=work)
        await got.until(lambda: got.view.summary(uid).flagged, what="flagged in Work")  # type: ignore[union-attr]
    assert failed.text == "Not done (flag): the mailbox changed" and failed.uids == (uid,)
    assert refused.text == "Not done (open the message): the mailbox changed"
    assert not_deleted.text == "Not done (delete): the mailbox changed"
    assert sent == [], sent
    assert not [x for x in got.seen if isinstance(x, m.MessageLoaded)]
    assert await as_other(info, flagged("INBOX")) == []
    assert await as_other(info, flagged("Work")) == [1]


async def test_a_new_uidvalidity_refuses_requests_from_before_a_reconnection_keeps_them(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    info = dovecot_server

    def fill(client: IMAPClient) -> None:
        client.create_folder("Work")
        client.append("Work", make_message(1, "First Work"))

    await as_other(info, fill)
    async with started(account(info)) as (session, got):
        await opened(got, "INBOX")
        session.open_mailbox("Work")
        before = await opened(got, "Work")
        assert got.view is not None
        first_validity = got.view.uidvalidity
        # A reconnection selects again (a new view) with the same UIDVALIDITY: UIDs still hold.
        session.reconnect()
        again = await opened(got, "Work")
        assert again != before and got.view.uidvalidity == first_validity
        session.set_flag([1], "\\Flagged", True, generation=before)
        await got.until(lambda: got.view.summary(1).flagged, what="flagged")  # type: ignore[union-attr]

        def rebuild(client: IMAPClient) -> None:  # the mailbox is made anew: a new UIDVALIDITY
            client.delete_folder("Work")
            client.create_folder("Work")
            client.append("Work", make_message(2, "Second Work"))

        await as_other(info, rebuild)
        session.open_mailbox("INBOX")
        await opened(got, "INBOX")
        session.open_mailbox("Work")
        rebuilt = await opened(got, "Work")
        assert got.view.uidvalidity != first_validity and got.subjects() == ["Second Work"]
        mark = trace.mark()
        session.set_flag([1], "\\Flagged", True, generation=again)
        failed = await got.wait_for(m.ActionFailed)
        await asyncio.sleep(0.2)
        assert [line for line in trace.sent(mark) if named_uids(line)] == []
        session.set_flag([1], "\\Flagged", True, generation=rebuilt)
        await got.until(lambda: got.view.summary(1).flagged, what="flagged in the new Work")  # type: ignore[union-attr]
    assert failed.text == "Not done (flag): the mailbox changed"
