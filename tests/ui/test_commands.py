"""The command palette shows mailbox and theme names literally, never as markup (issue 4)."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.fuzzy import Matcher

from tests.session.pilot_support import until
from tests.session.support import seeded
from tests.ui.support import app_on
from tuimail.ui.app import TuimailApp
from tuimail.ui.commands import highlighted

MARKUP_MAILBOX = "[b]Boss[/b] [link=https://evil.example]"
MARKUP_THEME = "[i]sly[/i]"


def test_highlight_keeps_markup_as_text_and_marks_the_matched_letters() -> None:
    matcher = Matcher("boss")
    content = highlighted(matcher, "Open mailbox: " + MARKUP_MAILBOX)
    assert content.plain == "Open mailbox: " + MARKUP_MAILBOX
    assert content.spans, "the matched letters are styled"


def prompts(app: TuimailApp) -> list[str]:
    command_list = app.screen.query_one(CommandList)
    return [str(command_list.get_option_at_index(i).prompt) for i in range(command_list.option_count)]


async def test_palette_shows_markup_like_mailbox_and_theme_names_literally(tmp_path: Path) -> None:
    (tmp_path / "sly.toml").write_text(f'name = "{MARKUP_THEME}"\nprimary = "#ff0000"\n')
    boxes = seeded(3)
    boxes[MARKUP_MAILBOX] = []
    async with app_on(boxes, theme_dirs=[tmp_path]) as (app, pilot, _main):
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Boss")
        await until(pilot, lambda: any("Boss" in p for p in prompts(app)), what="mailbox hit")
        assert any(("Open mailbox: " + MARKUP_MAILBOX) in p for p in prompts(app))
        for _ in "Boss":
            await pilot.press("backspace")
        await pilot.press(*"sly")
        await until(pilot, lambda: any("sly" in p for p in prompts(app)), what="theme hit")
        assert any(("Theme: " + MARKUP_THEME) in p for p in prompts(app))
        await pilot.press("enter")
        await until(pilot, lambda: app.theme == MARKUP_THEME, what="theme switched")


async def test_the_palette_has_one_quit_and_one_help() -> None:
    from tuimail.ui.commands import ACTIONS

    async with app_on(seeded(1)) as (app, _pilot, _main):
        titles = [command.title for command in app.get_system_commands(app.screen)]
    titles += [text for text, _action, _help in ACTIONS]
    assert titles.count("Quit") == 1 and not [t for t in titles if t.startswith("Quit") and t != "Quit"]
    assert "Keys" not in titles and titles.count("Help: keys") == 1
