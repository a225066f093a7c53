"""The cold paint (tuimail/ui/cold_paint.py): where the app's default layout puts the message
list's rows, measured on the real app; and the rows drawn from what the session says, once every
row the list opens on is known, once only, and never after the app's driver has started."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.session.pilot_support import until, until_loaded
from tests.session.support import account_for, pymap_thread, seeded
from tests.ui.support import make_app
from tuimail.mail.mailbox_view import MailboxView
from tuimail.mail.summary import MessageSummary
from tuimail.mail.view_changes import Loaded
from tuimail.session import messages as m
from tuimail.session.head_start import HeadStart
from tuimail.ui import first_paint as fp
from tuimail.ui.cold_paint import ColdPaint, list_region, plain_styles
from tuimail.ui.start_screen import screen_cells
from tuimail.ui.widgets.row_format import Columns, header_text, row_spans

IDENTITY = fp.StartIdentity("0.1.0", "xterm-256color:", "", "", "test", False, "INBOX")
NOW = datetime(2024, 3, 5, 12, 0)
SIZE = (100, 30)


async def test_the_rows_are_where_the_app_draws_its_list_at_every_size() -> None:
    """Every width class (the mailbox tree 30, 24, 16 cells wide, or hidden) and both height
    classes, at the edges of each."""
    widths = (40, 49, 50, 69, 70, 99, 100, 120, 181)
    heights = (12, 15, 22, 23, 24, 30, 40, 41, 47, 60)
    sizes = [(w, 40) for w in widths] + [(120, h) for h in heights] + [(60, 14), (80, 24), (200, 61)]
    with pymap_thread(seeded(200)) as server:
        app = make_app(server.port)
        async with app.run_test(size=(120, 40)) as pilot:
            main = await until_loaded(pilot, app)
            for width, height in sizes:
                await pilot.resize_terminal(width, height)
                await until(pilot, lambda w=width, h=height: app.screen.outer_size == (w, h), what="resized")
                await pilot.pause()
                await pilot.pause()
                message_list = main.message_list
                region = message_list.scrollable_content_region
                header = message_list._header
                drawn = fp.RowRegion(region.x, region.y + header, region.width, region.height - header)
                assert list_region(width, height) == drawn, (width, height, sorted(main.classes))
                assert drawn.width == message_list._columns.width


def summary(uid: int, *, unread: bool = False) -> MessageSummary:
    return MessageSummary(
        uid=uid,
        seqno=uid,
        flags=frozenset() if unread else frozenset({"\\Seen"}),
        date=datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
        from_="Alice",
        from_address="alice@example.com",
        to="Tester",
        subject=f"Subject {uid} \x1b[2J",
        size=2048,
        has_attachment=uid % 2 == 0,
    )


@pytest.fixture
def run(tmp_path: Path) -> Iterator[fp.StartScreenRun]:
    yield fp.StartScreenRun(fp.TemplateTarget(tmp_path / fp.TEMPLATE_NAME, IDENTITY))


def painter(run: fp.StartScreenRun) -> tuple[ColdPaint, io.StringIO]:
    region = list_region(*SIZE)
    assert region is not None
    out = io.StringIO()
    out.isatty = lambda: True  # type: ignore[method-assign]
    stdin = open(os.devnull)  # noqa: SIM115 - a file that is no terminal: its mode is left alone
    return ColdPaint(run, SIZE, region, now=lambda: NOW, stdin=stdin, out=out), out


def text(cells: list[tuple[str, str]]) -> str:
    return "".join(char for char, _ in cells)


def opened(exists: int, *, name: str = "INBOX", generation: int = 1) -> MailboxView:
    return MailboxView(name, exists, generation=generation, uidvalidity=7, read_only=False)


def loaded(view: MailboxView, uids: range) -> m.ViewChanged:
    rows = tuple((uid, summary(uid, unread=uid % 3 == 0)) for uid in uids)
    return m.ViewChanged(view.generation, (Loaded(rows),))


def test_the_rows_are_drawn_once_every_row_the_list_opens_on_is_known(run: fp.StartScreenRun) -> None:
    cold, out = painter(run)
    view = opened(40)
    cold.see(m.MailboxOpened(view.replica()))
    cold.see(m.MailboxCounts("INBOX", 3, 40))
    region = list_region(*SIZE)
    assert region is not None and region.height == 10
    cold.see(loaded(view, range(40, 35, -1)))  # five of the ten rows shown
    assert out.getvalue() == "" and run.paint is None
    cold.see(loaded(view, range(35, 30, -1)))
    assert cold.painted.is_set() and run.paint is not None
    cells = screen_cells(out.getvalue(), *SIZE)
    columns = Columns.for_width(region.width)
    rows = [text(cells[region.y + i][region.x : region.x + region.width]) for i in range(region.height)]
    expected = [
        "".join(part for part, _ in row_spans(summary(uid, unread=uid % 3 == 0), columns, NOW))
        for uid in range(40, 30, -1)
    ]
    assert rows == expected
    assert "Subject 40 \u241b[2J" in rows[0]  # sanitised as the list does
    assert text(cells[region.y - 1][region.x : region.x + region.width]) == header_text(columns)
    assert all(cell == (" ", "") for line in cells[region.y + region.height :] for cell in line)
    cursor = {sgr for _, sgr in cells[region.y][region.x : region.x + region.width]}
    assert all("7" in sgr.split(";") for sgr in cursor)  # the cursor's row reversed
    assert {"1"} <= {sgr for _, sgr in cells[region.y + 1][region.x : region.x + region.width]}  # 39: unread
    written = out.getvalue()
    assert written.startswith("\x1b[?1049h\x1b[?25l")  # the alternate screen, the cursor hidden
    cold.see(loaded(view, range(30, 20, -1)))
    assert out.getvalue() == written  # once only


def test_a_mailbox_with_fewer_messages_than_rows_is_drawn_whole(run: fp.StartScreenRun) -> None:
    cold, out = painter(run)
    view = opened(3)
    cold.see(m.MailboxOpened(view.replica()))
    cold.see(loaded(view, range(3, 0, -1)))
    assert run.paint is not None
    region = list_region(*SIZE)
    assert region is not None
    cells = screen_cells(out.getvalue(), *SIZE)
    assert "Subject 1 " in text(cells[region.y + 2])
    assert text(cells[region.y + 3]).strip() == ""


def test_cached_rows_posted_with_the_opening_are_drawn_at_once(run: fp.StartScreenRun) -> None:
    cold, out = painter(run)
    view = opened(12)
    view.apply(Loaded(tuple((uid, summary(uid)) for uid in range(12, 0, -1))))
    cold.see(m.MailboxOpened(view.replica()))
    assert run.paint is not None and "Subject 12 " in out.getvalue()


def test_nothing_is_drawn_once_the_app_has_started(run: fp.StartScreenRun) -> None:
    cold, out = painter(run)
    view = opened(10)
    cold.see(m.MailboxOpened(view.replica()))
    assert not run.app_starts()  # the driver starts: nothing painted
    cold.see(loaded(view, range(10, 0, -1)))
    assert out.getvalue() == "" and run.paint is None and not cold.painted.is_set()


def test_another_mailbox_or_an_older_view_is_not_drawn(run: fp.StartScreenRun) -> None:
    cold, out = painter(run)
    other = opened(10, name="Archive")
    cold.see(m.MailboxOpened(other.replica()))
    cold.see(loaded(other, range(10, 0, -1)))
    assert out.getvalue() == ""
    view = opened(10, generation=2)
    cold.see(m.MailboxOpened(view.replica()))
    cold.see(loaded(replace_generation(view, 1), range(10, 0, -1)))  # an older view's rows
    assert out.getvalue() == ""
    cold.see(loaded(view, range(10, 0, -1)))
    assert run.paint is not None


def replace_generation(view: MailboxView, generation: int) -> MailboxView:
    return MailboxView(view.name, view.exists, generation=generation, uidvalidity=7, read_only=False)


def test_the_plain_styles_cover_every_row_style_in_the_terminals_own_colours() -> None:
    styles = plain_styles()
    assert set(styles) == {"+".join(key) for key in fp.style_keys()}
    assert styles["base"] == "" and styles["cursor"] == "7" and styles["base+unread"] == "1"
    assert all(not any(part in sgr.split(";") for part in ("38", "48")) for sgr in styles.values())


def test_a_start_that_was_painted_or_has_no_room_gets_no_cold_paint(
    run: fp.StartScreenRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback: os.terminal_size((80, 24)))
    assert ColdPaint.begin(run) is not None
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback: os.terminal_size((0, 0)))
    assert ColdPaint.begin(run) is None
    painted = replace(run, paint=fp.FirstPaint(-1, io.StringIO(), None))
    assert ColdPaint.begin(painted) is None


async def test_the_head_starts_first_page_is_drawn_before_any_session_exists(run: fp.StartScreenRun) -> None:
    """Nothing cached: the head start opens INBOX and fetches its newest page; the rows are
    drawn from that page on the session's thread, with no session started."""
    cold, out = painter(run)
    with pymap_thread(seeded(80)) as server:
        head = HeadStart.begin(account_for(server.port), select="INBOX", on_page=cold.see_page)
        assert head is not None
        try:
            painted = await asyncio.to_thread(cold.painted.wait, 20)
            assert painted and run.paint is not None
        finally:
            await asyncio.to_thread(head.close)
    region = list_region(*SIZE)
    assert region is not None
    cells = screen_cells(out.getvalue(), *SIZE)
    rows = [text(cells[region.y + i][region.x : region.x + region.width]) for i in range(region.height)]
    assert ["Message number 80" in rows[0], "Message number 71" in rows[9]] == [True, True], rows


def test_a_page_without_every_row_shown_is_not_drawn(run: fp.StartScreenRun) -> None:
    cold, out = painter(run)
    cold.see_page(40, [])  # (a FETCH that answered nothing)
    assert out.getvalue() == "" and run.paint is None
    view = opened(40)  # the session's rows still come
    cold.see(m.MailboxOpened(view.replica()))
    cold.see(loaded(view, range(40, 20, -1)))
    assert run.paint is not None


def test_a_mailbox_listed_otherwise_than_newest_first_gets_no_cold_paint(
    run: fp.StartScreenRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remembered sort or threads: the app's first rows are not the newest, so none are drawn."""
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback: os.terminal_size((80, 24)))
    assert ColdPaint.begin(replace(run, listed_otherwise=True)) is None
