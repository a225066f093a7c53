"""Every key binding of the app and its screens, each with an id.

The config's ``[keymap]`` table maps binding ids to keys (``"message.delete"
= "x,delete"``); the App applies it with :meth:`textual.app.App.set_keymap`.
The widgets' own bindings (``MessageList``, ``MailboxTree``,
``EnvelopeViewer``) carry ids too and are remapped the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", id="app.quit"),
    Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
    Binding("colon,ctrl+p", "command_palette", "Commands", show=False, id="app.command_palette"),
    Binding("ctrl+r", "reconnect", "Reconnect", show=False, id="app.reconnect"),
]

MAIN_BINDINGS: list[BindingType] = [
    Binding("tab", "focus_next_pane", "Next pane", show=False, id="main.next_pane"),
    Binding("shift+tab", "focus_previous_pane", "Previous pane", show=False, id="main.previous_pane"),
    Binding("escape", "back", "Back", show=False, id="main.back"),
    Binding("u", "toggle_read", "Read/unread", id="message.toggle_read"),
    Binding("f", "toggle_flag", "Flag", id="message.toggle_flag"),
    Binding("d,delete", "delete", "Delete", id="message.delete"),
    Binding("a", "archive", "Archive", id="message.archive"),
    Binding("m", "move", "Move", id="message.move"),
    Binding("c", "copy", "Copy", show=False, id="message.copy"),
]

HELP_BINDINGS: list[BindingType] = [
    Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
]

ERROR_BINDINGS: list[BindingType] = [
    Binding("r", "retry", "Retry", id="error.retry"),
    Binding("q", "quit", "Quit", id="error.quit"),
]

#: The actions that change something on the server (refused in read-only mode).
WRITE_ACTIONS = ("toggle_read", "toggle_flag", "delete", "archive", "move", "copy")


@dataclass(frozen=True)
class BindingRow:
    """One row of the help screen."""

    area: str
    keys: str
    description: str
    binding_id: str


def _rows(area: str, bindings: Iterable[BindingType], keymap: dict[str, str]) -> list[BindingRow]:
    rows: list[BindingRow] = []
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        keys = keymap.get(binding.id or "", binding.key)
        display = binding.key_display if binding.key_display and binding.id not in keymap else None
        shown = display or ", ".join(_key_name(k) for k in keys.split(","))
        rows.append(BindingRow(area, shown, binding.description or binding.action, binding.id or ""))
    return rows


def _key_name(key: str) -> str:
    names = {
        "question_mark": "?",
        "colon": ":",
        "escape": "Esc",
        "enter": "Enter",
        "tab": "Tab",
        "ctrl+p": "Ctrl+P",
    }
    return names.get(key.strip(), key.strip())


def all_binding_rows(keymap: dict[str, str] | None = None) -> list[BindingRow]:
    """Every binding of the app, its screens and widgets, keymap applied (for the help screen)."""
    keymap = keymap or {}
    rows = _rows("App", APP_BINDINGS, keymap)
    rows += _rows("Main", MAIN_BINDINGS, keymap)
    try:
        from tuimail.ui.widgets import EnvelopeViewer, MailboxTree, MessageList
    except ImportError:  # widgets not importable: list what we own
        return rows
    rows += _rows("Message list", MessageList.BINDINGS, keymap)
    from textual.widgets import Tree

    rows += _rows("Mailboxes", MailboxTree.BINDINGS, keymap)
    rows += _rows("Mailboxes", Tree.BINDINGS, keymap)  # inherited: Enter opens, Space folds...
    rows += _rows("Message", EnvelopeViewer.BINDINGS, keymap)
    rows += _rows("Help", HELP_BINDINGS, keymap)
    rows += _rows("Error", ERROR_BINDINGS, keymap)
    return rows
