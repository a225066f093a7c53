"""Textual's terminal driver, started over a first paint (:mod:`tuimail.ui.first_paint`).

The first paint has switched to the alternate screen already.  Textual's Linux driver switches
to it again when it starts (``ESC [ ? 1049 h``): xterm clears the screen on that sequence
even when the alternate screen is in use, and saves the cursor again, so the rows would vanish
until the app's first frame and the shell's cursor would be lost at the end.  The driver made
here leaves that one sequence out, the first time it starts only (a resume after Ctrl+Z starts
it again from the normal screen).
"""

from __future__ import annotations

from typing import Any

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

__all__ = ["ALTERNATE_SCREEN", "over_first_paint"]

#: What Textual's Linux driver writes to switch to the alternate screen.
ALTERNATE_SCREEN = "\x1b[?1049h"


class _OverFirstPaint(LinuxDriver):
    """A Linux driver that does not switch to the alternate screen the first time it starts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_alternate_screen = True  # the first paint switched

    def write(self, data: str) -> None:
        if self._in_alternate_screen and data == ALTERNATE_SCREEN:
            self._in_alternate_screen = False  # once
            return
        super().write(data)


def over_first_paint(driver: type[Driver]) -> type[Driver]:
    """The driver to start over a first paint: Textual's Linux driver without its first switch
    to the alternate screen; any other driver as it is."""
    return _OverFirstPaint if driver is LinuxDriver else driver
