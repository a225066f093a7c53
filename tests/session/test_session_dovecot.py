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
