"""The message list: a virtualised line-API widget over a mailbox of any size.

Shaped like toolong's ``LogLines``: a :class:`~textual.scroll_view.ScrollView`
whose :meth:`MessageList.render_line` renders one row on demand (O(1) per row)
and keeps rendered rows in an LRU cache of :class:`~textual.strip.Strip`.
The widget never fetches anything: rows it has no data for are drawn as a
loading placeholder and asked for with :class:`MessageList.RowsWanted`
(the visible rows plus a page either side, each row asked once); the
session answers with :meth:`MessageList.set_rows`, which refreshes only
those lines.

Row 0 is the newest message.  Mail text (sender, subject) is sanitised and
put into :class:`~rich.segment.Segment` objects as plain text, never markup.
The first screen line is a column header that does not scroll (``show_header``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Unpack

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.color import Color, ColorParseError
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuimail.mail.sanitize import sanitize

from .base import WidgetArgs, WidgetMessage
from .row_format import (
    ANSWERED_GLYPH,
    ATTACHMENT_GLYPH,
    FLAGGED_GLYPH,
    UNREAD_GLYPH,
    Columns,
    fit,
    fit_right,
    format_date,
    format_size,
)
from .styles import component_style

if TYPE_CHECKING:
    from tuimail.mail.summary import MessageSummary

__all__ = ["MessageList"]

# Cache key variants of a rendered row.
_PLAIN, _CURSOR, _CURSOR_BLURRED = 0, 1, 2

#: Theme variables (``Theme(variables={...})``) that override the component colours.
THEME_COLOUR_VARIABLES: dict[str, str] = {
    "unread": "message-unread",
    "flagged": "message-flagged",
    "answered": "message-answered",
    "attachment": "message-attachment",
}


@dataclass(frozen=True, slots=True)
class _RowStyles:
    """Rich styles of a row's parts, resolved once per theme/CSS change."""

    base: Style
    header: Style
    cursor: Style
    cursor_blurred: Style
    unread: Style
    unread_marker: Style
    flagged: Style
    answered: Style
    attachment: Style
    muted: Style
    loading: Style
    deleted: Style


class _StopRow(int):
    """``RowsWanted.stop``: the end row, and still callable as ``Message.stop()``."""

    _message: Message

    def __new__(cls, value: int, message: Message) -> _StopRow:
        row = super().__new__(cls, value)
        row._message = message
        return row

    def __call__(self, stop: bool = True) -> None:
        Message.stop(self._message, stop)


class _RowMessage(WidgetMessage["MessageList"]):
    """About the message at ``row`` of the list (``summary``: its data, if loaded)."""

    def __init__(self, message_list: MessageList, row: int, summary: MessageSummary | None) -> None:
        super().__init__(message_list)
        self.row = row
        self.summary = summary


