"""MessageList: the virtualised, line-API message list (issue 4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.strip import Strip

from tuimail.mail.mailbox_view import MailboxView
from tuimail.mail.summary import MessageSummary
from tuimail.mail.view_changes import Added, FlagsChanged, Loaded, Removed
from tuimail.ui.themes import load_themes
from tuimail.ui.widgets import MessageList
from tuimail.ui.widgets.row_format import (
    ATTACHMENT_GLYPH,
    FLAGGED_GLYPH,
    UNREAD_GLYPH,
    Columns,
    fit,
    format_date,
    format_size,
)

SIZE = (120, 40)
NOW = datetime(2026, 6, 15, 12, 0)


def summary(row: int, **changes: object) -> MessageSummary:
    """A plausible summary for ``row`` (row 0 newest)."""
    values: dict[str, object] = {
        "uid": 1_000_000 - row,
        "seqno": 1_000_000 - row,
        "flags": frozenset({"\\Seen"}),
        "date": datetime(2025, 1, 1, 8, 30),
        "from_": f"Sender {row}",
        "from_address": f"sender{row}@example.org",
        "to": "me",
        "subject": f"Subject number {row}",
        "size": 2048,
        "has_attachment": False,
    }
    values.update(changes)
    return MessageSummary(**values)  # type: ignore[arg-type]


class ListApp(App[None]):
    """A MessageList alone; records what it posts; optionally answers RowsWanted."""

    def __init__(self, answer: bool = False, make=summary, cache_size: int = 2048) -> None:
        super().__init__()
        self.answer = answer
        self.cache_size = cache_size
        self.make = make
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        message_list = MessageList(cache_size=self.cache_size)
        message_list.now = lambda: NOW
        yield message_list

    def on_mount(self) -> None:
        for theme in load_themes(include_user_dir=False):
            self.register_theme(theme)
        self.theme = "tuimail-dark"
        self.query_one(MessageList).focus()

    def on_message_list_rows_wanted(self, message: MessageList.RowsWanted) -> None:
        self.posted.append(message)
        if self.answer:
            widget = message.control
            rows = [widget.view.row_of_seqno(s) for s in message.seqnos]
            load(widget, {row: self.make(row) for row in rows})

    def on_message_list_highlighted(self, message: MessageList.Highlighted) -> None:
        self.posted.append(message)

    def on_message_list_opened(self, message: MessageList.Opened) -> None:
        self.posted.append(message)

    def of(self, kind: type[Message]) -> list:
        return [m for m in self.posted if isinstance(m, kind)]


@asynccontextmanager
async def running(
    count: int,
    rows: dict[int, MessageSummary] | None = None,
    *,
    app: ListApp | None = None,
    answer: bool = False,
    cursor: int | None = None,
    size: tuple[int, int] = SIZE,
) -> AsyncIterator[tuple[ListApp, Pilot[None], MessageList]]:
    """A ListApp whose list has ``count`` messages (``rows`` loaded, the cursor on ``cursor``), laid out."""
    app = app if app is not None else ListApp(answer=answer)
    async with app.run_test(size=size) as pilot:
        widget = app.query_one(MessageList)
        widget.show(MailboxView("INBOX", count, generation=1))
        if rows:
            load(widget, rows)
        if cursor is not None:
            widget.cursor_row = cursor
        await pilot.pause()
        yield app, pilot, widget


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press ``keys`` and let the list redraw (and the app answer RowsWanted)."""
    await pilot.press(*keys)
    await pilot.pause()


def load(widget: MessageList, rows: dict[int, MessageSummary]) -> None:
    """Summaries arrive for these rows (as the session's Loaded change)."""
    view = widget.view
    widget.apply_changes([Loaded(tuple((view.seqno_of_row(r), s) for r, s in sorted(rows.items())))])


def wanted(app: ListApp) -> list[tuple[int, int]]:
    """The rows asked for, as (start, stop) runs, in the order asked."""
    runs: list[tuple[int, int]] = []
    for message in app.of(MessageList.RowsWanted):
        widget = message.control
        rows = sorted(widget.view.row_of_seqno(s) for s in message.seqnos)
        start = prev = rows[0]
        for row in rows[1:]:
            if row != prev + 1:
                runs.append((start, prev + 1))
                start = row
            prev = row
        runs.append((start, prev + 1))
    return runs


