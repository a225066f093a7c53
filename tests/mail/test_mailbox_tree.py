"""build_tree: hierarchy, special-use order, icons, hostile names."""

from __future__ import annotations

from tuimail.imap.types import MailboxList
from tuimail.mail.mailbox_tree import SPECIAL_USE_ICONS, MailboxNode, build_tree, find_node, iter_nodes


def ml(name: str, *attrs: str, delim: str | None = "/") -> MailboxList:
    return MailboxList(list(attrs), delim, name)


def names(nodes: list[MailboxNode]) -> list[str]:
    return [n.name for n in nodes]


def test_inbox_then_special_use_in_fixed_order_then_alphabetical() -> None:
    tree = build_tree(
        [
            ml("Zeta"),
            ml("Trash", "\\Trash"),
            ml("alpha"),
            ml("Sent Items", "\\Sent"),
            ml("Junk", "\\Junk"),
            ml("Archive", "\\Archive"),
            ml("Drafts", "\\Drafts"),
            ml("INBOX"),
            ml("Beta"),
        ]
    )
    assert names(tree) == [
        "INBOX",
        "Drafts",
        "Sent Items",
        "Archive",
        "Junk",
        "Trash",
        "alpha",
        "Beta",
        "Zeta",
    ]
    assert [n.special_use for n in tree[:6]] == [
        "\\Inbox",
        "\\Drafts",
        "\\Sent",
        "\\Archive",
        "\\Junk",
        "\\Trash",
    ]


def test_hierarchy_from_delimiter() -> None:
    tree = build_tree(
        [ml("INBOX"), ml("Projects", "\\HasChildren"), ml("Projects/tuimail"), ml("Projects/tuimail/bugs")]
    )
    projects = find_node(tree, "Projects")
    assert projects is not None and names(projects.children) == ["Projects/tuimail"]
    assert projects.children[0].display_name == "tuimail"
    assert names(projects.children[0].children) == ["Projects/tuimail/bugs"]
    assert projects.children[0].children[0].display_name == "bugs"


def test_dot_delimiter_and_inbox_children() -> None:
    tree = build_tree(
        [ml("INBOX", delim="."), ml("INBOX.Sent", "\\Sent", delim="."), ml("INBOX.Lists", delim=".")]
    )
    assert names(tree) == ["INBOX"]
    assert names(tree[0].children) == ["INBOX.Sent", "INBOX.Lists"]


def test_unlisted_parents_are_created_not_selectable() -> None:
    tree = build_tree([ml("a/b/c")])
    assert names(tree) == ["a"]
    a = tree[0]
    assert not a.selectable and not a.children[0].selectable
    assert a.children[0].children[0].selectable


def test_noselect_and_nonexistent_are_not_selectable() -> None:
    tree = build_tree(
        [
            ml("[Gmail]", "\\Noselect"),
            ml("[Gmail]/All Mail", "\\All"),
            ml("Gone", "\\NonExistent"),
            ml("Parent", "\\NonExistent"),
            ml("Parent/child"),
        ]
    )
    gmail = find_node(tree, "[Gmail]")
    assert gmail is not None and not gmail.selectable
    assert find_node(tree, "Gone") is None  # dropped: nothing to show
    parent = find_node(tree, "Parent")
    assert parent is not None and not parent.selectable and names(parent.children) == ["Parent/child"]
    assert find_node(tree, "[Gmail]/All Mail").special_use == "\\All"  # type: ignore[union-attr]


def test_inbox_is_case_insensitive() -> None:
    tree = build_tree([ml("Inbox"), ml("Inbox/Sub")])
    assert names(tree) == ["INBOX"]
    assert tree[0].special_use == "\\Inbox"
    assert names(tree[0].children) == ["Inbox/Sub"]
    assert find_node(tree, "inbox") is tree[0]


def test_special_use_guessed_by_name_without_special_use_support() -> None:
    tree = build_tree([ml("INBOX"), ml("Trash"), ml("Sent"), ml("Drafts"), ml("Other")])
    assert names(tree) == ["INBOX", "Drafts", "Sent", "Trash", "Other"]


def test_name_guess_does_not_override_a_claimed_use() -> None:
    tree = build_tree([ml("INBOX"), ml("Sent"), ml("Sent Items", "\\Sent")])
    assert find_node(tree, "Sent").special_use is None  # type: ignore[union-attr]
    assert find_node(tree, "Sent Items").special_use == "\\Sent"  # type: ignore[union-attr]


def test_non_ascii_names_are_kept_decoded() -> None:
    tree = build_tree([ml("Réunions"), ml("日本語/メモ")])
    assert find_node(tree, "Réunions").display_name == "Réunions"  # type: ignore[union-attr]
    assert find_node(tree, "日本語/メモ").display_name == "メモ"  # type: ignore[union-attr]


def test_hostile_display_names_are_sanitised_but_name_is_kept() -> None:
    evil = "[bold]x[/]\x1b[31m\u202e"
    tree = build_tree([ml(evil, delim=".")])
    assert tree[0].name == evil
    assert tree[0].display_name == "[bold]x[/]\u241b[31m<U+202E>"


def test_flat_namespace_without_delimiter() -> None:
    tree = build_tree([ml("a/b", delim=None), ml("INBOX", delim=None)])
    assert names(tree) == ["INBOX", "a/b"]
    assert tree[1].display_name == "a/b"


def test_duplicates_are_merged_and_trailing_delimiter_ignored() -> None:
    tree = build_tree([ml("Work", "\\HasChildren"), ml("Work/"), ml("Work/x")])
    assert len(tree) == 1 and names(tree[0].children) == ["Work/x"]


def test_counts_start_unknown_and_icons_exist_for_every_use() -> None:
    tree = build_tree([ml("INBOX"), ml("Trash", "\\Trash")])
    assert all(n.unread is None and n.total is None for n in iter_nodes(tree))
    for node in iter_nodes(tree):
        assert node.icon == SPECIAL_USE_ICONS[node.special_use]
    assert SPECIAL_USE_ICONS[None]


def test_empty_list_gives_empty_tree() -> None:
    assert build_tree([]) == []


def test_icons_are_two_cells_wide_everywhere() -> None:
    from rich.cells import cell_len

    assert all(cell_len(icon) == 2 for icon in SPECIAL_USE_ICONS.values())


def test_special_use_guessed_for_inbox_children_on_inbox_prefixed_servers() -> None:
    tree = build_tree([ml("INBOX", delim="."), ml("INBOX.Work", delim="."), ml("INBOX.Trash", delim=".")])
    assert [n.name for n in tree[0].children] == ["INBOX.Trash", "INBOX.Work"]
    assert tree[0].children[0].special_use == "\\Trash"
