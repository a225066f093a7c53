"""Saving the start screen the next start draws before Textual is imported (:mod:`.first_paint`).

:func:`capture_start_screen` reads the app's screen as the terminal shows it (the strips of a
full render of Textual's compositor, ``Screen._compositor``: an internal of the pinned Textual,
which ``tests/ui/test_first_paint.py`` checks) and the message list's row styles, and makes a
:class:`~.first_paint.StartScreen` of them.  It checks its own work: the rows on screen, drawn
again from the template (:func:`~.first_paint.render_first_screen`), must equal the frame's
cell by cell, colours included, or nothing is saved.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from textual.strip import Strip

from .first_paint import (
    RowRegion,
    StartIdentity,
    StartScreen,
    TemplateTarget,
    render_first_screen,
    save_template,
    style_keys,
)
from .widgets.row_format import Columns

if TYPE_CHECKING:
    from rich.console import Console
    from rich.style import Style
    from textual.app import App

    from .widgets.message_list import MessageList

__all__ = ["capture_start_screen", "save_start_screen", "screen_cells"]

_log = logging.getLogger(__name__)

_SGR_OR_TEXT = re.compile(r"\x1b\[([0-9;]*)m|\x1b\[(\d+);(\d+)H|([^\x1b]+)|(\x1b\[\?[0-9]+[hl])")


def _ansi(style: Style | None, console: Console) -> str:
    """The SGR parameters Textual writes for ``style`` (``Strip.render_style``, without links)."""
    if style is None:
        return ""
    ansi = style._ansi
    if ansi is None:
        from rich.color import ColorSystem

        ansi = Strip.render_ansi(style, console._color_system or ColorSystem.TRUECOLOR)
    return ansi


def _line(segments: Iterable[Segment], console: Console) -> str:
    parts = []
    for text, style, control in segments:
        if control or not text:
            continue
        sgr = _ansi(style, console)
        parts.append(f"\x1b[{sgr}m{text}\x1b[0m" if sgr else text)
    return "".join(parts)


def screen_cells(output: str, width: int, height: int) -> list[list[tuple[str, str]]]:
    """A screen of ``width`` x ``height`` cells, each (character, SGR parameters), after writing
    ``output`` (cursor moves, SGR sequences and text only) to a blank one: how a terminal would
    show a first paint.  A wide character takes its cell and leaves the next as ""."""
    from rich.cells import cell_len

    screen = [[(" ", "")] * width for _ in range(height)]
    x = y = 0
    sgr = ""
    for match in _SGR_OR_TEXT.finditer(output):
        params, row, column, text, _mode = match.groups()
        if params is not None:
            sgr = "" if params in ("", "0") else params
        elif row is not None:
            y, x = int(row) - 1, int(column) - 1
        elif text is not None:
            for char in text:
                cells = cell_len(char)
                if 0 <= y < height and x + cells <= width:
                    screen[y][x] = (char, sgr)
                    if cells == 2:
                        screen[y][x + 1] = ("", sgr)
                x += cells
    return screen


def capture_start_screen(app: App[Any], identity: StartIdentity, account_key: str) -> StartScreen | None:
    """The start screen of ``app`` as a template, or None when the screen is not the plain start
    screen (another screen on top, the list scrolled, moved, searched; another mailbox) or its
    rows cannot be drawn again exactly from the template."""
    from .screens.main import MainScreen
    from .widgets.message_list import MessageList

    screen = app.screen
    if not isinstance(screen, MainScreen) or screen.mailbox != identity.mailbox or screen.listing is not None:
        return None
    message_list = screen.query_one(MessageList)
    if message_list.cursor_row != 0 or round(message_list.scroll_y) != 0 or message_list.selected:
        return None
    width, height = screen.outer_size
    console = app.console
    strips = screen._compositor.render_strips()
    if len(strips) != height:
        return None
    lines = tuple(_line(strip, console) for strip in strips)
    region = message_list.scrollable_content_region
    header = message_list._header  # the column header line, which does not scroll
    rows = RowRegion(region.x, region.y + header, region.width, region.height - header)
    columns = message_list._columns  # as the list laid out its rows
    if rows.height <= 0 or columns != Columns.for_width(rows.width):
        return None
    styles = _row_styles(message_list, console)
    cursor = "cursor" if message_list.has_focus else "cursor_blurred"
    widths = (columns.width, columns.flags, columns.date, columns.from_, columns.subject, columns.size)
    template = StartScreen(width, height, identity, account_key, lines, rows, widths, cursor, styles)
    template.check()
    if not _rows_drawn_again(template, message_list):
        _log.info("start screen not saved: its rows cannot be drawn again as the app drew them")
        return None
    return template


def _row_styles(message_list: MessageList, console: Console) -> dict[str, str]:
    """The SGR parameters of every style a first paint's row can have, as the frame has them
    (the app's line filters applied, as Textual's styles cache does)."""
    resolved = message_list._row_styles()
    filters = message_list.get_line_filters()
    background = message_list.background_colors[1]
    out: dict[str, str] = {}
    for key in style_keys():
        strip = Strip([Segment(" ", resolved.combined(key))])
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        out["+".join(key)] = _ansi(next(iter(strip)).style, console)
    return out


def _rows_drawn_again(template: StartScreen, message_list: MessageList) -> bool:
    """Whether the rows the frame shows, drawn from the template, equal the frame's cells."""
    region = template.rows
    shown = []
    for row in range(min(region.height, message_list.count)):
        summary = message_list.summary_at(row)
        if summary is None:
            break
        shown.append(summary)
    if not shown:
        return True  # nothing to compare (an empty or loading list): the styles are the list's own
    now = message_list.now()
    if not isinstance(now, datetime):
        return False
    drawn = screen_cells(render_first_screen(template, shown, now), template.width, template.height)
    frame = screen_cells("".join(f"\x1b[{y + 1};1H{line}" for y, line in enumerate(template.lines)),
                         template.width, template.height)
    x0, x1 = region.x, region.x + region.width
    return all(drawn[region.y + i][x0:x1] == frame[region.y + i][x0:x1] for i in range(len(shown)))


async def save_start_screen(app: App[Any], target: TemplateTarget, account_key: str) -> bool:
    """Capture the app's start screen and write it to ``target`` (off the event loop); False
    when the screen is not the plain start screen or the file cannot be written."""
    import asyncio

    try:
        template = capture_start_screen(app, target.identity, account_key)
        if template is None:
            return False
        await asyncio.to_thread(save_template, target.path, template)
    except (OSError, ValueError) as e:
        _log.info("start screen not saved: %s", e)
        return False
    return True
