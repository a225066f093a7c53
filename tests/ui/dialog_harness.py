"""A bare app that shows one dialog over the app's stylesheet and keeps what it dismissed with."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.pilot import Pilot
from textual.screen import Screen

import tuimail.ui

#: The app's own stylesheet, so the dialogs are laid out as in tuimail.
APP_CSS = Path(tuimail.ui.__file__).parent / "app.tcss"


class DialogApp(App[None]):
    """Pushes ``dialog`` on mount; ``results`` collects what it dismissed with."""

    CSS_PATH = APP_CSS
    CURSOR_BLINK = False
    # As in TuimailApp: the palette's key is an ordinary binding (Textual's default is a
    # priority one, which would take Ctrl+P from every dialog).
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+p", "command_palette", show=False)]

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


@asynccontextmanager
async def showing(
    dialog: Screen[Any], size: tuple[int, int] = (80, 24)
) -> AsyncIterator[tuple[DialogApp, Pilot[None]]]:
    """The dialog shown (and laid out) at ``size``."""
    app = DialogApp(dialog)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        yield app, pilot
