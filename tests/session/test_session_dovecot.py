"""The session against Dovecot: TLS verified (and failing on a wrong name), LIST-STATUS counts."""

from __future__ import annotations

import asyncio

from tests.servers.info import ServerInfo
from tuimail.config import Account
from tuimail.session import messages as m
from tuimail.session.session import Session

from .support import Collector


def account(info: ServerInfo, host: str, *, tls: str, port: int) -> Account:
    return Account("dovecot", host, info.username, port=port, tls=tls, password=info.password)


async def run_until(session: Session, got: Collector, kind: type) -> object:
    session.start()
    try:
        return await got.wait_for(kind)
    finally:
        await asyncio.to_thread(session.stop)


async def test_tls_certificate_for_another_name_is_a_tls_failure(dovecot_server: ServerInfo) -> None:
    info = dovecot_server
    assert info.tls_port is not None
    got = Collector()
    # The test certificate names "localhost" only: 127.0.0.1 must not verify.
    wrong_name = account(info, "127.0.0.1", tls="implicit", port=info.tls_port)
    session = Session(wrong_name, got, ssl_context=info.ssl_context)
    failed = await run_until(session, got, m.SessionFailed)
    assert isinstance(failed, m.SessionFailed)
    assert failed.kind == "tls" and failed.fatal
    assert not any(isinstance(x, m.MailboxOpened) for x in got.seen)


async def test_implicit_tls_and_starttls_open_inbox_with_special_use_tree(dovecot_server: ServerInfo) -> None:
    info = dovecot_server
    assert info.tls_port is not None
    for tls, port in (("implicit", info.tls_port), ("starttls", info.port)):
        got = Collector()
        session = Session(account(info, "localhost", tls=tls, port=port), got, ssl_context=info.ssl_context)
        session.start()
        try:
            loaded = await got.wait_for(m.MailboxesLoaded)
            names = [n.name for n in loaded.nodes]
            assert names[:6] == ["INBOX", "Drafts", "Sent", "Archive", "Junk", "Trash"]
            assert all(n.total == 0 for n in loaded.nodes)
            opened = await got.wait_for(m.MailboxOpened)
            assert opened.name == "INBOX" and opened.exists == 0
        finally:
            await asyncio.to_thread(session.stop)


async def test_delete_moves_to_trash_then_expunges_only_that_uid_in_trash(dovecot_server: ServerInfo) -> None:
    from imapclient import IMAPClient

    from .support import make_message

    info = dovecot_server
    client = IMAPClient(info.host, port=info.port, ssl=False, timeout=30)
    client.login(info.username, info.password)
    for n in (1, 2):
        client.append("INBOX", make_message(n))
    client.append("Trash", make_message(9), flags=["\\Deleted"])  # must survive: not ours to expunge
    got = Collector()
    session = Session(account(info, info.host, tls="none", port=info.port), got)
    session.start()
    try:
        await got.wait_for(m.MailboxCounts, lambda c: c.name == "INBOX")
        session.want_rows(0, 1)
        newest = (await got.wait_for(m.RowsLoaded)).rows[0]
        session.delete(newest)
        await got.wait_for(m.MailboxChanged, lambda c: c.exists == 1)
        session.open_mailbox("Trash")
        opened = await got.wait_for(m.MailboxOpened, lambda o: o.name == "Trash")
        assert opened.exists == 2
        session.want_rows(0, 2, opened.epoch)
        rows = (await got.wait_for(m.RowsLoaded, lambda r: r.epoch == opened.epoch)).rows
        moved = next(s for s in rows.values() if s.subject == "Message number 2")
        session.delete(moved)
        await got.wait_for(m.MailboxChanged, lambda c: c.name == "Trash" and c.exists == 1)
    finally:
        await asyncio.to_thread(session.stop)
    client.select_folder("Trash", readonly=True)
    left = client.fetch(client.search("ALL"), ["ENVELOPE", "FLAGS"])
    client.logout()
    assert [d[b"ENVELOPE"].subject for d in left.values()] == [b"Message number 9"]
