"""The help screen: every binding, and its text shown as written (issue 4)."""

from __future__ import annotations

from rich.console import Console

from tuimail.ui.screens import HelpScreen


def rendered(screen: HelpScreen) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(screen.table())
    return console.export_text()


def test_help_caption_shows_the_keymap_table_name_literally() -> None:
    assert '[keymap] <id> = "keys"' in rendered(HelpScreen())


def test_help_table_shows_remapped_keys_and_every_id() -> None:
    screen = HelpScreen({"message.delete": "x"})
    text = rendered(screen)
    assert all(row.binding_id in text for row in screen.rows)
    delete = next(row for row in screen.rows if row.binding_id == "message.delete")
    assert delete.keys == "x"
