"""Client-side threading (RFC 5256 §2.2.2, THREAD=REFERENCES) for servers
without the THREAD extension, and the thread view's rows.

:func:`thread_references` builds the same structure as ``UID THREAD
REFERENCES`` (a list of :class:`tuimail.imap.types.ThreadMember`, ``seqno``
holding UIDs, ``None`` for a dummy parent of sibling threads), so the UI
handles one shape whichever side threaded.  It follows the RFC's steps in
the way Dovecot does where the RFC leaves a choice:

- messages are linked in UID order; a message's own parent is its last
  reference (References, or In-Reply-To when References holds no valid
  Message-ID); links that would make a loop are not made;
- a duplicate Message-ID keeps its first (lowest UID) message;
- siblings and threads are ordered by sent date (the Date header, or the
  internal date when it is missing or invalid), then by UID;
- threads are gathered by base subject in that order (RFC 5256 step 5).

Bounded work: a link-cut forest (Sleator-Tarjan) answers "would this link
make a loop" in O(log n) amortised, so threading n messages costs
O(n log n) whatever the headers say; at most :data:`MAX_REFERENCES`
Message-IDs of one References header are used (the last ones).

:class:`ThreadView` lays threads out as rows (UID, depth, thread root,
thread size) with collapsed threads as one row, and gives every UID of a
thread for actions on a collapsed one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tuimail.freeing import free_gradually
from tuimail.imap.types import Envelope, FetchData, ThreadMember

from .headers import decode_bytes
from .sorting import casemap, extract_base_subject, sent_timestamp, stable_order

__all__ = [
    "MAX_REFERENCES",
    "THREAD_FETCH_ITEMS",
    "ThreadItem",
    "ThreadRow",
    "ThreadView",
    "flatten_threads",
    "message_ids",
    "thread_references",
    "thread_uids",
]

#: Message-IDs used from one References header (its last ones).
MAX_REFERENCES = 256
# Header text looked at for Message-IDs (the end of a longer header).
_MAX_HEADER = 64 * 1024

#: FETCH items (RFC 9051 §6.4.5) that :meth:`ThreadItem.from_fetch` reads.
THREAD_FETCH_ITEMS = "(UID INTERNALDATE ENVELOPE BODY.PEEK[HEADER.FIELDS (REFERENCES)])"


# --- Message-IDs ----------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\r\n]+")
_COMMENT = re.compile(r"\([^()]*\)")
_UNUSUAL = re.compile(r'[ \t\r\n"(\[]')
# The usual header: "<id@host>" items separated by white space, read at once.
_SIMPLE_ID = re.compile(r'<([^<>"(\[\s@]*@[^<>"(\[\s]*)>')
_ONE_SIMPLE_ID = re.compile(r'\s*<([^<>"(\[\s@]*@[^<>"(\[\s]*)>\s*')
_ONLY_SIMPLE_IDS = re.compile(r'\s*(?:<[^<>"(\[\s@]*@[^<>"(\[\s]*>\s*)+')
# msg-id (RFC 5322 §3.6.4) with a quoted local part: "<" quoted "@" dot-atom ">"
_QUOTED_ID = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*@\s*([^\s"()\[\]@<>]+)\s*')


def _message_id(content: str) -> str | None:
    """The Message-ID inside one ``<...>``, or None when it is not valid:
    an "@" is required; spaces and line breaks are dropped."""
    if "@" not in content:
        return None
    if _UNUSUAL.search(content) is None:
        return content
    if '"' not in content and "(" not in content and "[" not in content:
        return _SPACE.sub("", content)
    # Rare forms: comments, a quoted local part; domain literals are refused.
    content = _COMMENT.sub("", content)
    if "[" in content or "(" in content or "@" not in content:
        return None
    if '"' not in content:
        return _SPACE.sub("", content)
    match = _QUOTED_ID.fullmatch(content)
    if match is None:
        return None
    local = re.sub(r"\\(.)", r"\1", match.group(1))
    return f"{local}@{match.group(2)}"


def _angle_contents(text: str) -> list[str]:
    """The text between each "<" and the next ">" (a linear scan: a regular
    expression retried at every "<" would be quadratic on "<<<<...")."""
    out = []
    pos = 0
    while (start := text.find("<", pos)) >= 0:
        end = text.find(">", start + 1)
        if end < 0:
            break
        out.append(text[start + 1 : end])
        pos = end + 1
    return out


def message_ids(header: str | None, limit: int | None = None) -> list[str]:
    """The valid Message-IDs (RFC 5322 §3.6.4) of a Message-ID, In-Reply-To
    or References header, in order; with ``limit``, only the last ones."""
    if not header or not isinstance(header, str):
        return []
    if len(header) > _MAX_HEADER:
        header = header[-_MAX_HEADER:]
    if one := _ONE_SIMPLE_ID.fullmatch(header):
        return [one.group(1)]
    if _ONLY_SIMPLE_IDS.fullmatch(header):
        out = _SIMPLE_ID.findall(header)
    else:
        out = [mid for content in _angle_contents(header) if (mid := _message_id(content)) is not None]
    if limit is not None and len(out) > limit:
        out = out[-limit:]
    return out


# --- input ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThreadItem:
    """What threading needs of one message: its header texts as sent
    (``subject`` may hold encoded-words; None for a missing header) and its
    internal date (the fallback when Date is missing or invalid)."""

    uid: int
    message_id: str | None = None
    in_reply_to: str | None = None
    references: str | None = None
    subject: str | None = None
    date: str | None = None
    internaldate: datetime | None = None

    @classmethod
    def from_fetch(cls, fd: FetchData) -> ThreadItem:
        """From FETCH data holding :data:`THREAD_FETCH_ITEMS`; odd or missing
        items give empty fields, never an error."""
        attr = fd.attr
        uid = attr.get("UID")
        internaldate = attr.get("INTERNALDATE")
        envelope = attr.get("ENVELOPE")
        if not isinstance(envelope, Envelope):
            envelope = None
        references = None
        for name, value in attr.items():
            if isinstance(name, str) and name.upper().startswith("BODY[HEADER.FIELDS"):
                references = _header_value(value, "references")
        return cls(
            uid=uid if isinstance(uid, int) and not isinstance(uid, bool) else 0,
            message_id=_text(envelope.message_id) if envelope else None,
            in_reply_to=_text(envelope.in_reply_to) if envelope else None,
            references=references,
            subject=_text(envelope.subject) if envelope else None,
            date=_text(envelope.date) if envelope else None,
            internaldate=internaldate if isinstance(internaldate, datetime) else None,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _header_value(block: object, name: str) -> str | None:
    """The first ``name`` field's unfolded value in a header block (bytes)."""
    if isinstance(block, str):
        block = block.encode("utf-8", "surrogateescape")
    if not isinstance(block, bytes | bytearray):
        return None
    text = decode_bytes(bytes(block[: _MAX_HEADER * 4]), "utf-8")
    value: list[str] | None = None
    for line in text.splitlines():
        if value is not None:
            if line[:1] in (" ", "\t"):
                value.append(line)
                continue
            break
        field, sep, rest = line.partition(":")
        if sep and field.strip().lower() == name:
            value = [rest]
    return " ".join(value).strip() if value is not None else None


