"""EnvelopeViewer: headers, body, attachments, raw source, saving (issue 4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tests.ui.support import screen_text
from tuimail.imap.parser import parse_response
from tuimail.imap.types import FetchData, UntaggedResponse
from tuimail.mail.headers import message_date
from tuimail.mail.mailbox_view import MailboxView
from tuimail.mail.render import AttachmentInfo, RenderedMessage, render_message
from tuimail.mail.summary import MessageSummary
from tuimail.mail.view_changes import Loaded
from tuimail.ui.widgets import EnvelopeViewer, MessageList
from tuimail.ui.widgets.row_format import format_date

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

SIZE = (120, 40)

MESSAGE = RenderedMessage(
    from_="Alice Example <alice@example.org>",
    to="Bob <bob@example.org>",
    cc="Carol <carol@example.org>",
    date="Mon, 01 Jun 2026 09:30:00 +0200",
    subject="Quarterly report",
    body="\n".join(f"Body line {i}" for i in range(200)),
    attachments=[
        AttachmentInfo(index=1, filename="report.pdf", content_type="application/pdf", size=123_456),
        AttachmentInfo(index=2, filename="chart.png", content_type="image/png", size=2048),
    ],
)

RAW = (
    b"From: Alice <alice@example.org>\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nhello \x1b[2J world\r\n"
)


class ViewerApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.saves: list[int] = []
        self.links: list[tuple[int, str]] = []
        self.raw_wanted = 0

    def compose(self) -> ComposeResult:
        yield EnvelopeViewer()

    def on_mount(self) -> None:
        self.query_one(EnvelopeViewer).focus()

    def on_envelope_viewer_save_attachment(self, message: EnvelopeViewer.SaveAttachment) -> None:
        self.saves.append(message.index)

    def on_envelope_viewer_open_link(self, message: EnvelopeViewer.OpenLink) -> None:
        self.links.append((message.number, message.url))

    def on_envelope_viewer_raw_wanted(self, message: EnvelopeViewer.RawWanted) -> None:
        self.raw_wanted += 1



@asynccontextmanager
async def showing(
    message: RenderedMessage | None, raw: bytes | None = None
) -> AsyncIterator[tuple[ViewerApp, Pilot[None], EnvelopeViewer]]:
    """A focused viewer showing ``message`` (``raw`` alone: the source), laid out."""
    app = ViewerApp()
    async with app.run_test(size=SIZE) as pilot:
        viewer = app.query_one(EnvelopeViewer)
        if message is not None:
            viewer.show_message(message, raw)
        elif raw is not None:
            viewer.show_raw(raw)
        await pilot.pause()
        yield app, pilot, viewer


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press ``keys`` and let the viewer redraw."""
    await pilot.press(*keys)
    await pilot.pause()


async def test_headers_body_and_attachments_are_shown() -> None:
    async with showing(MESSAGE) as (app, pilot, viewer):
        text = screen_text(app)
        expected = [
            ("From:", "Alice Example <alice@example.org>"),
            ("To:", "Bob <bob@example.org>"),
            ("Cc:", "Carol <carol@example.org>"),
            ("Date:", "Mon, 01 Jun 2026 09:30:00 +0200"),
            ("Subject:", "Quarterly report"),
        ]
        for label, value in expected:
            line = next(line for line in text.splitlines() if label in line)
            assert value in line
        assert "Body line 0" in text


async def test_attachments_are_listed_with_index_name_type_and_size() -> None:
    async with showing(MESSAGE) as (app, pilot, viewer):
        await press(pilot, "G")
        lines = screen_text(app).splitlines()
        pdf = next(line for line in lines if "report.pdf" in line)
        assert "[1]" in pdf and "application/pdf" in pdf and "121K" in pdf
        png = next(line for line in lines if "chart.png" in line)
        assert "[2]" in png and "image/png" in png and "2.0K" in png


