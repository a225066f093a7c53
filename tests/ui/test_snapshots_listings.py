"""Snapshots of a search view with a selection, and of the thread view, on the demo mailbox."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.session.pilot_support import until
from tests.ui.test_snapshots import SIZE, demo_port, loaded, make_app  # noqa: F401 - the fixture

__all__ = ["demo_port"]


async def searched_and_selected(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    main = pilot.app.main_screen  # type: ignore[attr-defined]
    await pilot.press("slash", *"subject:review", "enter")
    await until(pilot, lambda: main.listing is not None, what="results")
    await until(
        pilot,
        lambda: all(main.message_list.summary_at(r) for r in range(main.message_list.count)),
        what="result rows",
    )
    await pilot.press("space", "j", "space")
    await pilot.pause()


async def threaded(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    main = pilot.app.main_screen  # type: ignore[attr-defined]
    await pilot.press("t")
    await until(pilot, lambda: main.listing is not None and main.listing.kind == "threads", what="threads")
    rows = min(main.message_list.count, main.message_list.size.height) - 1
    await until(pilot, lambda: all(main.message_list.summary_at(r) for r in range(rows)), what="thread rows")
    await pilot.pause()


def test_search_view_with_a_selection(snap_compare: Any, demo_port: int) -> None:  # noqa: F811
    assert snap_compare(make_app(demo_port), terminal_size=SIZE, run_before=searched_and_selected)


def test_thread_view(snap_compare: Any, demo_port: int) -> None:  # noqa: F811
    assert snap_compare(make_app(demo_port), terminal_size=SIZE, run_before=threaded)
