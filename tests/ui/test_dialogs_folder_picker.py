"""FolderPicker: type to filter, j/k and the arrows move, Enter chooses, Esc cancels (issues 8, 11)."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import OptionList, Static

from tests.ui.dialog_harness import showing
from tuimail.mail.mailbox_tree import SPECIAL_USE_ICONS, MailboxNode
from tuimail.ui.bindings import active_bindings
from tuimail.ui.screens.dialogs import MAX_SHOWN, FolderList, FolderPicker, PickerField

NAMES = [
    "INBOX",
    "Drafts",
    "Sent",
    "Archive",
    "Junk",
    "Trash",
    "Archive/2025",
    "Archive/2026",
    "Projects/tuimail",
]


def picker(names: list[str | MailboxNode] | None = None) -> FolderPicker:
    return FolderPicker("Move to", list(NAMES) if names is None else names)


def prompts(screen: FolderPicker) -> list[str]:
    options = screen.query_one(FolderList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_typing_narrows_the_list_best_matches_first() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        assert screen.shown_names == NAMES
        await pilot.press("a", "r")
        assert screen.filter_text == "ar"
        assert screen.shown_names == ["Archive", "Archive/2025", "Archive/2026"]
        await pilot.press("2", "6")
        assert screen.shown_names == ["Archive/2026"]
        assert prompts(screen) == ["Archive/2026"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "t", "u", "i")
        assert screen.shown_names == ["Projects/tuimail"]
        assert screen.highlighted_name == "Projects/tuimail"


async def test_the_filter_ignores_case() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        await pilot.press("I", "n", "B")
        assert screen.shown_names == ["INBOX"]


async def test_j_and_k_move_while_the_filter_is_empty_and_are_letters_once_something_is_typed() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        await pilot.press("j", "j")
        await pilot.pause()
        assert screen.filter_text == ""
        assert screen.highlighted_name == "Sent"
        await pilot.press("k")
        await pilot.pause()
        assert screen.highlighted_name == "Drafts"
        await pilot.press("t", "j", "k")
        assert screen.filter_text == "tjk"
        assert screen.shown_names == []
        # Shift gives the letter even on an empty filter.
        await pilot.press("backspace", "backspace", "backspace", "J")
        assert screen.filter_text == "J"
        assert screen.shown_names[0] == "Junk"


async def test_the_arrows_and_ctrl_n_ctrl_p_move_while_typing() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        await pilot.press("a", "r")
        assert screen.highlighted_name == "Archive"
        await pilot.press("down")
        assert screen.highlighted_name == "Archive/2025"
        await pilot.press("ctrl+n")
        assert screen.highlighted_name == "Archive/2026"
        await pilot.press("ctrl+p", "up")
        assert screen.highlighted_name == "Archive"
        assert screen.filter_text == "ar"


async def test_enter_chooses_the_highlighted_mailbox() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        await pilot.press("a", "r", "down", "enter")
        await pilot.pause()
        assert app.results == ["Archive/2025"]


async def test_m_j_j_enter_works_as_in_the_message_list() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        await pilot.press("j", "j", "j", "enter")
        await pilot.pause()
        assert app.results == ["Archive"]


async def test_escape_cancels_with_none_even_after_typing() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        await pilot.press("a", "r", "down", "escape")
        await pilot.pause()
        assert app.results == [None]


async def test_with_nothing_matching_it_says_so_and_enter_chooses_nothing() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        await pilot.press("z", "z", "enter")
        await pilot.pause()
        assert app.results == []
        assert app.screen is screen
        note = screen.query_one("#folder-note", Static)
        assert "No mailbox matches “zz”" in str(note.render())
        assert note.display


async def test_in_the_list_j_k_always_move_and_other_letters_go_to_the_filter() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        await pilot.press("a")
        await pilot.press("tab")
        assert isinstance(app.focused, FolderList)
        await pilot.press("j")
        assert screen.highlighted_name == screen.shown_names[1]
        await pilot.press("k")
        assert screen.highlighted_name == screen.shown_names[0]
        await pilot.press("r")  # typed ahead: the filter takes it and the focus
        await pilot.pause()
        assert isinstance(app.focused, PickerField)
        assert screen.filter_text == "ar"
        await pilot.press("tab", "j", "enter")
        await pilot.pause()
        assert app.results == ["Archive/2025"]


async def test_clicking_a_mailbox_chooses_it() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        await pilot.press("t", "r")
        assert screen.shown_names[0] == "Trash"
        await pilot.click(FolderList, offset=(2, 0))
        await pilot.pause()
        assert app.results == ["Trash"]


async def test_names_are_sanitised_and_never_markup_and_the_raw_name_is_returned() -> None:
    hostile = "\x1b[31mred[/b] [bold]x[/bold]\u202eevil"
    screen = picker(["INBOX", hostile])
    async with showing(screen) as (app, pilot):
        shown = prompts(screen)[1]
        assert "\x1b" not in shown and "\u202e" not in shown
        assert "[/b] [bold]x[/bold]" in shown  # kept as text: not parsed as markup
        option = screen.query_one(FolderList).get_option_at_index(1)
        assert isinstance(option.prompt, Text)
        await pilot.press("r", "e", "d", "enter")
        await pilot.pause()
        assert app.results == [hostile]


def node(name: str, use: str | None = None, *, selectable: bool = True) -> MailboxNode:
    return MailboxNode(name, name.rsplit("/", 1)[-1], "/", frozenset(), use, selectable)


async def test_mailbox_nodes_show_their_icon_keep_the_tree_order_and_skip_non_selectable_ones() -> None:
    nodes: list[str | MailboxNode] = [
        node("INBOX", "\\Inbox"),
        node("Archive", "\\Archive"),
        node("Trash", "\\Trash"),
        node("Projects", selectable=False),
        node("Projects/archived-ideas"),
    ]
    screen = picker(nodes)
    async with showing(screen) as (app, pilot):
        assert screen.shown_names == ["INBOX", "Archive", "Trash", "Projects/archived-ideas"]
        assert prompts(screen)[1] == SPECIAL_USE_ICONS["\\Archive"] + " Archive"
        await pilot.press("a", "r", "c", "h")
        # Both match from a component's start; the special-use one first, as in the tree.
        assert screen.shown_names == ["Archive", "Projects/archived-ideas"]


async def test_no_other_mailbox_is_said() -> None:
    screen = picker([])
    async with showing(screen) as (app, pilot):
        assert "There is no other mailbox" in str(screen.query_one("#folder-note", Static).render())
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert app.results == [None]


async def test_the_keymap_reaches_the_pickers_keys() -> None:
    screen = picker()
    async with showing(screen) as (app, pilot):
        app.set_keymap({"folder_picker.next_if_empty": "l", "folder_picker.next": "ctrl+j"})
        await pilot.press("l")
        await pilot.pause()
        assert screen.highlighted_name == "Drafts" and screen.filter_text == ""
        await pilot.press("ctrl+j")
        assert screen.highlighted_name == "Sent"
        await pilot.press("j")  # no longer a move: a letter
        assert screen.filter_text == "j"


async def test_the_picker_fits_a_40x12_terminal() -> None:
    screen = picker()
    async with showing(screen, size=(40, 12)) as (app, pilot):
        options = screen.query_one(OptionList)
        assert options.region.height >= 4
        assert options.region.right <= 40 and screen.query_one("#folder-dialog").region.bottom <= 12
        await pilot.press("t", "r", "enter")
        await pilot.pause()
        assert app.results == ["Trash"]


@pytest.mark.parametrize("node_class", [FolderPicker, PickerField, FolderList])
def test_every_key_of_the_picker_has_an_id(node_class: type) -> None:
    bindings = active_bindings(node_class)
    assert bindings and all(b.id for b in bindings)


async def test_thousands_of_mailboxes_list_only_the_best_matches_and_say_how_many_more() -> None:
    many: list[str | MailboxNode] = [f"Lists/project-{i}" for i in range(3000)]
    screen = picker(many)
    async with showing(screen) as (app, pilot):
        assert len(screen.shown_names) == MAX_SHOWN == screen.query_one(FolderList).option_count
        note = screen.query_one("#folder-note", Static)
        assert str(note.render()) == f"… and {3000 - MAX_SHOWN:,} more: type to narrow."
        await pilot.press("2", "9", "9", "9")
        assert screen.shown_names[0] == "Lists/project-2999"
        assert not note.display
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == ["Lists/project-2999"]
