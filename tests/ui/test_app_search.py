"""Pilot tests of search, sort and threads over pymap (the client-side fallbacks)."""

from __future__ import annotations

from tests.session.pilot_support import until
from tests.session.support import seeded
from tests.ui.support import app_on
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
