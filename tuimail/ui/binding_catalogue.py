"""The catalogue of every binding, for the help screen: where it is, its keys, its id.

The places with bindings are handed in by the app (:func:`tuimail.ui.app.binding_areas`),
which knows every screen and widget; this module imports none of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

from .bindings import active_bindings

if TYPE_CHECKING:
    from textual.dom import DOMNode

__all__ = ["Area", "BindingRow", "all_binding_rows"]

#: (area name as the help screen shows it, the class whose bindings it lists)
Area = tuple[str, "type[DOMNode]"]


@dataclass(frozen=True)
class BindingRow:
    """One row of the help screen."""

    area: str
    keys: str
    description: str
    binding_id: str


def all_binding_rows(areas: Iterable[Area], keymap: dict[str, str] | None = None) -> list[BindingRow]:
    """Every binding of ``areas``, keymap applied, one row per binding id (first area wins)."""
    keymap = keymap or {}
    seen: set[str] = set()
    rows: list[BindingRow] = []
    for area, node_class in areas:
        rows += _rows(area, active_bindings(node_class), keymap, seen)
    return rows


def _rows(area: str, bindings: Iterable[Binding], keymap: dict[str, str], seen: set[str]) -> list[BindingRow]:
    """One row per binding id (its keys joined), skipping ids already listed."""
    keys_by_id: dict[str, list[str]] = {}
    first: dict[str, Binding] = {}
    for binding in bindings:
        binding_id = binding.id or ""
        if binding_id in seen:
            continue
        first.setdefault(binding_id, binding)
        keys_by_id.setdefault(binding_id, []).extend(k.strip() for k in binding.key.split(","))
    seen.update(first)
    rows: list[BindingRow] = []
    for binding_id, binding in first.items():
        keys = keymap.get(binding_id, ",".join(keys_by_id[binding_id]))
        display = binding.key_display if binding.key_display and binding_id not in keymap else None
        shown = display or ", ".join(_key_name(k) for k in keys.split(","))
        rows.append(BindingRow(area, shown, _sentence(binding.description or binding.action), binding_id))
    return rows


#: How the help names keys: one spelling for each, capitalised as on a keyboard.
_KEY_NAMES = {
    "question_mark": "?",
    "colon": ":",
    "slash": "/",
    "asterisk": "*",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "delete": "Delete",
    "backspace": "Backspace",
    "insert": "Insert",
}


def _key_name(key: str) -> str:
    """``ctrl+pageup`` -> ``Ctrl+PgUp``, ``pagedown`` -> ``PgDn``; a letter stays as it is."""
    *modifiers, last = key.strip().split("+")
    named = [_KEY_NAMES.get(part, part.capitalize()) for part in modifiers]
    if last in _KEY_NAMES:
        named.append(_KEY_NAMES[last])
    elif len(last) > 1:
        named.append(last.capitalize())
    else:  # b and B are two keys; with a modifier the letter is written as on the key cap
        named.append(last.upper() if modifiers else last)
    return "+".join(named)


def _sentence(text: str) -> str:
    """Sentence case: Textual's ``Page Up`` reads ``Page up`` as tuimail's own do."""
    words = text.split(" ")
    return " ".join([words[0], *(w.lower() if w[:1].isupper() and w[1:].islower() else w for w in words[1:])])
