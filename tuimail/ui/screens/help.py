"""The help screen: every binding, its keys and its id (for ``[keymap]``)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from tuimail.ui.binding_catalogue import Area, BindingRow, all_binding_rows
from tuimail.ui.bindings import HELP_BINDINGS, reader_bindings
from tuimail.ui.widgets.base import ImmediateScroll


class HelpBody(ImmediateScroll, inherit_bindings=False):
    """The scrolling body of the help screen; its keys have ids (``help.<what>``)."""

    BINDINGS: ClassVar[list[BindingType]] = reader_bindings("help")


#: Areas whose keys are the editing keys of a text field (Textual's Input), listed
#: last and collapsed to one line each until asked for.
TEXT_FIELD_AREAS = ("Text field", "Command line")
#: Keys of those areas that are tuimail's own, always listed.
OWN_TEXT_FIELD_IDS = frozenset({"command_line.close", "command_line.complete", "text_field.submit"})


class HelpScreen(ModalScreen[None], inherit_bindings=False):
    """Lists every binding of the app; Esc, q or ? closes it; e shows the text-field keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *HELP_BINDINGS,
        Binding("e", "toggle_editing_keys", "Text-field keys on/off", id="help.editing_keys"),
    ]

    def __init__(
        self,
        areas: list[Area],
        keymap: dict[str, str] | None = None,
        commands: list[BindingRow] | None = None,
    ) -> None:
        super().__init__()
        rows = all_binding_rows(areas, keymap or {})
        editing = [r for r in rows if r.area in TEXT_FIELD_AREAS and r.binding_id not in OWN_TEXT_FIELD_IDS]
        #: Every row: the app's keys, the ``:`` commands, then the text fields' editing keys.
        self.rows = [r for r in rows if r not in editing] + list(commands or []) + editing
        self.editing_rows = editing
        self.show_editing = False

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
        editing = set(self.editing_rows)
        for row in self.rows:
            if row in editing and not self.show_editing:
                continue
            table.add_row(Text(row.area), Text(row.keys), Text(row.description), Text(row.binding_id))
        if not self.show_editing:
            for area in TEXT_FIELD_AREAS:
                count = sum(1 for row in self.editing_rows if row.area == area)
                if count:
                    more = f"{count} editing keys (Ctrl+A, Ctrl+E, Ctrl+W, Ctrl+K, ...): e lists them"
                    table.add_row(Text(area), Text("…"), Text(more), Text(""))
        return table

    def action_toggle_editing_keys(self) -> None:
        """Show or hide the text fields' editing keys."""
        self.show_editing = not self.show_editing
        self.query_one("#help-table", Static).update(self.table())

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
