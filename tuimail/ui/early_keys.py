"""Keys typed while the first paint is on the screen: kept until the app can act on them.

After a first paint (:mod:`tuimail.ui.first_paint`) the user sees the newest rows at once and
may type before the app has built its screens: the terminal holds those keys (no echo) and
Textual's driver reads them as soon as it starts, before the main screen is mounted and shows
the mailbox.  Handled then, they would go to no widget (or to an empty list) and be lost.
:class:`EarlyKeys` keeps them and posts them again, in order, once the shown account's screen
shows its mailbox with the list focused, another screen is on top (an error), or
:data:`KEYS_WAIT_AT_MOST` seconds have passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from tuimail.ui.screens.main import MainScreen

__all__ = ["KEYS_WAIT_AT_MOST", "EarlyKeys"]

#: The longest a key typed during the first paint waits for the screen (s).
KEYS_WAIT_AT_MOST = 5.0
#: How often the screen is looked at while keys wait (s).
_LOOK_EVERY = 0.01


class EarlyKeys:
    """The keys an app holds back until its screen shows the mailbox."""

    def __init__(self, app: App[Any], painted: Callable[[], bool]) -> None:
        """``painted``: whether a first paint is on the screen (keys are held only then)."""
        self._app = app
        self._painted = painted
        self._keys: list[events.Key] | None = []
        self._since = time.monotonic()
        self._timer: Timer | None = None

    @property
    def holding(self) -> bool:
        return self._keys is not None

    def hold(self, event: events.Event) -> bool:
        """Keep ``event`` if it is a key typed before the screen is ready; False to handle it now."""
        if self._keys is None or not isinstance(event, events.Key) or event.is_forwarded:
            return False
        if not self._painted() or (not self._keys and self._ready()):
            self._keys = None  # nothing was painted, or the screen is ready: nothing to wait for
            return False
        self._keys.append(event)
        if self._timer is None:
            self._timer = self._app.set_interval(_LOOK_EVERY, self._release_when_ready)
        return True

    def _ready(self) -> bool:
        from tuimail.ui.screens.main import MainScreen

        app = self._app
        if time.monotonic() - self._since > KEYS_WAIT_AT_MOST:
            return True
        try:
            screen = app.screen
        except Exception:  # noqa: BLE001 - no screen yet (ScreenStackError)
            return False
        if not isinstance(screen, MainScreen):
            return screen.is_mounted and screen.id != "_default"  # an error, a dialog
        return _shows_its_mailbox(screen)

    def _release_when_ready(self) -> None:
        if self._keys is None or not self._ready():
            return
        keys, self._keys = self._keys, None
        if self._timer is not None:
            self._timer.stop()
        for key in keys:
            self._app.post_message(events.Key(key.key, key.character))


def _shows_its_mailbox(screen: MainScreen) -> bool:
    message_list = screen.message_list
    return screen.is_mounted and screen.mailbox is not None and message_list.has_focus
