"""tuimail.demo.server.PymapServer: the in-process pymap used by --demo and the tests."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime

from tests.servers.raw import RawIMAP
from tuimail.demo.server import PymapServer

MESSAGE = b"From: Ann <ann@example.com>\r\nSubject: hello\r\n\r\nbody\r\n"
WHEN = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)


async def _logged_in(server: PymapServer, username: str = "joe", password: str = "pw") -> RawIMAP:
    client = await RawIMAP.connect(server.host, server.port)
    assert (await client.login(username, password))[-1].startswith(b"t1 OK")
    return client


async def test_preloaded_messages_keep_flags_and_internal_date() -> None:
    server = PymapServer({"joe": "pw"}, {"joe": {"INBOX": [(MESSAGE, ["\\Seen", "\\Flagged"], WHEN)]}})
    async with server:
        client = await _logged_in(server)
        try:
            assert b"* 1 EXISTS\r\n" in await client.command(b"EXAMINE INBOX")
            fetched = b"".join(await client.command(b"FETCH 1 (FLAGS INTERNALDATE)"))
        finally:
            await client.close()
    assert b"\\Seen" in fetched and b"\\Flagged" in fetched, fetched
    assert b'INTERNALDATE "01-Mar-2024 12:30:00 +0000"' in fetched, fetched


async def test_special_use_attributes_on_folders_of_well_known_names() -> None:
    server = PymapServer({"joe": "pw"}, {"joe": {"Sent": [(MESSAGE, [], WHEN)], "Trash": [], "Work": []}})
    async with server:
        client = await _logged_in(server)
        try:
            listing = b"".join(await client.command(b'LIST "" "*"'))
            subscribed = b"".join(await client.command(b'LSUB "" "*"'))
        finally:
            await client.close()
    assert b'(\\HasNoChildren \\Sent) "/" Sent\r\n' in listing, listing
    assert b'(\\HasNoChildren \\Trash) "/" Trash\r\n' in listing, listing
    assert b'(\\HasNoChildren) "/" Work\r\n' in listing, listing
    assert b" Work\r\n" in subscribed, subscribed


async def test_users_are_isolated_and_wrong_passwords_refused() -> None:
    server = PymapServer({"joe": "pw", "ann": "secret"}, {"joe": {"INBOX": [(MESSAGE, [], WHEN)]}})
    async with server:
        ann = await _logged_in(server, "ann", "secret")
        intruder = await RawIMAP.connect(server.host, server.port)
        try:
            assert b"* 0 EXISTS\r\n" in await ann.command(b"EXAMINE INBOX")
            assert (await intruder.login("joe", "secret"))[-1].startswith(b"t1 NO")
        finally:
            await ann.close()
            await intruder.close()


async def test_user_added_while_running_can_log_in() -> None:
    async with PymapServer({}) as server:
        server.add_user("late", "pw2")
        client = await _logged_in(server, "late", "pw2")
        await client.close()


async def test_idle_reports_a_change_made_while_the_idler_was_busy() -> None:
    # A second session's SELECT wakes the idler; the STORE right after it
    # lands while the idler is still writing, a wake-up pymap 0.36.7 loses.
    async with PymapServer({"joe": "pw"}, {"joe": {"INBOX": [(MESSAGE, [], WHEN)]}}) as server:
        idler = await _logged_in(server)
        other = await _logged_in(server)
        try:
            await idler.command(b"SELECT INBOX")
            idler.writer.write(b"i1 IDLE\r\n")
            assert (await idler.reader.readline()).startswith(b"+ ")
            await other.command(b"SELECT INBOX")
            assert (await other.command(b"STORE 1 +FLAGS (\\Flagged)"))[-1].startswith(b"t3 OK")
            update = await asyncio.wait_for(idler.read_until(b"* 1 FETCH"), 10)
            assert b"\\Flagged" in update[-1], update
            await other.command(b"STORE 1 +FLAGS (\\Deleted)")
            await other.command(b"EXPUNGE")
            await asyncio.wait_for(idler.read_until(b"* 1 EXPUNGE"), 10)
            idler.writer.write(b"DONE\r\n")
            assert (await idler.read_until(b"i1 "))[-1].startswith(b"i1 OK")
        finally:
            await idler.close()
            await other.close()


async def test_stop_closes_open_connections() -> None:
    server = PymapServer({"joe": "pw"})
    await server.start()
    client = await _logged_in(server)
    await server.stop()
    rest = await asyncio.wait_for(client.reader.read(), 10)
    assert client.reader.at_eof()
    assert rest == b"" or rest.startswith(b"* BYE"), rest
    await client.close()


def test_thread_mode_serves_until_stopped() -> None:
    server = PymapServer({"joe": "pw"})
    server.start_in_thread()
    try:
        with socket.create_connection((server.host, server.port), timeout=10) as sock:
            assert sock.recv(100).startswith(b"* OK")
    finally:
        server.stop_thread()
    try:
        refused = False
        socket.create_connection((server.host, server.port), timeout=10).close()
    except ConnectionRefusedError:
        refused = True
    assert refused


def _message(n: int) -> bytes:
    return b"From: Ann <ann@example.com>\r\nSubject: number %d\r\n\r\nbody\r\n" % n


async def test_inbox_first_fills_a_folder_before_anything_about_it_is_answered() -> None:
    """With ``inbox_first`` the other folders are parsed when first looked up; what a client sees
    is the same as with all of them loaded at the start."""
    work = [(_message(n), ["\\Seen"] if n == 1 else [], WHEN) for n in (1, 2, 3)]
    boxes = {"joe": {"INBOX": [(MESSAGE, [], WHEN)], "Work": work}}
    seen = []
    for inbox_first in (False, True):
        async with PymapServer({"joe": "pw"}, boxes, inbox_first=inbox_first) as server:
            first, second = await _logged_in(server), await _logged_in(server)
            try:
                listing = b"".join(await first.command(b'LIST "" "*"'))
                # Two connections look the folder up at once: each sees it whole.
                statuses = await asyncio.gather(
                    first.command(b"STATUS Work (MESSAGES UNSEEN UIDNEXT)"),
                    second.command(b"STATUS Work (MESSAGES UNSEEN UIDNEXT)"),
                )
                await first.command(b"SELECT Work")
                fetch = b"FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"
                fetched = b"".join(await first.command(fetch))
            finally:
                await first.close()
                await second.close()
        assert b'"/" Work\r\n' in listing, listing
        status = statuses[0][0]
        assert statuses[1][0] == status and b"(MESSAGES 3 UNSEEN 2 UIDNEXT " in status, statuses
        seen.append((status, fetched))
    assert seen[0] == seen[1]
    assert seen[1][1].count(b" FETCH (") == 3 and b"FLAGS (\\Seen)" in seen[1][1], seen[1]


async def test_a_copy_into_a_folder_not_yet_looked_up_comes_after_its_messages() -> None:
    boxes = {"joe": {"INBOX": [(MESSAGE, [], WHEN)], "Work": [(_message(n), [], WHEN) for n in (1, 2)]}}
    async with PymapServer({"joe": "pw"}, boxes, inbox_first=True) as server:
        client = await _logged_in(server)
        try:
            await client.command(b"SELECT INBOX")
            copied = (await client.command(b"COPY 1 Work"))[-1]
            await client.command(b"SELECT Work")
            fetched = b"".join(await client.command(b"FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
        finally:
            await client.close()
    assert copied.startswith(b"t3 OK"), copied
    subjects = [line for line in fetched.split(b"\r\n") if line.startswith(b"Subject: ")]
    assert subjects == [b"Subject: number 1", b"Subject: number 2", b"Subject: hello"], fetched