# --- link-cut forest ---------------------------------------------------------------------


class _LinkCutForest:
    """Rooted trees under link (a root below a node), cut (a node from its
    parent) and find-root, each O(log n) amortised (Sleator-Tarjan, without
    re-rooting).  ``up`` holds a node's splay-tree parent or, for the root
    of a splay tree, its path-parent."""

    __slots__ = ("left", "right", "up")

    def __init__(self) -> None:
        self.left: list[int] = []
        self.right: list[int] = []
        self.up: list[int] = []

    def add(self) -> None:
        self.left.append(-1)
        self.right.append(-1)
        self.up.append(-1)

    def _is_splay_root(self, x: int) -> bool:
        p = self.up[x]
        return p < 0 or (self.left[p] != x and self.right[p] != x)

    def _rotate(self, x: int) -> None:
        left, right, up = self.left, self.right, self.up
        p = up[x]
        g = up[p]
        if left[p] == x:
            b = right[x]
            left[p] = b
            right[x] = p
        else:
            b = left[x]
            right[p] = b
            left[x] = p
        if b >= 0:
            up[b] = p
        if g >= 0:
            if left[g] == p:
                left[g] = x
            elif right[g] == p:
                right[g] = x
        up[x] = g
        up[p] = x

    def _splay(self, x: int) -> None:
        left = self.left
        while not self._is_splay_root(x):
            p = self.up[x]
            if not self._is_splay_root(p):
                g = self.up[p]
                self._rotate(p if (left[g] == p) == (left[p] == x) else x)
            self._rotate(x)

    def _access(self, x: int) -> None:
        last = -1
        y = x
        while y >= 0:
            self._splay(y)
            self.right[y] = last
            last = y
            y = self.up[y]
        self._splay(x)

    def find_root(self, x: int) -> int:
        self._access(x)
        while self.left[x] >= 0:
            x = self.left[x]
        self._splay(x)
        return x

    def link(self, child: int, parent: int) -> None:
        """Hang ``child``, the root of its tree, below ``parent``."""
        if not (self.up[child] < 0 and self.left[child] < 0):
            self._access(child)
        self.up[child] = parent

    def cut(self, x: int) -> None:
        """Detach ``x`` (not a root) from its parent."""
        self._access(x)
        left = self.left[x]
        if left >= 0:
            self.up[left] = -1
            self.left[x] = -1


