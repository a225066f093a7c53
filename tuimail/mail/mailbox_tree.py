"""The mailbox tree: LIST results arranged by hierarchy, special-use first.

Hierarchy comes from each mailbox's delimiter (RFC 9051 §6.3.9,
§7.3.1); special-use attributes (RFC 6154 §2: ``\\All``, ``\\Archive``,
``\\Drafts``, ``\\Flagged``, ``\\Junk``, ``\\Sent``, ``\\Trash``) put folders
first in a fixed order after INBOX.  Servers without SPECIAL-USE get the
usual names recognised (top level and under INBOX, only for a use no mailbox
claims).  ``\\Noselect`` and ``\\NonExistent`` mailboxes are not selectable;
a ``\\NonExistent`` one with no children is dropped.  Parents the server
did not list are created as non-selectable nodes.

Names arrive decoded from modified UTF-7 (the parser does it); display
names are sanitised here.  INBOX gets ``special_use == "\\Inbox"`` (not an
RFC 6154 attribute, used for its icon and place).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tuimail.imap.types import MailboxList

from .sanitize import sanitize

__all__ = [
    "SPECIAL_USE_ICONS",
    "SPECIAL_USE_ORDER",
    "MailboxNode",
    "build_tree",
    "find_node",
    "iter_nodes",
]

INBOX_USE = "\\Inbox"

#: INBOX, then these uses in this order, then the rest alphabetically.
SPECIAL_USE_ORDER: tuple[str, ...] = (INBOX_USE, "\\Drafts", "\\Sent", "\\Archive", "\\Junk", "\\Trash")

#: Icons for the tree, keyed by special use; ``None`` for ordinary folders.
#: All have Emoji_Presentation, so terminals and Rich agree they are two
#: cells wide (U+1F5C4 FILE CABINET and U+1F5D1 WASTEBASKET are not: they
#: misalign columns).
SPECIAL_USE_ICONS: dict[str | None, str] = {
    INBOX_USE: "📥",
    "\\Drafts": "📝",
    "\\Sent": "📤",
    "\\Archive": "📦",
    "\\Junk": "🚫",
    "\\Trash": "🚮",
    "\\All": "📚",
    "\\Flagged": "⭐",
    None: "📁",
}

_SPECIAL_USES = {
    u.lower(): u for u in ("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash")
}

# Common names on servers without SPECIAL-USE (lower-cased).
_NAME_GUESSES: dict[str, str] = {
    "drafts": "\\Drafts",
    "draft": "\\Drafts",
    "sent": "\\Sent",
    "sent items": "\\Sent",
    "sent messages": "\\Sent",
    "sent mail": "\\Sent",
    "archive": "\\Archive",
    "archives": "\\Archive",
    "junk": "\\Junk",
    "spam": "\\Junk",
    "junk e-mail": "\\Junk",
    "junk email": "\\Junk",
    "trash": "\\Trash",
    "deleted items": "\\Trash",
    "deleted messages": "\\Trash",
    "bin": "\\Trash",
}


@dataclass(slots=True, eq=False)
class MailboxNode:
    """One mailbox (or a parent the server did not list) in the tree.

    ``name`` is the full server name (decoded), used for SELECT;
    ``display_name`` is its last hierarchy component, sanitised.
    ``unread``/``total`` are filled in later (STATUS / LIST-STATUS).
    """

    name: str
    display_name: str
    delim: str | None
    attrs: frozenset[str]
    special_use: str | None
    selectable: bool
    children: list[MailboxNode] = field(default_factory=list)
    unread: int | None = None
    total: int | None = None

    @property
    def icon(self) -> str:
        return SPECIAL_USE_ICONS.get(self.special_use, SPECIAL_USE_ICONS[None])

    def __repr__(self) -> str:
        return f"MailboxNode({self.name!r}, special_use={self.special_use!r}, children={len(self.children)})"


def _has_attr(attrs: Iterable[str], name: str) -> bool:
    lowered = name.lower()
    return any(a.lower() == lowered for a in attrs)


def _split(name: str, delim: str | None) -> list[str]:
    if not delim or delim not in name:
        return [name]
    parts = name.split(delim)
    while len(parts) > 1 and parts[-1] == "":  # "Folder/" as some servers send it
        parts.pop()
    return parts


def _sort_key(node: MailboxNode) -> tuple[int, str, str]:
    try:
        rank = SPECIAL_USE_ORDER.index(node.special_use) if node.special_use else len(SPECIAL_USE_ORDER)
    except ValueError:
        rank = len(SPECIAL_USE_ORDER)
    return (rank, node.display_name.casefold(), node.name)


def _sort(nodes: list[MailboxNode]) -> None:
    nodes.sort(key=_sort_key)
    for node in nodes:
        _sort(node.children)


def build_tree(lists: list[MailboxList]) -> list[MailboxNode]:
    """Arrange LIST responses into a sorted forest of :class:`MailboxNode`.

    INBOX first (its name is case-insensitive, RFC 9051 §5.1), then
    Drafts, Sent, Archive, Junk, Trash, then the rest alphabetically, at
    every level.  Duplicate names are merged (the last one's attributes win).
    """
    roots: list[MailboxNode] = []
    # key: tuple of path components (INBOX upper-cased at the top level)
    by_path: dict[tuple[str, ...], MailboxNode] = {}
    claimed_uses: set[str] = set()

    def path_of(name: str, delim: str | None) -> tuple[str, ...]:
        parts = _split(name, delim)
        if parts[0].upper() == "INBOX":
            parts[0] = "INBOX"
        return tuple(parts)

    def ensure(path: tuple[str, ...], delim: str | None) -> MailboxNode:
        node = by_path.get(path)
        if node is not None:
            return node
        name = (delim or "").join(path)
        node = MailboxNode(
            name=name,
            display_name=sanitize(path[-1]) or "\u2205",
            delim=delim,
            attrs=frozenset({"\\Noselect"}),
            special_use=INBOX_USE if path == ("INBOX",) else None,
            selectable=False,
        )
        by_path[path] = node
        if len(path) == 1:
            roots.append(node)
        else:
            ensure(path[:-1], delim).children.append(node)
        return node

    for item in lists:
        attrs = frozenset(str(a) for a in (item.attr or ()))
        path = path_of(item.name, item.delim)
        node = ensure(path, item.delim)
        node.name = "INBOX" if path == ("INBOX",) else item.name
        node.attrs = attrs
        node.delim = item.delim
        node.selectable = not (_has_attr(attrs, "\\Noselect") or _has_attr(attrs, "\\NonExistent"))
        use = next((_SPECIAL_USES[a.lower()] for a in attrs if a.lower() in _SPECIAL_USES), None)
        if path == ("INBOX",):
            use = INBOX_USE
        node.special_use = use
        if use:
            claimed_uses.add(use)

    # Guess special uses by name for servers without SPECIAL-USE: top-level
    # folders, and INBOX's children where INBOX is the personal namespace
    # prefix ("INBOX.Sent" on Courier-style servers).
    inbox = by_path.get(("INBOX",))
    candidates = roots + (inbox.children if inbox is not None else [])
    for node in candidates:
        if node.special_use is None and node.selectable:
            guess = _NAME_GUESSES.get(node.display_name.lower())
            if guess and guess not in claimed_uses:
                node.special_use = guess
                claimed_uses.add(guess)

    def prune(nodes: list[MailboxNode]) -> list[MailboxNode]:
        kept = []
        for node in nodes:
            node.children = prune(node.children)
            if _has_attr(node.attrs, "\\NonExistent") and not node.children:
                continue
            kept.append(node)
        return kept

    roots = prune(roots)
    _sort(roots)
    return roots


def iter_nodes(nodes: Iterable[MailboxNode]) -> Iterator[MailboxNode]:
    """Every node, depth-first in display order."""
    for node in nodes:
        yield node
        yield from iter_nodes(node.children)


def find_node(nodes: Iterable[MailboxNode], name: str) -> MailboxNode | None:
    """The node with server name ``name`` (INBOX matched case-insensitively)."""
    for node in iter_nodes(nodes):
        if node.name == name or (name.upper() == "INBOX" and node.name.upper() == "INBOX"):
            return node
    return None
