"""The session against faulty servers (scripted): every wait is bounded, every failure reported.

Real behaviour is tested against pymap and Dovecot (test_session.py,
test_session_dovecot.py); these scripts play a server that stops answering
at one chosen point, or that is slow to accept IDLE.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tests.imap.scripted_server import Peer, greet, scripted_server
from tuimail.session import messages as m
from tuimail.session.message_bodies import SAVE_CHUNK_BYTES
from tuimail.session.session import Session

from .support import account_for, started

FETCH_LINE = (
    b'* 1 FETCH (UID 1 FLAGS (\\Seen) INTERNALDATE "01-Mar-2024 09:00:00 +0000" RFC822.SIZE 10 '
    b'ENVELOPE ("Fri, 1 Mar 2024 09:00:00 +0000" "Hello" (("Alice" NIL "alice" "example.com")) '
    b'NIL NIL NIL NIL NIL NIL "<m1@example.com>") '
    b'BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 1))\r\n'
)

#: What the server does with one command: (peer, tag, rest) -> None.
Handler = Callable[[Peer, bytes, bytes], Awaitable[None]]


async def normal_idle(peer: Peer, tag: bytes, rest: bytes) -> None:
    """RFC 2177: "+" at once, then the tagged OK after DONE."""
    peer.send(b"+ idling\r\n")
    assert await peer.line() == b"DONE\r\n"
    peer.send(tag + b" OK IDLE done\r\n")


async def normal_fetch(peer: Peer, tag: bytes, rest: bytes) -> None:
    peer.send(FETCH_LINE + tag + b" OK FETCH done\r\n")


async def uid_fetch_body(peer: Peer, tag: bytes, rest: bytes) -> None:
    """Opening a message: what is asked of its structure, header and text part (partial fetches)."""
    asked = rest.upper()
    header, body = b"Subject: Hello\r\n\r\n", b"Hi.\r\n"
    items = b""
    if b"BODYSTRUCTURE" in asked:
        items += b' RFC822.SIZE 21 BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 5 1)'
    if b"[HEADER]" in asked:
        items += b" BODY[HEADER]<0> {%d}\r\n%s" % (len(header), header)
    if b"[1]" in asked:
        items += b" BODY[1]<0> {%d}\r\n%s" % (len(body), body)
    peer.send(b"* 1 FETCH (UID 1" + items + b")\r\n" + tag + b" OK FETCH done\r\n")


async def uid_store(peer: Peer, tag: bytes, rest: bytes) -> None:
    flags = b"(\\Seen \\Flagged)" if b"+FLAGS" in rest.upper() else b"(\\Seen)"
    peer.send(b"* 1 FETCH (UID 1 FLAGS " + flags + b")\r\n" + tag + b" OK STORE done\r\n")


async def uid_search(peer: Peer, tag: bytes, rest: bytes) -> None:
    found = b" 1" if rest.upper().startswith(b"ALL") else b""
    peer.send(b"* SEARCH" + found + b"\r\n" + tag + b" OK SEARCH done\r\n")


async def never_answer(peer: Peer, tag: bytes, rest: bytes) -> None:
    """The faulty part: the command (or the DONE after IDLE) gets no answer, ever."""
    await peer.line()  # hangs until the client gives up and closes the connection


async def idle_then_silence(peer: Peer, tag: bytes, rest: bytes) -> None:
    peer.send(b"+ idling\r\n")
    assert await peer.line() == b"DONE\r\n"
    await peer.line()  # never the tagged OK


def one_inbox_server(
    overrides: Callable[[int], dict[bytes, Handler]], capabilities: bytes = b"IMAP4rev1 IDLE UIDPLUS"
) -> Callable[[Peer], Awaitable[None]]:
    """Every mailbox holds one message; ``overrides(n)`` changes commands on connection ``n``."""
    connections = 0

    async def script(peer: Peer) -> None:
        nonlocal connections
        connections += 1
        handlers: dict[bytes, Handler] = {
            b"IDLE": normal_idle,
            b"FETCH": normal_fetch,
            b"UID FETCH": uid_fetch_body,
            b"UID STORE": uid_store,
            b"UID SEARCH": uid_search,
        }
        handlers.update(overrides(connections))
        greet(peer, capabilities)
        while True:
            tag, name, rest = await peer.command()
            if name in handlers:
                await handlers[name](peer, tag, rest)
            elif name == b"LIST":
                peer.send(b'* LIST () "/" INBOX\r\n' + tag + b" OK LIST done\r\n")
            elif name == b"STATUS":
                peer.send(b"* STATUS INBOX (MESSAGES 1 UNSEEN 0)\r\n" + tag + b" OK STATUS done\r\n")
            elif name in (b"SELECT", b"EXAMINE"):
                peer.send(
                    b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n"
                    + tag
                    + b" OK [READ-WRITE] selected\r\n"
                )
            elif name == b"SEARCH":
                peer.send(b"* SEARCH\r\n" + tag + b" OK SEARCH done\r\n")
            elif name == b"LOGOUT":
                peer.send(b"* BYE bye\r\n" + tag + b" OK LOGOUT done\r\n")
                return
            else:
                peer.send(tag + b" OK " + name + b" done\r\n")

    return script


def commands_sent(received: bytes) -> list[str]:
    """Command names (and DONE) in the order the client sent them."""
    names = []
    for line in received.split(b"\r\n"):
        if line == b"DONE":
            names.append("DONE")
        elif match := re.match(rb"\S+ (UID \w+|\w+)", line):
            names.append(match.group(1).decode().upper())
    return names


def fast_watchdog(session: Session, stall: float = 1.0) -> None:
    """Say "waiting" after 0.2 s and give a silent server up after ``stall`` seconds."""
    assert session.watchdog is not None
    session.watchdog.wait_notice = 0.2
    session.watchdog.stall_timeout = stall
    session.watchdog.period = 0.05


async def until_idle(server: Any) -> None:
    while b"IDLE" not in server.received:
        await asyncio.sleep(0.01)


async def test_server_not_ending_idle_fails_the_request_visibly_then_reconnects() -> None:
    script = one_inbox_server(lambda n: {b"IDLE": idle_then_silence} if n == 1 else {})
    async with scripted_server(script) as server:
        async with started(server.port) as (session, got):
            opened = await got.wait_for(m.MailboxOpened)
            fast_watchdog(session)
            await until_idle(server)
            session.set_flag([1], "\\Flagged", True)  # wakes the idler: DONE, which the server never answers
            waiting = await got.wait_for(m.ConnectionChanged, lambda c: c.state == "waiting")
            assert waiting.detail.startswith("Waiting for 127.0.0.1")
            failed = await got.wait_for(m.ActionFailed)
            assert failed.text.startswith("Could not flag: lost the connection")
            assert "stopped answering" in failed.text
            reopened = await got.wait_for(m.MailboxOpened)
            assert reopened.generation > opened.generation
            await got.wait_for(m.Notice, lambda n: "Reconnected" in n.text)
    assert not server.errors, server.errors


async def test_command_never_answered_is_reported_and_the_session_reconnects() -> None:
    script = one_inbox_server(lambda n: {b"UID STORE": never_answer} if n == 1 else {})
    async with scripted_server(script) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            fast_watchdog(session)
            session.set_flag([1], "\\Flagged", True)  # UID STORE: never answered
            failed = await got.wait_for(m.ActionFailed)
            assert "lost the connection" in failed.text
            await got.wait_for(m.MailboxOpened)
            await got.until(lambda: got.subjects() == ["Hello"], what="rows after reconnecting")
    assert not server.errors, server.errors


async def test_a_slow_answer_that_comes_is_not_a_lost_connection() -> None:
    async def slow_store(peer: Peer, tag: bytes, rest: bytes) -> None:
        await asyncio.sleep(0.6)  # longer than the "waiting" notice, shorter than the stall limit
        peer.send(b"* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged))\r\n" + tag + b" OK STORE done\r\n")

    script = one_inbox_server(lambda n: {b"UID STORE": slow_store})
    async with scripted_server(script) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            await got.until(lambda: got.subjects() == ["Hello"], what="the row")
            fast_watchdog(session, stall=5.0)
            session.set_flag([1], "\\Flagged", True)
            await got.wait_for(m.ConnectionChanged, lambda c: c.state == "waiting")
            await got.wait_for(m.ConnectionChanged, lambda c: c.state == "connected")
            await got.until(lambda: got.view.summary_at_row(0).flagged, what="row flagged")
            assert not [x for x in got.seen if isinstance(x, m.ActionFailed)]
            assert sum(isinstance(x, m.MailboxOpened) for x in got.seen) == 1
    assert not server.errors, server.errors


async def test_request_before_idle_is_accepted_ends_that_idle_for_good() -> None:
    """A request that arrives while IDLE is sent but not yet accepted: DONE once "+" comes,
    and that IDLE is not re-issued on its own (one IDLE between two requests, no ping-pong)."""
    accept = asyncio.Event()
    first_idle = True

    async def slow_first_idle(peer: Peer, tag: bytes, rest: bytes) -> None:
        nonlocal first_idle
        if first_idle:
            first_idle = False
            await accept.wait()
        await normal_idle(peer, tag, rest)

    script = one_inbox_server(lambda n: {b"IDLE": slow_first_idle})
    async with scripted_server(script) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            await until_idle(server)
            session.open_message(1)
            await asyncio.sleep(0.2)  # the request reaches the session while IDLE awaits its "+"
            accept.set()
            await got.wait_for(m.MessageLoaded)
            # IDLE again once the connection settled (no request for keepalive.SETTLE)
            await got.until(lambda: commands_sent(bytes(server.received)).count("IDLE") == 2, what="IDLE")
            session.set_flag([1], "\\Flagged", True)
            await got.until(lambda: got.view.summary_at_row(0).flagged, what="flagged")
    assert not server.errors, server.errors
    sent = commands_sent(bytes(server.received))
    first, second = sent.index("UID FETCH"), sent.index("UID STORE")
    assert sent[first - 2 : first] == ["IDLE", "DONE"], sent
    # One UID FETCH (the list's FETCH brought the structure), then one IDLE until the STORE.
    assert sent[first + 1 : second] == ["IDLE", "DONE"], sent


async def test_delete_in_trash_without_uidplus_marks_and_says_so_but_never_expunges() -> None:
    """No UID EXPUNGE: a plain EXPUNGE would also remove other clients' \\Deleted mail, so only
    \\Deleted is set (by UID), and the user is told the message stays until the trash is emptied."""
    script = one_inbox_server(lambda n: {}, capabilities=b"IMAP4rev1 IDLE")
    async with scripted_server(script) as server:
        async with started(account_for(server.port, trash_folder="Trash")) as (session, got):
            await got.wait_for(m.MailboxOpened)
            session.open_mailbox("Trash")
            await got.wait_for(m.MailboxOpened, lambda o: o.view.name == "Trash")
            await got.until(lambda: got.subjects() == ["Hello"], what="the row")
            session.delete([1])
            failed = await got.wait_for(m.ActionFailed)
            assert failed.text.startswith("Marked 1 message deleted, not removed")
            assert "UIDPLUS" in failed.text
    assert not server.errors, server.errors
    sent = commands_sent(bytes(server.received))
    assert "UID STORE" in sent
    assert not {"STORE", "EXPUNGE", "UID EXPUNGE", "MOVE", "UID MOVE", "CLOSE"} & set(sent), sent


async def test_gmail_archive_moves_to_the_all_mailbox_and_delete_to_its_trash() -> None:
    """With X-GM-EXT-1, archive takes the message out of INBOX into \\All (Gmail's archive), and
    delete moves to the \\Trash mailbox; never \\Deleted + EXPUNGE, which only drops a label there."""

    async def gmail_list(peer: Peer, tag: bytes, rest: bytes) -> None:
        peer.send(
            b'* LIST (\\HasNoChildren) "/" INBOX\r\n'
            b'* LIST (\\All \\HasNoChildren) "/" "[Gmail]/All Mail"\r\n'
            b'* LIST (\\Trash \\HasNoChildren) "/" "[Gmail]/Bin"\r\n' + tag + b" OK LIST done\r\n"
        )

    moves: list[bytes] = []

    async def uid_move(peer: Peer, tag: bytes, rest: bytes) -> None:
        moves.append(rest)
        peer.send(b"* OK [COPYUID 7 1 9] moved\r\n* 1 EXPUNGE\r\n" + tag + b" OK MOVE done\r\n")

    script = one_inbox_server(
        lambda n: {b"LIST": gmail_list, b"UID MOVE": uid_move},
        capabilities=b"IMAP4rev1 IDLE UIDPLUS MOVE SPECIAL-USE X-GM-EXT-1",
    )
    async with scripted_server(script) as server:
        async with started(server.port) as (session, got):
            await got.until(lambda: got.subjects() == ["Hello"], what="the row")
            session.archive([1])
            done = await got.wait_for(m.ActionDone)
            assert done.text == "1 message archived to [Gmail]/All Mail"
        async with started(server.port) as (session, got):  # the script serves its one message again
            await got.until(lambda: got.subjects() == ["Hello"], what="the row")
            session.delete([1])
            done = await got.wait_for(m.ActionDone)
            assert done.text == "1 message moved to [Gmail]/Bin"
    assert moves == [b'1 "[Gmail]/All Mail"', b"1 [Gmail]/Bin"]  # an atom needs no quotes
    sent = commands_sent(bytes(server.received))
    assert not {"STORE", "UID STORE", "EXPUNGE", "UID EXPUNGE"} & set(sent), sent


async def test_a_row_fetch_the_server_refuses_is_reported_as_failed_not_left_loading() -> None:
    async def refuse_fetch(peer: Peer, tag: bytes, rest: bytes) -> None:
        peer.send(tag + b" NO [SERVERBUG] cannot read that message\r\n")

    script = one_inbox_server(lambda n: {b"FETCH": refuse_fetch})
    async with scripted_server(script) as server:
        async with started(server.port) as (session, got):
            failed = await got.wait_for(m.RowsFailed)
            assert failed.seqnos == (1,) and failed.reason == "cannot read that message"
            assert got.subjects() == [None]
    assert not server.errors, server.errors


def test_reconnection_backs_off_from_one_second_doubling_to_a_minute() -> None:
    from itertools import islice

    from tuimail.session.connector import backoff

    assert list(islice(backoff(), 9)) == [1, 2, 4, 8, 16, 32, 60, 60, 60]


async def test_a_save_from_a_server_sending_more_than_it_stated_stops_and_removes_the_file(
    tmp_path: Path,
) -> None:
    """A hostile server states a 10-byte attachment, then answers every partial fetch in full:
    the save stops (bounded by the size stated), says so, and leaves no file."""
    chunk = b"A" * SAVE_CHUNK_BYTES
    asked: list[bytes] = []
    structure = (
        b'BODYSTRUCTURE (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1)'
        b'("APPLICATION" "OCTET-STREAM" ("NAME" "x.bin") NIL NIL "7BIT" 10) "MIXED")'
    )
    plain = b'BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 1)'
    assert plain in FETCH_LINE
    summary = FETCH_LINE.replace(plain, structure)

    async def listing(peer: Peer, tag: bytes, rest: bytes) -> None:
        peer.send(summary + tag + b" OK FETCH done\r\n")  # the list's FETCH states it too

    async def endless(peer: Peer, tag: bytes, rest: bytes) -> None:
        if b"BODYSTRUCTURE" in rest.upper():
            peer.send(b"* 1 FETCH (UID 1 RFC822.SIZE 99 " + structure + b")\r\n" + tag + b" OK done\r\n")
            return
        if b"2.MIME" in rest.upper():
            mime = b"Content-Type: application/octet-stream; name=x.bin\r\n\r\n"
            item = b"BODY[2.MIME]<0> {%d}\r\n%s" % (len(mime), mime)
            peer.send(b"* 1 FETCH (UID 1 " + item + b")\r\n" + tag + b" OK done\r\n")
            return
        asked.append(rest)
        origin = re.search(rb"BODY\.PEEK\[2\]<(\d+)\.", rest)
        assert origin is not None, rest
        item = b"BODY[2]<%s> {%d}\r\n" % (origin.group(1), len(chunk))
        peer.send(b"* 1 FETCH (UID 1 " + item + chunk + b")\r\n" + tag + b" OK done\r\n")

    script = one_inbox_server(lambda n: {b"UID FETCH": endless, b"FETCH": listing})
    async with scripted_server(script) as server:
        async with started(server.port) as (session, got):
            await got.wait_for(m.MailboxOpened)
            session.save_attachment(1, 1, tmp_path)
            failed = await got.wait_for(m.ActionFailed)
    assert failed.text == (
        "Could not save x.bin: the server sent far more than the 10 bytes it stated; "
        "the incomplete file was removed"
    )
    assert list(tmp_path.iterdir()) == [] and len(asked) <= 3
