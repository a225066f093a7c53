"""The mailbox tree: a Textual :class:`~textual.widgets.Tree` (line API) of :class:`MailboxNode`.

Labels are built as :class:`rich.text.Text` from plain strings (mailbox names
come from the server and are untrusted; a ``str`` label would be parsed as
markup by ``Tree``).  Special-use folders (RFC 6154) get icons; unread counts
show as ``(n)`` once known, bold when there is unread mail, and are kept current with
:meth:`MailboxTree.update_counts`.

On small terminals the app's stylesheet narrows the tree or hides it (by the
screen's width class); :meth:`MailboxTree.toggle_shown` shows or hides it
whatever the width, with the classes ``-shown`` and ``-hidden``.  A hidden tree
gives the focus away and takes none.
"""

from __future__ import annotations

from typing import ClassVar, Unpack

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tuimail.mail.mailbox_tree import SPECIAL_USE_ICONS, MailboxNode
from tuimail.mail.sanitize import sanitize

from .base import WidgetArgs, WidgetMessage
from .styles import component_style

__all__ = ["MailboxTree"]


def _binding(keys: str, action: str, description: str, what: str) -> Binding:
    """A tree binding, not shown in the footer, with the id ``mailbox_tree.<what>``."""
    return Binding(keys, action, description, show=False, id=f"mailbox_tree.{what}")


