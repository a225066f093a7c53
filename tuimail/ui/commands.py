"""Command-palette provider (``:`` or Ctrl+P): themes, mailboxes and actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from tuimail.mail.mailbox_tree import iter_nodes
from tuimail.mail.sanitize import sanitize

if TYPE_CHECKING:
    from tuimail.ui.screens.main import MainScreen

#: (palette text, action on the main screen or app, help)
ACTIONS: list[tuple[str, str, str]] = [
    ("Toggle read/unread", "screen.toggle_read", "Mark the selection (or the message) read or unread"),
    ("Toggle flag", "screen.toggle_flag", "Flag or unflag the selection (or the message)"),
    ("Delete message", "screen.delete", "Move the selection (or the message) to the trash"),
    ("Archive message", "screen.archive", "Move the selection (or the message) to the archive folder"),
    ("Move message…", "screen.move", "Move the selection (or the message) to another folder"),
    ("Copy message…", "screen.copy", "Copy the selection (or the message) to another folder"),
    ("Undo", "screen.undo", "Take the last action back"),
    ("Search…", "screen.search", "Show only the messages a query finds"),
    ("Sort…", "screen.sort_menu", "Sort the list"),
    ("Threads", "screen.toggle_threads", "Show threads, or the plain list again"),
    ("Command line", "screen.command_line", "Commands with arguments (:move, :open, :create...)"),
    ("Next account", "app.next_account", "Show the next account"),
    ("Clear the header cache", "app.clear_cache", "Forget the message rows kept on disk between runs"),
    ("Reconnect", "app.reconnect", "Replace the connection with a new one"),
    ("Help: keys", "app.help", "List every key binding and command"),
]


def highlighted(matcher: Matcher, text: str) -> Content:
    """``text`` as plain Content with the matched letters styled.

    Textual's ``Matcher.highlight`` parses its argument as markup; mailbox and
    theme names are not ours to parse (mailbox names come from the server).
    """
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class TuimailCommands(Provider):
    """Themes, mailboxes (open) and message actions.  Every prompt is plain text, never markup."""

    def _main(self) -> MainScreen | None:
        return getattr(self.app, "main_screen", None)

    def _candidates(self) -> list[tuple[str, Callable[[], Any], str]]:
        out: list[tuple[str, Callable[[], Any], str]] = []
        for text, action, help_text in ACTIONS:
            out.append((text, partial(self.app.run_action, action, self._main()), help_text))
        for name in sorted(self.app.available_themes):
            switch = partial(setattr, self.app, "theme", name)
            out.append((f"Theme: {sanitize(name)}", switch, "Switch theme"))
        main = self._main()
        if main is not None:
            for node in iter_nodes(main.mailboxes):
                if node.selectable:
                    shown = "Open mailbox: " + sanitize(node.name)
                    out.append((shown, partial(main.session.open_mailbox, node.name), ""))
        return out

    async def discover(self) -> Hits:
        for text, callback, help_text in self._candidates():
            yield DiscoveryHit(Content(text), callback, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._candidates():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlighted(matcher, text), callback, text=text, help=help_text)
