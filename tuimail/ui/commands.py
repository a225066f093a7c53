"""Command-palette provider (``:`` or Ctrl+P): themes, mailboxes and actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tuimail.mail.sanitize import sanitize

if TYPE_CHECKING:
    from tuimail.ui.screens.main import MainScreen

#: (palette text, action on the main screen or app, help)
ACTIONS: list[tuple[str, str, str]] = [
    ("Toggle read/unread", "screen.toggle_read", "Mark the selected message read or unread"),
    ("Toggle flag", "screen.toggle_flag", "Flag or unflag the selected message"),
    ("Delete message", "screen.delete", "Move the selected message to the trash"),
    ("Archive message", "screen.archive", "Move the selected message to the archive folder"),
    ("Move message…", "screen.move", "Move the selected message to another folder"),
    ("Copy message…", "screen.copy", "Copy the selected message to another folder"),
    ("Reconnect", "app.reconnect", "Reconnect to the server"),
    ("Help: keys", "app.help", "List every key binding"),
    ("Quit", "app.quit", "Leave tuimail"),
]


class TuimailCommands(Provider):
    """Themes, mailboxes (open) and message actions."""

    def _main(self) -> MainScreen | None:
        return getattr(self.app, "main_screen", None)

    def _candidates(self) -> list[tuple[str, Content | None, Callable[[], Any], str]]:
        out: list[tuple[str, Content | None, Callable[[], Any], str]] = []
        for text, action, help_text in ACTIONS:
            out.append((text, None, partial(self.app.run_action, action, self._main()), help_text))
        for name in sorted(self.app.available_themes):
            out.append((f"Theme: {name}", None, partial(setattr, self.app, "theme", name), "Switch theme"))
        main = self._main()
        if main is not None:
            from tuimail.ui.screens.main import flatten

            for node in flatten(main.mailboxes):
                if node.selectable:
                    # Mailbox names come from the server: plain Content, never markup.
                    shown = "Open mailbox: " + sanitize(node.name)
                    out.append((shown, Content(shown), partial(main.session.open_mailbox, node.name), ""))
        return out

    async def discover(self) -> Hits:
        for text, display, callback, help_text in self._candidates():
            yield DiscoveryHit(display if display is not None else text, callback, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, display, callback, help_text in self._candidates():
            score = matcher.match(text)
            if score > 0:
                shown = display if display is not None else matcher.highlight(text)
                yield Hit(score, shown, callback, text=text, help=help_text)
