"""Every binding of the app has an id, so the keymap reaches it and the help screen names it (issue 4)."""

from __future__ import annotations

import pytest

from tests.ui.test_widgets_mailbox_tree import TreeApp, lines
from tuimail.ui.app import binding_areas
from tuimail.ui.binding_catalogue import all_binding_rows as catalogue
from tuimail.ui.bindings import active_bindings
from tuimail.ui.widgets import MailboxTree

AREAS = binding_areas()


@pytest.mark.parametrize(("area", "node_class"), AREAS, ids=[cls.__name__ for _, cls in AREAS])
def test_every_active_binding_has_an_id(area: str, node_class: type) -> None:
    missing = [f"{b.key} -> {b.action}" for b in active_bindings(node_class) if not b.id]
    assert missing == [], f"{node_class.__name__} has bindings without ids"


def test_the_tree_keeps_textual_tree_keys_under_its_own_ids() -> None:
    by_key = {binding.key: binding for binding in active_bindings(MailboxTree)}
    for key in ("enter", "space", "shift+space", "up", "down", "shift+left", "shift+right", "shift+up"):
        assert (by_key[key].id or "").startswith("mailbox_tree."), key


def test_help_rows_list_every_binding_id_once_and_none_empty() -> None:
    rows = catalogue(AREAS)
    ids = [row.binding_id for row in rows]
    assert "" not in ids
    assert len(ids) == len(set(ids))
    for _, node_class in AREAS:
        assert {binding.id for binding in active_bindings(node_class)} <= set(ids)


def test_help_rows_show_remapped_keys() -> None:
    rows = {row.binding_id: row.keys for row in catalogue(AREAS, {"mailbox_tree.toggle": "x,ctrl+t"})}
    assert rows["mailbox_tree.toggle"] == "x, Ctrl+T"
    assert rows["mailbox_tree.open"] == "Enter"


async def test_keymap_remaps_the_trees_fold_and_open_keys() -> None:
    app = TreeApp()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(MailboxTree)
        app.set_keymap({"mailbox_tree.toggle": "x", "mailbox_tree.open": "o"})
        await pilot.press("j", "j", "j", "j")
        assert tree.current_mailbox == "Projects"
        await pilot.press("space")  # no longer bound
        await pilot.pause()
        assert "tuimail" in "".join(lines(tree))
        await pilot.press("x")
        await pilot.pause()
        assert "tuimail" not in "".join(lines(tree))
        await pilot.press("g", "o")
        await pilot.pause()
        assert app.chosen == ["INBOX"]