def screen_lines(app: App[None]) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def in_view(widget: MessageList, row: int) -> bool:
    top = round(widget.scroll_y)
    return top <= row < top + widget._rows_in_view()


def line_of(widget: MessageList, row: int) -> Strip:
    """The strip the widget renders for ``row`` (which must be on screen, under the header)."""
    return widget.render_line(row - round(widget.scroll_y) + 1)


def rows_in_view(widget: MessageList) -> int:
    """Screen lines left for rows under the one-line header."""
    return widget.scrollable_content_region.height - 1


# ---------------------------------------------------------------- row formatting


def test_dates_today_show_time_this_year_month_day_older_full_date() -> None:
    assert format_date(datetime(2026, 6, 15, 9, 5), NOW) == "09:05"
    assert format_date(datetime(2026, 2, 3, 9, 5), NOW) == "Feb 03"
    assert format_date(datetime(2024, 12, 31, 23, 0), NOW) == "2024-12-31"
    assert format_date(None, NOW) == ""


def test_aware_dates_are_shown_in_the_clock_zone() -> None:
    now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    late_yesterday_elsewhere = datetime(2026, 6, 15, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    assert format_date(late_yesterday_elsewhere, now) == "Jun 14"


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0B"), (999, "999B"), (1000, "1.0K"), (1536, "1.5K"), (34 * 1024, "34K"),
     (int(1.5 * 1024**2), "1.5M"), (700 * 1024**2, "700M"), (3 * 1024**3, "3.0G")],
)
def test_sizes_are_shown_in_human_units(size: int, shown: str) -> None:
    assert format_size(size) == shown


def test_columns_drop_size_then_date_as_the_widget_narrows() -> None:
    wide, middle, narrow = Columns.for_width(120), Columns.for_width(50), Columns.for_width(30)
    assert wide.size and wide.date and wide.from_ and wide.subject
    assert not middle.size and middle.date
    assert not narrow.size and not narrow.date and narrow.subject
    for columns in (wide, middle):
        others = (columns.date, columns.from_, columns.subject, columns.size)
        assert columns.flags + sum(1 + w for w in others if w) == columns.width


def test_fit_cuts_with_an_ellipsis_by_cells_not_characters() -> None:
    assert fit("日本語のメール", 6) == "日本 …"  # 4 cells + pad + ellipsis = 6
    assert fit("日本語のメール", 7) == "日本語…"
    assert fit("abc", 5) == "abc  "


# ---------------------------------------------------------------- lazy loading


async def test_rows_wanted_asks_for_visible_rows_plus_a_page() -> None:
    async with running(10_000) as (app, pilot, widget):
        height = rows_in_view(widget)
        assert wanted(app) == [(0, 2 * height)]


async def test_rows_wanted_name_the_view_and_still_stop_like_any_message() -> None:
    async with running(100) as (app, pilot, widget):
        message = app.of(MessageList.RowsWanted)[0]
        assert (message.generation, message.removals) == (1, 0)
        assert message.seqnos[0] == 100  # the newest first
        message.stop()  # Textual's Message.stop, not shadowed
        assert message._stop_propagation


async def test_rows_wanted_asks_only_for_rows_without_data() -> None:
    loaded = {r: summary(r) for r in [*range(0, 10), *range(20, 25)]}
    async with running(10_000, loaded) as (app, pilot, widget):
        assert wanted(app) == [(10, 20), (25, 2 * rows_in_view(widget))]


async def test_rows_already_requested_are_not_asked_again() -> None:
    async with running(10_000) as (app, pilot, widget):
        height = rows_in_view(widget)
        first = wanted(app)
        widget.scroll_to(y=height, animate=False)  # one page down: rows 40..80 asked already
        await pilot.pause()
        assert wanted(app) == first + [(2 * height, 3 * height)]
        widget.scroll_to(y=0, animate=False)  # back up: nothing new
        await pilot.pause()
        assert wanted(app) == first + [(2 * height, 3 * height)]


async def test_a_removed_row_has_the_rows_in_view_asked_again_where_missing() -> None:
    async with running(1000) as (app, pilot, widget):
        height = rows_in_view(widget)
        load(widget, {r: summary(r) for r in range(0, 2 * height)})
        asked = len(app.of(MessageList.RowsWanted))
        widget.apply_changes([Removed(1000)])  # the newest goes: every row moves up one
        await pilot.pause()
        assert wanted(app)[asked:] == [(2 * height - 1, 2 * height)]


