"""The first screen first (tuimail.session.first_screen), on the wire against pymap: a session
holding its follow-ups sends nothing after the newest page until the UI says the first screen is
drawn; then the UID order, the unread count, the oldest page and the other mailboxes' counts go,
and the keep-alive's IDLE only after them.  A UI that never says so holds them HOLD_LIMIT at most;
a session that holds nothing (the default) sends them at once."""

from __future__ import annotations

import asyncio

import pytest

from tuimail.session import first_screen
from tuimail.session import messages as m
from tuimail.session.selected import FIRST_PAGE

from .support import Collector, TraceLines, pymap_thread, seeded, started, until_sent

START = ["LOGIN", "LIST", "SELECT", "FETCH"]
FOLLOW_UPS = {"UID SEARCH", "FETCH", "LIST", "STATUS"}  # the order, unread, the oldest page, counts


async def newest_page(got: Collector) -> None:
    await got.wait_for(m.MailboxOpened)
    await got.until(lambda: got.view is not None and got.view.summary_at_row(0) is not None, what="row 0")


async def test_held_follow_ups_wait_for_the_first_screen_then_go_before_idle(trace: TraceLines) -> None:
    with pymap_thread({"INBOX": seeded(FIRST_PAGE + 20)["INBOX"], "Other": []}) as server:
        async with started(server.port, hold_follow_ups=True) as (session, got):
            await newest_page(got)
            await asyncio.sleep(0.6)  # what would have gone by now waits
            assert trace.commands() == START
            session.first_screen_shown()
            await until_sent(trace, "IDLE")
            sent = trace.commands()
            after = sent[len(START) : sent.index("IDLE")]
            assert {"UID SEARCH", "FETCH", "STATUS"} <= set(after) <= FOLLOW_UPS, sent
            assert after.count("FETCH") == 1  # the oldest page


async def test_a_ui_that_never_says_holds_them_hold_limit_at_most(
    trace: TraceLines, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_screen, "HOLD_LIMIT", 0.5)
    with pymap_thread(seeded(5)) as server:
        async with started(server.port, hold_follow_ups=True) as (_session, got):
            await newest_page(got)
            await until_sent(trace, "IDLE", timeout=10)
            sent = trace.commands()
            assert sent[: len(START)] == START and "UID SEARCH" in sent[len(START) : sent.index("IDLE")]


async def test_a_session_that_holds_nothing_sends_its_follow_ups_at_once(trace: TraceLines) -> None:
    with pymap_thread(seeded(5)) as server:
        async with started(server.port) as (_session, got):
            await newest_page(got)
            await until_sent(trace, "UID SEARCH", timeout=0.5)
