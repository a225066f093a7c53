"""Helpers for Pilot tests of the app over a real server."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from textual.pilot import Pilot

from tuimail.ui.app import TuimailApp
from tuimail.ui.screens.main import MainScreen

#: A fixed "now" for the message list's date column.
FIXED_NOW = datetime(2024, 3, 3, 12, 0, tzinfo=UTC)


async def until(
    pilot: Pilot[None], condition: Callable[[], object], *, within: float = 30.0, what: str = ""
) -> None:
    """Let the app (and the session thread) run until ``condition()`` holds.

    Gives up after ``within`` seconds of wall-clock time (not a count of
    pauses, which stretch under load), well before the test's own timeout,
    so a failure names what it waited for instead of hanging.
    """
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition never held within {within:g}s: {what or condition}")
        try:
            await pilot.pause(0.02)
        except Exception as error:  # noqa: BLE001 - handed to the app, as its own loop would
            # pilot.pause() draws the screen in the test's task; in the running app a drawing
            # error reaches the app's handler (which shows it and carries on), not the caller.
            pilot.app._handle_exception(error)


def main_screen(app: TuimailApp) -> MainScreen:
    assert app.main_screen is not None
    return app.main_screen


async def until_loaded(pilot: Pilot[None], app: TuimailApp, mailbox: str = "INBOX") -> MainScreen:
    """Wait for ``mailbox`` to be open and its visible rows fetched."""
    await until(pilot, lambda: app.main_screen is not None, what="main screen")
    main = main_screen(app)
    await until(pilot, lambda: main.mailbox == mailbox and main.mailboxes, what=f"{mailbox} open")
    await until(
        pilot,
        lambda: main.total == 0 or main.message_list.summary_at(0) is not None,
        what="first rows loaded",
    )
    return main
