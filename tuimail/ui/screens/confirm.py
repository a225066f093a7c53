"""A yes/no question before an action that is big or cannot be undone."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tuimail.mail.sanitize import sanitize
from tuimail.ui.bindings import SCREEN_BINDINGS


class ConfirmDialog(ModalScreen[bool], inherit_bindings=False):
    """Shows what will happen (``sentence``); y or Enter goes ahead, n or Escape changes nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *SCREEN_BINDINGS,
        Binding("y,enter", "yes", "Yes", id="confirm.yes"),
        Binding("n,escape", "no", "No", id="confirm.no"),
    ]

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; background: $background 60%; }
    ConfirmDialog > Vertical {
        width: auto; max-width: 90%; height: auto;
        border: round $warning; background: $surface; padding: 1 2;
    }
    """

    def __init__(self, sentence: str) -> None:
        super().__init__()
        self.sentence = sentence

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(sanitize(self.sentence), style="bold"), classes="dialog-title")
            yield Static(Text("y / Enter: go ahead    n / Esc: change nothing"))

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)
