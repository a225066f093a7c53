"""Formatting of one message-list row: dates, sizes, flag glyphs, column widths, and the row itself.

Pure functions, no Textual: each costs O(1) in the number of messages, so the
message list can render any row of a 100,000-message mailbox in constant time.
:func:`row_spans` builds a whole row as text spans with the names of their
styles; the message list (:mod:`.message_list`) and the first paint before
Textual is imported (:mod:`tuimail.ui.first_paint`) both draw rows with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rich.cells import cell_len, set_cell_size

from tuimail.mail.sanitize import sanitize

SELECTED_GLYPH = "▌"
UNREAD_GLYPH = "●"
FLAGGED_GLYPH = "★"
ANSWERED_GLYPH = "↩"
ATTACHMENT_GLYPH = "📎"  # two cells wide in every terminal with emoji support
ELLIPSIS = "…"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _wall_clock(date: datetime, now: datetime) -> datetime:
    """``date`` as a naive wall-clock time in ``now``'s zone (local time when
    ``now`` is naive; a naive ``date`` is taken as it is).  Where that time
    does not exist (``31-Dec-9999 23:59:59 -1400`` is in the year 10000) or
    the zone misbehaves, ``date``'s own wall clock."""
    try:
        if date.utcoffset() is None:
            return date.replace(tzinfo=None)
        local = date.astimezone(now.tzinfo) if now.tzinfo is not None else date.astimezone()
        return local.replace(tzinfo=None)
    except Exception:  # OverflowError, OSError from the platform's localtime, a broken tzinfo
        return date.replace(tzinfo=None)


def format_date(date: datetime | None, now: datetime, *, full: bool = False) -> str:
    """A message's date, the one format for the list and the viewer.

    Short (the list): ``HH:MM`` today, ``Mon DD`` this year, else ``YYYY-MM-DD``;
    ``full`` (the viewer): ``Tue, 03 Mar 2026 10:00``.  Aware datetimes are
    shown in ``now``'s zone (local time when ``now`` is naive).  Total: any
    datetime, years 1 to 9999, any offset; "" for None (or a non-datetime).
    """
    if not isinstance(date, datetime):
        return ""
    shown = _wall_clock(date, now)
    clock = f"{shown.hour:02d}:{shown.minute:02d}"
    month = _MONTHS[shown.month - 1]
    if full:
        return f"{_WEEKDAYS[shown.weekday()]}, {shown.day:02d} {month} {shown.year:04d} {clock}"
    today = now.replace(tzinfo=None)
    if shown.date() == today.date():
        return clock
    if shown.year == today.year:
        return f"{month} {shown.day:02d}"
    return f"{shown.year:04d}-{shown.month:02d}-{shown.day:02d}"


def format_size(size: int) -> str:
    """Human size in at most five cells: ``512B``, ``1.2K``, ``34K``, ``1.5M``, ``2.0G``."""
    if size < 0:
        return ""
    if size < 1000:
        return f"{size}B"
    value = float(size)
    for unit in ("K", "M", "G", "T"):
        value /= 1024
        if value < 9.95:
            return f"{value:.1f}{unit}"
        if value < 999.5:
            return f"{value:.0f}{unit}"
    return f"{value:.0f}P"


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells, an ellipsis marking a cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + ELLIPSIS


