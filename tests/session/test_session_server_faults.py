"""Faults on a real server: Dovecot restarted under the session, and the open mailbox
deleted and made again by another client (a new UIDVALIDITY)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.servers.dovecot import DovecotServer, running_dovecot
from tuimail.config import Account
from tuimail.session import messages as m

from .support import make_message, other_connection, started


@pytest.fixture
def own_dovecot() -> Iterator[DovecotServer]:
    """A Dovecot of this test's own (it is restarted)."""
    with running_dovecot() as server:
        yield server


async def test_a_server_restart_is_said_then_the_session_reconnects_and_acts_again(
    own_dovecot: DovecotServer,
) -> None:
    info = own_dovecot.server_info()
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in (1, 2, 3):
        client.append("INBOX", make_message(n))
    client.logout()
    account = Account("d", info.host, info.username, port=info.port, tls="none", password=info.password)
    async with started(account) as (session, got):
        await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
        first = got.view
        await asyncio.to_thread(own_dovecot.restart)
        lost = await got.wait_for(m.Notice, lambda n: "Lost the connection" in n.text)
        assert "shutting down" in lost.text.lower()  # the server's BYE, said in words
        opened = await got.wait_for(m.MailboxOpened)
        assert opened.view.uidvalidity == first.uidvalidity
        await got.until(lambda: None not in got.subjects() and len(got.subjects()) == 3, what="rows again")
        newest = got.view.uid_at_row(0)
        session.set_flag([newest], "\\Flagged", True)
        await got.until(lambda: got.view.summary(newest).flagged, what="flagged")
        await asyncio.sleep(0.3)
    checker = other_connection(info.host, info.port, info.username, info.password)
    try:
        checker.select_folder("INBOX", readonly=True)
        assert b"\\Flagged" in checker.get_flags([newest])[newest]
    finally:
        checker.logout()


async def test_the_open_mailbox_made_again_by_another_client_shows_its_new_messages_only(
    own_dovecot: DovecotServer,
) -> None:
    info = own_dovecot.server_info()
    client = other_connection(info.host, info.port, info.username, info.password)
    client.create_folder("Projects")
    for n in (1, 2):
        client.append("Projects", make_message(n))
    client.logout()
    account = Account("d", info.host, info.username, port=info.port, tls="none", password=info.password)
    async with started(account) as (session, got):
        await got.wait_for(m.MailboxOpened)
        session.open_mailbox("Projects")
        await got.wait_for(m.MailboxOpened, lambda o: o.view.name == "Projects")
        got.want_all(session)
        await got.until(lambda: got.subjects() == ["Message number 2", "Message number 1"], what="rows")
        old = got.view.uidvalidity

        def rebuild() -> None:
            other = other_connection(info.host, info.port, info.username, info.password)
            try:
                other.delete_folder("Projects")
                other.create_folder("Projects")
                other.append("Projects", make_message(7, "Made again"))
            finally:
                other.logout()

        await asyncio.to_thread(rebuild)
        session.reconnect()  # as Ctrl+R, or the connection the server ended
        reopened = await got.wait_for(m.MailboxOpened, lambda o: o.view.name == "Projects")
        assert reopened.view.uidvalidity != old
        got.want_all(session)
        await got.until(lambda: got.subjects() == ["Made again"], what="only the new message")
