"""The cold paint: the newest rows drawn as soon as the session has them, before the app's frame.

A first start has no start screen saved (:mod:`.first_paint` draws a second start from it), and
there the app's first frame waits for the main thread: importing Textual and building the
screens take it most of a second of CPU on a slow machine, while the session, on its own thread,
has had the newest rows for a good part of that time.  What the session says before the app's
screen exists waits in its :class:`~tuimail.ui.accounts.AccountPane`; a :class:`ColdPaint`
looks at it as it comes (:meth:`ColdPaint.see`, on the session's thread) and, once every row
the list opens on is known, draws them where the message list will draw them in the app's
default layout (:func:`list_region`), in the terminal's own colours: the column header and the
rows (unread bold, the cursor's row reversed), nothing else.  The app's first frame then
replaces the whole screen; keys typed meanwhile wait for the app (:mod:`.early_keys`).

The same happens on a second start whose saved start screen does not fit (another terminal
size): the session then posts the cached rows at once.

It draws at most once, and never once the app's driver has started
(:meth:`~tuimail.ui.first_paint.StartScreenRun.paint_unless_started`).  Mail text goes through
the message list's own row code (:func:`~tuimail.ui.widgets.row_format.row_spans`, sanitised).
This module imports neither Textual nor the IMAP library.
"""

from __future__ import annotations

import logging
import shutil
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from . import first_paint as fp

if TYPE_CHECKING:
    from tuimail.mail.mailbox_view import MailboxView
    from tuimail.ui.widgets.row_format import RowFields

    from .first_paint import RowRegion, StartScreenRun

__all__ = ["ColdPaint", "list_region", "plain_styles"]

_log = logging.getLogger(__name__)

T = TypeVar("T")

#: The mailbox tree's width from each terminal width up (app.tcss: MainScreen's width classes
#: -wide, -medium, -narrow; under 50 cells, -tiny, it is hidden).
TREE_WIDTHS = ((100, 30), (70, 24), (50, 16), (0, 0))
#: Below this height MainScreen is -short: the list and the message share the rows evenly;
#: from it, the list has 2 parts of 5 (app.tcss).
SHORT_BELOW = 23
#: The lines below the panes: the status line and the footer.
BELOW_PANES = 2
#: Cells right of the list's rows (its scrollbar's gutter and the pane's edge).
RIGHT_OF_ROWS = 2