def fit_right(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` cells (cut on the left if too long)."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length >= width:
        return set_cell_size(text, width)
    return " " * (width - length) + text


@dataclass(frozen=True, slots=True)
class Columns:
    """Cell widths of the row's columns for a given widget width (0 = column hidden).

    Layout: ``flags date from subject size``, one space before each column after
    flags; the flags column starts with a margin space and the size column ends
    with one, so ``flags + sum(1 + w for each other shown column) == width``.
    """

    width: int
    flags: int
    date: int
    from_: int
    subject: int
    size: int

    @classmethod
    def for_width(cls, width: int) -> Columns:
        """Pick column widths that adapt to ``width``: narrow widgets drop size, then date."""
        width = max(width, 0)
        flags = 6  # " ●★↩📎" : lead space, three one-cell glyphs, a two-cell clip
        date = 10 if width >= 40 else 0
        size = 6 if width >= 60 else 0  # five cells of figures and a margin
        rest = width - flags - (date + 1 if date else 0) - (size + 1 if size else 0)
        from_ = max(8, min(28, rest * 30 // 100)) if rest > 20 else max(0, rest // 3)
        subject = max(0, rest - from_ - 2)  # each of from and subject follows a space
        return cls(width, flags, date, from_, subject, size)


class RowFields(Protocol):
    """What a row shows of a message (:class:`~tuimail.mail.summary.MessageSummary` has it all)."""

    @property
    def unread(self) -> bool: ...
    @property
    def flagged(self) -> bool: ...
    @property
    def answered(self) -> bool: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def has_attachment(self) -> bool: ...
    @property
    def date(self) -> datetime | None: ...
    @property
    def from_(self) -> str: ...
    @property
    def from_address(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def size(self) -> int: ...


#: A span's style: the names of the row styles laid over each other, in order (the first is
#: the row's base: ``base``, ``cursor`` or ``cursor_blurred``; then ``selected``, ``unread``,
#: ``deleted``, and one of the parts ``unread_marker``, ``flagged``, ``answered``,
#: ``attachment``, ``muted``, ``selected_marker``).
StyleKey = tuple[str, ...]
#: One piece of a row: its text (exactly as many cells as it takes) and its style.
Span = tuple[str, StyleKey]

#: The row bases: plain, under the focused cursor, under the cursor of an unfocused list.
ROW_BASES = ("base", "cursor", "cursor_blurred")
#: The parts a span may add over the row's text style.
ROW_PARTS = ("unread_marker", "flagged", "answered", "attachment", "muted", "selected_marker")


def row_spans(
    row: RowFields,
    columns: Columns,
    now: datetime,
    *,
    base: str = "base",
    marked: bool = False,
    leaving: bool = False,
    depth: int = 0,
    held: int = 1,
) -> list[Span]:
    """One message-list row as spans of plain, sanitised text, exactly ``columns.width`` cells.

    ``base``: one of :data:`ROW_BASES`; ``marked``: the message is selected; ``leaving``: shown
    as deleted (moved away, not yet confirmed); ``depth``: its depth in a thread (0: no thread);
    ``held``: how many messages the row stands for (a collapsed thread).  Mail text goes
    through :func:`~tuimail.mail.sanitize.sanitize` and is never markup.
    """
    row_style: StyleKey = (base, "selected") if marked else (base,)
    text_style = row_style
    if row.unread:
        text_style += ("unread",)
    if row.deleted or leaving:
        text_style += ("deleted",)
    blank: Span = (" ", row_style)
    spans: list[Span] = [
        (SELECTED_GLYPH, (*row_style, "selected_marker")) if marked else blank,
        (UNREAD_GLYPH, (*text_style, "unread_marker")) if row.unread else blank,
        (FLAGGED_GLYPH, (*text_style, "flagged")) if row.flagged else blank,
        (ANSWERED_GLYPH, (*text_style, "answered")) if row.answered else blank,
        (ATTACHMENT_GLYPH, (*row_style, "attachment")) if row.has_attachment else ("  ", row_style),
    ]
    if columns.date:
        spans.append(blank)
        spans.append((fit_right(format_date(row.date, now), columns.date), (*text_style, "muted")))
    if columns.from_:
        spans.append(blank)
        spans.append((fit(sanitize(row.from_ or row.from_address), columns.from_), text_style))
    if columns.subject:
        spans.append(blank)
        subject = sanitize(row.subject) or "(no subject)"
        if depth:
            subject = "  " * min(depth - 1, 12) + "└─" + subject
        if held > 1:
            subject = f"[{held}] {subject}"
        subject_style = (*text_style, "flagged") if row.flagged else text_style
        spans.append((fit(subject, columns.subject), subject_style))
    if columns.size:
        spans.append(blank)
        spans.append((fit_right(format_size(row.size), columns.size - 1), (*row_style, "muted")))
        spans.append(blank)
    return fit_spans(spans, columns.width, row_style)


def header_text(columns: Columns) -> str:
    """The message list's column header ("Date", "From", "Subject", "Size" over their columns),
    exactly ``columns.width`` cells."""
    text = " " * columns.flags
    if columns.date:
        text += " " + fit_right("Date", columns.date)
    if columns.from_:
        text += " " + fit("From", columns.from_)
    if columns.subject:
        text += " " + fit("Subject", columns.subject)
    if columns.size:
        text += " " + fit_right("Size", columns.size - 1) + " "
    return fit(text, columns.width)


def fit_spans(spans: list[Span], width: int, pad_style: StyleKey) -> list[Span]:
    """``spans`` cut or padded (with ``pad_style``) to exactly ``width`` cells."""
    out: list[Span] = []
    used = 0
    for text, style in spans:
        cells = cell_len(text)
        if used + cells > width:
            rest = width - used
            if rest > 0:
                out.append((set_cell_size(text, rest), style))
            return out
        out.append((text, style))
        used += cells
    if used < width:
        out.append((" " * (width - used), pad_style))
    return out
