"""Textual's terminal driver, started over a first paint (:mod:`tuimail.ui.first_paint`).

The first paint has switched to the alternate screen already.  Textual's Linux driver switches
to it again when it starts (``ESC [ ? 1049 h``): xterm clears the screen on that sequence
even when the alternate screen is in use, and saves the cursor again, so the rows would vanish
until the app's first frame and the shell's cursor would be lost at the end.  The driver made
here leaves that one sequence out, the first time it starts only (a resume after Ctrl+Z starts
it again from the normal screen).

A first paint may also come while the app is being built (:mod:`tuimail.ui.cold_paint`): made
for the command's start (``over_first_paint(driver, run)``), the driver closes that start to
paints as it starts (:meth:`~tuimail.ui.first_paint.StartScreenRun.app_starts`) and leaves the
switch out only if one was drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from tuimail.ui.first_paint import StartScreenRun

__all__ = ["ALTERNATE_SCREEN", "over_first_paint"]

#: What Textual's Linux driver writes to switch to the alternate screen.
ALTERNATE_SCREEN = "\x1b[?1049h"


class _OverFirstPaint(LinuxDriver):
    """A Linux driver that does not switch to the alternate screen the first time it starts, if
    its start was painted."""

    #: The command's start, which may or may not have been painted (set on the class made for it).
    start_run: ClassVar[StartScreenRun]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_alternate_screen = True  # the first paint switched

    def start_application_mode(self) -> None:
        if not type(self).start_run.app_starts():
            self._in_alternate_screen = False  # nothing was painted: switch as Textual does
        super().start_application_mode()  # type: ignore[no-untyped-call]

    def write(self, data: str) -> None:
        if self._in_alternate_screen and data == ALTERNATE_SCREEN:
            self._in_alternate_screen = False  # once
            return
        super().write(data)


def over_first_paint(driver: type[Driver], run: StartScreenRun) -> type[Driver]:
    """The driver to start over ``run``'s first paint, which may still come: Textual's Linux
    driver without its first switch to the alternate screen if ``run`` was painted when the
    driver starts; any other driver as it is."""
    if driver is not LinuxDriver:
        return driver
    return type("_OverStartScreen", (_OverFirstPaint,), {"start_run": run})