def list_region(width: int, height: int) -> RowRegion | None:
    """Where the message list's rows are (below its column header) in the app's default layout
    in a ``width`` x ``height`` terminal, the list having the focus; None if there are none."""
    tree = next(cells for at, cells in TREE_WIDTHS if width >= at)
    panes = height - BELOW_PANES
    if height < SHORT_BELOW:
        lines = max(panes // 2, 4)
    else:
        lines = max(panes * 2 // 5, 5)
    rows = min(lines, panes) - 1  # the first line is the column header
    if rows <= 0 or width - tree - RIGHT_OF_ROWS <= 0:
        return None
    return fp.RowRegion(tree, 1, width - tree - RIGHT_OF_ROWS, rows)


def plain_styles() -> dict[str, str]:
    """The SGR parameters of each row style in the terminal's own colours: the cursor's row
    reversed, unread bold, muted text dim, deleted struck out."""
    out = {}
    for key in fp.style_keys():
        parts = set(key)
        sgr = []
        if parts & {"cursor", "cursor_blurred"}:
            sgr.append("7")
        if "unread" in parts:
            sgr.append("1")
        if "muted" in parts:
            sgr.append("2")
        if "deleted" in parts:
            sgr.append("9")
        out["+".join(key)] = ";".join(sgr)
    return out


def render_cold_screen(
    run: StartScreenRun, size: tuple[int, int], region: RowRegion, rows: Sequence[RowFields], now: datetime
) -> str:
    """What the cold paint writes: a blank screen, the column header over ``region`` and
    ``rows`` in it (:func:`~tuimail.ui.first_paint.render_first_screen` over a plain template)."""
    width, height = size
    columns = fp.columns_for(region.width)
    header = fp.row_format().header_text(columns)
    lines = [" " * width] * height
    lines[region.y - 1] = " " * region.x + header + " " * (width - region.x - region.width)
    screen = fp.StartScreen(
        width,
        height,
        run.target.identity,
        "",
        tuple(lines),
        region,
        fp.column_widths(columns),
        "cursor",
        plain_styles(),
    )
    return fp.render_first_screen(screen, rows, now)


class ColdPaint:
    """Draws the shown mailbox's newest rows from what its session says (see the module)."""

    def __init__(
        self,
        run: StartScreenRun,
        size: tuple[int, int],
        region: RowRegion,
        *,
        now: Callable[[], datetime] = datetime.now,
        stdin: TextIO | None = None,
        out: TextIO | None = None,
    ) -> None:
        self._run = run
        self._size = size
        self._region = region
        self._mailbox = run.target.identity.mailbox
        self._now = now
        self._stdin = stdin
        self._out = out
        self._view: MailboxView | None = None
        self._done = False
        #: Set once the rows are drawn.
        self.painted = threading.Event()

    @classmethod
    def begin(cls, run: StartScreenRun) -> ColdPaint | None:
        """A cold paint for a start that has no first paint (None when it has one, when the
        mailbox is listed otherwise than newest first, or when the terminal has no room for
        rows)."""
        if run.paint is not None or run.listed_otherwise:
            return None
        width, height = shutil.get_terminal_size((0, 0))  # as Textual's driver measures it
        region = list_region(width, height)
        return None if region is None else cls(run, (width, height), region)

    def see(self, message: Any) -> None:
        """What the session said before the app's screen existed (on the session's thread)."""
        self._look(self._see, message)

    def see_page(self, exists: int, data: list[Any]) -> None:
        """The newest page, as the head start's FETCH answered it (on the session's thread,
        perhaps before the session has started): the rows are drawn at once if it holds every
        row shown (:class:`~tuimail.imap.types.FetchData`, by sequence number)."""
        self._look(self._see_page, exists, data)

    def _look(self, look: Callable[..., None], *what: Any) -> None:
        if self._done:
            return
        try:
            look(*what)
        except Exception:  # noqa: BLE001 - a cold paint is a help, never a reason to fail
            self._done = True
            _log.exception("the cold paint failed; the app draws the screen")

    def _see_page(self, exists: int, data: list[Any]) -> None:
        from tuimail.mail.summary import MessageSummary

        by_seqno = {fd.seqno: fd for fd in data if "UID" in fd.attr and "ENVELOPE" in fd.attr}
        shown = _whole([by_seqno.get(exists - row) for row in range(min(self._region.height, exists))])
        if shown is not None:
            self._paint([MessageSummary.from_fetch(fd) for fd in shown])

    def _see(self, message: Any) -> None:
        from tuimail.session import messages as sm

        if isinstance(message, sm.MailboxOpened):
            opened = message.view
            self._view = opened.replica() if opened.name == self._mailbox else None
        elif isinstance(message, sm.ViewChanged) and self._view is not None:
            if message.generation != self._view.generation:
                return
            self._view.apply_all(message.changes)
        else:
            return
        view = self._view
        if view is not None:
            rows = _whole([view.summary_at_row(row) for row in range(min(self._region.height, view.exists))])
            if rows is not None:
                self._paint(rows)

    def _paint(self, rows: Sequence[RowFields]) -> None:
        self._done = True
        try:
            text = render_cold_screen(self._run, self._size, self._region, rows, self._now())
        except fp.TemplateError:
            return
        stdin = self._stdin if self._stdin is not None else sys.__stdin__
        out = self._out if self._out is not None else sys.__stderr__  # where Textual draws
        if stdin is None or out is None:
            return
        if self._run.paint_unless_started(lambda: fp.draw(text, stdin, out)):
            self.painted.set()


def _whole(rows: list[T | None]) -> list[T] | None:
    """``rows`` when there are some and none of them is missing; else None."""
    present = [row for row in rows if row is not None]
    return present if present and len(present) == len(rows) else None
