"""An unexpected error in the UI: shown in the app, logged with its traceback, and the app carries on.

Textual 8.2.8 sends every error nobody caught (in a message handler, a timer,
a worker, compose, layout or rendering) to ``App._handle_exception``, which
exits the app and prints a Rich traceback *with local variables*
(``App._fatal_error``: ``Traceback(show_locals=True)``), and locals may hold
mail or credentials.  :class:`UnexpectedErrors` replaces that for
:class:`~tuimail.ui.app.TuimailApp` (issue 10, item 10):

* the error is shown as a notification (type and message, sanitised, never
  markup; the same error again within :data:`QUIET_FOR` seconds is not shown
  again, and at most :data:`MAX_SHOWN_PER_MINUTE` are shown a minute);
* it is logged with its traceback (no locals) to logger ``tuimail.ui.unexpected``,
  which reaches the log file when there is one (:mod:`tuimail.log_file`) and
  nothing otherwise; repeats are counted, not logged again each time;
* nothing is printed to the terminal, the exit status is not changed, and
  the app keeps running.

Two more things are needed for "keeps running":

* a message handler that raises ends its widget's message loop in Textual
  (``MessagePump._process_messages_loop``: ``_handle_exception(error)``, then
  ``break``), and the widget is then removed from the screen.
  :func:`guard_message_handlers` wraps ``MessagePump._dispatch_message`` so
  such an error is reported while the widget goes on with its next message
  (in apps that are not tuimail's the error goes on as before);
* a ``render`` that raises does so on every frame, and the whole screen stops
  updating.  The widget found in the traceback gets a guarded ``render_line``
  that draws a one-line placeholder wherever its own drawing fails (so one
  bad row of a list costs only that row).

An error before the app runs (its stylesheet) still stops it: with one line
saying so, not a traceback.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from textual._context import active_app
from textual.message import Message
from textual.message_pump import MessagePump
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import WorkerFailed

from tuimail.log_file import active_log_path
from tuimail.mail.sanitize import sanitize

if TYPE_CHECKING:
    from textual.app import App

__all__ = [
    "MAX_SHOWN_PER_MINUTE",
    "QUIET_FOR",
    "UnexpectedErrors",
    "guard_message_handlers",
    "rendering_widget",
]

_log = logging.getLogger("tuimail.ui.unexpected")
# Whoever runs the app: these records reach a log file or nothing, never the terminal
# (without any handler, Python's last resort would print them to stderr).
_log.addHandler(logging.NullHandler())

#: Seconds during which the same error is not shown again.
QUIET_FOR = 30.0
#: Notifications of unexpected errors shown in any one minute, at most.
MAX_SHOWN_PER_MINUTE = 5
#: Characters of an error's message shown.
MAX_SHOWN_TEXT = 300
#: Repeats of one error after which it is logged again (with the count).
LOG_AGAIN_AT = frozenset({2, 10, 100, 1_000, 10_000, 100_000})
#: Different errors remembered (past it the memory starts over: bounded, whatever the errors say).
MAX_KNOWN = 1_000
#: Frames of the render pipeline: an error raised inside one of these is a drawing error.
_RENDER_FRAMES = frozenset({"render", "render_line", "render_lines", "_render", "_render_content"})
#: Placeholder of a line that could not be drawn.
PLACEHOLDER = "⚠ this could not be drawn (an unexpected error; tuimail carries on)"

_GUARD_MARK = "__tuimail_guard__"


class UnexpectedErrors:
    """The unexpected errors of one app: shown, logged, counted."""

    def __init__(self, app: App[Any], *, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self._clock = clock
        #: How many times each error (by :func:`signature`) happened.
        self.counts: dict[tuple[str, ...], int] = {}
        self._shown_at: dict[tuple[str, ...], float] = {}
        self._shown_times: list[float] = []
        #: Unexpected errors so far, repeats included.
        self.total = 0

    # ------------------------------------------------------------------ report

    def report(self, error: BaseException) -> None:
        """Log ``error`` (traceback, no locals) and show it; never raises, never prints."""
        if isinstance(error, WorkerFailed) and isinstance(error.error, BaseException):
            error = error.error
        try:
            self._report(error)
        except Exception:  # noqa: BLE001 - the report itself must not become a crash
            _log.exception("reporting an unexpected error failed")

    def _report(self, error: BaseException) -> None:
        self.total += 1
        key = signature(error)
        if key not in self.counts and len(self.counts) >= MAX_KNOWN:
            self.counts.clear()
            self._shown_at.clear()
        count = self.counts[key] = self.counts.get(key, 0) + 1
        if count == 1:
            _log.error(
                "unexpected error (tuimail carries on)", exc_info=(type(error), error, error.__traceback__)
            )
        elif count in LOG_AGAIN_AT:
            _log.error("the same unexpected error again (%d times so far): %s", count, summary(error))
        widget = rendering_widget(error)
        if widget is not None:
            self.guard_rendering(widget)
        if self.app.is_running:
            self._show(key, error)
        elif not self.app._mounted_event.is_set():
            self._stop_before_start(error)
        # else: the app is ending; the log has it

    def _show(self, key: tuple[str, ...], error: BaseException) -> None:
        now = self._clock()
        last = self._shown_at.get(key)
        if last is not None and now - last < QUIET_FOR:
            return
        self._shown_times = [t for t in self._shown_times if now - t < 60.0]
        if len(self._shown_times) >= MAX_SHOWN_PER_MINUTE:
            return
        self._shown_at[key] = now
        self._shown_times.append(now)
        path = active_log_path()
        where = (
            f"The details are in the log file {path}."
            if path is not None
            else "Start tuimail with --log FILE to record the details for a bug report."
        )
        text = f"{sanitize(summary(error))}\ntuimail carries on. {sanitize(where)}"
        self.app.notify(text, title="Unexpected error", severity="error", markup=False, timeout=15)

    def _stop_before_start(self, error: BaseException) -> None:
        """The app cannot start (say, its stylesheet failed): exit 1 with one line, not a traceback."""
        path = active_log_path()
        details = f"the details are in {path}" if path else "run with --log FILE to record the details"
        line = f"tuimail: error: could not start: {sanitize(summary(error))}; {sanitize(details)}"
        self.app._return_code = 1
        # Before the terminal is taken over (the app has not started): one line, unwrapped.
        self.app.error_console.print(line, soft_wrap=True, markup=False, highlight=False, emoji=False)
        self.app._close_messages_no_wait()

    # --------------------------------------------------------------- rendering

    def guard_rendering(self, widget: Widget) -> None:
        """From now on a line ``widget`` cannot draw is drawn as :data:`PLACEHOLDER`."""
        if widget.__dict__.get(_GUARD_MARK):
            return
        draw = widget.render_line

        def render_line(y: int) -> Strip:
            try:
                return draw(y)
            except Exception as error:  # noqa: BLE001 - drawn as a placeholder, reported
                self.report(error)
                return placeholder_line(widget.size.width)

        widget.render_line = render_line  # type: ignore[method-assign]
        widget.__dict__[_GUARD_MARK] = True
        widget.refresh()


def placeholder_line(width: int) -> Strip:
    """One line of ``width`` cells saying it could not be drawn."""
    return Strip([Segment(PLACEHOLDER, Style(color="red", bold=True))]).adjust_cell_length(max(width, 0))


def summary(error: BaseException) -> str:
    """``Type: message``, cut to :data:`MAX_SHOWN_TEXT` characters (not sanitised)."""
    message = str(error)
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text if len(text) <= MAX_SHOWN_TEXT else text[: MAX_SHOWN_TEXT - 1] + "…"


def signature(error: BaseException) -> tuple[str, ...]:
    """What tells one error from another: its type, message and where it was raised."""
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ is not None else []
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return (type(error).__qualname__, str(error)[:MAX_SHOWN_TEXT], where)


def rendering_widget(error: BaseException) -> Widget | None:
    """The widget whose drawing raised ``error`` (the innermost widget in a render frame), if any."""
    found: Widget | None = None
    tb = error.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name in _RENDER_FRAMES:
            candidate = frame.f_locals.get("self")
            if isinstance(candidate, Widget):
                found = candidate
        tb = tb.tb_next
    return found


# ----------------------------------------------------------- message handlers

Dispatch = Callable[[MessagePump, Message], Awaitable[None]]


def guard_message_handlers() -> None:
    """Make a handler's error in a tuimail app a reported error, not the end of its widget.

    Wraps ``MessagePump._dispatch_message`` once per process.  In an app that
    has no ``unexpected_errors`` (not tuimail's), the error goes on to Textual
    as before."""
    original: Dispatch = MessagePump._dispatch_message
    if getattr(original, _GUARD_MARK, False):
        return

    async def dispatch(pump: MessagePump, message: Message) -> None:
        try:
            await original(pump, message)
        except Exception as error:
            errors = getattr(active_app.get(None), "unexpected_errors", None)
            if not isinstance(errors, UnexpectedErrors):
                raise
            errors.report(error)

    setattr(dispatch, _GUARD_MARK, True)
    MessagePump._dispatch_message = dispatch  # type: ignore[method-assign,assignment]
