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
        rows.append(BindingRow(area, shown, binding.description or binding.action, binding_id))
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
    key = key.strip()
    if key in names:
        return names[key]
    if "+" in key:  # ctrl+r -> Ctrl+R, shift+tab -> Shift+Tab
        return "+".join(part.capitalize() for part in key.split("+"))
    return key