# --- step 1: linking -----------------------------------------------------------------------


class _Containers:
    """RFC 5256 step 1: one container per Message-ID (and per message), with
    parent links; ``uid`` 0 marks a dummy (a referenced, absent message)."""

    def __init__(self) -> None:
        self.uid: list[int] = []
        self.item: list[ThreadItem | None] = []
        self.parent: list[int] = []
        self.child_count: list[int] = []
        self.by_id: dict[str, int] = {}
        self.forest = _LinkCutForest()

    def new(self, item: ThreadItem | None = None) -> int:
        self.uid.append(item.uid if item is not None else 0)
        self.item.append(item)
        self.parent.append(-1)
        self.child_count.append(0)
        self.forest.add()
        return len(self.uid) - 1

    def for_id(self, message_id: str) -> int:
        node = self.by_id.get(message_id)
        if node is None:
            node = self.by_id[message_id] = self.new()
        return node

    def for_message(self, item: ThreadItem, message_id: str | None) -> int:
        """Step 1B: the message's container; a missing or duplicate
        Message-ID gets a container of its own."""
        if message_id is not None:
            node = self.by_id.get(message_id)
            if node is None:
                node = self.by_id[message_id] = self.new(item)
                return node
            if self.uid[node] == 0:
                self.uid[node] = item.uid
                self.item[node] = item
                return node
        return self.new(item)

    def link(self, parent: int, child: int) -> None:
        """Make ``parent`` the parent of ``child`` unless ``child`` has a
        parent already or the link would make a loop (step 1A)."""
        if parent == child or self.parent[child] >= 0:
            return
        if self.child_count[child] and self.forest.find_root(parent) == child:
            return
        self.parent[child] = parent
        self.child_count[parent] += 1
        self.forest.link(child, parent)

    def unlink(self, child: int) -> None:
        parent = self.parent[child]
        if parent >= 0:
            self.child_count[parent] -= 1
            self.parent[child] = -1
            self.forest.cut(child)


def _link(items: Sequence[ThreadItem]) -> _Containers:
    """RFC 5256 step 1 over the messages in UID order."""
    containers = _Containers()
    by_id = containers.by_id
    parent_of = containers.parent
    child_count = containers.child_count
    up = containers.forest.up
    new = containers.new
    link = containers.link
    for item in items:
        own_ids = message_ids(item.message_id)
        own = containers.for_message(item, own_ids[0] if own_ids else None)
        refs = message_ids(item.references, MAX_REFERENCES)
        if not refs:
            refs = message_ids(item.in_reply_to)[:1]
        # (A) each reference is the parent of the next.
        last = -1
        for mid in refs:
            node = by_id.get(mid)
            if node is None:
                node = by_id[mid] = new()
                if last >= 0:  # a new container: no parent, no children, no loop
                    parent_of[node] = last
                    child_count[last] += 1
                    up[node] = last
            elif last >= 0:
                link(last, node)
            last = node
        # (C) the message's parent is its last reference.
        if parent_of[own] not in (-1, last):
            containers.unlink(own)
        if last >= 0:
            link(last, own)
    return containers


# --- steps 2-6 ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    uid: int  # 0 for a dummy
    item: ThreadItem | None
    children: list[_Node]
    # (sent date, UID) of the message, or of a dummy's first child; worked
    # out when first needed (only children are never compared).
    sort_key: tuple[int, int] | None = None


def _key(node: _Node) -> tuple[int, int]:
    key = node.sort_key
    if key is None:
        item = node.item
        assert item is not None  # dummies get their key when made
        key = node.sort_key = (sent_timestamp(item.date, item.internaldate), item.uid)
    return key


def _sorted_children(node: _Node) -> list[_Node]:
    if len(node.children) > 1:
        node.children.sort(key=_key)
    return node.children


def _dummy(children: list[_Node]) -> _Node:
    return _Node(0, None, children, min(map(_key, children)))