async def test_failed_rows_say_why_and_are_not_asked_again_in_a_loop() -> None:
    async with running(1000) as (app, pilot, widget):
        height = rows_in_view(widget)
        assert wanted(app) == [(0, 2 * height)]
        widget.rows_failed([1000 - 5], "the server sent no data for it")
        await pilot.pause()
        assert "could not load: the server sent no data for it" in line_of(widget, 5).text
        widget.refresh()
        await pilot.pause()
        assert wanted(app) == [(0, 2 * height)]


async def test_rows_without_data_show_a_loading_placeholder() -> None:
    async with running(100, {0: summary(0)}) as (app, pilot, widget):
        assert "Subject number 0" in line_of(widget, 0).text
        assert "loading" in line_of(widget, 1).text


async def test_set_rows_redraws_a_loaded_line() -> None:
    async with running(100) as (app, pilot, widget):
        assert "loading" in screen_lines(app)[1 + 3]  # under the header
        load(widget, {3: summary(3, subject="Arrived late")})
        await pilot.pause()
        assert "Arrived late" in screen_lines(app)[1 + 3]


async def test_showing_another_view_puts_the_cursor_on_its_newest_row() -> None:
    async with running(1000, answer=True) as (app, pilot, widget):
        widget.cursor_row = 900
        widget.show(MailboxView("Other", 50, generation=2))
        assert widget.cursor_row == 0 and widget.count == 50
        widget.show(MailboxView("Empty", 0, generation=3))
        assert widget.cursor_row == 0
        await pilot.pause()
        assert "No messages" in line_of(widget, 0).text


# ---------------------------------------------------------------- keys


async def test_j_and_k_move_the_cursor_and_post_highlighted() -> None:
    async with running(1000, answer=True) as (app, pilot, widget):
        await press(pilot, "j", "j", "down", "k")
        assert widget.cursor_row == 2
        rows = [m.row for m in app.of(MessageList.Highlighted)]
        assert rows == [0, 1, 2, 3, 2]  # 0: the cursor row's data arrived
        last = app.of(MessageList.Highlighted)[-1]
        assert last.summary is not None and last.summary.subject == "Subject number 2"
        await pilot.press("up", "up", "up")
        assert widget.cursor_row == 0


async def test_highlighted_is_posted_when_the_cursor_rows_data_arrives() -> None:
    async with running(100) as (app, pilot, widget):
        before = len(app.of(MessageList.Highlighted))
        load(widget, {1: summary(1)})
        await pilot.pause()
        assert len(app.of(MessageList.Highlighted)) == before
        load(widget, {0: summary(0)})
        await pilot.pause()
        highlighted = app.of(MessageList.Highlighted)[before:]
        assert [(m.row, m.summary.uid) for m in highlighted] == [(0, summary(0).uid)]


async def test_g_and_G_and_home_and_end_jump_to_the_ends() -> None:
    async with running(5000, answer=True) as (app, pilot, widget):
        await pilot.press("G")
        assert widget.cursor_row == 4999
        await pilot.press("g")
        assert widget.cursor_row == 0
        await pilot.press("end")
        assert widget.cursor_row == 4999
        await pilot.press("home")
        assert widget.cursor_row == 0
        assert widget.scroll_y == 0


async def test_page_down_and_page_up_move_by_a_screen() -> None:
    async with running(5000, answer=True) as (app, pilot, widget):
        page = rows_in_view(widget) - 1
        await press(pilot, "pagedown")
        assert widget.cursor_row == page
        assert widget.scroll_y <= widget.cursor_row < widget.scroll_y + rows_in_view(widget)
        await press(pilot, "pagedown", "pageup")
        assert widget.cursor_row == page


async def test_enter_posts_opened_with_the_summary() -> None:
    async with running(100, answer=True) as (app, pilot, widget):
        await press(pilot, "j", "enter")
        opened = app.of(MessageList.Opened)
        assert [(m.row, m.summary.uid) for m in opened] == [(1, summary(1).uid)]


async def test_enter_on_a_row_not_loaded_opens_nothing() -> None:
    async with running(100) as (app, pilot, widget):
        await press(pilot, "enter")
        assert app.of(MessageList.Opened) == []


