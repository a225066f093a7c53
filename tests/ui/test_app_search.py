"""Pilot tests of search, sort and threads over pymap (the client-side fallbacks)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from tests.session.pilot_support import until
from tests.session.support import BASE, make_message, seeded
from tests.ui.support import app_on
from tuimail.mail.threads import ThreadView
from tuimail.ui.screens import thread_layout
from tuimail.ui.widgets import StatusBar
from tuimail.ui.widgets.command_line import CommandLine


def shown(main: object) -> list[str]:
    ml = main.message_list  # type: ignore[attr-defined]
    return [s.subject if (s := ml.summary_at(r)) else "…" for r in range(ml.count)]


async def search(pilot: object, main: object, query: str) -> None:
    await pilot.press("slash", *query, "enter")  # type: ignore[attr-defined]
    await until(pilot, lambda: main.listing is not None and "…" not in shown(main), what="results")  # type: ignore


async def test_slash_shows_only_the_results_and_escape_goes_back() -> None:
    async with app_on(seeded(12)) as (app, pilot, main):
        await search(pilot, main, "subject:1")
        assert shown(main) == [f"Message number {n}" for n in (12, 11, 10, 1)]
        status = str(main.query_one(StatusBar).status_text())
        assert "search: subject:1 (4 found)" in status
        await pilot.press("escape")
        assert main.listing is None and main.message_list.count == 12
        await pilot.press("n")  # the last search's next result, in the whole mailbox
        assert main.message_list.summary_at(main.message_list.cursor_row).subject == "Message number 11"


async def test_actions_work_on_the_results() -> None:
    async with app_on(seeded(6, unseen_every=1)) as (app, pilot, main):
        await search(pilot, main, "subject:number -subject:2")
        await pilot.press("asterisk")
        assert len(main.message_list.selected) == 5
        await pilot.press("r")
        ml = main.message_list
        await until(pilot, lambda: not any(ml.view.summary(u).unread for u in ml.selected), what="read")
        await pilot.press("escape", "escape")
        assert main.listing is None
        assert [s.subject for r in range(6) if (s := ml.summary_at(r)).unread] == ["Message number 2"]


async def test_a_malformed_query_points_at_the_mistake_and_reopens_the_line() -> None:
    async with app_on(seeded(3)) as (app, pilot, main):
        await pilot.press("slash", *"subject:(x", "enter")
        await until(pilot, lambda: any("at character" in n.message for n in app._notifications), what="said")
        line = main.query_one(CommandLine)
        await until(pilot, lambda: line.is_open, what="the line open again")
        assert line.value == "subject:(x"


async def test_colon_sort_orders_the_list_and_t_shows_threads() -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        await pilot.press("colon", *"sort size", "enter")
        await until(pilot, lambda: main.listing is not None and main.listing.kind == "sort", what="sorted")
        sizes = [main.message_list.summary_at(r).size for r in range(5)]
        assert sizes == sorted(sizes)
        await pilot.press("t")
        await until(pilot, lambda: main.listing.kind == "threads", what="threads")
        assert main.message_list.count == 5
        await pilot.press("t")
        assert main.listing is None


async def test_colon_completes_commands_and_mailboxes() -> None:
    async with app_on(seeded(1)) as (app, pilot, main):
        await pilot.press("colon", *"mo", "tab")
        line = main.query_one(CommandLine)
        assert line.value == "move "
        await pilot.press(*"Arch", "tab")
        assert line.value == "move Archive"
        await pilot.press("escape")
        assert not line.is_open and main.total == 1


def threaded_inbox() -> dict[str, Any]:
    """A thread of three (a message and two replies, gathered by subject: RFC 5256 §2.2) and one more."""
    subjects = ["Plans", "Re: Plans", "Other", "Re: Plans"]
    inbox = [
        (make_message(i, subject), ["\\Seen"], BASE + timedelta(hours=i))
        for i, subject in enumerate(subjects, 1)
    ]
    return {"INBOX": inbox}


async def test_threads_are_laid_out_off_the_ui_thread_and_fold_with_z(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built_in: list[str] = []

    class Recorded(ThreadView):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            built_in.append(threading.current_thread().name)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(thread_layout, "ThreadView", Recorded)
    async with app_on(threaded_inbox()) as (app, pilot, main):
        await pilot.press("t")
        await until(
            pilot, lambda: main.listing is not None and main.listing.kind == "threads", what="threads"
        )
        ml = main.message_list
        rows = [(ml.summary_at(r).subject, ml.rows.depth_at_row(r)) for r in range(ml.count)]
        assert rows == [("Other", 0), ("Plans", 0), ("Re: Plans", 1), ("Re: Plans", 1)]
        assert built_in and threading.main_thread().name not in built_in
        ml.cursor_row = 1
        await pilot.press("z")  # the thread under the cursor becomes one row
        await until(pilot, lambda: ml.count == 2, what="the thread folded")
        assert [ml.summary_at(r).subject for r in range(2)] == ["Other", "Plans"]
        assert ml.rows.held_at_row(1) == sorted(ml.rows.held_at_row(1)) and len(ml.rows.held_at_row(1)) == 3
        await pilot.press("z")
        await until(pilot, lambda: ml.count == 4, what="the thread open again")
        assert len(built_in) == 1  # folding reuses the thread view laid out


async def test_the_open_line_takes_the_status_bars_row_and_the_panes_keep_their_size() -> None:
    async with app_on(seeded(3)) as (app, pilot, main):
        status = main.query_one(StatusBar)
        panes = lambda: (main.mailbox_tree.region, main.message_list.region, main.viewer.region)  # noqa: E731
        before, row = panes(), status.region.y
        await pilot.press("colon")
        line = main.query_one(CommandLine)
        await until(pilot, lambda: line.is_open and line.region.y == row, what="the line on the status row")
        assert not status.display and panes() == before
        await pilot.press("escape")
        await until(pilot, lambda: status.display and status.region.y == row, what="the status bar back")
        assert not line.is_open and panes() == before
