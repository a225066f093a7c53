"""Every key binding of the app and its screens, each with an id.

The config's ``[keymap]`` table maps binding ids to keys (``"message.delete"
= "x,delete"``); the App applies it with :meth:`textual.app.App.set_keymap`.
The widgets' own bindings (``MessageList``, ``MailboxTree``,
``EnvelopeViewer``) carry ids too and are remapped the same way.  The app,
its screens and those widgets do not inherit Textual's id-less bindings
(``inherit_bindings=False``): what they keep of them is redefined with ids here
or in the widget, so every key can be remapped and the help screen shows each id.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from textual.dom import DOMNode

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", id="app.quit"),
    Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
    Binding("ctrl+p", "command_palette", "Command palette", show=False, id="app.command_palette"),
    Binding("ctrl+r", "reconnect", "Reconnect", show=False, id="app.reconnect"),
    Binding("ctrl+n", "next_account", "Next account", show=False, id="app.next_account"),
    Binding("ctrl+l", "redraw", "Redraw", show=False, id="app.redraw"),
    # Textual's own App bindings, redefined with ids:
    Binding("ctrl+q", "quit", "Quit at once", show=False, priority=True, id="app.force_quit"),
    Binding("ctrl+c", "help_quit", "How to quit", show=False, system=True, id="app.help_quit"),
]

#: Textual's Screen bindings, with ids (every screen of the app has them).
SCREEN_BINDINGS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Focus next", show=False, id="screen.focus_next"),
    Binding("shift+tab", "app.focus_previous", "Focus previous", show=False, id="screen.focus_previous"),
    Binding("ctrl+c,super+c", "screen.copy_text", "Copy selected text", show=False, id="screen.copy_text"),
]

MAIN_BINDINGS: list[BindingType] = [
    Binding("tab", "focus_next_pane", "Next pane", show=False, id="main.next_pane"),
    Binding("shift+tab", "focus_previous_pane", "Previous pane", show=False, id="main.previous_pane"),
    Binding("escape", "back", "Back", show=False, id="main.back"),
    Binding("r", "toggle_read", "Read", id="message.toggle_read"),
    Binding("f", "toggle_flag", "Flag", id="message.toggle_flag"),
    Binding("d,delete", "delete", "Delete", id="message.delete"),
    Binding("a", "archive", "Archive", id="message.archive"),
    Binding("m", "move", "Move", id="message.move"),
    Binding("c", "copy", "Copy", show=False, id="message.copy"),
    Binding("u", "undo", "Undo", id="message.undo"),
    Binding("colon", "command_line", "Command", key_display=":", show=False, id="main.command_line"),
    Binding("slash", "search", "Search", key_display="/", id="main.search"),
    Binding("n", "next_found", "Next found", show=False, id="main.next_found"),
    Binding("N", "previous_found", "Previous found", show=False, id="main.previous_found"),
    Binding("o", "sort_menu", "Sort", show=False, id="main.sort"),
    Binding("t", "toggle_threads", "Threads", show=False, id="main.threads"),
    Binding("z", "toggle_thread_fold", "Fold thread", show=False, id="main.fold_thread"),
    SCREEN_BINDINGS[2],  # copy selected text (tab and shift+tab move between panes)
]

HELP_BINDINGS: list[BindingType] = [
    *SCREEN_BINDINGS,
    Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
]

ERROR_BINDINGS: list[BindingType] = [
    *SCREEN_BINDINGS,
    Binding("r", "retry", "Retry", id="error.retry"),
    Binding("q", "quit", "Quit", id="error.quit"),
]

DIALOG_BINDINGS: list[BindingType] = [
    *SCREEN_BINDINGS,
    Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
]


def reader_bindings(prefix: str) -> list[BindingType]:
    """Keys that scroll a text being read (a message, the help), ids ``<prefix>.<what>``."""
    return [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id=f"{prefix}.scroll_down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id=f"{prefix}.scroll_up"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id=f"{prefix}.page_down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id=f"{prefix}.page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id=f"{prefix}.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id=f"{prefix}.bottom"),
    ]


def active_bindings(node_class: type[DOMNode]) -> list[Binding]:
    """The bindings a class really has (its own and any it inherits), one per key."""
    merged = node_class._merged_bindings
    return [binding for bindings in merged.key_to_bindings.values() for binding in bindings] if merged else []


def with_ids(node_class: type[DOMNode], prefix: str) -> list[BindingType]:
    """``node_class``'s bindings (a Textual widget's, which have no ids) again, one per
    action, each with the id ``<prefix>.<action>``; a subclass declared with
    ``inherit_bindings=False`` uses them, so the keymap reaches them too."""
    by_action: dict[str, list[Binding]] = {}
    for binding in active_bindings(node_class):
        by_action.setdefault(binding.action, []).append(binding)
    out: list[BindingType] = []
    for action, bindings in by_action.items():
        # cursor_left(True) (move and select) -> cursor_left_select
        name = re.sub(r"\W+", "_", action.replace("(True)", "_select")).strip("_")
        keys = ",".join(binding.key for binding in bindings)
        out.append(dataclasses.replace(bindings[0], key=keys, id=bindings[0].id or f"{prefix}.{name}"))
    return out
