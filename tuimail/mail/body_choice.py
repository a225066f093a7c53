"""Which parts of a message are its body, and which are attachments: the one owner of the rules.

The same rules hold whether the message was fetched whole (:mod:`.render` walks its parsed MIME
tree) or only its BODYSTRUCTURE is known (:mod:`.message_parts` walks that, to fetch only the
body): each hands :func:`choose_body` its tree through a :class:`PartShape`.

* ``multipart/alternative`` (RFC 2046 §5.1.4): the text/plain part when it has text, else a
  multipart whose first text is plain, else the first whose first text is HTML, else the last
  (richest) part; ``prefer`` "html" takes the HTML one first.  Where one offers both a plain
  and an HTML part (the first such in the message), what it offered and which was shown is
  reported, for the viewer's ``v``;
* ``multipart/related`` (RFC 2387 §3.2): the root (named by ``start``, else the first) is the
  body, the other parts are attachments;
* other multiparts: every inline text/plain or text/html part without a file name is body, in
  order; everything else is an attachment (a chosen alternative or a root is body whatever
  its disposition).

Bounded: at most :data:`.mime.MAX_PARTS` parts visited and :data:`.mime.MAX_DEPTH` levels;
what lies beyond is left out and said (``truncated``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from .mime import MAX_DEPTH, MAX_PARTS

__all__ = ["BodyChoice", "PartShape", "choose_body"]

P = TypeVar("P")
TEXT_TYPES = ("text/plain", "text/html")
_KINDS = {"text/plain": "plain", "text/html": "html"}


class PartShape(Protocol[P]):
    """What the rules need to know of a part of some tree."""

    def children(self, part: P) -> Sequence[P] | None:
        """The parts of a multipart; None for any other part (``message/*`` included)."""

    def content_type(self, part: P) -> str:
        """``text/plain``, ``multipart/alternative``...: lower case."""

    def has_text(self, part: P) -> bool:
        """A text leaf that holds some text (an empty plain part is passed over)."""

    def attached(self, part: P) -> bool:
        """Disposition ``attachment`` (RFC 2183), or a file name."""

    def content_id(self, part: P) -> str:
        """The Content-ID as written (for RFC 2387's ``start``)."""

    def start(self, part: P) -> str:
        """A multipart/related's ``start`` parameter ("" when missing)."""


@dataclass(slots=True)
class BodyChoice(Generic[P]):
    """The leaves of a message split into body and attachments, in order, each with its path
    (its part numbers, ``(1, 2)`` for part ``1.2``; ``()`` for a message that is not multipart)."""

    bodies: list[tuple[P, tuple[int, ...]]] = field(default_factory=list)
    attachments: list[tuple[P, tuple[int, ...]]] = field(default_factory=list)
    #: What the first multipart/alternative with a plain and an HTML part offers, and which is shown.
    alternatives: tuple[str, ...] = ()
    shown: str = ""
    #: Parts were left out: more than MAX_PARTS, or deeper than MAX_DEPTH.
    truncated: bool = False


def first_text_type(shape: PartShape[P], part: P, depth: int = 0) -> str | None:
    """The content type of the first text/plain or text/html leaf inside ``part``."""
    if depth > MAX_DEPTH:
        return None
    subs = shape.children(part)
    if subs is None:
        kind = shape.content_type(part)
        return kind if kind in TEXT_TYPES else None
    for sub in subs:
        found = first_text_type(shape, sub, depth + 1)
        if found:
            return found
    return None


def _kind(shape: PartShape[P], part: P) -> str:
    return _KINDS.get(first_text_type(shape, part) or "", "")


def choose_alternative(shape: PartShape[P], parts: Sequence[P], prefer: str = "plain") -> int | None:
    """RFC 2046 §5.1.4: the index of the part shown of a multipart/alternative (see the module)."""
    if not parts:
        return None
    if prefer == "html":
        for i, p in enumerate(parts):
            if first_text_type(shape, p) == "text/html":
                return i
    for i, p in enumerate(parts):
        if shape.children(p) is None and shape.content_type(p) == "text/plain" and shape.has_text(p):
            return i
    for i, p in enumerate(parts):
        if shape.children(p) is not None and first_text_type(shape, p) == "text/plain":
            return i
    for i, p in enumerate(parts):
        if first_text_type(shape, p) == "text/html":
            return i
    return len(parts) - 1


def related_root(shape: PartShape[P], part: P, subs: Sequence[P]) -> int:
    """RFC 2387 §3.2: the index of the root, named by the ``start`` parameter, else the first."""
    wanted = shape.start(part).strip()
    if wanted:
        for i, sub in enumerate(subs):
            if shape.content_id(sub).strip() == wanted:
                return i
    return 0


def choose_body(shape: PartShape[P], root: P, prefer: str = "plain") -> BodyChoice[P]:
    """Split the tree under ``root`` into body parts and attachments (see the module docstring).

    ``prefer`` "html" shows the HTML part of a multipart/alternative that also has a plain one."""
    choice: BodyChoice[P] = BodyChoice()
    count = 0

    def leaf(part: P, path: tuple[int, ...], force_body: bool) -> None:
        if shape.content_type(part) in TEXT_TYPES and (force_body or not shape.attached(part)):
            choice.bodies.append((part, path))
        else:
            choice.attachments.append((part, path))

    def visit(part: P, path: tuple[int, ...], force_body: bool = False) -> None:
        nonlocal count
        count += 1
        if count > MAX_PARTS or len(path) > MAX_DEPTH:
            choice.truncated = True
            return
        subs = shape.children(part)
        if subs is None:
            leaf(part, path, force_body)
            return
        if not subs:
            return
        subtype = shape.content_type(part).partition("/")[2]
        if subtype == "alternative":
            chosen = choose_alternative(shape, subs, prefer)
            if chosen is None:
                return
            if not choice.alternatives and {"plain", "html"} <= {_kind(shape, sub) for sub in subs}:
                choice.alternatives, choice.shown = ("plain", "html"), _kind(shape, subs[chosen])
            visit(subs[chosen], (*path, chosen + 1), force_body=True)
        elif subtype == "related":
            root_at = related_root(shape, part, subs)
            visit(subs[root_at], (*path, root_at + 1), force_body=force_body)
            for i, sub in enumerate(subs):
                if i != root_at:
                    visit(sub, (*path, i + 1))
        else:
            for i, sub in enumerate(subs):
                visit(sub, (*path, i + 1))

    visit(root, (), force_body=True)
    return choice