async def test_j_k_space_and_page_keys_scroll_the_message() -> None:
    async with showing(MESSAGE) as (app, pilot, viewer):
        await press(pilot, "j", "j")
        assert viewer.scroll_y == 2
        await press(pilot, "k")
        assert viewer.scroll_y == 1
        await press(pilot, "space")
        after_space = viewer.scroll_y
        assert after_space > 20
        await press(pilot, "pagedown")
        assert viewer.scroll_y > after_space
        await press(pilot, "pageup", "pageup")
        assert viewer.scroll_y == 1
        await press(pilot, "G")
        assert viewer.scroll_y == viewer.max_scroll_y
        await press(pilot, "g")
        assert viewer.scroll_y == 0


async def test_a_new_message_starts_at_the_top() -> None:
    async with showing(MESSAGE) as (app, pilot, viewer):
        await press(pilot, "G")
        viewer.show_message(MESSAGE)
        await pilot.pause()
        assert viewer.scroll_y == 0


async def test_s_then_a_number_asks_to_save_that_attachment() -> None:
    async with showing(MESSAGE) as (app, pilot, viewer):
        await press(pilot, "s", "2")
        assert app.saves == [2]
        await press(pilot, "s", "escape", "1")
        assert app.saves == [2]
        await press(pilot, "s", "1")
        assert app.saves == [2, 1]


async def test_save_waits_for_enter_when_a_longer_number_could_follow() -> None:
    many = RenderedMessage(
        from_="a", to="b", cc="", date="", subject="many", body="x",
        attachments=[AttachmentInfo(index=i, filename=f"f{i}.txt", content_type="text/plain", size=i)
                     for i in range(1, 13)],
    )
    async with showing(many) as (app, pilot, viewer):
        await press(pilot, "s", "1")
        assert app.saves == []  # 1, or 10, 11, 12?
        await press(pilot, "1")
        assert app.saves == [11]
        await press(pilot, "s", "1", "enter")
        assert app.saves == [11, 1]
        await press(pilot, "s", "9")
        assert app.saves == [11, 1, 9]


async def test_save_with_no_attachments_does_nothing() -> None:
    plain = RenderedMessage(from_="a", to="b", cc="", date="", subject="s", body="x")
    async with showing(plain) as (app, pilot, _viewer):
        await press(pilot, "s", "1")
        assert app.saves == []


async def test_raw_source_is_shown_sanitised_and_r_toggles_it() -> None:
    async with showing(render_message(RAW), RAW) as (app, pilot, viewer):
        assert "café" in screen_text(app)
        await press(pilot, "H")
        assert viewer.showing_raw
        text = screen_text(app)
        assert "Subject: =?utf-8?q?caf=C3=A9?=" in text
        assert "hello \u241b[2J world" in text
        assert "\x1b" not in text
        await press(pilot, "H")
        assert not viewer.showing_raw
        assert "Subject: =?utf-8?q?" not in screen_text(app)


async def test_show_raw_without_a_message_shows_the_source() -> None:
    async with showing(None, RAW) as (app, pilot, _viewer):
        assert "Content-Type: text/plain" in screen_text(app)


async def test_h_without_the_raw_source_asks_for_it_and_shows_its_start_and_what_is_left() -> None:
    async with showing(MESSAGE) as (app, pilot, viewer):
        await press(pilot, "H")
        assert app.raw_wanted == 1 and viewer.showing_raw and viewer.rendered is MESSAGE
        assert "Fetching the raw source" in screen_text(app)
        viewer.show_raw(RAW, 5_000_000)  # what the session sends: the first bytes, and the size
        await pilot.pause()
        text = screen_text(app)
        assert "From: Alice <alice@example.org>" in text
        left = 5_000_000 - len(RAW)
        assert f"[… {left:,} more bytes not shown (the first {len(RAW)} of 5,000,000)]" in text
        await press(pilot, "H", "H")  # back to the message, and the source again: not fetched twice
        assert app.raw_wanted == 1 and viewer.showing_raw


async def test_h_with_no_message_changes_nothing() -> None:
    async with showing(None) as (app, pilot, viewer):
        await press(pilot, "H")
        assert not viewer.showing_raw and app.raw_wanted == 0