async def test_bindings_have_ids_for_the_keymap() -> None:
    ids = {binding.id for binding in MessageList.BINDINGS if not isinstance(binding, tuple)}
    assert {"message_list.cursor_down", "message_list.cursor_up", "message_list.cursor_first",
            "message_list.cursor_last", "message_list.page_up", "message_list.page_down",
            "message_list.open"} <= ids


async def test_keymap_can_remap_a_binding_by_id() -> None:
    async with running(100, answer=True) as (app, pilot, widget):
        app.set_keymap({"message_list.cursor_down": "n"})
        await pilot.press("n", "n")
        assert widget.cursor_row == 2


async def test_clicking_a_row_moves_the_cursor_there() -> None:
    async with running(100, answer=True) as (app, pilot, widget):
        await pilot.click(MessageList, offset=(30, 1 + 5))  # under the header
        assert widget.cursor_row == 5
        await pilot.click(MessageList, offset=(30, 0))  # the header: no row
        assert widget.cursor_row == 5


# ---------------------------------------------------------------- rendering


async def test_markup_and_control_characters_in_mail_are_shown_literally() -> None:
    hostile = summary(
        0,
        subject="[bold red]urgent[/] \x1b[31mred\x1b[0m \u202eevil",
        from_="[link=http://x]Bank[/link]\x07",
    )
    async with running(10, {0: hostile}) as (app, pilot, widget):
        text = line_of(widget, 0).text
        assert "[bold red]urgent[/]" in text
        assert "\u241b[31mred\u241b[0m" in text
        assert "<U+202E>evil" in text
        assert "[link=http://x]Bank[/link]\u2407" in text
        screen = "\n".join(screen_lines(app))
        assert not any(ord(c) < 0x20 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in screen)
        assert "\u202e" not in screen
        styles = {segment.style for segment in line_of(widget, 0)}
        assert not any(style and style.link for style in styles)


async def test_a_column_header_stays_on_the_first_line() -> None:
    async with running(5000, answer=True) as (app, pilot, widget):
        header = screen_lines(app)[0]
        assert header.split() == ["Date", "From", "Subject", "Size"]
        first = screen_lines(app)[1]
        assert first.index("Sender 0") == header.index("From")
        assert first.index("Subject number 0") == header.index("Subject")
        await press(pilot, "G")
        assert screen_lines(app)[0] == header


async def test_the_header_can_be_turned_off() -> None:
    class NoHeader(ListApp):
        def compose(self) -> ComposeResult:
            yield MessageList(show_header=False)

    async with running(5000, app=NoHeader(answer=True)) as (app, pilot, widget):
        assert "Subject number 0" in screen_lines(app)[0]
        await press(pilot, "G")
        assert widget.scroll_y == 5000 - widget.size.height
        assert "Subject number 4999" in screen_lines(app)[widget.size.height - 1]


async def test_row_shows_flags_date_from_subject_and_size() -> None:
    row = summary(0, flags=frozenset({"\\Seen", "\\Flagged", "\\Answered"}), has_attachment=True,
                  date=datetime(2026, 6, 15, 7, 45), size=3 * 1024 * 1024)
    async with running(10, {0: row}) as (app, pilot, widget):
        text = line_of(widget, 0).text
        assert text.startswith(f"  {FLAGGED_GLYPH}↩{ATTACHMENT_GLYPH} ")
        assert "07:45" in text and "Sender 0" in text and "Subject number 0" in text
        assert text.rstrip().endswith("3.0M")
        assert line_of(widget, 0).cell_length == widget.scrollable_content_region.width


async def test_unread_rows_are_bold_and_read_rows_are_not() -> None:
    rows = {0: summary(0, flags=frozenset()), 1: summary(1)}
    async with running(10, rows, cursor=5) as (app, pilot, widget):

        def subject_segment(row: int) -> Segment:
            return next(s for s in line_of(widget, row) if "Subject number" in s.text)

        assert subject_segment(0).style.bold
        assert not subject_segment(1).style.bold
        assert UNREAD_GLYPH in line_of(widget, 0).text
        assert UNREAD_GLYPH not in line_of(widget, 1).text


