"""The session against Dovecot: TLS verified (and failing on a wrong name), LIST-STATUS counts."""

from __future__ import annotations

from tests.servers.info import ServerInfo
from tuimail.config import Account
from tuimail.session import messages as m

from .support import make_message, other_connection, started


def account(info: ServerInfo, host: str, *, tls: str, port: int) -> Account:
    return Account("dovecot", host, info.username, port=port, tls=tls, password=info.password)


async def test_tls_certificate_for_another_name_is_a_tls_failure(dovecot_server: ServerInfo) -> None:
    info = dovecot_server
    assert info.tls_port is not None
    # The test certificate names "localhost" only: 127.0.0.1 must not verify.
    wrong_name = account(info, "127.0.0.1", tls="implicit", port=info.tls_port)
    async with started(wrong_name, ssl_context=info.ssl_context) as (_session, got):
        failed = await got.wait_for(m.SessionFailed)
    assert failed.kind == "tls" and failed.fatal
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
            assert all(n.total == 0 for n in loaded.nodes)
            opened = await got.wait_for(m.MailboxOpened)
            assert opened.name == "INBOX" and opened.exists == 0


async def test_delete_moves_to_trash_then_expunges_only_that_uid_in_trash(dovecot_server: ServerInfo) -> None:
    info = dovecot_server
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in (1, 2):
        client.append("INBOX", make_message(n))
    client.append("Trash", make_message(9), flags=["\\Deleted"])  # must survive: not ours to expunge
    async with started(account(info, info.host, tls="none", port=info.port)) as (session, got):
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
    client.select_folder("Trash", readonly=True)
    left = client.fetch(client.search("ALL"), ["ENVELOPE", "FLAGS"])
    client.logout()
    assert [d[b"ENVELOPE"].subject for d in left.values()] == [b"Message number 9"]