async def test_markup_and_controls_in_the_message_are_shown_literally() -> None:
    hostile = RenderedMessage(
        from_="[b]Boss[/b]", to="me", cc="", date="today",
        subject="[red]Pay now[/red] \x1b]0;title\x07", body="[link=http://evil]click[/link]\n\x1b[31mred",
        attachments=[AttachmentInfo(index=1, filename="[i]x[/i].exe\u202egpj", content_type="app/x", size=1)],
    )
    async with showing(hostile) as (app, pilot, viewer):
        text = screen_text(app)
        assert "[b]Boss[/b]" in text
        assert "[red]Pay now[/red] \u241b]0;title\u2407" in text
        assert "[link=http://evil]click[/link]" in text
        assert "\u241b[31mred" in text
        assert "[i]x[/i].exe<U+202E>gpj" in text
        assert not any(ord(c) < 0x20 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in text)


async def test_clear_empties_the_viewer() -> None:
    async with showing(MESSAGE) as (app, pilot, viewer):
        viewer.clear()
        await pilot.pause()
        text = screen_text(app)
        assert "Quarterly report" not in text and "No message selected" in text
        assert viewer.rendered is None


async def test_a_huge_body_is_cut_with_a_note() -> None:
    from tuimail.ui.widgets.envelope_viewer import BODY_DISPLAY_LIMIT

    huge = RenderedMessage(from_="a", to="b", cc="", date="", subject="big",
                           body=("x" * 99 + "\n") * (BODY_DISPLAY_LIMIT // 100 + 500))
    async with showing(huge) as (app, pilot, viewer):
        await press(pilot, "G")
        assert "50,000 more characters not shown" in screen_text(app)


async def test_s_on_a_message_without_attachments_says_there_are_none() -> None:
    plain = RenderedMessage(from_="a", to="b", cc="", date="", subject="s", body="text", attachments=[])
    async with showing(plain) as (app, pilot, viewer):
        await press(pilot, "s")
        assert [n.message for n in app._notifications] == ["This message has no attachments"]
        assert app.saves == []


# ------------------------------------------------------- dates (issues 10 and 11)

CLOCK = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
EDGE_DATES = [
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(-timedelta(hours=14))),  # issue 10 item 3
    datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=14))),
    datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=23, minutes=59))),
    datetime(9999, 12, 31, 23, 59),
    datetime(2026, 6, 15, 1, 0, tzinfo=timezone(timedelta(hours=5))),
]


def viewer_date_line(app: App[None]) -> str:
    line = next(line for line in screen_text(app).splitlines() if "Date:" in line)
    return line.split("Date:", 1)[1].strip()


@asynccontextmanager
async def showing_at(
    message: RenderedMessage, received: datetime | None = None, raw: bytes | None = None
) -> AsyncIterator[tuple[ViewerApp, Pilot[None], EnvelopeViewer]]:
    """A viewer whose clock reads CLOCK, showing ``message``."""
    app = ViewerApp()
    async with app.run_test(size=SIZE) as pilot:
        viewer = app.query_one(EnvelopeViewer)
        viewer.now = lambda: CLOCK
        viewer.show_message(message, raw, received=received)
        await pilot.pause()
        yield app, pilot, viewer


async def test_the_date_line_is_the_date_header_in_the_lists_format_and_zone() -> None:
    raw = b"Date: Tue, 03 Mar 2026 10:00:00 +0100\r\nSubject: s\r\n\r\nbody"
    async with showing_at(render_message(raw), received=datetime(2026, 3, 5, tzinfo=UTC)) as (app, _, _v):
        assert viewer_date_line(app) == "Tue, 03 Mar 2026 09:00"
        # The list shows the same date: the Date header, before INTERNALDATE.
        shown = message_date("Tue, 03 Mar 2026 10:00:00 +0100", datetime(2026, 3, 5, tzinfo=UTC))
        assert format_date(shown, CLOCK) == "Mar 03"


async def test_without_a_usable_date_header_the_received_date_is_shown_and_said_to_be() -> None:
    raw = b"Date: yesterday-ish\r\nSubject: s\r\n\r\nbody"
    received = datetime(2026, 3, 5, 8, 15, tzinfo=UTC)
    async with showing_at(render_message(raw), received=received) as (app, _, _v):
        assert viewer_date_line(app) == "Thu, 05 Mar 2026 08:15 (received)"
        assert format_date(message_date("yesterday-ish", received), CLOCK) == "Mar 05"
    async with showing_at(render_message(raw)) as (app, _, _v):
        assert viewer_date_line(app) == "yesterday-ish"  # nothing better known: the text as sent


