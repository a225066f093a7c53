"""Themes: TOML files loaded into Textual themes; bad files named, not tracebacks (issue 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import Theme

from tuimail.ui.themes import ThemeError, load_theme_file, load_themes, project_theme_dir
from tuimail.ui.widgets import MessageList, StatusBar

OURS = {"tuimail-dark", "tuimail-light", "tuimail-solarized"}


def test_project_ships_at_least_three_themes_of_its_own() -> None:
    themes = {theme.name: theme for theme in load_themes(include_user_dir=False)}
    assert OURS <= set(themes)
    assert all(isinstance(theme, Theme) for theme in themes.values())
    assert themes["tuimail-light"].dark is False and themes["tuimail-dark"].dark is True


def test_theme_files_live_in_the_projects_themes_folder() -> None:
    assert {path.stem for path in project_theme_dir().glob("*.toml")} >= OURS


def contrast(a: Color, b: Color) -> float:
    """WCAG 2.1 contrast ratio of two colours (1 to 21)."""

    def luminance(colour: Color) -> float:
        def channel(value: int) -> float:
            v = value / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)

    low, high = sorted((luminance(a), luminance(b)))
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", sorted(OURS))
def test_each_theme_gives_unread_and_flagged_distinct_readable_colours(name: str) -> None:
    theme = load_theme_file(project_theme_dir() / f"{name}.toml")
    variables = theme.variables
    surface = Color.parse(theme.surface or theme.background or "#000000")
    unread, flagged = Color.parse(variables["message-unread"]), Color.parse(variables["message-flagged"])
    assert unread != flagged
    # WCAG AA for text (4.5:1) for the text colours, 3:1 for the glyphs.
    for colour in (Color.parse(theme.foreground or "#ffffff"), unread, flagged):
        assert contrast(colour, surface) >= 4.5, (name, colour)
    for key in ("message-answered", "message-attachment"):
        assert contrast(Color.parse(variables[key]), surface) >= 3, (name, key)
    cursor = Color.parse(variables["block-cursor-background"])
    assert contrast(Color.parse(variables["block-cursor-foreground"]), cursor) >= 4.5
    assert contrast(flagged, cursor) >= 3


def test_user_themes_load_and_replace_a_bundled_theme_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('name = "mine"\nprimary = "#ff0000"\ndark = false\n')
    (tmp_path / "dark.toml").write_text('name = "tuimail-dark"\nprimary = "#00ff00"\n')
    themes = {theme.name: theme for theme in load_themes([tmp_path], include_user_dir=False)}
    assert themes["mine"].primary == "#ff0000" and themes["mine"].dark is False
    assert themes["tuimail-dark"].primary == "#00ff00"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("name = \"x\"\nprimary = \n", "not valid TOML"),
        ("primary = \"#fff\"\n", "'name'"),
        ("name = \"x\"\n", "'primary'"),
        ("name = \"x\"\nprimary = \"not-a-colour\"\n", "'primary': 'not-a-colour' is not a colour"),
        ("name = \"x\"\nprimary = 12\n", "'primary' must be a colour string"),
        ("name = \"x\"\nprimary = \"#fff\"\nprimry = \"#fff\"\n", "unknown key(s) 'primry'"),
        ("name = \"x\"\nprimary = \"#fff\"\ndark = \"yes\"\n", "'dark' must be true or false"),
        ("name = \"x\"\nprimary = \"#fff\"\n[variables]\nmessage-unread = 3\n", "variable 'message-unread'"),
    ],
)
def test_a_bad_theme_file_gives_an_error_naming_the_file(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(content)
    with pytest.raises(ThemeError) as caught:
        load_themes([tmp_path], include_user_dir=False)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_bad_theme_files_can_be_collected_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("name = ")
    (tmp_path / "good.toml").write_text('name = "good"\nprimary = "#123456"\n')
    errors: list[ThemeError] = []
    names = {theme.name for theme in load_themes([tmp_path], include_user_dir=False, errors=errors)}
    assert "good" in names and OURS <= names
    assert [error.path.name for error in errors] == ["bad.toml"]


class ThemedApp(App[None]):
    def compose(self) -> ComposeResult:
        yield MessageList()
        yield StatusBar()

    def on_mount(self) -> None:
        for theme in load_themes(include_user_dir=False):
            self.register_theme(theme)


@pytest.mark.parametrize("name", sorted(OURS))
async def test_every_theme_applies_to_the_widgets(name: str) -> None:
    app = ThemedApp()
    async with app.run_test(size=(80, 20)) as pilot:
        app.theme = name
        await pilot.pause()
        theme = app.get_theme(name)
        assert theme is not None
        assert app.query_one(StatusBar).styles.background != Color.parse("#000000")
        assert app.theme_variables["message-flagged"] == theme.variables["message-flagged"]
