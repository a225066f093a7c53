"""The offline queue: actions taken without a connection wait, survive a restart, and are done
(and reported) once the server is back; one that can no longer apply is reported, not dropped."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.servers.capability_proxy import hiding
from tuimail.demo.server import PymapServer
from tuimail.session import messages as m
from tuimail.session.offline_queue import OfflineQueue

from .support import PASSWORD, USER, account_for, other_connection, pymap_thread, seeded, started


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
