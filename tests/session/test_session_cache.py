"""The header cache through the session: a warm start draws before the server answers and
fetches no envelope it has; QRESYNC, CONDSTORE-only and the plain fallback bring it to the
server's state; a new UIDVALIDITY empties it; a broken cache file is rebuilt."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from tests.servers.capability_proxy import hiding
from tests.servers.info import ServerInfo
from tests.servers.rewriting_proxy import rewriting_proxy
from tuimail.config import Account
from tuimail.mail.cache import HeaderCache
from tuimail.mail.view_changes import FlagsChanged
from tuimail.session import messages as m
from tuimail.session.selected import FIRST_PAGE

from .support import (
    PASSWORD,
    USER,
    Collector,
    TraceLines,
    account_for,
    make_message,
    other_connection,
    pymap_thread,
    seeded,
    started,
)


def server_state(
    host: str, port: int, user: str, password: str, mailbox: str = "INBOX"
) -> list[tuple[str, bool, bool]]:
    """(subject, unread, flagged) of every message, newest first, as the server holds it."""
    client = other_connection(host, port, user, password)
    try:
        client.select_folder(mailbox, readonly=True)
        uids = client.search("ALL")
        data = client.fetch(uids, ["ENVELOPE", "FLAGS"]) if uids else {}
        rows = [
            (d[b"ENVELOPE"].subject.decode(), b"\\Seen" not in d[b"FLAGS"], b"\\Flagged" in d[b"FLAGS"])
            for _, d in sorted(data.items(), reverse=True)
        ]
        return rows
    finally:
        client.logout()


def shown(got: Collector) -> list[tuple[str, bool, bool]]:
    view = got.view
    assert view is not None
    return [(s.subject, s.unread, s.flagged) for r in range(view.exists) if (s := view.summary_at_row(r))]


@asynccontextmanager
async def session_on(account: Account, cache: HeaderCache) -> AsyncIterator[tuple[Any, Collector]]:
    async with started(account, cache=cache) as (session, got):
        yield session, got


async def all_loaded(session: Any, got: Collector, count: int) -> None:
    await got.until(lambda: got.view is not None and got.view.exists == count, what=f"{count} rows")
    got.want_all(session)
    await got.until(lambda: None not in got.subjects(), what="every row")
    await got.until(lambda: got.counts.get(got.view.name, (None, 0))[0] is not None, what="counts")


def change_behind_our_back(client: IMAPClient) -> None:
    """Another client flags one, reads one, expunges one and appends two."""
    client.select_folder("INBOX")
    uids = sorted(client.search("ALL"))
    client.add_flags([uids[-1]], ["\\Flagged"])
    client.add_flags([uids[-2]], ["\\Seen"])
    client.delete_messages([uids[1]])
    client.expunge()
    client.append("INBOX", make_message(40, "Arrived while away"))
    client.append("INBOX", make_message(41, "Also new"))


Variant = Callable[[ServerInfo], Any]


@pytest.mark.parametrize(
    "hide", [(), ("QRESYNC",), ("QRESYNC", "CONDSTORE")], ids=["qresync", "condstore", "plain"]
)
async def test_a_warm_start_draws_from_the_cache_then_reaches_the_servers_state(
    dovecot_server: ServerInfo, tmp_path: Path, trace: TraceLines, hide: tuple[str, ...]
) -> None:
    info = dovecot_server
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in range(1, 9):
        client.append("INBOX", make_message(n), flags=[] if n % 2 else ["\\Seen"])
    client.logout()
    async with hiding(info.host, info.port, *hide) as proxy:
        account = Account(
            "c", "127.0.0.1", info.username, port=proxy.port, tls="none", password=info.password
        )
        cache = HeaderCache.open(tmp_path / "headers.sqlite3")
        async with session_on(account, cache) as (session, got):
            await all_loaded(session, got, 8)
        await asyncio.to_thread(cache.flush)
        await asyncio.to_thread(lambda: other_connection(info.host, info.port, info.username, info.password))
        await asyncio.to_thread(_run_change, info)
        mark = trace.mark()
        async with session_on(account, cache) as (session, got):
            first = await got.wait_for(m.MailboxOpened)
            # Drawn from the cache, before the server answered SELECT: all eight, loaded.
            assert first.view.exists == 8 and first.view.summary_at_row(0) is not None
            expected = await asyncio.to_thread(
                server_state, info.host, info.port, info.username, info.password
            )
            await got.until(lambda: got.view.exists == 9 and None not in got.subjects(), what="reconciled")
            await got.until(lambda: shown(got) == expected, what="the server's state")
            sent = trace.sent(mark)
            envelopes = [line for line in sent if "ENVELOPE" in line]
            # Only the two new messages' envelopes were fetched: nothing the cache had.
            assert len(envelopes) == 1 and " FETCH 8:9 (" in envelopes[0], envelopes  # the two new ones
            selects = [line for line in sent if " SELECT " in line]
            assert ("QRESYNC" in selects[0]) == (not hide), selects
        cache.close()


def _run_change(info: ServerInfo) -> None:
    client = other_connection(info.host, info.port, info.username, info.password)
    try:
        change_behind_our_back(client)
    finally:
        client.logout()


async def test_a_warm_start_with_nothing_changed_fetches_no_envelope(
    dovecot_server: ServerInfo, tmp_path: Path, trace: TraceLines
) -> None:
    info = dovecot_server
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in range(1, 6):
        client.append("INBOX", make_message(n))
    client.logout()
    account = Account("c", info.host, info.username, port=info.port, tls="none", password=info.password)
    cache = HeaderCache.open(tmp_path / "headers.sqlite3")
    async with session_on(account, cache) as (session, got):
        await all_loaded(session, got, 5)
    await asyncio.to_thread(cache.flush)
    mark = trace.mark()
    async with session_on(account, cache) as (session, got):
        await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
        got.want_all(session)
        await got.until(lambda: got.counts.get("INBOX", (None, 0))[0] is not None, what="counts")
        await asyncio.sleep(0.3)
        assert [line for line in trace.sent(mark) if "ENVELOPE" in line] == []
    cache.close()


async def test_a_new_uidvalidity_empties_that_mailboxs_cache(
    dovecot_server: ServerInfo, tmp_path: Path
) -> None:
    info = dovecot_server
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in range(1, 4):
        client.append("Archive", make_message(n, f"Old {n}"))
    client.logout()
    account = Account("c", info.host, info.username, port=info.port, tls="none", password=info.password)
    cache = HeaderCache.open(tmp_path / "headers.sqlite3")
    async with session_on(account, cache) as (session, got):
        await got.wait_for(m.MailboxOpened)
        session.open_mailbox("Archive")
        await got.wait_for(m.MailboxOpened, lambda o: o.view.name == "Archive")
        await all_loaded(session, got, 3)
    await asyncio.to_thread(cache.flush)

    def rebuild(client: IMAPClient) -> None:
        client.delete_folder("Archive")
        client.create_folder("Archive")
        client.append("Archive", make_message(9, "Only new"))

    await asyncio.to_thread(lambda: _with(info, rebuild))
    async with session_on(account, cache) as (session, got):
        await got.wait_for(m.MailboxOpened)
        session.open_mailbox("Archive")
        await got.until(
            lambda: got.view is not None and got.view.name == "Archive" and got.subjects() == ["Only new"],
            what="the rebuilt mailbox",
        )
    await asyncio.to_thread(cache.flush)
    state = cache.state(account_key(account), "Archive")
    assert state is not None
    store = cache.mailbox(account_key(account), "Archive", state.uidvalidity)
    assert [s.subject for s in store.newest(10)] == ["Only new"]
    cache.close()


def _with(info: ServerInfo, action: Callable[[IMAPClient], None]) -> None:
    client = other_connection(info.host, info.port, info.username, info.password)
    try:
        action(client)
    finally:
        client.logout()


def account_key(account: Account) -> str:
    return f"{account.username}@{account.host}:{account.effective_port}"


async def test_a_broken_cache_file_is_moved_aside_and_the_session_works(tmp_path: Path) -> None:
    path = tmp_path / "headers.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    cache = HeaderCache.open(path)
    with pymap_thread(seeded(3)) as server:
        account = Account("c", "127.0.0.1", "tester", port=server.port, tls="none", password="secret")
        async with session_on(account, cache) as (session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
    await asyncio.to_thread(cache.flush)
    assert cache.available and any(p.name.startswith("headers.sqlite3.aside") for p in tmp_path.iterdir())
    cache.close()


async def test_a_warm_start_after_a_first_page_only_places_the_cached_rows_and_fetches_none(
    dovecot_server: ServerInfo, tmp_path: Path, trace: TraceLines
) -> None:
    """The first start cached the newest page only (FIRST_PAGE rows of 130): the second draws
    those, then learns where the others go (UID SEARCH) instead of fetching the page again."""
    info = dovecot_server
    total = FIRST_PAGE + 30

    def fill(client: IMAPClient) -> None:
        for n in range(1, total + 1):
            client.append("INBOX", make_message(n, f"Numbered {n}"), flags=["\\Seen"])

    await asyncio.to_thread(_with, info, fill)
    account = Account("c", info.host, info.username, port=info.port, tls="none", password=info.password)
    cache = HeaderCache.open(tmp_path / "headers.sqlite3")
    async with session_on(account, cache) as (session, got):
        await got.until(
            lambda: got.view is not None and got.subjects()[:FIRST_PAGE].count(None) == 0, what="first page"
        )
        await got.until(lambda: got.counts.get("INBOX", (None, 0))[0] is not None, what="counts")
    await asyncio.to_thread(cache.flush)
    mark = trace.mark()
    async with session_on(account, cache) as (session, got):
        first = await got.wait_for(m.MailboxOpened)
        assert first.view.exists == FIRST_PAGE  # what the cache holds, drawn before SELECT answers
        assert first.view.summary_at_row(0).subject == f"Numbered {total}"
        await got.until(lambda: got.view.exists == total, what="every message placed")
        subjects = got.subjects()
        assert subjects[:FIRST_PAGE] == [f"Numbered {n}" for n in range(total, total - FIRST_PAGE, -1)]
        # The older ones are asked when shown, or come with the oldest page (fetched after the
        # first screen, for G, unless the first start had cached it already).
        oldest = [f"Numbered {n}" for n in range(total - FIRST_PAGE, 0, -1)]
        older = zip(subjects[FIRST_PAGE:], oldest, strict=True)
        assert all(shown in (None, expected) for shown, expected in older)
        await got.until(lambda: got.counts.get("INBOX", (None, 0))[0] is not None, what="counts")
        commands = trace.commands(mark)
        # No cached row is fetched again: the only envelopes asked for are the oldest page's.
        fetched = [line for line in trace.sent(mark) if "ENVELOPE" in line]
        assert all(f" FETCH 1:{total - FIRST_PAGE} (" in line for line in fetched), fetched
        assert len(fetched) <= 1, fetched
        # The order is learnt once, before anything else follows the SELECT.
        assert commands.count("UID SEARCH") == 2, commands  # ALL (the order), UNSEEN (the count)
        after_select = commands[commands.index("SELECT") + 1 :]
        assert after_select[0] == "UID SEARCH", commands
    cache.close()


async def test_rows_the_cache_holds_come_while_the_select_is_still_out(
    tmp_path: Path, trace: TraceLines
) -> None:
    """A warm start on a slow link: the list asks for rows the header cache holds (G, at once)
    while the SELECT holds the connection; they are placed from the cache without waiting for
    it, and never fetched."""
    total = FIRST_PAGE + 30
    cache = HeaderCache.open(tmp_path / "headers.sqlite3")
    with pymap_thread(seeded(total, unseen_every=4)) as server:
        async with rewriting_proxy(server.port) as proxy:
            account = account_for(proxy.port)
            async with session_on(account, cache) as (session, got):
                await all_loaded(session, got, total)
            await asyncio.to_thread(cache.flush)
            proxy.select_held = held = asyncio.Event()
            mark = trace.mark()
            async with session_on(account, cache) as (session, got):
                opened = await got.wait_for(m.MailboxOpened)
                assert opened.view.exists == total and got.subjects()[FIRST_PAGE:] == [None] * 30
                view = got.view
                older = [view.seqno_of_row(row) for row in range(FIRST_PAGE, total)]
                session.want_rows(view.generation, view.removals, older)
                await got.until(lambda: None not in got.subjects(), what="the older rows")
                assert "SELECT" in trace.commands(mark) and not held.is_set()  # still out
                held.set()
                await got.until(lambda: got.counts.get("INBOX", (None, 0))[0] is not None, what="counts")
                assert shown(got) == server_state("127.0.0.1", server.port, USER, PASSWORD)
            assert [line for line in trace.sent(mark) if "ENVELOPE" in line] == []
    cache.close()


FIRST_PAGE_AND_MORE = 130  # rows past the first page (100) are known from the cache alone


@pytest.mark.parametrize("change", ["nothing", "one flag", "recent gone"])
async def test_a_plain_resync_applies_and_writes_only_the_flags_another_client_changed(
    dovecot_server: ServerInfo, tmp_path: Path, trace: TraceLines, change: str
) -> None:
    """Without QRESYNC or CONDSTORE a warm start fetches every message's flags (RFC 4549 §4.3):
    compared with the cache, not only with the newest rows loaded, so a flag change is posted,
    and written, only for a message whose flags differ.  ``recent gone``: the first session is
    the one that sees ``\\Recent`` (RFC 3501 §2.3.2), the second does not; that is no change."""
    info = dovecot_server
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in range(1, FIRST_PAGE_AND_MORE + 1):
        client.append("INBOX", make_message(n), flags=["\\Seen"] if n % 3 else [])
    if change != "recent gone":
        client.select_folder("INBOX")  # takes \Recent: this connection's, not tuimail's
    client.logout()
    path = tmp_path / "headers.sqlite3"
    async with hiding(info.host, info.port, "QRESYNC", "CONDSTORE") as proxy:
        account = Account(
            "c", "127.0.0.1", info.username, port=proxy.port, tls="none", password=info.password
        )
        cache = HeaderCache.open(path)
        async with session_on(account, cache) as (session, got):
            await all_loaded(session, got, FIRST_PAGE_AND_MORE)
        await asyncio.to_thread(cache.flush)
        # Every write of a row's flags to the file is logged by a trigger beside the cache's tables.
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE flag_writes (uid INTEGER)")
            db.execute(
                "CREATE TRIGGER log_flag_writes AFTER UPDATE OF flags ON message"
                " BEGIN INSERT INTO flag_writes VALUES (new.uid); END"
            )
        db.close()

        def flag_the_oldest(client: IMAPClient) -> None:
            client.select_folder("INBOX")
            client.add_flags([min(client.search("ALL"))], ["\\Flagged"])

        if change == "one flag":
            await asyncio.to_thread(lambda: _with(info, flag_the_oldest))
        mark = trace.mark()
        async with session_on(account, cache) as (session, got):

            def compared() -> bool:
                commands = trace.commands(mark)
                fetched = [i for i, line in enumerate(trace.sent(mark)) if "FETCH 1:* (UID FLAGS)" in line]
                return bool(fetched) and "IDLE" in commands[fetched[0] :]

            await got.until(compared, what="the flags compared, and the session idle")
            await asyncio.sleep(0.2)
            while not got.queue.empty():
                got.observe(got.queue.get())
                got.seen.append(None)
            posted = [
                (c.uid, c.flags)
                for message in got.seen
                if isinstance(message, m.ViewChanged)
                for c in message.changes
                if isinstance(c, FlagsChanged)
            ]
            oldest = got.view.uid_of_seqno(1)
        await asyncio.to_thread(cache.flush)
        cache.close()
    with sqlite3.connect(path) as db:
        written = [uid for (uid,) in db.execute("SELECT uid FROM flag_writes")]
    db.close()
    if change in ("nothing", "recent gone"):
        assert posted == [] and written == []
    else:
        assert posted == [(oldest, frozenset({"\\Seen", "\\Flagged"}))] and written == [oldest]
