"""The help screen: every binding, and its text shown as written (issue 4)."""

from __future__ import annotations

from rich.console import Console
from textual.app import App

from tuimail.ui.app import binding_areas, command_rows
from tuimail.ui.screens import HelpScreen
from tuimail.ui.screens.help import HelpBody


def rendered(screen: HelpScreen) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(screen.table())
    return console.export_text()


def test_help_caption_shows_the_keymap_table_name_literally() -> None:
    assert '[keymap] <id> = "keys"' in rendered(HelpScreen(binding_areas()))


def test_help_table_shows_remapped_keys_and_every_id() -> None:
    screen = HelpScreen(binding_areas(), {"message.delete": "x"})
    text = rendered(screen)
    assert all(row.binding_id in text for row in screen.rows if row not in screen.editing_rows)
    assert "text_field.cut" not in text and "editing keys" in text  # collapsed at the end
    screen.show_editing = True
    text = rendered(screen)
    assert all(row.binding_id in text for row in screen.rows)
    delete = next(row for row in screen.rows if row.binding_id == "message.delete")
    assert delete.keys == "x"


class HelpApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(HelpScreen(binding_areas()))


async def test_help_scrolls_with_j_k_g_and_closes_with_q() -> None:
    app = HelpApp()
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        body = app.screen.query_one(HelpBody)
        assert app.focused is body
        await pilot.press("j", "j", "k")
        assert body.scroll_y == 1
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y > 10
        await pilot.press("g")
        assert body.scroll_y == 0
        await pilot.press("q")
        assert not isinstance(app.screen, HelpScreen)


def test_help_names_keys_one_way_and_lists_text_field_keys_last() -> None:
    screen = HelpScreen(binding_areas(), commands=command_rows())
    keys = {row.binding_id: row.keys for row in screen.rows}
    assert keys["app.command_palette"] == "Ctrl+P" and keys["message_list.page_up"] == "PgUp, Ctrl+B"
    assert keys["viewer.page_down"] == "Space, PgDn" and keys["message.delete"] == "d, Delete"
    assert keys["folder_list.page_left"] == "Ctrl+PgUp" and keys["text_field.select_all"] == "Ctrl+Shift+A"
    assert all(row.keys[:1] not in "abcdefghijklmnopqrstuvwxyz" or len(row.keys.split(",")[0]) == 1
               for row in screen.rows), "a named key written in lower case"
    areas = [row.area for row in screen.rows]
    first_editing = min(i for i, row in enumerate(screen.rows) if row in screen.editing_rows)
    assert set(areas[first_editing:]) <= {"Text field", "Command line"}
    assert "Commands" in areas[:first_editing]


async def test_e_shows_and_hides_the_text_field_keys() -> None:
    app = HelpApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen) and not screen.show_editing
        await pilot.press("e")
        assert screen.show_editing
        await pilot.press("e")
        assert not screen.show_editing
