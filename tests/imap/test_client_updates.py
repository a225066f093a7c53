"""Unsolicited responses and the selected mailbox's state, against a
scripted server: bounded subscriber queues, EXISTS/EXPUNGE/VANISHED/FETCH
keeping ``imap.selected`` current, alerts reaching subscribers."""

from __future__ import annotations

import pytest

from tests.imap.scripted_server import Peer, greet, scripted_client
from tuimail.imap import (
    ByeResponseError,
    ConnectionLost,
    MailboxState,
    SequenceSet,
    UntaggedResponse,
    VanishedData,
)
from tuimail.imap.types import FetchData, ResponseCode, ResponseText
from tuimail.imap.unsolicited import Hub

SELECT_REPLY = (
    b"* FLAGS (\\Seen \\Deleted)\r\n"
    b"* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] ok\r\n"
    b"* 5 EXISTS\r\n"
    b"* 1 RECENT\r\n"
    b"* OK [UIDVALIDITY 42] ok\r\n"
    b"* OK [UIDNEXT 11] ok\r\n"
    b"* OK [HIGHESTMODSEQ 100] ok\r\n"
)


def test_subscription_keeps_only_the_newest_when_full() -> None:
    hub = Hub()
    sub = hub.subscribe(maxsize=3)
    for n in range(1, 6):
        hub.publish(UntaggedResponse("EXISTS", n))
    assert sub.dropped == 2
    assert [sub.get_nowait().data for _ in range(3)] == [3, 4, 5]  # type: ignore[union-attr]
    assert sub.get_nowait() is None


def test_subscription_filters_by_name_and_stops_after_close() -> None:
    hub = Hub()
    sub = hub.subscribe(names=["expunge"])
    hub.publish(UntaggedResponse("EXISTS", 3))
    hub.publish(UntaggedResponse("EXPUNGE", 2))
    sub.close()
    hub.publish(UntaggedResponse("EXPUNGE", 1))
    assert len(sub) == 1 and sub.get_nowait() == UntaggedResponse("EXPUNGE", 2)
    assert len(hub) == 0


def test_mailbox_state_follows_updates() -> None:
    state = MailboxState("INBOX", exists=5, uidnext=11, highest_modseq=100)
    state.apply(UntaggedResponse("EXISTS", 7))
    state.apply(UntaggedResponse("EXPUNGE", 2))
    state.apply(UntaggedResponse("VANISHED", VanishedData(SequenceSet("3:4"), earlier=False)))
    state.apply(UntaggedResponse("VANISHED", VanishedData(SequenceSet("1:2"), earlier=True)))
    state.apply(UntaggedResponse("FETCH", FetchData(1, {"UID": 12, "MODSEQ": 120, "FLAGS": []})))
    state.apply(UntaggedResponse("OK", ResponseText(ResponseCode("READ-ONLY"), "")))
    assert (state.exists, state.uidnext, state.highest_modseq, state.read_only) == (4, 13, 120, True)


async def test_selected_state_is_kept_current_and_updates_published() -> None:
    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 CONDSTORE")
        tag, name, _ = await peer.command()
        assert name == b"SELECT"
        peer.send(SELECT_REPLY + tag + b" OK [READ-WRITE] selected\r\n")
        tag, name, _ = await peer.command()
        assert name == b"NOOP"
        peer.send(
            b"* 7 EXISTS\r\n"
            b"* 3 EXPUNGE\r\n"
            b"* 2 FETCH (FLAGS (\\Seen) MODSEQ (150))\r\n"
            b"* OK [ALERT] disk almost full\r\n" + tag + b" OK [ALERT] quota warning\r\n"
        )
        await peer.expect(b"LOGOUT", b"OK bye")

    async with scripted_client(script) as (server, imap):
        updates = imap.updates()
        state = await imap.select("INBOX")
        assert (state.exists, state.recent, state.uidvalidity, state.uidnext) == (5, 1, 42, 11)
        assert state.flags == ["\\Seen", "\\Deleted"] and "\\*" in state.permanent_flags
        assert state.highest_modseq == 100 and not state.read_only
        assert updates.get_nowait() is None  # SELECT's own responses are not news
        await imap.noop()
        assert imap.selected is state and (state.exists, state.highest_modseq) == (6, 150)
        names = []
        while (response := updates.get_nowait()) is not None:
            names.append(response.name)
            if response.name in ("OK", "NO"):
                assert response.data.code.name == "ALERT"
        assert names == ["EXISTS", "EXPUNGE", "FETCH", "OK", "OK"]
        await imap.logout()
    assert not server.errors, server.errors