async def test_the_date_survives_toggling_the_raw_source() -> None:
    raw = b"Subject: s\r\n\r\nbody"
    received = datetime(2026, 3, 5, 8, 15, tzinfo=UTC)
    async with showing_at(render_message(raw), received, raw) as (app, pilot, viewer):
        await press(pilot, "H")
        assert viewer.showing_raw
        await press(pilot, "H")
        assert viewer_date_line(app) == "Thu, 05 Mar 2026 08:15 (received)"


async def test_dates_at_the_ends_of_time_are_shown() -> None:
    """INTERNALDATE "31-Dec-9999 23:59:59 -1400" is in the year 10000 in UTC: shown as sent."""
    for when in EDGE_DATES:
        message = RenderedMessage(from_="a", to="b", cc="", date="", subject="s", body="x", date_parsed=when)
        async with showing_at(message) as (app, _, _v):
            assert viewer_date_line(app) == format_date(when, CLOCK, full=True)
    assert format_date(EDGE_DATES[0], CLOCK, full=True) == "Fri, 31 Dec 9999 23:59"


async def test_the_list_shows_an_internaldate_at_the_end_of_time() -> None:
    """Issue 10 item 3: this row raised OverflowError while the list was drawn."""
    fetched = parse_response(b'* 1 FETCH (UID 7 INTERNALDATE "31-Dec-9999 23:59:59 -1400")\r\n')
    assert isinstance(fetched, UntaggedResponse) and isinstance(fetched.data, FetchData)
    row = MessageSummary.from_fetch(fetched.data)

    class ListApp(App[None]):
        def compose(self) -> ComposeResult:
            yield MessageList()

    app = ListApp()
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(MessageList)
        widget.show(MailboxView("INBOX", 1, generation=1))
        widget.apply_changes([Loaded(((widget.view.seqno_of_row(0), row),))])
        await pilot.pause()
        assert "9999-12-31" in screen_text(app)


offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
any_dates = st.one_of(st.datetimes(), st.datetimes(timezones=offsets))


@given(any_dates, st.one_of(st.datetimes(), st.datetimes(timezones=offsets)))
def test_short_and_full_dates_never_fail_and_always_agree(when: datetime, now: datetime) -> None:
    short, full = format_date(when, now), format_date(when, now, full=True)
    weekday, day, month, year, clock = full.replace(",", "").split()
    if ":" in short:
        assert short == clock
    elif "-" in short:
        assert short == f"{year}-{MONTHS.index(month) + 1:02d}-{day}"
    else:
        assert short == f"{month} {day}"


def _with_links(count: int) -> RenderedMessage:
    links = [f"https://x.example/{n}" for n in range(1, count + 1)]
    return RenderedMessage(from_="a", to="b", cc="", date="", subject="s", body="x", links=links)


async def test_l_then_a_number_asks_to_open_that_link_and_nothing_else() -> None:
    async with showing(_with_links(12)) as (app, pilot, viewer):
        await press(pilot, "L", "1")
        assert app.links == []  # 1, or 10, 11, 12?
        await press(pilot, "2")
        assert app.links == [(12, "https://x.example/12")]
        await press(pilot, "L", "3")
        assert app.links[-1] == (3, "https://x.example/3")
        await press(pilot, "L", "escape", "5")
        assert len(app.links) == 2 and app.saves == []
        await press(pilot, "L", "1", "enter")
        assert app.links[-1] == (1, "https://x.example/1")


async def test_l_with_one_link_opens_it_and_without_links_says_there_are_none() -> None:
    async with showing(_with_links(1)) as (app, pilot, viewer):
        await press(pilot, "L")
        assert app.links == [(1, "https://x.example/1")]
        viewer.show_message(_with_links(0))
        await press(pilot, "L")
        assert app.links == [(1, "https://x.example/1")]
        assert [n.message for n in app._notifications] == ["This message has no links"]
