"""The command line at the bottom of the main screen: ``:`` for commands, ``/`` for a search.

Like vim's and aerc's: it opens with its prompt, Tab completes (cycling
through the candidates the screen's completer gives), Enter runs, Escape
closes and changes nothing.  What the user typed is plain text: never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Static

from tuimail.ui.bindings import with_ids

from .base import WidgetMessage

__all__ = ["CommandLine", "LineInput"]

#: (text before the cursor) -> completions of its last word, each the whole new text.
Completer = Callable[[str], list[str]]


class LineInput(Input, inherit_bindings=False):
    """The field of the command line (Input's keys, with ids; Tab completes; Escape closes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *with_ids(Input, "command_line"),
        Binding("escape", "close", "Close", show=False, id="command_line.close"),
        Binding("tab", "complete", "Complete", show=False, id="command_line.complete"),
    ]

    DEFAULT_CSS = """
    LineInput { border: none; padding: 0; height: 1; background: $panel; }
    LineInput:focus { border: none; }
    """

    def __init__(self) -> None:
        super().__init__(select_on_focus=False)
        self.completer: Completer | None = None
        self._cycle: list[str] = []
        self._cycle_at = -1

    def action_close(self) -> None:
        line = self.parent
        if isinstance(line, CommandLine):
            line.close()
            line.post_message(CommandLine.Closed(line))

    async def action_submit(self) -> None:
        line = self.parent
        if isinstance(line, CommandLine):
            text, mode = self.value, line.mode
            line.close()
            line.post_message(CommandLine.Run(line, mode, text))

    def action_complete(self) -> None:
        """Tab: the next completion of the word before the cursor."""
        if self.completer is None:
            return
        if not self._cycle or self.value not in self._cycle:
            self._cycle = self.completer(self.value[: self.cursor_position])
            self._cycle_at = -1
        if not self._cycle:
            self.app.bell()
            return
        self._cycle_at = (self._cycle_at + 1) % len(self._cycle)
        self.value = self._cycle[self._cycle_at]
        self.cursor_position = len(self.value)

    def on_key(self, event: events.Key) -> None:
        if event.key != "tab":
            self._cycle = []



class CommandLine(Horizontal):
    """A one-line prompt and field, hidden until opened."""

    DEFAULT_CSS = """
    CommandLine { height: 1; background: $panel; display: none; }
    CommandLine.open { display: block; }
    CommandLine > Static { width: 2; color: $accent; text-style: bold; }
    CommandLine > LineInput { width: 1fr; }
    """

    class Run(WidgetMessage["CommandLine"]):
        """The user pressed Enter on ``text`` in ``mode`` (``":"`` or ``"/"``)."""

        def __init__(self, line: CommandLine, mode: str, text: str) -> None:
            super().__init__(line)
            self.mode = mode
            self.text = text

    class Closed(WidgetMessage["CommandLine"]):
        """The line was closed without running anything."""

    def __init__(self, *, id: str | None = None, covers: Widget | None = None) -> None:
        super().__init__(id=id)
        self.mode = ":"
        #: The one-row widget the open line takes the place of (hidden meanwhile): the rows
        #: around keep their size, so opening and closing the line redraws one row, where a
        #: line of its own resized every pane above it (40 ms of the UI's time, issue 9).
        self.covers = covers

    def compose(self) -> ComposeResult:
        yield Static(":")
        yield LineInput()

    @property
    def field(self) -> LineInput:
        return self.query_one(LineInput)

    @property
    def value(self) -> str:
        return self.field.value

    @property
    def completer(self) -> Completer | None:
        return self.field.completer

    @completer.setter
    def completer(self, completer: Completer | None) -> None:
        self.field.completer = completer

    @property
    def is_open(self) -> bool:
        return self.has_class("open")

    def open(self, mode: str, text: str = "") -> None:
        """Show the line with its prompt (``mode``) and ``text``, and take the focus."""
        self.mode = mode
        self.query_one(Static).update(Text(mode))
        field = self.field
        field.placeholder = (
            'from:ann since:7d subject:"lunch" -is:read …' if mode == "/" else "command (Tab completes)"
        )
        field.value = text
        field.cursor_position = len(text)
        if self.covers is not None:
            self.covers.display = False
        self.add_class("open")
        field.focus()

    def close(self) -> None:
        self.remove_class("open")
        if self.covers is not None:
            self.covers.display = True
        self.field.value = ""