def thread_references(items: Iterable[ThreadItem]) -> list[ThreadMember]:
    """Threads of ``items`` by RFC 5256 §2.2.2 (REFERENCES), shaped as
    ``UID THREAD REFERENCES`` returns them: a list of thread roots (oldest
    first), ``seqno`` holding UIDs, ``None`` for a dummy root gathering
    sibling threads.  Items without a positive UID are left out.  Never
    raises on header contents; O(n log n)."""
    rows = sorted((item for item in items if item.uid > 0), key=lambda item: item.uid)
    containers = _link(rows)
    count = len(containers.uid)
    parent = containers.parent
    uid_of = containers.uid

    # Steps 2-4: drop dummies; a message hangs below its nearest real
    # ancestor, or below the topmost dummy when all its ancestors are dummies.
    attach = list(range(count))  # what a message below this container hangs from
    hanging_dummies = [x for x in range(count) if not uid_of[x] and parent[x] >= 0]
    for x in hanging_dummies:
        attach[x] = -2
    for start in hanging_dummies:
        path = []
        x = start
        while attach[x] == -2:
            path.append(x)
            x = parent[x]
        target = attach[x]
        for y in path:
            attach[y] = target

    nodes: dict[int, _Node] = {}
    for index, item in enumerate(containers.item):
        if item is not None:
            nodes[index] = _Node(item.uid, item, [])
    dummy_children: dict[int, list[_Node]] = {}
    roots: list[_Node] = []
    for index, node in nodes.items():
        if parent[index] < 0:
            roots.append(node)
            continue
        holder = attach[parent[index]]
        if uid_of[holder]:
            nodes[holder].children.append(node)
        else:
            dummy_children.setdefault(holder, []).append(node)
    for children in dummy_children.values():
        if len(children) == 1:
            roots.append(children[0])  # a dummy with one child: the child is the root
        else:
            roots.append(_dummy(children))
    roots = _by_key(roots)

    # Step 5: gather threads with the same base subject.
    roots = _gather_by_subject(roots)

    # Step 6: siblings by sent date, then UID.
    members = _members(_by_key(roots))
    # A whole mailbox's containers, freed a slice at a time (tuimail.freeing), not all at the return;
    # the trees untied first: a thread gathered by subject can hold most of the mailbox, and
    # dropping its root would free it all in one go.
    _untie(roots)
    free_gradually(roots)
    free_gradually(dummy_children)
    free_gradually(hanging_dummies)
    free_gradually(nodes)
    forest = containers.forest
    for column in (containers.uid, containers.item, containers.parent, containers.child_count,
                   containers.by_id, forest.left, forest.right, forest.up, attach, rows):  # fmt: skip
        free_gradually(column)
    return members


def _untie(roots: list[_Node]) -> None:
    """Empty every node's list of children (each node stays held by its own container): the trees
    are then freed node by node, not a whole thread at once."""
    stack = list(roots)
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        node.children = []


def _by_key(nodes: list[_Node]) -> list[_Node]:
    """``nodes`` by their sort key; in runs (:func:`stable_order`), so that no single sort of
    100,000 keys holds the GIL throughout."""
    return [nodes[i] for i in stable_order([_key(node) for node in nodes])]


def _gather_by_subject(roots: list[_Node]) -> list[_Node]:
    """RFC 5256 §2.2.2 step 5: (A-B) the subject table, (C) merging."""
    facts: list[tuple[str, bool] | None] = []
    table: dict[str, _Node] = {}
    replies: dict[int, bool] = {}
    for root in roots:
        source = root if root.uid else min(root.children, key=_key)
        subject = extract_base_subject(source.item.subject if source.item else None)
        if not subject.text:
            facts.append(None)
            continue
        key = casemap(subject.text)
        facts.append((key, subject.is_reply_or_forward))
        replies[id(root)] = subject.is_reply_or_forward
        held = table.get(key)
        if held is None:
            table[key] = root
        elif held.uid and (not root.uid or (replies[id(held)] and not subject.is_reply_or_forward)):
            table[key] = root

    merged: set[int] = set()
    created: list[_Node] = []
    for root, fact in zip(roots, facts, strict=True):
        if fact is None:
            continue
        key, reply = fact
        held = table[key]
        if held is root:
            continue
        merged.add(id(root))
        if not root.uid:
            # Both dummies (a dummy always wins the table): the children of
            # both become siblings.
            held.children.extend(root.children)
            held.sort_key = min(_key(held), _key(root))
        elif not held.uid or (reply and not replies[id(held)]):
            held.children.append(root)
            if not held.uid:
                held.sort_key = min(_key(held), _key(root))
        else:
            merged.add(id(held))
            dummy = _dummy([held, root])
            replies[id(dummy)] = False
            table[key] = dummy
            created.append(dummy)
    gathered = [root for root in roots if id(root) not in merged] + created
    for column in (facts, table, replies):  # a text and an entry per thread: not all at the return
        free_gradually(column)
    return gathered


