"""The connection-failed screen: what went wrong, and retry or quit."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tuimail.mail.sanitize import sanitize
from tuimail.ui.bindings import ERROR_BINDINGS, with_ids


class ChoiceButton(Button, inherit_bindings=False):
    """A Button whose key (Enter presses it) has an id: ``button.press``."""

    BINDINGS: ClassVar[list[BindingType]] = with_ids(Button, "button")


class ErrorScreen(ModalScreen[str], inherit_bindings=False):
    """Shows a failure; dismisses with ``"retry"`` or ``"quit"``.

    The detail may hold server text: it is sanitised and shown as plain text.
    """

    BINDINGS: ClassVar[list[BindingType]] = ERROR_BINDINGS

    def __init__(self, title: str, detail: str, *, where: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Static(Text(sanitize(self.title_text), style="bold"), id="error-title")
            if self.where:
                yield Static(Text(sanitize(self.where)), id="error-where")
            yield Static(Text(sanitize(self.detail)), id="error-detail")
            with Horizontal(id="error-buttons"):
                yield ChoiceButton("Retry (r)", id="retry", variant="primary")
                yield ChoiceButton("Quit (q)", id="quit", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss("retry" if event.button.id == "retry" else "quit")

    def action_retry(self) -> None:
        self.dismiss("retry")

    def action_quit(self) -> None:
        self.dismiss("quit")
