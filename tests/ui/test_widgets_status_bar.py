"""StatusBar: account, mailbox, counts, connection state, READ-ONLY badge (issue 4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tuimail.ui.widgets import StatusBar

SIZE = (120, 10)


class BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusBar()


@asynccontextmanager
async def showing(
    account: str, mailbox: str | None, total: int | None, unread: int | None, connection: str, read_only: bool
) -> AsyncIterator[tuple[Pilot[None], StatusBar]]:
    """A status bar showing these values, drawn."""
    app = BarApp()
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(StatusBar)
        bar.update_status(account, mailbox, total, unread, connection, read_only)
        await pilot.pause()
        yield pilot, bar


def bar_line(bar: StatusBar) -> str:
    return bar.render_line(0).text


async def test_status_shows_account_mailbox_counts_and_connection() -> None:
    async with showing("work", "INBOX", 12_345, 17, "connected", False) as (_pilot, bar):
        line = bar_line(bar)
        assert "work" in line and "INBOX" in line
        assert "12,345 messages, 17 unread" in line
        assert "connected" in line
        assert "READ-ONLY" not in line


async def test_read_only_badge_is_shown_when_read_only() -> None:
    async with showing("work", "INBOX", 1, 0, "connected", True) as (_pilot, bar):
        assert "READ-ONLY" in bar_line(bar)
        badge = next(seg for seg in bar.render_line(0) if "READ-ONLY" in seg.text)
        assert badge.style is not None and badge.style.bgcolor is not None and badge.style.bold


async def test_connection_states_have_distinct_colours() -> None:
    async with showing("work", None, None, None, "offline", False) as (pilot, bar):
        colours = {}
        for state in ("connected", "connecting", "offline"):
            bar.update_status("work", None, None, None, state, False)
            await pilot.pause()
            segment = next(seg for seg in bar.render_line(0) if state in seg.text)
            colours[state] = segment.style.color if segment.style else None
        assert len(set(colours.values())) == 3


async def test_no_mailbox_selected_shows_just_account_and_connection() -> None:
    async with showing("home", None, None, None, "connecting", False) as (_pilot, bar):
        line = bar_line(bar)
        assert "home" in line and "connecting" in line and "messages" not in line


async def test_markup_in_a_mailbox_name_is_shown_literally() -> None:
    async with showing("[b]acct[/b]", "[red]box[/red]\x1b[1m", 1, 1, "connected", False) as (_pilot, bar):
        line = bar_line(bar)
        assert "[b]acct[/b]" in line and "[red]box[/red]\u241b[1m" in line
        assert "\x1b" not in line