async def test_flagged_star_uses_the_themes_flagged_colour() -> None:
    rows = {0: summary(0, flags=frozenset({"\\Seen", "\\Flagged"}))}
    async with running(10, rows, cursor=5) as (app, pilot, widget):
        star = next(s for s in line_of(widget, 0) if s.text == FLAGGED_GLYPH)
        assert star.style.color.triplet.hex == "#ffb454"  # tuimail-dark's message-flagged
        app.theme = "tuimail-light"
        await pilot.pause()
        star = next(s for s in line_of(widget, 0) if s.text == FLAGGED_GLYPH)
        assert star.style.color.triplet.hex == "#bc4c00"


async def test_the_cursor_row_is_highlighted() -> None:
    async with running(10, answer=True) as (app, pilot, widget):
        await press(pilot, "j")
        backgrounds = [list(line_of(widget, row))[-1].style.bgcolor for row in range(3)]
        assert backgrounds[1] != backgrounds[0] == backgrounds[2]


async def test_narrow_list_drops_the_size_column() -> None:
    async with running(10, {0: summary(0, size=5 * 1024 * 1024)}, size=(50, 20)) as (app, pilot, widget):
        text = line_of(widget, 0).text
        assert "5.0M" not in text and "Sender 0" in text
        assert line_of(widget, 0).cell_length == widget.scrollable_content_region.width


# ---------------------------------------------------------------- scale


async def test_100000_rows_G_scrolls_to_the_end_and_renders_the_last_rows() -> None:
    async with running(100_000, answer=True) as (app, pilot, widget):
        await press(pilot, "G")
        await pilot.pause()
        assert widget.cursor_row == 99_999
        assert widget.scroll_y == 100_000 - rows_in_view(widget)
        lines = screen_lines(app)
        assert "Subject number 99999" in lines[widget.size.height - 1]
        assert "Subject number 99998" in lines[widget.size.height - 2]
        # Only the rows around the view were ever asked for, not the 100,000.
        assert sum(stop - start for start, stop in wanted(app)) <= 4 * rows_in_view(widget)


async def test_rendering_does_not_grow_with_the_mailbox() -> None:
    """The line cache stays bounded however far the user scrolls."""
    async with running(100_000, app=ListApp(answer=True, cache_size=200)) as (app, pilot, widget):
        for _ in range(10):  # 400 rows drawn, twice the cache
            await press(pilot, "pagedown")
        assert widget.cursor_row == 10 * (rows_in_view(widget) - 1)
        assert len(widget._cache) == 200
        assert widget.view.loaded_count() < 1000


@pytest.mark.parametrize("theme", ["tuimail-dark", "tuimail-light", "tuimail-solarized", "textual-light"])
async def test_muted_columns_stay_readable_in_every_theme(theme: str) -> None:
    """``$text-muted`` is an ``auto`` colour: it must be resolved against the list's
    background, not left as the default white (invisible on a light theme)."""
    async with running(10, {0: summary(0, date=datetime(2024, 3, 4))}, cursor=5) as (app, pilot, widget):
        app.theme = theme
        await pilot.pause()
        date = next(s for s in line_of(widget, 0) if "2024-03-04" in s.text)
        assert date.style is not None and date.style.color is not None and date.style.bgcolor is not None
        fg, bg = date.style.color.get_truecolor(), date.style.bgcolor.get_truecolor()
        assert sum(abs(a - b) for a, b in zip(fg, bg, strict=True)) > 150


async def test_double_clicking_a_row_opens_it() -> None:
    async with running(100, answer=True) as (app, pilot, widget):
        await pilot.double_click(MessageList, offset=(30, 1 + 4))
        await pilot.pause()
        assert [m.row for m in app.of(MessageList.Opened)] == [4]


@pytest.mark.parametrize("width", [8, 20, 33, 61, 200])
async def test_rows_fill_the_width_exactly_at_any_width(width: int) -> None:
    rows = {0: summary(0, has_attachment=True, subject="日本語の件名 " * 20), 1: summary(1)}
    async with running(3, rows, size=(width, 10)) as (app, pilot, widget):
        for row in range(3):
            assert line_of(widget, row).cell_length == widget.scrollable_content_region.width


# ---------------------------------------------------------------- changes in place


async def test_new_mail_comes_in_at_the_top_and_the_cursor_stays_on_its_message() -> None:
    async with running(100, {r: summary(r) for r in range(100)}, cursor=3) as (app, pilot, widget):
        on = widget.summary_at(3)
        widget.apply_changes([Added(2)])
        assert widget.cursor_row == 5 and widget.summary_at(5) == on
        await pilot.pause()
        lines = screen_lines(app)
        assert "loading" in lines[1] and "loading" in lines[2]  # the two new ones, not fetched yet
        assert "Subject number 0" in lines[3] and "loading" not in "".join(lines[3:20])


