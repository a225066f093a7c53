"""The help screen: every binding, its keys and its id (for ``[keymap]``)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from tuimail.ui.binding_catalogue import Area, BindingRow, all_binding_rows
from tuimail.ui.bindings import HELP_BINDINGS, reader_bindings
from tuimail.ui.widgets.base import ImmediateScroll


class HelpBody(ImmediateScroll, inherit_bindings=False):
    """The scrolling body of the help screen; its keys have ids (``help.<what>``)."""

    BINDINGS: ClassVar[list[BindingType]] = reader_bindings("help")


class HelpScreen(ModalScreen[None], inherit_bindings=False):
    """Lists every binding of the app; Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = HELP_BINDINGS

    def __init__(
        self,
        areas: list[Area],
        keymap: dict[str, str] | None = None,
        commands: list[BindingRow] | None = None,
    ) -> None:
        super().__init__()
        self.rows = all_binding_rows(areas, keymap or {}) + list(commands or [])

    def compose(self) -> ComposeResult:
        with HelpBody(id="help-body"):
            yield Static(self.table(), id="help-table")

    def table(self) -> Table:
        """The bindings as a Rich table; every cell is plain Text (a str would be Rich markup)."""
        table = Table(
            title=Text("tuimail keys"),
            caption=Text('Remap any key in config.toml: [keymap] <id> = "keys"'),
            expand=True,
            box=None,
            header_style="bold",
        )
        table.add_column("Where", no_wrap=True)
        table.add_column("Keys", style="bold", max_width=22, overflow="fold")
        table.add_column("Does", ratio=1, min_width=24)
        table.add_column("Id", style="dim", no_wrap=True)
        for row in self.rows:
            table.add_row(Text(row.area), Text(row.keys), Text(row.description), Text(row.binding_id))
        return table

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
