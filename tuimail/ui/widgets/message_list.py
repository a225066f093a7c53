"""The message list: a virtualised line-API widget over a mailbox of any size.

Shaped like toolong's ``LogLines``: a :class:`~textual.scroll_view.ScrollView`
whose :meth:`MessageList.render_line` renders one row on demand (O(1) per row)
and keeps rendered rows in an LRU cache of :class:`~textual.strip.Strip`.

Its rows are those of a :class:`~tuimail.mail.mailbox_view.MailboxView` (the
UI's replica of the open mailbox): row 0 is the newest message.  The widget
never fetches anything: rows without a summary are drawn as a loading
placeholder and asked for with :class:`MessageList.RowsWanted` (the visible
rows plus a page either side, each asked once).  :meth:`apply_changes` applies
the session's changes to the view and redraws only what they touch: new mail
comes in at the top and the cursor stays on its message; an expunged row goes
and the rows below it move up; no loaded row goes back to "loading".

Mail text (sender, subject) is sanitised and put into
:class:`~rich.segment.Segment` objects as plain text, never markup.  The first
screen line is a column header that does not scroll (``show_header``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
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
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuimail.mail.listed_rows import ListedRows
from tuimail.mail.mailbox_view import MailboxView
from tuimail.mail.sanitize import sanitize
from tuimail.mail.view_changes import Added, FlagsChanged, Loaded, Removed, UidsKnown, ViewChange

from .base import WidgetArgs, WidgetMessage
from .row_format import ROW_BASES, Columns, StyleKey, fit, header_text, row_spans
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
    selected: Style
    selected_marker: Style
    _combined: dict[StyleKey, Style] = dataclasses.field(default_factory=dict, compare=False)

    def combined(self, key: StyleKey) -> Style:
        """The style of a span of :func:`~.row_format.row_spans`: its named styles added in order."""
        style = self._combined.get(key)
        if style is None:
            style = Style.combine(getattr(self, name) for name in key)
            self._combined[key] = style
        return style


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
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="message_list.page_up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="message_list.page_down"),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False, id="message_list.half_page_down"),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False, id="message_list.half_page_up"),
        Binding("enter", "open", "Open", id="message_list.open"),
        Binding("space", "select", "Select", show=False, id="message_list.select"),
        Binding(
            "asterisk", "select_all", "Select all", key_display="*", show=False, id="message_list.select_all"
        ),
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
        "message-list--selected",
        "message-list--selected-marker",
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
    MessageList > .message-list--selected { background: $primary 30%; }
    MessageList > .message-list--selected-marker { color: $primary; text-style: bold; }
    """

    class RowsWanted(WidgetMessage["MessageList"]):
        """Summaries are wanted for these sequence numbers of view ``generation``, as it was
        after ``removals`` rows had been removed (positions of another state are stale)."""

        def __init__(
            self,
            message_list: MessageList,
            generation: int,
            removals: int,
            seqnos: tuple[int, ...],
            uids: tuple[int, ...] = (),
        ) -> None:
            super().__init__(message_list)
            self.generation = generation
            self.removals = removals
            self.seqnos = seqnos
            #: In a listing: the UIDs wanted (their positions may not be known).
            self.uids = uids

        def __repr__(self) -> str:
            return f"RowsWanted({self.generation}, {self.removals}, {len(self.seqnos)} rows)"

    class SelectionChanged(WidgetMessage["MessageList"]):
        """The set of selected messages changed (``control.selected``)."""

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
        self._view = MailboxView("", 0, generation=-1)
        self._rows: MailboxView | ListedRows = self._view  # what is listed: the mailbox, or a listing
        #: UIDs the user selected (marked on their rows).
        self.selected: set[int] = set()
        #: Shown at once, before the server confirms: new flags by UID, and messages leaving.
        self._pending_flags: dict[int, frozenset[str]] = {}
        self._leaving: set[int] = set()
        self._asked: set[int] = set()  # sequence numbers (or UIDs, in a listing) asked for
        self._failed: dict[int, str] = {}  # sequence number -> why its summary could not be had
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
    def view(self) -> MailboxView:
        """The rows shown (the UI's replica of the open mailbox)."""
        return self._view

    @property
    def rows(self) -> MailboxView | ListedRows:
        """What the list shows: the mailbox's own order, or a listing (search, sort, threads)."""
        return self._rows

    @property
    def count(self) -> int:
        """Number of rows in the list."""
        return self._rows.row_count

    @property
    def cursor_row(self) -> int:
        """Row under the cursor (0 = newest)."""
        return self._cursor

    @cursor_row.setter
    def cursor_row(self, row: int) -> None:
        self._move_cursor(row)

    @property
    def cursor_uid(self) -> int | None:
        """UID of the message under the cursor, if known."""
        return self._rows.uid_at_row(self._cursor) if self._rows.row_count else None

    def summary_at(self, row: int) -> MessageSummary | None:
        """The summary loaded for ``row``, or None if not loaded (or out of range)."""
        return self._rows.summary_at_row(row)

    def uids_in_rows(self) -> list[int]:
        """Every known UID the list shows (for "select all")."""
        rows = self._rows
        return [uid for row in range(rows.row_count) if (uid := rows.uid_at_row(row))]

    def show(self, view: MailboxView) -> None:
        """Show another view (a mailbox just opened): cursor on the newest message."""
        self._view = view
        self.selected.clear()
        self._pending_flags.clear()
        self._leaving.clear()
        self._show_rows(view, None)

    def show_rows(self, rows: ListedRows | None, *, cursor_uid: int | None = None) -> None:
        """List ``rows`` (over the current view), or the mailbox's own order again (None);
        the cursor goes to ``cursor_uid`` if listed, else to the first row."""
        self._show_rows(rows if rows is not None else self._view, cursor_uid)

    def _show_rows(self, rows: MailboxView | ListedRows, cursor_uid: int | None) -> None:
        self._rows = rows
        row = rows.row_of_uid(cursor_uid) if cursor_uid is not None else None
        self._cursor = row or 0
        self._reset()
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_to_cursor()
        if self.is_mounted and (summary := rows.summary_at_row(self._cursor)) is not None:
            self.post_message(self.Highlighted(self, self._cursor, summary))

    def apply_changes(self, changes: Iterable[ViewChange]) -> None:
        """Apply the session's changes to the view, in order, redrawing only what they touch.

        The cursor stays on its message: new mail (rows added at the top) and
        removals above it move it with its row; when its own message goes, it
        stays where it was, on the next (older) message, as in mutt and aerc.
        A cursor in view stays in view.
        A listing (search, sort, threads) loses the rows of expunged messages.
        """
        view = self._view
        listing = self._rows if isinstance(self._rows, ListedRows) else None
        cursor, cursor_uid = self._cursor, self.cursor_uid
        scroll = round(self.scroll_y)
        cursor_seen = scroll <= cursor < scroll + self._rows_in_view()
        touched: set[int] = set()  # UIDs whose row must be redrawn
        at: set[tuple[int, int]] = set()  # and their (sequence number, UID), as the changes name them
        gone: list[int] = []
        structure = False
        for change in changes:
            if isinstance(change, Added):
                if listing is None and view.exists:
                    cursor += change.count
                    if scroll > 0:
                        scroll += change.count
                structure = structure or listing is None
            elif isinstance(change, Removed):
                uid = change.uid or view.uid_of_seqno(change.seqno) or 0
                if listing is None:
                    row = view.row_of_seqno(change.seqno)
                    if row < cursor:
                        cursor -= 1
                    if row < scroll:
                        scroll -= 1
                elif uid:
                    gone.append(uid)
                self.selected.discard(uid)
                self._leaving.discard(uid)
                self._pending_flags.pop(uid, None)
                structure = True
            elif isinstance(change, UidsKnown):
                removals = view.removals
                view.apply(change)
                structure = structure or view.removals != removals  # else only UIDs were filled in
                continue
            elif isinstance(change, FlagsChanged):
                touched.add(change.uid)
                at.add((change.seqno, change.uid))
                self._pending_flags.pop(change.uid, None)  # the server's answer replaces the guess
            elif isinstance(change, Loaded):
                touched.update(summary.uid for _, summary in change.placements)
                for seqno, summary in change.placements:
                    at.add((seqno, summary.uid))
                    self._failed.pop(seqno, None)
            view.apply(change)
        if listing is not None and gone:
            for row in listing.drop(gone):
                if row < cursor:
                    cursor -= 1
                if row < scroll:
                    scroll -= 1
        rows = self._rows
        if cursor_uid is not None and (found := rows.row_of_uid(cursor_uid)) is not None:
            cursor = found
        self._cursor = max(0, min(cursor, rows.row_count - 1))
        if structure:
            self._reset(keep_scroll=True)
            if scroll != round(self.scroll_y):
                self.scroll_to(y=scroll, animate=False, immediate=True)
            if cursor_seen:  # and stays so: its message may have gone far (the UID order learnt)
                self._scroll_to_cursor()
        elif len(touched) > 256:  # cheaper to redraw everything than to find each row
            self._cache.clear()
            self.refresh()
        elif listing is None:
            # No row moved (that would be ``structure``): each change's position is still its row.
            # Found by UID only where the position does not hold it: that search is linear while
            # the view's UID order is not known yet (a 100,000-row view, 100 rows: 0.2 s).
            self._redraw_rows(
                view.row_of_seqno(seqno) if view.uid_of_seqno(seqno) == uid else view.row_of_uid(uid)
                for seqno, uid in at
                if uid
            )
        else:
            self._redraw(uid for uid in touched if uid)
        now = self.cursor_uid
        if self.is_mounted and now is not None and (now != cursor_uid or now in touched):
            self.post_message(self.Highlighted(self, self._cursor, rows.summary_at_row(self._cursor)))

    def show_pending_flags(self, flags: dict[int, frozenset[str]]) -> None:
        """Draw these messages with these flags until the session's answer comes."""
        self._pending_flags.update(flags)
        self._redraw(flags)

    def show_leaving(self, uids: Iterable[int]) -> None:
        """Draw these messages as going (dimmed, struck out) until the server has removed them."""
        uids = list(uids)
        self._leaving.update(uids)
        self._redraw(uids)

    def drop_pending(self, uids: Iterable[int] | None) -> bool:
        """The server refused: draw these (None: all pending) as they really are; True if any was."""
        chosen = set(self._pending_flags) | self._leaving if uids is None else set(uids)
        dropped = [
            uid for uid in chosen if self._pending_flags.pop(uid, None) is not None or uid in self._leaving
        ]
        self._leaving.difference_update(chosen)
        self._redraw(dropped)
        return bool(dropped)

    def redraw_uids(self, uids: Iterable[int]) -> None:
        """Redraw the rows of these messages (their selection mark changed)."""
        self._redraw(uids)

    def rows_failed(self, seqnos: Iterable[int], reason: str) -> None:
        """These rows could not be loaded: drawn as failed (asked again once rows move)."""
        for seqno in seqnos:
            self._failed[seqno] = reason
        self._cache.clear()
        self.refresh()

    def move_to_uid(self, uid: int) -> bool:
        """Put the cursor on message ``uid``; False if its row is not known."""
        row = self._rows.row_of_uid(uid)
        if row is None:
            return False
        self._move_cursor(row)
        return True

    def _reset(self, *, keep_scroll: bool = False) -> None:
        """Rows moved: forget rendered lines and requests; the visible rows are asked again."""
        self._asked.clear()
        self._failed.clear()
        self._cache.clear()
        self.virtual_size = Size(0, self._rows.row_count + self._header)
        self._schedule_wanted()
        self.refresh()

    def _redraw(self, uids: Iterable[int]) -> None:
        """Redraw the rows of these messages.  Found among the rows drawn (the cached lines, the
        rows in view), not by looking each UID up: in a listing of 100,000 rows that would build
        its index in the UI thread, and in a view whose order is not known yet each look-up is a
        scan."""
        wanted = set(uids)
        if not wanted:
            return
        rows = self._rows
        for key in [key for key in self._cache.keys() if rows.uid_at_row(key[0]) in wanted]:
            self._cache.discard(key)
        top = round(self.scroll_y)
        for row in range(top, min(top + self._rows_in_view(), rows.row_count)):
            if rows.uid_at_row(row) in wanted:
                self._refresh_row(row)

    def _redraw_rows(self, rows: Iterable[int | None]) -> None:
        top = round(self.scroll_y)
        bottom = top + self._rows_in_view()
        for row in rows:
            if row is None:
                continue
            self._cache_discard(row)
            if top <= row < bottom:
                self._refresh_row(row)

    def _cache_discard(self, row: int) -> None:
        for variant in (_PLAIN, _CURSOR, _CURSOR_BLURRED):
            self._cache.discard((row, variant))

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
            selected=self.get_component_rich_style("message-list--selected"),
            selected_marker=part("selected-marker"),
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
        rows = self._rows
        if row >= rows.row_count:
            if row == 0 and rows.row_count == 0 and self.empty_text:
                return Strip([Segment(fit("  " + self.empty_text, width), styles.base + styles.muted)], width)
            return Strip.blank(width, styles.base)
        if row == self._cursor:
            variant = _CURSOR if self.has_focus else _CURSOR_BLURRED
        else:
            variant = _PLAIN
        key = (row, variant)
        strip = self._cache.get(key)
        if strip is None:
            summary = rows.summary_at_row(row)
            if summary is None:
                key_of_row = rows.uid_at_row(row) if isinstance(rows, ListedRows) else rows.seqno_of_row(row)
                failed = self._failed.get(key_of_row or 0)
                if failed is None and key_of_row not in self._asked:
                    self._schedule_wanted()
                strip = self._render_loading(variant, styles, failed)
            else:
                held = len(rows.held_at_row(row))
                strip = self._render_row(summary, variant, styles, rows.depth_at_row(row), held)
                self._cache[key] = strip
        return strip

    def _render_header(self, styles: _RowStyles) -> Strip:
        columns = self._columns
        return Strip([Segment(header_text(columns), styles.header)], columns.width)

    def _render_loading(self, variant: int, styles: _RowStyles, failed: str | None = None) -> Strip:
        columns = self._columns
        base = (styles.base, styles.cursor, styles.cursor_blurred)[variant]
        lead = columns.flags + (columns.date + 1 if columns.date else 0)
        what = "⋯ loading" if failed is None else "⚠ could not load: " + sanitize(failed)
        text = fit(" " * lead + what, columns.width)
        return Strip([Segment(text, base + styles.loading)], columns.width)

    def _render_row(
        self, summary: MessageSummary, variant: int, styles: _RowStyles, depth: int = 0, held: int = 1
    ) -> Strip:
        """One row as segments of plain text (:func:`~.row_format.row_spans`, which the first
        paint before Textual uses too); O(1) in the number of messages."""
        columns = self._columns
        pending = self._pending_flags.get(summary.uid)
        if pending is not None:
            summary = dataclasses.replace(summary, flags=pending)
        spans = row_spans(
            summary,
            columns,
            self.now(),
            base=ROW_BASES[variant],
            marked=summary.uid in self.selected,
            leaving=summary.uid in self._leaving,
            depth=depth,
            held=held,
        )
        style_of = styles.combined
        return Strip([Segment(text, style_of(key)) for text, key in spans], columns.width)  # width exact

    # ------------------------------------------------------------- lazy loading

    def _schedule_wanted(self) -> None:
        if not self._wanted_scheduled and self.is_mounted:
            self._wanted_scheduled = True
            self.call_later(self._post_wanted)

    def _post_wanted(self) -> None:
        """Post RowsWanted for rows in view plus a page either side that have no summary
        and were not asked for already (one message for them all)."""
        self._wanted_scheduled = False
        source = self._rows
        count = source.row_count
        if not count:
            return
        height = self._rows_in_view()
        top = round(self.scroll_y)
        rows = range(max(0, top - height), min(count, top + 2 * height))
        asked, failed = self._asked, self._failed
        if isinstance(source, ListedRows):
            uids = tuple(u for u in source.missing_uids(rows) if u not in asked and u not in failed)
            if uids:
                asked.update(uids)
                self.post_message(self.RowsWanted(self, source.generation, source.removals, (), uids))
            return
        wanted = tuple(s for s in source.missing_seqnos(rows) if s not in asked and s not in failed)
        if wanted:
            asked.update(wanted)
            self.post_message(self.RowsWanted(self, source.generation, source.removals, wanted))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._schedule_wanted()

    def on_resize(self, event: events.Resize) -> None:
        # A key may have moved the cursor before the list had a size (typed during the first
        # paint), when it could not be scrolled to: it is shown now.
        self._scroll_to_cursor()
        self._schedule_wanted()

    # ------------------------------------------------------------------- cursor

    def _move_cursor(self, row: int) -> None:
        if self._rows.row_count == 0:
            return
        row = max(0, min(row, self._rows.row_count - 1))
        old = self._cursor
        if row == old:
            self._scroll_to_cursor()
            return
        self._cursor = row
        self._refresh_row(old)
        self._refresh_row(row)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, row, self._rows.summary_at_row(row)))

    def _scroll_to_cursor(self, *, again: bool = True) -> None:
        if self.scrollable_content_region.height <= self._header:
            return  # no size yet: on_resize comes back here
        height = self._rows_in_view()
        top = round(self.scroll_y)
        row = self._cursor
        if row < top:
            target = row
        elif row >= top + height:
            target = row - height + 1
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True)
        if again and round(self.scroll_y) != target:
            # Rows shown a moment ago (a mailbox just opened): Textual scrolls the list only once a
            # layout has given it the scrollbar they need.  Once more after that layout.
            self.call_after_refresh(self._scroll_to_cursor, again=False)

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
        self._move_cursor(self._rows.row_count - 1)

    def action_page_down(self) -> None:
        page = max(self._rows_in_view() - 1, 1)
        self.scroll_to(y=round(self.scroll_y) + page, animate=False, immediate=True)
        self._move_cursor(self._cursor + page)

    def action_page_up(self) -> None:
        page = max(self._rows_in_view() - 1, 1)
        self.scroll_to(y=max(0, round(self.scroll_y) - page), animate=False, immediate=True)
        self._move_cursor(self._cursor - page)

    def action_select(self) -> None:
        """Select or deselect the message under the cursor, then move down (neomutt's tag with $resolve)."""
        uid = self.cursor_uid
        if uid is None:
            self.app.bell()
            return
        if uid in self.selected:
            self.selected.discard(uid)
        else:
            self.selected.add(uid)
        self._redraw([uid])
        self.post_message(self.SelectionChanged(self))
        self._move_cursor(self._cursor + 1)

    def action_select_all(self) -> None:
        """Select every message the list shows (the mailbox, or a search result)."""
        self.selected.update(self.uids_in_rows())
        self._cache.clear()
        self.refresh()
        self.post_message(self.SelectionChanged(self))

    def clear_selection(self) -> bool:
        """Deselect everything; False if nothing was selected."""
        if not self.selected:
            return False
        self.selected.clear()
        self._cache.clear()
        self.refresh()
        self.post_message(self.SelectionChanged(self))
        return True

    def action_half_page(self, direction: int) -> None:
        half = max(self._rows_in_view() // 2, 1)
        self.scroll_to(y=max(0, round(self.scroll_y) + direction * half), animate=False, immediate=True)
        self._move_cursor(self._cursor + direction * half)

    def action_open(self) -> None:
        summary = self._rows.summary_at_row(self._cursor)
        if summary is not None:
            self.post_message(self.Opened(self, self._cursor, summary))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y < self._header:
            return
        row = round(self.scroll_y) + offset.y - self._header
        if row >= self._rows.row_count:
            return
        self._move_cursor(row)
        if event.chain >= 2:
            self.action_open()