async def test_subscription_ends_when_the_connection_closes() -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        await peer.command()
        await peer.send_and_close(b"* OK [ALERT] going away\r\n* BYE bye\r\n")

    async with scripted_client(script) as (server, imap):
        updates = imap.updates()
        with pytest.raises(ByeResponseError):
            await imap.noop()
        received = [response.name async for response in updates]
        assert received == ["OK", "BYE"]


def test_subscription_is_bounded_in_bytes_keeping_the_newest() -> None:
    hub = Hub()
    sub = hub.subscribe(maxsize=1000, max_bytes=100)
    for n in range(1, 11):
        hub.publish(UntaggedResponse("EXISTS", n, b"* %d EXISTS\r\n" % n + b" " * 30))
    assert len(sub) == 2 and sub.dropped == 8
    hub.publish(UntaggedResponse("OK", ResponseText(None, "big"), b"x" * 1000))
    assert len(sub) == 1 and sub.get_nowait().data.text == "big"  # type: ignore[union-attr]


ALERT_GREETING = b"* OK [ALERT] System shutdown in 10 minutes\r\n"


async def test_alerts_from_greeting_select_and_tagged_replies_reach_the_app() -> None:
    """RFC 9051 §7.1: [ALERT] text must be shown.  The greeting's arrives
    before anyone could subscribe: it is in imap.alerts and imap.greeting;
    the others also reach subscribers, even while SELECT runs."""

    async def script(peer: Peer) -> None:
        peer.send(ALERT_GREETING)
        await peer.expect(b"CAPABILITY", b"OK [CAPABILITY IMAP4rev1] done")  # no caps in the greeting
        tag, name, _ = await peer.command()
        assert name == b"SELECT"
        peer.send(b"* 2 EXISTS\r\n* OK [ALERT] Mailbox over quota\r\n" + tag + b" OK [READ-WRITE] done\r\n")
        tag, _, _ = await peer.command()
        peer.send(tag + b" OK [ALERT] " + b"long " * 1000 + b"\r\n")
        await peer.expect(b"LOGOUT", b"OK bye")

    async with scripted_client(script) as (server, imap):
        greeting = imap.greeting
        assert greeting is not None and greeting.name == "OK"
        assert greeting.data.code.name == "ALERT" and greeting.data.text == "System shutdown in 10 minutes"
        with imap.updates() as updates:
            await imap.select("INBOX")
            await imap.noop()
            seen = [updates.get_nowait() for _ in range(len(updates))]
        assert [r.data.text for r in seen if r is not None][:1] == ["Mailbox over quota"]
        assert all(r is not None and r.data.code.name == "ALERT" for r in seen) and len(seen) == 2
        texts = [a.text for a in imap.alerts]
        assert texts[:2] == ["System shutdown in 10 minutes", "Mailbox over quota"]
        assert texts[2].startswith("long long") and len(texts[2]) <= 2001
        await imap.logout()
    assert not server.errors, server.errors


async def test_alert_in_a_bye_is_kept() -> None:
    async def script(peer: Peer) -> None:
        greet(peer)
        await peer.command()
        await peer.send_and_close(b"* BYE [ALERT] Account disabled\r\n")

    async with scripted_client(script) as (server, imap):
        with pytest.raises((ByeResponseError, ConnectionLost)):
            await imap.noop()
        assert [a.text for a in imap.alerts] == ["Account disabled"]