class MailboxTree(Tree[MailboxNode], inherit_bindings=False):
    """The account's mailboxes; Enter (or a click) on a selectable one posts MailboxChosen."""

    # Textual's Tree bindings have no ids (no keymap could reach them): every one
    # that makes sense here is redefined, with an id.
    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("enter", "select_cursor", "Open mailbox", "open"),
        _binding("j,down", "cursor_down", "Down", "cursor_down"),
        _binding("k,up", "cursor_up", "Up", "cursor_up"),
        _binding("g,home", "scroll_home", "First", "first"),
        _binding("G,end", "scroll_end", "Last", "last"),
        _binding("pageup", "page_up", "Page up", "page_up"),
        _binding("pagedown", "page_down", "Page down", "page_down"),
        _binding("space", "toggle_node", "Fold/unfold", "toggle"),
        _binding("shift+space", "toggle_expand_all", "Fold/unfold all", "toggle_all"),
        _binding("shift+left", "cursor_parent", "To parent", "parent"),
        _binding("shift+right", "cursor_parent_next_sibling", "To next ancestor", "next_ancestor"),
        _binding("shift+up", "cursor_previous_sibling", "Previous sibling", "previous_sibling"),
        _binding("shift+down", "cursor_next_sibling", "Next sibling", "next_sibling"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "mailbox-tree--icon",
        "mailbox-tree--count",
        "mailbox-tree--unread",
        "mailbox-tree--noselect",
    }

    DEFAULT_CSS = """
    MailboxTree {
        background: $panel;
        padding: 0 1;
    }
    MailboxTree > .mailbox-tree--count { color: $text-muted; }
    MailboxTree > .mailbox-tree--unread { color: $primary; text-style: bold; }
    MailboxTree > .mailbox-tree--noselect { color: $text-muted; text-style: italic; }
    """

    class MailboxChosen(WidgetMessage["MailboxTree"]):
        """The user chose the selectable mailbox ``name`` (full server name)."""

        def __init__(self, tree: MailboxTree, name: str) -> None:
            super().__init__(tree)
            self.name = name

    def __init__(self, label: str = "Mailboxes", **widget: Unpack[WidgetArgs]) -> None:
        super().__init__(Text(label), **widget)
        self.show_root = False
        self.guide_depth = 2
        self._by_name: dict[str, TreeNode[MailboxNode]] = {}
        self._mailbox_counts: dict[str, tuple[int | None, int | None]] = {}

    # ---------------------------------------------------------- shown or hidden

    def toggle_shown(self) -> bool:
        """Hide the tree if it is shown, else show it (whatever the terminal's width);
        return whether it is now shown.  Hiding it while it has the focus moves the focus on."""
        shown = not self.display
        self.set_class(shown, "-shown")
        self.set_class(not shown, "-hidden")
        if not shown and self.has_focus:
            self.screen.focus_next()
        return shown

    def allow_focus(self) -> bool:
        """A hidden tree (``display: none``) takes no focus."""
        return self.display and super().allow_focus()

    def notify_style_update(self) -> None:
        """Styles changed (a theme, or the layout hid the tree): labels follow the theme,
        and a tree hidden while focused hands the focus on."""
        super().notify_style_update()
        for tree_node in self._by_name.values():
            if tree_node.data is not None:
                tree_node.set_label(self._label(tree_node.data))
        if not self.display and self.has_focus:
            self.call_later(self._give_focus_away)

    def _give_focus_away(self) -> None:
        if not self.display and self.has_focus:
            self.screen.focus_next()

    # ---------------------------------------------------------------- contents

    def set_mailboxes(self, nodes: list[MailboxNode]) -> None:
        """Replace the tree with ``nodes`` (roots, in display order), all expanded.

        The cursor stays on the mailbox it was on, else goes to the first one.

        Counts already known (from the nodes or earlier ``update_counts``) are kept.
        """
        cursor_name = self.current_mailbox
        self.clear()
        self._by_name.clear()
        stack: list[tuple[TreeNode[MailboxNode], MailboxNode]] = [(self.root, n) for n in reversed(nodes)]
        while stack:
            parent, node = stack.pop()
            if node.unread is not None or node.total is not None:
                self._mailbox_counts.setdefault(node.name, (node.unread, node.total))
            if node.children:
                tree_node = parent.add(self._label(node), data=node, expand=True)
                stack.extend((tree_node, child) for child in reversed(node.children))
            else:
                tree_node = parent.add_leaf(self._label(node), data=node)
            self._by_name[node.name] = tree_node
        self.root.expand()
        if cursor_name not in self._by_name:
            cursor_name = nodes[0].name if nodes else None
        if cursor_name is not None:
            self.select_mailbox(cursor_name)

    def update_counts(self, name: str, unread: int | None, total: int | None) -> None:
        """Show new counts for mailbox ``name`` (ignored if it is not in the tree)."""
        self._mailbox_counts[name] = (unread, total)
        tree_node = self._by_name.get(name)
        if tree_node is not None and tree_node.data is not None:
            tree_node.set_label(self._label(tree_node.data))

    def counts(self, name: str) -> tuple[int | None, int | None]:
        """The last known (unread, total) of ``name``."""
        return self._mailbox_counts.get(name, (None, None))

    @property
    def current_mailbox(self) -> str | None:
        """Name of the mailbox under the cursor."""
        node = self.cursor_node
        return node.data.name if node is not None and node.data is not None else None

    def select_mailbox(self, name: str) -> None:
        """Move the cursor to ``name`` without posting MailboxChosen."""
        tree_node = self._by_name.get(name)
        if tree_node is not None:
            parent = tree_node.parent
            while parent is not None:  # a collapsed parent hides the node
                parent.expand()
                parent = parent.parent
            _ = self.last_line  # lays out the tree's lines, so the node knows its line
            self.move_cursor(tree_node)

    def label_text(self, name: str) -> Text | None:
        """The label shown for ``name`` (for tests and screen readers)."""
        tree_node = self._by_name.get(name)
        return None if tree_node is None or tree_node.data is None else self._label(tree_node.data)

    def _label(self, node: MailboxNode) -> Text:
        """Icon, name and ``(unread)`` as plain Text; never markup."""
        unread, _total = self._mailbox_counts.get(node.name, (node.unread, node.total))
        icon = SPECIAL_USE_ICONS.get(node.special_use) or SPECIAL_USE_ICONS.get(None, "")
        label = Text(no_wrap=True, overflow="ellipsis")
        if icon:
            label.append(icon + " ", self._component("icon"))
        name_style = self._component("noselect") if not node.selectable else Style()
        if unread:
            name_style = name_style + Style(bold=True)
        label.append(sanitize(node.display_name), name_style)
        if unread is not None:
            label.append(f" ({unread})", self._component("unread" if unread > 0 else "count"))
        return label

    def _component(self, part: str) -> Style:
        try:
            return component_style(self, f"mailbox-tree--{part}")
        except Exception:  # not mounted yet: no stylesheet to ask
            return Style(bold=True) if part == "unread" else Style()

    def on_tree_node_selected(self, event: Tree.NodeSelected[MailboxNode]) -> None:
        event.stop()
        node = event.node.data
        if node is not None and node.selectable:
            self.post_message(self.MailboxChosen(self, node.name))
