"""The help screen: every binding, and its text shown as written (issue 4)."""

from __future__ import annotations

from rich.console import Console
from textual.app import App

from tuimail.ui.app import binding_areas
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
