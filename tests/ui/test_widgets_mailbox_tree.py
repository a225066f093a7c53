"""MailboxTree: mailboxes with special-use icons and unread counts (issue 4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tuimail.imap.types import MailboxList
from tuimail.mail.mailbox_tree import SPECIAL_USE_ICONS, MailboxNode, build_tree
from tuimail.ui.widgets import MailboxTree

SIZE = (120, 40)


def node(name: str, special_use: str | None = None, *, selectable: bool = True,
         children: list[MailboxNode] | None = None, display_name: str | None = None) -> MailboxNode:
    return MailboxNode(
        name=name,
        display_name=display_name if display_name is not None else name.rsplit("/", 1)[-1],
        delim="/",
        attrs=frozenset(),
        special_use=special_use,
        selectable=selectable,
        children=children or [],
    )


TREE = [
    node("INBOX", "\\Inbox"),
    node("Drafts", "\\Drafts"),
    node("Sent", "\\Sent"),
    node("Trash", "\\Trash"),
    node("Projects", selectable=False, children=[node("Projects/tuimail"), node("Projects/Ünïcode")]),
    node("Lists", children=[node("Lists/python")]),
]


class TreeApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield MailboxTree()

    def on_mount(self) -> None:
        tree = self.query_one(MailboxTree)
        tree.set_mailboxes(TREE)
        tree.focus()

    def on_mailbox_tree_mailbox_chosen(self, message: MailboxTree.MailboxChosen) -> None:
        self.chosen.append(message.name)


@asynccontextmanager
async def running_tree() -> AsyncIterator[tuple[TreeApp, Pilot[None], MailboxTree]]:
    """A focused MailboxTree showing TREE (not yet laid out: callers pause when they need it)."""
    app = TreeApp()
    async with app.run_test(size=SIZE) as pilot:
        yield app, pilot, app.query_one(MailboxTree)


def lines(tree: MailboxTree) -> list[str]:
    return [tree.render_line(y).text.rstrip() for y in range(tree.size.height)]


async def test_mailboxes_are_shown_in_order_with_special_use_icons() -> None:
    async with running_tree() as (app, pilot, tree):
        await pilot.pause()
        shown = [line for line in lines(tree) if line.strip()]
        assert shown[0].startswith(SPECIAL_USE_ICONS["\\Inbox"] + " INBOX")
        assert shown[1].startswith(SPECIAL_USE_ICONS["\\Drafts"] + " Drafts")
        assert shown[2].startswith(SPECIAL_USE_ICONS["\\Sent"] + " Sent")
        assert shown[3].startswith(SPECIAL_USE_ICONS["\\Trash"] + " Trash")
        assert "Projects" in shown[4] and "tuimail" in shown[5] and "Ünïcode" in shown[6]
        assert "python" in shown[8]


async def test_tree_from_build_tree_shows_every_mailbox() -> None:
    lists = [
        MailboxList(attr=frozenset({"\\HasNoChildren"}), delim="/", name="INBOX"),
        MailboxList(attr=frozenset({"\\Sent"}), delim="/", name="Sent Items"),
        MailboxList(attr=frozenset(), delim="/", name="a/b"),
    ]
    async with running_tree() as (app, pilot, tree):
        tree.set_mailboxes(build_tree(lists))
        await pilot.pause()
        text = "\n".join(lines(tree))
        assert "INBOX" in text and "Sent Items" in text and "b" in text


async def test_unread_counts_show_in_brackets_and_bold_when_positive() -> None:
    async with running_tree() as (app, pilot, tree):
        tree.update_counts("Drafts", 12, 340)
        tree.update_counts("Sent", 0, 20)
        await pilot.pause()
        assert tree.current_mailbox == "INBOX"  # the cursor (itself bold) is elsewhere
        assert lines(tree)[1].endswith("Drafts (12)")
        assert lines(tree)[2].endswith("Sent (0)")
        count = next(seg for seg in tree.render_line(1) if "(12)" in seg.text)
        assert count.style is not None and count.style.bold
        zero = next(seg for seg in tree.render_line(2) if "(0)" in seg.text)
        assert zero.style is not None and not zero.style.bold


async def test_update_counts_keeps_the_tree_current() -> None:
    async with running_tree() as (app, pilot, tree):
        tree.update_counts("INBOX", 3, 10)
        await pilot.pause()
        assert lines(tree)[0].endswith("(3)")
        tree.update_counts("INBOX", 4, 11)
        await pilot.pause()
        assert lines(tree)[0].endswith("(4)")
        tree.update_counts("No such mailbox", 1, 1)  # ignored, no error
        assert tree.counts("INBOX") == (4, 11)


async def test_counts_survive_a_new_mailbox_list() -> None:
    async with running_tree() as (app, pilot, tree):
        tree.update_counts("Sent", 7, 70)
        tree.set_mailboxes(TREE)
        await pilot.pause()
        assert lines(tree)[2].endswith("Sent (7)")


async def test_enter_on_a_mailbox_posts_mailbox_chosen() -> None:
    async with running_tree() as (app, pilot, tree):
        await pilot.pause()
        await pilot.press("enter")
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        assert app.chosen == ["INBOX", "Sent"]


async def test_a_mailbox_that_cannot_be_selected_is_not_chosen() -> None:
    async with running_tree() as (app, pilot, tree):
        await pilot.pause()
        await pilot.press("j", "j", "j", "j")
        assert tree.current_mailbox == "Projects"
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == []
        await pilot.press("G")
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == ["Lists/python"]


async def test_markup_in_a_mailbox_name_is_shown_literally() -> None:
    async with running_tree() as (app, pilot, tree):
        tree.set_mailboxes([node("[bold]x[/bold]\x1b[2J", display_name="[bold]x[/bold]\x1b[2J")])
        await pilot.pause()
        assert "[bold]x[/bold]\u241b[2J" in lines(tree)[0]
        assert "\x1b" not in "".join(lines(tree))


async def test_the_cursor_stays_on_its_mailbox_when_the_list_is_refreshed() -> None:
    async with running_tree() as (app, pilot, tree):
        await pilot.pause()
        await pilot.press("j", "j", "j")
        assert tree.current_mailbox == "Trash"
        tree.set_mailboxes(TREE)
        await pilot.pause()
        assert tree.current_mailbox == "Trash"


async def test_select_mailbox_right_after_a_new_list_moves_the_cursor_there() -> None:
    async with running_tree() as (app, pilot, tree):
        tree.set_mailboxes(TREE)
        tree.select_mailbox("Projects/tuimail")
        assert tree.current_mailbox == "Projects/tuimail"
        await pilot.pause()
        assert tree.current_mailbox == "Projects/tuimail"
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == ["Projects/tuimail"]


async def test_selecting_a_mailbox_in_a_collapsed_folder_expands_it() -> None:
    async with running_tree() as (app, pilot, tree):
        await pilot.press("j", "j", "j", "j", "space")  # Projects: collapse
        await pilot.pause()
        assert "tuimail" not in "".join(lines(tree))
        tree.select_mailbox("Projects/tuimail")
        await pilot.pause()
        assert tree.current_mailbox == "Projects/tuimail"
        assert "tuimail" in "".join(lines(tree))
