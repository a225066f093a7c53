"""The command line at the bottom of the main screen: ``:`` for commands, ``/`` for a search.

Like vim's and aerc's: it opens with its prompt, Tab completes (cycling
through the candidates the screen's completer gives), Enter runs, Escape
closes and changes nothing.  What the user typed is plain text: never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Input

from tuimail.ui.bindings import with_ids

from .base import WidgetMessage

__all__ = ["CommandLine"]

#: (text before the cursor) -> completions of its last word, each the whole new text.
Completer = Callable[[str], list[str]]


class CommandLine(Input, inherit_bindings=False):
    """A one-line prompt, hidden until opened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *with_ids(Input, "command_line"),
        Binding("escape", "close", "Close", show=False, id="command_line.close"),
        Binding("tab", "complete", "Complete", show=False, id="command_line.complete"),
    ]

    DEFAULT_CSS = """
    CommandLine {
        dock: bottom;
        height: 1;
        border: none;
        padding: 0;
        background: $panel;
        display: none;
    }
    CommandLine.open { display: block; }
    CommandLine:focus { border: none; }
    """

    class Run(WidgetMessage["CommandLine"]):
        """The user pressed Enter on ``text`` in ``mode`` (``":"`` or ``"/"``)."""

        def __init__(self, line: CommandLine, mode: str, text: str) -> None:
            super().__init__(line)
            self.mode = mode
            self.text = text

    class Closed(WidgetMessage["CommandLine"]):
        """The line was closed without running anything."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, select_on_focus=False)
        self.mode = ":"
        self.completer: Completer | None = None
        self._cycle: list[str] = []
        self._cycle_at = -1

    def open(self, mode: str, text: str = "") -> None:
        """Show the line with its prompt (``mode``) and ``text``, and take the focus."""
        self.mode = mode
        self.placeholder = "search: from:ann since:7d …" if mode == "/" else "command (Tab completes)"
        self.value = text
        self.cursor_position = len(text)
        self.add_class("open")
        self.border_title = mode
        self._cycle = []
        self.focus()

    @property
    def is_open(self) -> bool:
        return self.has_class("open")

    def close(self) -> None:
        self.remove_class("open")
        self.value = ""

    def action_close(self) -> None:
        self.close()
        self.post_message(self.Closed(self))

    async def action_submit(self) -> None:
        text, mode = self.value, self.mode
        self.close()
        self.post_message(self.Run(self, mode, text))

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

    def on_blur(self, event: events.Blur) -> None:
        if self.is_open:
            self.close()
            self.post_message(self.Closed(self))
