"""Small terminals (issue 11): at 80x24 every pane is usable and the footer keeps ``? Help``;
at 60x20 the date column and some body lines stay visible; at 40x12 the list still shows
messages; the mailbox tree narrows or hides itself, and ``B`` shows or hides it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from textual.widget import Widget

from tests.session.pilot_support import until, until_loaded
from tests.session.support import BASE, pymap_thread, seeded
from tests.ui.support import Mailboxes, Running, make_app
from tuimail.ui.widgets import EnvelopeViewer, MailboxTree, MessageList
from tuimail.ui.widgets.keys_footer import HELP_ACTIONS, KeysFooter
from tuimail.ui.widgets.row_format import Columns


def long_message() -> bytes:
    """The newest message: the usual headers and a body of 40 numbered lines."""
    msg = EmailMessage()
    msg["From"] = "Ann Example <ann@example.com>"
    msg["To"] = "Tester <tester@example.com>"
    msg["Subject"] = "Minutes of the long meeting"
    msg["Date"] = format_datetime(BASE + timedelta(days=2))
    msg.set_content("".join(f"Line {n} of the minutes.\n" for n in range(1, 41)))
    return msg.as_bytes()


def mailboxes() -> Mailboxes:
    boxes = seeded(30)
    boxes["INBOX"].append((long_message(), [], BASE + timedelta(days=2)))
    return boxes


@asynccontextmanager
async def app_at(width: int, height: int) -> AsyncIterator[Running]:
    """The app over pymap (INBOX: 30 short messages under a long one) in a ``width`` x ``height`` terminal."""
    with pymap_thread(mailboxes()) as server:
        app = make_app(server.port)
        async with app.run_test(size=(width, height)) as pilot:
            main = await until_loaded(pilot, app)
            await until(pilot, lambda: main.mailboxes, what="mailboxes")
            rows = main.message_list.size.height - 2
            await until(pilot, lambda: main.message_list.summary_at(rows) is not None, what="visible rows")
            await pilot.pause()
            yield app, pilot, main


def bottom_line(app_screen: Widget) -> str:
    """The terminal's last line, as drawn: the footer."""
    return app_screen.app.screen._compositor.render_strips()[-1].text


def help_shown(app_screen: Widget, width: int) -> bool:
    """The footer's help key is drawn, wholly, at the start of the terminal's last line (the
    keys change with the focus; this holds once the footer has drawn them)."""
    footer = app_screen.query_one(KeysFooter)
    helps = [p for p in footer.places if p.action in HELP_ACTIONS]
    line = bottom_line(app_screen)
    return (
        footer.region.width == width
        and len(helps) == 1
        and helps[0].end <= width
        and line.startswith(" ? Help ")
        and len(line) == width
    )


def list_columns(message_list: MessageList) -> Columns:
    return Columns.for_width(message_list.scrollable_content_region.width)


def visible_body_lines(viewer: EnvelopeViewer) -> int:
    body = viewer.query_one("#viewer-body")
    return body.region.intersection(viewer.content_region).height


async def test_at_80x24_every_pane_is_usable_and_the_footer_keeps_help() -> None:
    async with app_at(80, 24) as (app, pilot, main):
        tree, message_list, viewer = main.mailbox_tree, main.message_list, main.viewer
        assert tree.region.width == 24
        assert message_list.region.height >= 8 and list_columns(message_list).date > 0
        assert all(message_list.summary_at(r) is not None for r in range(message_list.region.height - 1))
        assert viewer.region.height >= 10
        await until(pilot, lambda: help_shown(main, 80), what="the footer's help key on screen")
        assert "Open" in bottom_line(main) and "Command palette" in bottom_line(main)
        await pilot.press("enter")
        await until(pilot, lambda: viewer.rendered is not None, what="message shown")
        await pilot.pause()
        assert visible_body_lines(viewer) >= 3
        # Other keys in the footer now, help still there.
        await until(pilot, lambda: help_shown(main, 80), what="the footer's help key still on screen")


async def test_at_60x20_the_tree_narrows_the_date_column_and_body_lines_stay() -> None:
    async with app_at(60, 20) as (app, pilot, main):
        tree, message_list, viewer = main.mailbox_tree, main.message_list, main.viewer
        assert 0 < tree.region.width <= 16
        assert list_columns(message_list).date > 0
        await pilot.press("enter")
        await until(pilot, lambda: viewer.rendered is not None, what="message shown")
        await pilot.pause()
        assert visible_body_lines(viewer) >= 2
        assert message_list.region.height >= 4  # the list keeps a few rows while reading
        await until(pilot, lambda: help_shown(main, 60), what="the footer's help key on screen")


async def test_at_40x12_the_tree_hides_and_the_list_still_shows_messages() -> None:
    async with app_at(40, 12) as (app, pilot, main):
        tree, message_list = main.mailbox_tree, main.message_list
        assert not tree.display and tree.region.width == 0
        assert message_list.region.width == 40
        shown = message_list.region.height - 1  # below the header row
        assert shown >= 3 and all(message_list.summary_at(r) is not None for r in range(shown))
        await until(pilot, lambda: help_shown(main, 40), what="the footer's help key on screen")


async def test_b_hides_and_shows_the_tree_whatever_the_width() -> None:
    async with app_at(80, 24) as (app, pilot, main):
        tree, message_list = main.mailbox_tree, main.message_list
        width = message_list.region.width
        await pilot.press("B")
        await pilot.pause()
        assert not tree.display and message_list.region.width == 80
        assert list_columns(message_list).size > 0  # the room goes to the list: the size column too
        await pilot.press("B")
        await pilot.pause()
        assert tree.display and tree.region.width == 24 and message_list.region.width == width
        await pilot.resize_terminal(40, 12)  # shown by the key: it stays, narrow
        await pilot.pause()
        assert tree.display and tree.region.width == 16


async def test_at_40x12_b_shows_the_hidden_tree() -> None:
    async with app_at(40, 12) as (app, pilot, main):
        tree = main.mailbox_tree
        await pilot.press("B")
        await pilot.pause()
        assert tree.display and tree.region.width == 16
        await pilot.press("shift+tab")  # from the list back to the tree
        assert app.focused is tree
        await pilot.press("B")  # hiding the focused tree hands the focus on
        await pilot.pause()
        assert not tree.display and isinstance(app.focused, MessageList)


async def test_a_tree_hidden_by_a_resize_gives_the_focus_to_the_list_and_tab_skips_it() -> None:
    async with app_at(80, 24) as (app, pilot, main):
        tree = main.mailbox_tree
        tree.focus()
        await pilot.pause()
        assert app.focused is tree
        await pilot.resize_terminal(40, 12)
        await until(pilot, lambda: not tree.display, what="tree hidden")
        await until(pilot, lambda: isinstance(app.focused, MessageList), what="focus moved on")
        seen = set()
        for _ in range(4):
            await pilot.press("tab")
            seen.add(type(app.focused))
        assert seen == {MessageList, EnvelopeViewer}
        tree.focus()  # nothing can focus a hidden tree
        await pilot.pause()
        assert app.focused is not tree
        await pilot.resize_terminal(80, 24)  # wide again: the tree is back, Tab reaches it
        await until(pilot, lambda: tree.display, what="tree shown")
        for _ in range(3):
            await pilot.press("tab")
            seen.add(type(app.focused))
        assert MailboxTree in seen
