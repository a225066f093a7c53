"""The offline queue: actions taken without a connection wait, survive a restart, and are done
(and reported) once the server is back; one that can no longer apply is reported, not dropped."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from tests.servers.capability_proxy import hiding
from tests.servers.info import ServerInfo
from tuimail.config import Account
from tuimail.demo.server import PymapServer
from tuimail.session import messages as m
from tuimail.session.offline_queue import OfflineQueue

from .support import (
    PASSWORD,
    USER,
    account_for,
    make_message,
    other_connection,
    pymap_thread,
    seeded,
    started,
)


def flags_on_server(port: int) -> dict[str, tuple[bool, bool]]:
    client = other_connection("127.0.0.1", port)
    try:
        out = {}
        for box in ("INBOX", "Archive"):
            client.select_folder(box, readonly=True)
            data = client.fetch(client.search("ALL"), ["ENVELOPE", "FLAGS"])
            for d in data.values():
                out[f"{box}: {d[b'ENVELOPE'].subject.decode()}"] = (
                    b"\\Flagged" in d[b"FLAGS"],
                    b"\\Seen" in d[b"FLAGS"],
                )
        return out
    finally:
        client.logout()


async def test_actions_while_offline_wait_then_are_done_in_order_once_the_server_is_back(
    tmp_path: Path,
) -> None:
    queue = OfflineQueue(tmp_path / "queue.sqlite3")
    with pymap_thread(seeded(3)) as server:
        async with hiding("127.0.0.1", server.port) as network:
            account = account_for(network.port)
            async with started(account, queue=queue) as (session, got):
                await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
                newest, oldest = got.view.uid_at_row(0), got.view.uid_at_row(2)
                network.cut_off()  # the network goes; the server stays as it is
                await got.wait_for(m.ConnectionChanged, lambda c: c.state == "offline")
                session.set_flag([newest], "\\Flagged", True)
                queued = await got.wait_for(m.QueueChanged)
                assert queued.count == 1 and "will be done once connected (1 action waiting)" in queued.text
                session.archive([oldest])
                assert (await got.wait_for(m.QueueChanged)).count == 2
            # The queue outlives the session: a new one, with the network back, does what waited.
            network.restore()
            async with started(account, queue=queue) as (session, got):
                await got.wait_for(m.QueueChanged, lambda q: q.count == 0)
                done = [x.text for x in got.seen if isinstance(x, m.Notice)]
                assert done == [
                    "Done now that the connection is back: flag 1 message in INBOX",
                    "Done now that the connection is back: archive 1 message in INBOX",
                ]
        server_flags = await asyncio.to_thread(flags_on_server, server.port)
    assert server_flags["INBOX: Message number 3"][0] is True
    assert "Archive: Message number 1" in server_flags
    assert queue.count(session.account_key) == 0
    queue.close()


async def test_a_queued_action_whose_mailbox_was_rebuilt_is_reported_not_done(tmp_path: Path) -> None:
    queue = OfflineQueue(tmp_path / "queue.sqlite3")
    server = PymapServer({USER: PASSWORD}, {USER: seeded(2)})
    server.start_in_thread()
    try:
        account = account_for(server.port)
        key = f"{account.username}@{account.host}:{account.effective_port}"
        queue.add(key, "INBOX", 1, "flag", [1], {"flag": "\\Flagged", "on": True})  # not INBOX's UIDVALIDITY
        async with started(account, queue=queue) as (session, got):
            said = await got.wait_for(m.Notice, lambda n: n.text.startswith("Not done"))

            assert (
                said.text == "Not done: flag 1 message in INBOX (the mailbox was rebuilt on the server since)"
            )
            assert (await got.wait_for(m.QueueChanged)).count == 0
    finally:
        server.stop_thread()
        queue.close()


async def test_a_move_in_three_steps_cut_after_its_copy_is_finished_after_reconnecting(
    dovecot_server: ServerInfo,
) -> None:
    """Without MOVE: UID COPY, then the network goes before UID STORE. After reconnecting the
    move is finished (the original goes), so the message is in exactly one place."""
    import re

    info = dovecot_server
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in (1, 2):
        client.append("INBOX", make_message(n))
    client.logout()
    async with hiding(info.host, info.port, "MOVE") as network:
        account = Account(
            "d", "127.0.0.1", info.username, port=network.port, tls="none", password=info.password
        )
        async with started(account) as (session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
            network.cut_on = re.compile(rb"UID STORE")
            session.delete([got.view.uid_at_row(0)])
            failed = await got.wait_for(m.ActionFailed)
            assert "lost the connection" in failed.text
            said = await got.wait_for(m.Notice, lambda n: "cut short" in n.text)
            assert said.text == (
                "Finished the move the lost connection cut short: move 1 message from INBOX to Trash"
                " (no duplicate left)"
            )
            await got.until(lambda: got.subjects() == ["Message number 1"], what="INBOX without it")

    def where(client_: Any) -> dict[str, list[str]]:
        out = {}
        for box in ("INBOX", "Trash"):
            client_.select_folder(box, readonly=True)
            data = client_.fetch(client_.search("ALL"), ["ENVELOPE"])
            out[box] = sorted(d[b"ENVELOPE"].subject.decode() for d in data.values())
        return out

    checker = other_connection(info.host, info.port, info.username, info.password)
    try:
        assert where(checker) == {"INBOX": ["Message number 1"], "Trash": ["Message number 2"]}
    finally:
        checker.logout()


CUTS = [
    ((), "UID MOVE", False),
    ((), "UID MOVE", True),
    (("MOVE",), "UID COPY", False),
    (("MOVE",), "UID COPY", True),
    (("MOVE",), "UID STORE", True),
    (("MOVE",), "UID EXPUNGE", False),
    (("MOVE",), "UID EXPUNGE", True),
]


def _three_in_inbox(info: ServerInfo) -> Account:
    """Messages 1-3 in INBOX (3 flagged); the account, to be pointed at a proxy."""
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in (1, 2, 3):
        client.append("INBOX", make_message(n), flags=["\\Flagged"] if n == 3 else [])
    client.logout()
    return Account("d", "127.0.0.1", info.username, tls="none", password=info.password)


def _places(info: ServerInfo, boxes: tuple[str, ...]) -> dict[str, list[str]]:
    """Where each message is (not counting \\Deleted copies); message 3 keeps its flag."""
    checker = other_connection(info.host, info.port, info.username, info.password)
    try:
        places: dict[str, list[str]] = {}
        for box in boxes:
            checker.select_folder(box, readonly=True)
            data = checker.fetch(checker.search("NOT DELETED"), ["ENVELOPE", "FLAGS"])
            for d in data.values():
                places.setdefault(d[b"ENVELOPE"].subject.decode(), []).append(box)
                if d[b"ENVELOPE"].subject == b"Message number 3":
                    assert b"\\Flagged" in d[b"FLAGS"]  # flags travel with it
    finally:
        checker.logout()
    assert sorted(places) == ["Message number 1", "Message number 2", "Message number 3"]
    assert all(len(where) == 1 for where in places.values()), places
    return places


async def _done_or_cut_short(got: Any) -> None:
    """The action's outcome: failed for the lost connection, or done when the server's answer
    got through just before the cut (the proxy cuts after forwarding; both happen)."""
    said = await got.wait_for((m.ActionFailed, m.ActionDone))
    if isinstance(said, m.ActionFailed):
        assert "lost the connection" in said.text


def _act(session: Any, action: str, uid: int) -> None:
    if action == "delete":
        session.delete([uid])
    elif action == "archive":
        session.archive([uid])
    else:
        session.move([uid], "Junk")


@pytest.mark.parametrize("action", ["delete", "archive", "move"])
@pytest.mark.parametrize(
    ("hide", "command", "after"),
    CUTS,
    ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v).replace(" ", "_"),
)
async def test_a_delete_archive_or_move_cut_off_at_any_step_leaves_every_message_in_one_place(
    dovecot_server: ServerInfo, hide: tuple[str, ...], command: str, after: bool, action: str
) -> None:
    import re

    info = dovecot_server
    base = _three_in_inbox(info)
    async with hiding(info.host, info.port, *hide) as network:
        account = dataclasses.replace(base, port=network.port)
        async with started(account) as (session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
            network.cut_on, network.cut_after = re.compile(command.encode()), after
            _act(session, action, got.view.uid_at_row(0))
            await _done_or_cut_short(got)
            await got.wait_for(m.MailboxOpened)  # reconnected (and anything interrupted finished)
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows again")
            await asyncio.sleep(1.0)

    places = _places(info, ("INBOX", "Trash", "Archive", "Junk"))
    target = {"delete": "Trash", "archive": "Archive", "move": "Junk"}[action]
    assert places["Message number 3"][0] in ("INBOX", target)  # where it was, or where it was sent


@pytest.mark.parametrize(
    ("hide", "command", "after"),
    [c for c in CUTS if c != (("MOVE",), "UID EXPUNGE", False)],
    ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v).replace(" ", "_"),
)
async def test_an_undo_cut_off_at_any_step_leaves_every_message_in_one_place(
    dovecot_server: ServerInfo, hide: tuple[str, ...], command: str, after: bool
) -> None:
    """Delete (done), then undo (the move back from Trash) with the network cut at one step:
    after reconnecting the message is in INBOX or still in Trash, never in both, never lost."""
    import re

    info = dovecot_server
    base = _three_in_inbox(info)
    async with hiding(info.host, info.port, *hide) as network:
        account = dataclasses.replace(base, port=network.port)
        async with started(account) as (session, got):
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
            session.delete([got.view.uid_at_row(0)])
            await got.wait_for(m.ActionDone)
            await got.until(lambda: got.view is not None and len(got.subjects()) == 2, what="deleted")
            network.cut_on, network.cut_after = re.compile(command.encode()), after
            session.undo()
            await _done_or_cut_short(got)
            await got.wait_for(m.MailboxOpened)
            await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows again")
            await asyncio.sleep(1.0)

    _places(info, ("INBOX", "Trash"))
