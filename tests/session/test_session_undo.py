"""Undo against real servers: each action taken back, singly and in bulk, with what the server holds checked
through an independent connection."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.servers.info import ServerInfo
from tuimail.config import Account
from tuimail.session import messages as m

from .support import Collector, make_message, other_connection, pymap_thread, seeded, started


def holdings(host: str, port: int, user: str, password: str) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Each mailbox's messages as (subject, flags without \\Recent), sorted."""
    client = other_connection(host, port, user, password)
    try:
        out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for name in ("INBOX", "Trash", "Archive"):
            client.select_folder(name, readonly=True)
            uids = client.search("ALL")
            data = client.fetch(uids, ["ENVELOPE", "FLAGS"]) if uids else {}
            out[name] = sorted(
                (
                    d[b"ENVELOPE"].subject.decode(),
                    tuple(sorted(f.decode() for f in d[b"FLAGS"] if f != b"\\Recent")),
                )
                for d in data.values()
            )
        return out
    finally:
        client.logout()


async def ready(got: Collector, count: int) -> None:
    await got.until(
        lambda: got.view is not None and got.view.exists == count and None not in got.subjects(), what="rows"
    )
    await got.until(lambda: got.counts.get("INBOX", (None, 0))[0] is not None, what="unread count")


def uids_of(got: Collector, *subjects: str) -> list[int]:
    view = got.view
    assert view is not None
    return [view.uid_at_row(r) for r in range(view.exists) if got.subjects()[r] in subjects]


@pytest.fixture(params=["pymap", "dovecot"])
def server(request: pytest.FixtureRequest) -> Any:
    """(host, port, user, password) of a server whose INBOX holds 5 messages, 2 and 4 unread."""
    if request.param == "pymap":
        with pymap_thread(seeded(5, unseen_every=2)) as pymap:
            yield ("127.0.0.1", pymap.port, "tester", "secret")
        return
    info: ServerInfo = request.getfixturevalue("dovecot_server")
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in range(1, 6):
        client.append("INBOX", make_message(n), flags=[] if n % 2 == 0 else ["\\Seen"])
    client.create("Archive") if "Archive" not in [f[2] for f in client.list_folders()] else None
    client.logout()
    yield (info.host, info.port, info.username, info.password)


def account(server: Any) -> Account:
    host, port, user, password = server
    return Account("undo", host, user, port=port, tls="none", password=password)


async def test_undo_of_a_flag_change_reverses_it(server: Any) -> None:
    before = await asyncio.to_thread(holdings, *server)
    async with started(account(server)) as (session, got):
        await ready(got, 5)
        target = uids_of(got, "Message number 5")
        session.set_flag(target, "\\Flagged", True)
        await got.until(lambda: got.view.summary(target[0]).flagged, what="flagged")
        session.undo()
        done = await got.wait_for(m.ActionDone, lambda d: d.action == "undo")
        assert done.text == "Unflagged 1 message again"
        await got.until(lambda: not got.view.summary(target[0]).flagged, what="unflagged")
    assert await asyncio.to_thread(holdings, *server) == before


async def test_undo_of_a_bulk_delete_moves_every_message_back_with_its_flags_in_one_step(server: Any) -> None:
    before = await asyncio.to_thread(holdings, *server)
    async with started(account(server)) as (session, got):
        await ready(got, 5)
        chosen = uids_of(got, "Message number 1", "Message number 2", "Message number 4")
        session.delete(chosen)
        await got.wait_for(m.ActionDone, lambda d: "moved to Trash" in d.text)
        await got.until(lambda: got.view.exists == 2, what="moved")
        session.undo()
        done = await got.wait_for(m.ActionDone, lambda d: d.action == "undo")
        assert done.text == "Moved 3 messages back to INBOX"
        await got.until(lambda: got.view.exists == 5 and None not in got.subjects(), what="back, with rows")
        session.undo()
        nothing = await got.wait_for(m.ActionFailed, lambda f: f.action == "undo")
        assert nothing.text == "Nothing to undo"
    assert await asyncio.to_thread(holdings, *server) == before


async def test_undo_of_a_copy_removes_the_copy_and_delete_for_good_cannot_be_undone(server: Any) -> None:
    before = await asyncio.to_thread(holdings, *server)
    async with started(account(server)) as (session, got):
        await ready(got, 5)
        target = uids_of(got, "Message number 3")
        session.copy(target, "Archive")
        await got.wait_for(m.ActionDone, lambda d: "copied" in d.text)
        session.undo()
        done = await got.wait_for(m.ActionDone, lambda d: d.action == "undo")
        assert done.text == "Removed the 1 copy from Archive"
        assert await asyncio.to_thread(holdings, *server) == before
        session.delete(target)  # to the trash
        await got.wait_for(m.ActionDone, lambda d: "moved" in d.text)
        session.open_mailbox("Trash")
        await got.wait_for(m.MailboxOpened, lambda o: o.view.name == "Trash")
        await got.until(lambda: got.subjects() == ["Message number 3"], what="trash rows")
        session.delete([got.view.uid_at_row(0)])  # for good
        await got.wait_for(m.ActionDone, lambda d: "for good" in d.text)
        session.undo()
        refused = await got.wait_for(m.ActionFailed, lambda f: f.action == "undo")
        assert refused.text == "1 message deleted for good cannot come back"
    after = await asyncio.to_thread(holdings, *server)
    assert [s for s, _ in after["INBOX"]] == [f"Message number {n}" for n in (1, 2, 4, 5)]
    assert after["Trash"] == []