async def test_an_expunge_above_the_cursor_keeps_it_on_its_message_and_one_below_does_not_move_it() -> None:
    async with running(100, {r: summary(r) for r in range(100)}, cursor=10) as (app, pilot, widget):
        on = widget.summary_at(10)
        widget.apply_changes([Removed(widget.view.seqno_of_row(4))])
        assert widget.cursor_row == 9 and widget.summary_at(9) == on
        widget.apply_changes([Removed(widget.view.seqno_of_row(50))])
        assert widget.cursor_row == 9 and widget.summary_at(9) == on
        await pilot.pause()
        assert "loading" not in "".join(screen_lines(app))
        assert "Subject number 4" not in "".join(screen_lines(app))


async def test_when_the_cursors_message_goes_the_cursor_lands_on_the_next_older_one() -> None:
    async with running(100, {r: summary(r) for r in range(100)}, cursor=10) as (app, pilot, widget):
        following = widget.summary_at(11)
        widget.apply_changes([Removed(widget.view.seqno_of_row(10))])
        assert widget.cursor_row == 10 and widget.summary_at(10) == following
        await pilot.pause()
        highlighted = app.of(MessageList.Highlighted)[-1]
        assert highlighted.summary == following


async def test_a_flag_change_redraws_that_row_only() -> None:
    async with running(100, {r: summary(r) for r in range(100)}) as (app, pilot, widget):
        target = widget.summary_at(2)
        flagged = frozenset({"\\Flagged"})
        widget.apply_changes([FlagsChanged(widget.view.seqno_of_row(2), target.uid, flagged)])
        await pilot.pause()
        assert FLAGGED_GLYPH in screen_lines(app)[1 + 2] and UNREAD_GLYPH in screen_lines(app)[1 + 2]
        assert widget.summary_at(2).flagged and widget.summary_at(2).subject == target.subject


async def test_a_cursor_moved_before_the_list_has_its_size_is_shown_once_it_has() -> None:
    """A key typed during the first paint may reach the list before its first layout (a warm
    start on a slow link): the row the cursor went to is scrolled into view once the list is sized."""
    async with running(200, {r: summary(r) for r in range(200)}) as (app, pilot, widget):
        height = widget.styles.height
        widget.styles.height = 0
        await pilot.pause()
        assert widget.scrollable_content_region.height == 0
        await press(pilot, "G")
        widget.styles.height = height
        await pilot.pause()
        assert widget.cursor_row == 199 and in_view(widget, 199), (widget.scroll_y, widget.cursor_row)
        assert any("Subject number 199" in line for line in screen_lines(app))


async def test_a_key_right_after_a_mailbox_is_shown_moves_the_rows_in_view_with_the_cursor() -> None:
    """Keys typed during the first paint are handled as soon as the mailbox is shown, before the
    layout that gives the list its scrollbar: G still shows the last row."""
    async with running(0) as (app, pilot, widget):
        widget.show(MailboxView("INBOX", 120, generation=2))
        load(widget, {r: summary(r) for r in range(120)})
        widget.action_cursor_last()  # no pause: as the held keys are handled
        await pilot.pause()
        assert widget.cursor_row == 119 and in_view(widget, 119), (widget.scroll_y, widget.cursor_row)
        assert any("Subject number 119" in line for line in screen_lines(app))


async def test_a_cursor_in_view_stays_in_view_when_its_message_moves_far() -> None:
    """A warm start shows the cached rows (newest and oldest) before the UID order is known: G
    goes to the oldest, and when the whole mailbox's rows come its row is far below; it stays
    in view (as in mutt and aerc), as it does when much new mail comes in above it."""
    async with running(10, {r: summary(r) for r in range(10)}, cursor=9) as (app, pilot, widget):
        on = widget.summary_at(9)
        widget.apply_changes([Added(1000)])
        await pilot.pause()
        assert widget.cursor_row == 1009 and widget.summary_at(1009) == on
        assert in_view(widget, 1009), widget.scroll_y
        assert any("Subject number 9" in line for line in screen_lines(app))
