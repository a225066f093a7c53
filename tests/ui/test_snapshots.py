"""Snapshot tests (pytest-textual-snapshot) of the main screens on the demo mailbox.

The demo server runs on its own thread; the app's clock is the demo's fixed
"now", the terminal 120x40 (and the small sizes of issue 11: 80x24, 60x20),
and the cursor does not blink, so the SVGs are the same on any day.  Update
with ``pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.session.pilot_support import until
from tuimail.cli import demo_account, demo_clock, start_demo_server
from tuimail.ui.app import TuimailApp
from tuimail.ui.screens.confirm import ConfirmDialog, moving

SIZE = (120, 40)
SMALL = (80, 24)
SMALLER = (60, 20)


@pytest.fixture
def demo_port() -> Iterator[int]:
    server = start_demo_server()
    try:
        yield server.port
    finally:
        server.stop_thread()


def make_app(port: int, theme: str = "tuimail-dark", *, read_only: bool = False) -> TuimailApp:
    # A fresh demo server per test: opening a message marks it read.
    return TuimailApp(demo_account(port), theme=theme, clock=demo_clock(), theme_dirs=[], read_only=read_only)


async def loaded(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, TuimailApp)
    await until(pilot, lambda: app.main_screen is not None, what="main screen")
    main = app.main_screen
    assert main is not None
    await until(pilot, lambda: main.mailbox == "INBOX" and main.mailboxes, what="INBOX")
    await until(pilot, lambda: main.unread is not None, what="counts")
    # Every mailbox's counts (they follow the first page): the session has them, the tree too.
    tree = main.mailbox_tree
    await until(pilot, lambda: main.session.directory.counts_at > 0, what="every mailbox counted")
    await until(pilot, lambda: tree.counts("Trash")[1] is not None, what="the tree's counts")
    rows = min(main.total or 0, main.message_list.size.height) - 1
    await until(pilot, lambda: main.message_list.summary_at(max(rows, 0)) is not None, what="visible rows")
    await pilot.pause()


async def opened(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    app = pilot.app
    assert isinstance(app, TuimailApp) and app.main_screen is not None
    main = app.main_screen
    await pilot.press("j", "j", "enter")
    await until(pilot, lambda: main.viewer.rendered is not None, what="message open")
    await pilot.pause()


def test_inbox_screen(snap_compare: Any, demo_port: int) -> None:
    assert snap_compare(make_app(demo_port), terminal_size=SIZE, run_before=loaded)


def test_open_message_screen(snap_compare: Any, demo_port: int) -> None:
    assert snap_compare(make_app(demo_port), terminal_size=SIZE, run_before=opened)


def test_help_screen(snap_compare: Any, demo_port: int) -> None:
    async def help_open(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(demo_port), terminal_size=SIZE, run_before=help_open)


def test_inbox_screen_light_theme(snap_compare: Any, demo_port: int) -> None:
    assert snap_compare(make_app(demo_port, "tuimail-light"), terminal_size=SIZE, run_before=loaded)


def test_read_only_open_message_screen(snap_compare: Any, demo_port: int) -> None:
    app = make_app(demo_port, "tuimail-solarized", read_only=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=opened)


# Small terminals (issue 11): the tree narrows, the list keeps its date column, the
# footer keeps "? Help"; reading on few rows leaves the list a few lines.


def test_inbox_screen_80x24(snap_compare: Any, demo_port: int) -> None:
    assert snap_compare(make_app(demo_port), terminal_size=SMALL, run_before=loaded)


def test_open_message_screen_80x24(snap_compare: Any, demo_port: int) -> None:
    assert snap_compare(make_app(demo_port), terminal_size=SMALL, run_before=opened)


def test_inbox_screen_60x20(snap_compare: Any, demo_port: int) -> None:
    assert snap_compare(make_app(demo_port), terminal_size=SMALLER, run_before=loaded)


def test_open_message_screen_60x20(snap_compare: Any, demo_port: int) -> None:
    assert snap_compare(make_app(demo_port), terminal_size=SMALLER, run_before=opened)


def test_folder_picker_filtering_80x24(snap_compare: Any, demo_port: int) -> None:
    async def picking(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("m", "a", "r")
        await pilot.pause()

    assert snap_compare(make_app(demo_port), terminal_size=SMALL, run_before=picking)


def test_confirmation_60x20(snap_compare: Any, demo_port: int) -> None:
    async def asking(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        pilot.app.push_screen(ConfirmDialog(moving(312, "Archive"), title="Move 312 messages?"))
        await pilot.pause()

    assert snap_compare(make_app(demo_port), terminal_size=SMALLER, run_before=asking)
