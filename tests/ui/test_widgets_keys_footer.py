"""The footer (issue 9, issue 11): one widget drawing the focused widget's keys on one line.

``? Help`` first whatever the width, the command palette's key on the right; the keys
follow the focus without mounting widgets or laying the screen out again; a click on a
key presses it, a disabled key is dimmed and only rings the bell."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget

from tuimail.ui.widgets.keys_footer import KeysFooter


class Pane(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open", "Open"),
        Binding("x", "secret", "Secret", show=False),
    ]
    DEFAULT_CSS = "Pane { height: 1fr; }"

    def action_open(self) -> None:
        self.app.done.append(f"open {self.id}")  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "open" and self.has_class("-locked") else True


class Other(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("s", "save", "Save")]
    DEFAULT_CSS = "Other { height: 1fr; }"

    def action_save(self) -> None:
        self.app.done.append("save")  # type: ignore[attr-defined]


class FooterApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.done: list[str] = []
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield Pane(id="pane")
        yield Other(id="other")
        yield KeysFooter()

    def action_help(self) -> None:
        self.done.append("help")

    def bell(self) -> None:
        self.bells += 1


def bottom(app: App[None]) -> str:
    return app.screen._compositor.render_strips()[-1].text


async def test_help_comes_first_and_the_palette_key_last_on_one_drawn_line() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        line = bottom(app)
        assert line.startswith(" ? Help  o Open  q Quit ")
        assert line.endswith("▏^p palette ")
        assert "Secret" not in line  # show=False stays out
        footer = app.query_one(KeysFooter)
        assert not footer.children  # one widget: no key is a widget of its own
        assert [p.action for p in footer.places] == ["help", "open", "quit", "command_palette"]


async def test_the_keys_follow_the_focus_without_laying_the_screen_out_again() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        layouts = 0
        screen: Screen[object] = app.screen
        refresh_layout = screen._refresh_layout

        def counting(*args: object, **kwargs: object) -> None:
            nonlocal layouts
            layouts += 1
            refresh_layout(*args, **kwargs)  # type: ignore[arg-type]

        screen._refresh_layout = counting  # type: ignore[method-assign]
        app.query_one(Other).focus()
        await pilot.pause()
        await pilot.pause()
        assert bottom(app).startswith(" ? Help  s Save  q Quit ")
        assert layouts == 0
        app.query_one(Pane).focus()
        await pilot.pause()
        await pilot.pause()
        assert bottom(app).startswith(" ? Help  o Open  q Quit ")
        assert layouts == 0


async def test_a_click_presses_the_key_and_a_disabled_key_only_rings() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeysFooter)
        place = {p.action: p for p in footer.places}
        await pilot.click(KeysFooter, offset=(place["open"].start + 1, 0))
        await pilot.click(KeysFooter, offset=(place["help"].start + 1, 0))
        assert app.done == ["open pane", "help"]
        app.query_one(Pane).add_class("-locked")
        app.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert [p.enabled for p in footer.places if p.action == "open"] == [False]
        await pilot.click(KeysFooter, offset=(place["open"].start + 1, 0))
        assert app.done == ["open pane", "help"] and app.bells == 1


async def test_on_a_narrow_terminal_help_and_the_palette_key_stay_and_the_middle_is_cut() -> None:
    app = FooterApp()
    async with app.run_test(size=(34, 10)) as pilot:
        await pilot.pause()
        line = bottom(app)
        assert len(line) == 34
        assert line.startswith(" ? Help ")
        assert line.endswith("▏^p palette ")
        assert "Quit" not in line and "Qui▏" in line  # cut where the palette key begins
        footer = app.query_one(KeysFooter)
        assert all(p.end <= 34 for p in footer.places)
