"""The status bar: account, mailbox, counts, connection state and a READ-ONLY badge.

One line, rendered as :class:`rich.text.Text` built from plain strings (the
mailbox name comes from the server, the account name from the config).
"""

from __future__ import annotations

from typing import ClassVar, Unpack

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tuimail.mail.sanitize import sanitize

from .base import WidgetArgs
from .styles import component_style

__all__ = ["StatusBar"]

#: Connection state -> component class giving its colour.
_STATE_CLASS = {
    "connected": "good",
    "idle": "good",
    "connecting": "busy",
    "waiting": "busy",
    "reconnecting": "busy",
    "authenticating": "busy",
    "offline": "bad",
    "disconnected": "bad",
    "error": "bad",
    "failed": "bad",
}
_STATE_GLYPH = {"good": "●", "busy": "◌", "bad": "○"}


class StatusBar(Widget):
    """A one-line summary of where the user is and whether the connection is up."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--account",
        "status-bar--separator",
        "status-bar--good",
        "status-bar--busy",
        "status-bar--bad",
        "status-bar--read-only",
    }

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    StatusBar > .status-bar--account { text-style: bold; color: $primary; }
    StatusBar > .status-bar--separator { color: $text-muted; }
    StatusBar > .status-bar--good { color: $success; }
    StatusBar > .status-bar--busy { color: $warning; }
    StatusBar > .status-bar--bad { color: $error; text-style: bold; }
    StatusBar > .status-bar--read-only { background: $warning; color: $background; text-style: bold; }
    """

    def __init__(self, **widget: Unpack[WidgetArgs]) -> None:
        super().__init__(**widget)
        self.account = ""
        self.mailbox: str | None = None
        self.total: int | None = None
        self.unread: int | None = None
        self.connection = "offline"
        self.detail = ""
        self.read_only = False
        self.selected = 0
        self.listing = ""
        self.waiting = 0
        self.others = ""
        self.transfer = ""

    def update_status(
        self,
        account: str,
        mailbox: str | None,
        total: int | None,
        unread: int | None,
        connection: str,
        read_only: bool,
        detail: str = "",
        *,
        selected: int = 0,
        listing: str = "",
        waiting: int = 0,
        others: str = "",
        transfer: str = "",
    ) -> None:
        """Replace everything the bar shows; ``detail`` says more about the connection."""
        self.account = account
        self.mailbox = mailbox
        self.total = total
        self.unread = unread
        self.connection = connection
        self.detail = detail
        self.read_only = read_only
        self.selected = selected
        self.listing = listing
        self.waiting = waiting
        self.others = others
        self.transfer = transfer
        self.refresh()

    def status_text(self) -> Text:
        """The bar's content as plain Text (also what tests read)."""

        def style(part: str) -> Style:
            if not self.is_mounted:
                return Style()
            return component_style(self, f"status-bar--{part}")

        separator = Text(" │ ", style("separator"))
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" ")
        if self.read_only:
            text.append(" READ-ONLY ", style("read-only"))
            text.append(" ")
        text.append(sanitize(self.account) or "no account", style("account"))
        if self.mailbox is not None:
            text.append_text(separator)
            text.append(sanitize(self.mailbox))
        if self.total is not None:
            text.append_text(separator)
            text.append(f"{self.total:,} message{'' if self.total == 1 else 's'}")
            if self.unread is not None:
                text.append(f", {self.unread:,} unread")
        if self.listing:
            text.append_text(separator)
            text.append(sanitize(self.listing), style("busy"))
        if self.selected:
            text.append_text(separator)
            text.append(f"{self.selected:,} selected", style("account"))
        if self.waiting:
            text.append_text(separator)
            text.append(f"{self.waiting:,} action{'s' if self.waiting != 1 else ''} waiting", style("busy"))
        if self.transfer:
            text.append_text(separator)
            text.append(sanitize(self.transfer), style("busy"))
        if self.others:
            text.append_text(separator)
            text.append("also: " + sanitize(self.others), style("separator"))
        state = sanitize(self.connection)
        kind = _STATE_CLASS.get(state.lower(), "busy")
        text.append_text(separator)
        text.append(f"{_STATE_GLYPH[kind]} {state}", style(kind))
        if self.detail:
            text.append(f": {sanitize(self.detail)}", style(kind))
        return text

    def render(self) -> Text:
        return self.status_text()
