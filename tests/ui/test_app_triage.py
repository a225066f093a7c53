"""Pilot tests of keyboard triage over pymap: select, act in bulk, confirm, undo."""

from __future__ import annotations

import asyncio

from tests.session.pilot_support import until
from tests.session.support import other_connection, seeded
from tests.ui.support import app_on
from tuimail.ui.screens.confirm import ConfirmDialog
from tuimail.ui.widgets import StatusBar


def holdings(port: int) -> dict[str, list[str]]:
    client = other_connection("127.0.0.1", port)
    try:
        out = {}
        for name in ("INBOX", "Trash", "Archive"):
            client.select_folder(name, readonly=True)
            uids = client.search("ALL")
            data = client.fetch(uids, ["ENVELOPE"]) if uids else {}
            out[name] = sorted(d[b"ENVELOPE"].subject.decode() for d in data.values())
        return out
    finally:
        client.logout()


def subjects(main: object, count: int) -> list[str]:
    ml = main.message_list  # type: ignore[attr-defined]
    return [ml.summary_at(r).subject for r in range(count)]


async def test_space_selects_and_moves_down_escape_clears_and_the_status_bar_counts() -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        ml = main.message_list
        await pilot.press("space", "space")
        assert ml.cursor_row == 2 and len(ml.selected) == 2
        assert "2 selected" in str(main.query_one(StatusBar).status_text())
        await pilot.press("space")
        await pilot.press("k", "space")  # deselects the third
        assert len(ml.selected) == 2
        await pilot.press("escape")
        assert not ml.selected and "selected" not in str(main.query_one(StatusBar).status_text())


async def test_flagging_a_selection_flags_exactly_those_then_undo_unflags_them() -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        ml = main.message_list
        await pilot.press("space", "j", "space")  # rows 0 and 2
        chosen = set(ml.selected)
        await pilot.press("f")
        assert all(ml.summary_at(r).uid not in chosen or ml.summary_at(r) is not None for r in range(5))
        await until(
            pilot,
            lambda: {ml.summary_at(r).uid for r in range(5) if ml.summary_at(r).flagged} == chosen,
            what="exactly the selection flagged",
        )
        await pilot.press("u")
        await until(pilot, lambda: not any(ml.summary_at(r).flagged for r in range(5)), what="undone")
        await until(
            pilot,
            lambda: any("Unflagged 2 messages again" in n.message for n in app._notifications),
            what="undo said what it did",
        )


async def test_a_bulk_move_over_the_threshold_asks_and_escape_changes_nothing() -> None:
    async with app_on(seeded(5), bulk_threshold=2) as (app, pilot, main):
        before = await asyncio.to_thread(holdings, app.account.port)
        await pilot.press("asterisk")
        assert len(main.message_list.selected) == 5
        await pilot.press("a")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.sentence == "5 messages will move to Archive"
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert app.screen is main and main.total == 5
        assert await asyncio.to_thread(holdings, app.account.port) == before
        await pilot.press("a", "y")
        await until(pilot, lambda: main.total == 0, what="all archived")
        assert not main.message_list.selected
        await pilot.press("u")
        await until(pilot, lambda: main.total == 5, what="back in one step")
        await until(
            pilot,
            lambda: any("Moved 5 messages back to INBOX" in n.message for n in app._notifications),
            what="undo said so",
        )
        assert await asyncio.to_thread(holdings, app.account.port) == before


async def test_deleting_in_the_trash_asks_first_because_it_cannot_be_undone() -> None:
    boxes = seeded(2)
    boxes["Trash"] = boxes["INBOX"]
    boxes["INBOX"] = []
    async with app_on(boxes) as (app, pilot, main):
        main.session.open_mailbox("Trash")
        await until(
            pilot,
            lambda: main.mailbox == "Trash" and main.message_list.summary_at(0) is not None,
            what="trash open",
        )
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.sentence == "1 message will be deleted for good: this cannot be undone"
        await pilot.press("n")
        await pilot.pause(0.2)
        assert main.total == 2
        await pilot.press("d", "enter")
        await until(pilot, lambda: main.total == 1, what="deleted for good")
        await pilot.press("u")
        await until(
            pilot, lambda: any("cannot come back" in n.message for n in app._notifications), what="said"
        )