class MessageList(ScrollView, can_focus=True, inherit_bindings=False):
    """Newest-first list of a mailbox's messages, rendered a line at a time."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next", show=False, id="message_list.cursor_down"),
        Binding("k,up", "cursor_up", "Previous", show=False, id="message_list.cursor_up"),
        Binding("g,home", "cursor_first", "First", show=False, id="message_list.cursor_first"),
        Binding("G,end", "cursor_last", "Last", show=False, id="message_list.cursor_last"),
        Binding("pageup", "page_up", "Page up", show=False, id="message_list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="message_list.page_down"),
        Binding("enter", "open", "Open", id="message_list.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "message-list--header",
        "message-list--cursor",
        "message-list--cursor-blurred",
        "message-list--unread",
        "message-list--unread-marker",
        "message-list--flagged",
        "message-list--answered",
        "message-list--attachment",
        "message-list--muted",
        "message-list--loading",
        "message-list--deleted",
    }

    DEFAULT_CSS = """
    MessageList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    MessageList > .message-list--header {
        background: $panel;
        color: $text-muted;
        text-style: bold;
    }
    MessageList > .message-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    MessageList > .message-list--cursor-blurred {
        background: $block-cursor-blurred-background;
    }
    MessageList > .message-list--unread { text-style: bold; }
    MessageList > .message-list--unread-marker { color: $primary; }
    MessageList > .message-list--flagged { color: $accent; }
    MessageList > .message-list--answered { color: $success; }
    MessageList > .message-list--attachment { color: $secondary; }
    MessageList > .message-list--muted { color: $text-muted; }
    MessageList > .message-list--loading { color: $text-disabled; text-style: italic; }
    MessageList > .message-list--deleted { color: $text-disabled; text-style: strike; }
    """

    class RowsWanted(WidgetMessage["MessageList"]):
        """Rows ``start`` (inclusive) to ``stop`` (exclusive) are needed and have no data yet.

        ``stop`` is an ``int`` that can still be called as Textual's
        ``Message.stop()`` (which Textual itself calls when bubbling).
        """

        def __init__(self, message_list: MessageList, start: int, stop: int) -> None:
            super().__init__(message_list)
            self.start = start
            self._stop_row = stop

        @property
        def stop(self) -> _StopRow:  # type: ignore[override]
            """The first row after the wanted range (also callable: stops propagation)."""
            return _StopRow(self._stop_row, self)

        def __repr__(self) -> str:
            return f"RowsWanted({self.start}, {self.stop})"

    class Highlighted(_RowMessage):
        """The cursor moved to ``row`` (``summary`` is None while its data is not loaded)."""

    class Opened(_RowMessage):
        """The user opened the message at ``row`` (Enter, or a double click)."""

        summary: MessageSummary

    def __init__(
        self,
        *,
        cache_size: int = 2048,
        empty_text: str = "No messages",
        show_header: bool = True,
        **widget: Unpack[WidgetArgs],
    ) -> None:
        super().__init__(**widget)
        self._count = 0
        self._rows: dict[int, MessageSummary] = {}
        self._requested = bytearray()
        self._cursor = 0
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(cache_size)
        self._cache_width = -1
        self._columns = Columns.for_width(0)
        self._styles: _RowStyles | None = None
        self._wanted_scheduled = False
        self.empty_text = empty_text
        self._header = 1 if show_header else 0
        #: Injectable clock for the date column (tests pin it).
        self.now = datetime.now

    # ----------------------------------------------------------------- public API

    @property
    def count(self) -> int:
        """Number of messages (rows) in the list."""
        return self._count

    @property
    def cursor_row(self) -> int:
        """Row under the cursor (0 = newest)."""
        return self._cursor

    @cursor_row.setter
    def cursor_row(self, row: int) -> None:
        self._move_cursor(row)

    def summary_at(self, row: int) -> MessageSummary | None:
        """The summary loaded for ``row``, or None if not loaded (or out of range)."""
        return self._rows.get(row)

    def set_count(self, total: int) -> None:
        """Set the number of messages; drops all rows, rendered lines and requests.

        Rows are newest-first, so a new count shifts every row: the caller sends
        fresh rows in answer to the :class:`RowsWanted` that follow.  The cursor
        is kept in range.
        """
        total = max(0, total)
        self._count = total
        self._rows.clear()
        self._requested = bytearray(total)
        self._cache.clear()
        self.virtual_size = Size(0, total + self._header)
        old = self._cursor
        self._cursor = min(self._cursor, max(total - 1, 0))
        self._schedule_wanted()
        self.refresh()
        if self._cursor != old and self.is_mounted:
            self.post_message(self.Highlighted(self, self._cursor, None))

    def set_rows(self, rows: dict[int, MessageSummary]) -> None:
        """Store loaded summaries by row and redraw just those lines."""
        count = self._count
        cursor_was_empty = self._cursor not in self._rows
        stored: list[int] = []
        for row, summary in rows.items():
            if 0 <= row < count:
                self._rows[row] = summary
                stored.append(row)
        if not stored:
            return
        if len(stored) > 256:
            self._cache.clear()
            self.refresh()
        else:
            top = round(self.scroll_y)
            bottom = top + self._rows_in_view()
            discard = self._cache.discard
            for row in stored:
                discard((row, _PLAIN))
                discard((row, _CURSOR))
                discard((row, _CURSOR_BLURRED))
                if top <= row < bottom:
                    self._refresh_row(row)
        if cursor_was_empty and self._cursor in rows and self.is_mounted:
            self.post_message(self.Highlighted(self, self._cursor, self._rows[self._cursor]))

    def release_rows(self, start: int, stop: int) -> None:
        """Forget that rows ``start``..``stop`` were asked for (say the fetch failed),
        so they are asked again if still in view or when scrolled to."""
        start, stop = max(0, start), min(self._count, stop)
        if start < stop:
            self._requested[start:stop] = bytes(stop - start)
            self._schedule_wanted()

    def clear_rows(self) -> None:
        """Forget all loaded rows and requests (keeps the count); visible rows are asked again."""
        self._rows.clear()
        self._requested = bytearray(self._count)
        self._cache.clear()
        self._schedule_wanted()
        self.refresh()

    # ------------------------------------------------------------------ rendering

    def notify_style_update(self) -> None:
        """Theme or CSS changed: re-resolve styles and drop every rendered line."""
        super().notify_style_update()
        self._styles = None
        self._cache.clear()

    def _row_styles(self) -> _RowStyles:
        if self._styles is not None:
            return self._styles
        base = self.rich_style

        def part(name: str) -> Style:
            return component_style(self, f"message-list--{name}")

        def themed(name: str) -> Style:
            style = part(name)
            variable = THEME_COLOUR_VARIABLES.get(name)
            value = self.app.theme_variables.get(variable) if variable else None
            if value:
                try:
                    style = style + Style(color=Color.parse(value).rich_color)
                except ColorParseError:
                    pass
            return style

        unread = themed("unread")
        unread_marker = part("unread-marker")
        if unread.color:
            unread_marker = unread_marker + Style(color=unread.color)
        cursor = self.get_component_rich_style("message-list--cursor")
        blurred = self.get_component_rich_style("message-list--cursor-blurred")
        self._styles = _RowStyles(
            base=base,
            header=base + self.get_component_rich_style("message-list--header"),
            cursor=base + cursor,
            cursor_blurred=base + blurred,
            unread=unread,
            unread_marker=unread_marker,
            flagged=themed("flagged"),
            answered=themed("answered"),
            attachment=themed("attachment"),
            muted=part("muted"),
            loading=part("loading"),
            deleted=part("deleted"),
        )
        return self._styles

    def _rows_in_view(self) -> int:
        """How many rows fit under the header."""
        return max(self.scrollable_content_region.height - self._header, 1)

    def _refresh_row(self, row: int) -> None:
        """Redraw the screen line showing ``row`` (if any)."""
        self.refresh_line(row + self._header)

    def render_line(self, y: int) -> Strip:
        """Render screen line ``y``: the header, or the row at ``scroll_y + y - header``,
        from the cache when possible."""
        width = self.scrollable_content_region.width
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
            self._columns = Columns.for_width(width)
        styles = self._row_styles()
        if y < self._header:
            return self._render_header(styles)
        row = round(self.scroll_y) + y - self._header
        if row >= self._count:
            if row == 0 and self._count == 0 and self.empty_text:
                return Strip([Segment(fit("  " + self.empty_text, width), styles.base + styles.muted)], width)
            return Strip.blank(width, styles.base)
        if row == self._cursor:
            variant = _CURSOR if self.has_focus else _CURSOR_BLURRED
        else:
            variant = _PLAIN
        key = (row, variant)
        strip = self._cache.get(key)
        if strip is None:
            summary = self._rows.get(row)
            if summary is None:
                if not self._requested[row]:
                    self._schedule_wanted()
                strip = self._render_loading(variant, styles)
            else:
                strip = self._render_row(summary, variant, styles)
                self._cache[key] = strip
        return strip

    def _render_header(self, styles: _RowStyles) -> Strip:
        columns = self._columns
        text = " " * columns.flags
        if columns.date:
            text += " " + fit_right("Date", columns.date)
        if columns.from_:
            text += " " + fit("From", columns.from_)
        if columns.subject:
            text += " " + fit("Subject", columns.subject)
        if columns.size:
            text += " " + fit_right("Size", columns.size - 1) + " "
        return Strip([Segment(fit(text, columns.width), styles.header)], columns.width)

    def _render_loading(self, variant: int, styles: _RowStyles) -> Strip:
        columns = self._columns
        base = (styles.base, styles.cursor, styles.cursor_blurred)[variant]
        lead = columns.flags + (columns.date + 1 if columns.date else 0)
        text = fit(" " * lead + "⋯ loading", columns.width)
        return Strip([Segment(text, base + styles.loading)], columns.width)

    def _render_row(self, summary: MessageSummary, variant: int, styles: _RowStyles) -> Strip:
        """One row as segments of plain text; O(1) in the number of messages."""
        columns = self._columns
        base = (styles.base, styles.cursor, styles.cursor_blurred)[variant]
        text_style = base
        if summary.unread:
            text_style = text_style + styles.unread
        if summary.deleted:
            text_style = text_style + styles.deleted
        blank = Segment(" ", base)
        clip = Segment("  ", base)
        if summary.has_attachment:
            clip = Segment(ATTACHMENT_GLYPH, base + styles.attachment)
        segments = [
            blank,
            Segment(UNREAD_GLYPH, text_style + styles.unread_marker) if summary.unread else blank,
            Segment(FLAGGED_GLYPH, text_style + styles.flagged) if summary.flagged else blank,
            Segment(ANSWERED_GLYPH, text_style + styles.answered) if summary.answered else blank,
            clip,
        ]
        if columns.date:
            segments.append(blank)
            date = format_date(summary.date, self.now())
            segments.append(Segment(fit_right(date, columns.date), text_style + styles.muted))
        if columns.from_:
            segments.append(blank)
            sender = sanitize(summary.from_ or summary.from_address)
            segments.append(Segment(fit(sender, columns.from_), text_style))
        if columns.subject:
            segments.append(blank)
            subject_style = text_style + styles.flagged if summary.flagged else text_style
            subject = sanitize(summary.subject) or "(no subject)"
            segments.append(Segment(fit(subject, columns.subject), subject_style))
        if columns.size:
            segments.append(blank)
            size = fit_right(format_size(summary.size), columns.size - 1)
            segments.append(Segment(size, base + styles.muted))
            segments.append(blank)
        strip = Strip(segments)
        if strip.cell_length != columns.width:
            strip = strip.adjust_cell_length(columns.width, base)
        return strip

    # ------------------------------------------------------------- lazy loading

    def _schedule_wanted(self) -> None:
        if not self._wanted_scheduled and self.is_mounted:
            self._wanted_scheduled = True
            self.call_later(self._post_wanted)

    def _post_wanted(self) -> None:
        """Post RowsWanted for rows in view plus a page either side that have no data and
        were not asked for already (each contiguous run of such rows one message)."""
        self._wanted_scheduled = False
        count = self._count
        if not count:
            return
        height = self._rows_in_view()
        top = round(self.scroll_y)
        start = max(0, top - height)
        stop = min(count, top + 2 * height)
        rows = self._rows
        requested = self._requested
        run_start = -1
        for row in range(start, stop):
            missing = not requested[row] and row not in rows
            if missing:
                requested[row] = 1
                if run_start < 0:
                    run_start = row
            elif run_start >= 0:
                self.post_message(self.RowsWanted(self, run_start, row))
                run_start = -1
        if run_start >= 0:
            self.post_message(self.RowsWanted(self, run_start, stop))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._schedule_wanted()

    def on_resize(self, event: events.Resize) -> None:
        self._schedule_wanted()

    # ------------------------------------------------------------------- cursor

    def _move_cursor(self, row: int) -> None:
        if self._count == 0:
            return
        row = max(0, min(row, self._count - 1))
        old = self._cursor
        if row == old:
            self._scroll_to_cursor()
            return
        self._cursor = row
        self._refresh_row(old)
        self._refresh_row(row)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, row, self._rows.get(row)))

    def _scroll_to_cursor(self) -> None:
        if self.scrollable_content_region.height <= self._header:
            return
        height = self._rows_in_view()
        top = round(self.scroll_y)
        row = self._cursor
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def on_focus(self, event: events.Focus) -> None:
        self._refresh_row(self._cursor)

    def on_blur(self, event: events.Blur) -> None:
        self._refresh_row(self._cursor)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1)

    def action_cursor_first(self) -> None:
        self._move_cursor(0)

    def action_cursor_last(self) -> None:
        self._move_cursor(self._count - 1)

    def action_page_down(self) -> None:
        page = max(self._rows_in_view() - 1, 1)
        self.scroll_to(y=round(self.scroll_y) + page, animate=False, immediate=True)
        self._move_cursor(self._cursor + page)

    def action_page_up(self) -> None:
        page = max(self._rows_in_view() - 1, 1)
        self.scroll_to(y=max(0, round(self.scroll_y) - page), animate=False, immediate=True)
        self._move_cursor(self._cursor - page)

    def action_open(self) -> None:
        summary = self._rows.get(self._cursor)
        if summary is not None and self._count:
            self.post_message(self.Opened(self, self._cursor, summary))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y < self._header:
            return
        row = round(self.scroll_y) + offset.y - self._header
        if row >= self._count:
            return
        self._move_cursor(row)
        if event.chain >= 2:
            self.action_open()
