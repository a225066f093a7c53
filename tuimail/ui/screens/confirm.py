"""Asking before a bulk or destructive action: "312 messages will move to Archive".

:class:`ConfirmDialog` shows one sentence and dismisses with True (Enter or ``y``)
or False (Esc or ``n``); nothing else happens in it, so cancelling changes nothing.
The sentence builders below say what will happen with the count; mailbox names come
from the server and are sanitised, and every text is shown as plain
:class:`rich.text.Text`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tuimail.mail.sanitize import sanitize
from tuimail.ui.bindings import SCREEN_BINDINGS

from .dialogs import SHORT_BREAKPOINTS

__all__ = [
    "CONFIRM_BINDINGS",
    "ConfirmButton",
    "ConfirmDialog",
    "copying",
    "deleting_for_good",
    "messages",
    "moving",
]

CONFIRM_BINDINGS: list[BindingType] = [
    SCREEN_BINDINGS[2],  # copy selected text; nothing here takes the focus, so no Tab
    Binding("enter,y,Y", "confirm", "Yes", id="confirm.yes"),
    Binding("escape,n,N", "cancel", "No", id="confirm.no"),
]


def messages(count: int) -> str:
    """``1 message``, ``312 messages``, ``1,312 messages``."""
    return f"{count:,} message" + ("" if count == 1 else "s")


def moving(count: int, mailbox: str) -> str:
    """``312 messages will move to Archive``."""
    return f"{messages(count)} will move to {sanitize(mailbox)}"


def copying(count: int, mailbox: str) -> str:
    """``312 messages will be copied to Projects``."""
    return f"{messages(count)} will be copied to {sanitize(mailbox)}"


def deleting_for_good(count: int) -> str:
    """``3 messages will be deleted for good: this cannot be undone``."""
    return f"{messages(count)} will be deleted for good: this cannot be undone"


class ConfirmButton(Button, can_focus=False, inherit_bindings=False):
    """A button for the mouse: it never takes the focus, so Enter stays "yes"."""

    BINDINGS: ClassVar[list[BindingType]] = []


class ConfirmDialog(ModalScreen[bool], inherit_bindings=False):
    """One sentence and a yes/no question; dismisses with True (Enter, ``y``) or False
    (Esc, ``n``).  ``destructive`` marks an action that cannot be undone (red frame)."""

    VERTICAL_BREAKPOINTS = SHORT_BREAKPOINTS
    BINDINGS: ClassVar[list[BindingType]] = CONFIRM_BINDINGS

    def __init__(
        self,
        text: str,
        *,
        title: str = "Are you sure?",
        yes: str = "Yes",
        no: str = "No",
        destructive: bool = False,
    ) -> None:
        super().__init__()
        self.text = text
        self.title_text = title
        self.yes = yes
        self.no = no
        self.destructive = destructive

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -destructive" if self.destructive else "dialog", id="confirm-box"):
            yield Static(Text(sanitize(self.title_text), style="bold"), classes="dialog-title")
            yield Static(Text(sanitize(self.text)), id="confirm-text")
            with Horizontal(id="confirm-buttons"):
                yield ConfirmButton(
                    f"{sanitize(self.yes)} (y)",
                    id="confirm-yes",
                    variant="error" if self.destructive else "primary",
                    compact=True,
                )
                yield ConfirmButton(f"{sanitize(self.no)} (n)", id="confirm-no", compact=True)
            yield Static(Text("Enter or y: yes · Esc or n: no"), classes="dialog-hint")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