def _members(roots: list[_Node]) -> list[ThreadMember]:
    """The nodes as ThreadMember trees, children ordered (iteratively: a
    thread may be 100,000 messages deep)."""
    out = [ThreadMember(root.uid or None, []) for root in roots]
    nodes = list(roots)
    members = list(out)
    while nodes:
        node = nodes.pop()
        siblings = members.pop().children
        for child in _sorted_children(node):
            member = ThreadMember(child.uid or None, [])
            siblings.append(member)
            nodes.append(child)
            members.append(member)
    return out


# --- the thread view ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThreadRow:
    """One row of the thread view: ``depth`` 0 for a thread's top level;
    ``is_thread_root`` on the first row of each thread, which stands for the
    whole thread (``thread_size`` messages) when ``collapsed``."""

    uid: int
    depth: int
    is_thread_root: bool
    thread_size: int
    collapsed: bool = False


def _walk(thread: ThreadMember) -> list[tuple[int, int]]:
    """(uid, depth) of a thread's messages in display order; a dummy (None)
    is no row, its children take its depth."""
    out: list[tuple[int, int]] = []
    stack: list[tuple[ThreadMember, int]] = [(thread, 0)]
    while stack:
        member, depth = stack.pop()
        children = member.children if isinstance(member.children, list) else []
        if isinstance(member.seqno, int) and not isinstance(member.seqno, bool):
            out.append((member.seqno, depth))
            depth += 1
        for child in reversed(children):
            if isinstance(child, ThreadMember):
                stack.append((child, depth))
    return out


def thread_uids(thread: ThreadMember) -> list[int]:
    """Every UID of one thread (a top-level :class:`ThreadMember`), in display order."""
    return [uid for uid, _depth in _walk(thread)]


class ThreadView:
    """Threads laid out for display, with collapse and whole-thread lookup.

    ``ThreadView(threads)`` takes the server's ``UID THREAD`` result or
    :func:`thread_references`'s; ``newest_first`` lists threads from the
    newest (messages inside a thread stay oldest first).  A thread is named
    by its root UID, the UID of its first row.
    """

    def __init__(self, threads: Sequence[ThreadMember], *, newest_first: bool = False) -> None:
        ordered = list(reversed(threads)) if newest_first else list(threads)
        self._threads: list[list[tuple[int, int]]] = []
        self._thread_of: dict[int, int] = {}
        for thread in ordered:
            if not isinstance(thread, ThreadMember):
                continue
            walked = _walk(thread)
            if not walked:
                continue
            index = len(self._threads)
            self._threads.append(walked)
            for uid, _depth in walked:
                self._thread_of[uid] = index

    def __len__(self) -> int:
        """The number of messages."""
        return sum(len(walked) for walked in self._threads)

    @property
    def root_uids(self) -> list[int]:
        """Each thread's root UID, in display order."""
        return [walked[0][0] for walked in self._threads]

    def rows(self, collapsed: Collection[int] = frozenset()) -> list[ThreadRow]:
        """The rows, threads whose root UID is in ``collapsed`` as one row."""
        out: list[ThreadRow] = []
        for walked in self._threads:
            size = len(walked)
            root = walked[0][0]
            if root in collapsed:
                out.append(ThreadRow(root, 0, True, size, collapsed=size > 1))
                continue
            out.append(ThreadRow(root, walked[0][1], True, size))
            out.extend(ThreadRow(uid, depth, False, size) for uid, depth in walked[1:])
        return out

    def root_of(self, uid: int) -> int | None:
        """The root UID of the thread holding ``uid`` (None when absent)."""
        index = self._thread_of.get(uid)
        return None if index is None else self._threads[index][0][0]

    def thread_uids(self, uid: int) -> list[int]:
        """Every UID of the thread holding ``uid``, for an action on a
        collapsed thread; ``[]`` when ``uid`` is in no thread."""
        index = self._thread_of.get(uid)
        return [] if index is None else [u for u, _depth in self._threads[index]]


def flatten_threads(
    threads: Sequence[ThreadMember], collapsed: Collection[int] = frozenset(), *, newest_first: bool = False
) -> list[ThreadRow]:
    """Rows for display: ``ThreadView(threads, newest_first=...).rows(collapsed)``."""
    return ThreadView(threads, newest_first=newest_first).rows(collapsed)
