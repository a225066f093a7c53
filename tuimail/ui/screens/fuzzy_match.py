"""Fuzzy matching for pickers: the query's characters in order, anywhere in the name.

Case-insensitive (``str.casefold``).  A match is ranked by how it matched, best
first:

1. the whole name is the query (``inbox`` -> ``INBOX``);
2. the name, or one of its path components, starts with the query
   (``arch`` -> ``Archive/2026``; ``20`` -> ``Archive/2026``);
3. the query is a substring of the name (``chiv`` -> ``Archive``);
4. the query is a subsequence (``ar26`` -> ``Archive/2026``), tighter spans first.

Within a rank, an earlier start comes first; ties keep the order the names were
given in (the mailbox tree's: INBOX and the special-use folders first).  Work per
name is linear in its length, and both the query and the part of a name looked
at are bounded, so a hostile server's thousands of long names cannot stall a
keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MAX_NAME_CHARS", "MAX_QUERY_CHARS", "Match", "fuzzy_filter", "match"]

#: Characters of a name considered (a longer name matches on its first ones only).
MAX_NAME_CHARS = 512
#: Characters of a query considered.
MAX_QUERY_CHARS = 128

#: A path component or word starts at the name's start or after one of these.
_SEPARATORS = frozenset("/.\\ _-")


@dataclass(frozen=True, slots=True)
class Match:
    """One name that matched: its index in the input, the name, and the positions
    of the matched characters (for highlighting); ``rank`` sorts best first."""

    index: int
    name: str
    positions: tuple[int, ...]
    rank: tuple[int, int, int]


def match(query: str, name: str, index: int = 0) -> Match | None:
    """``name`` ranked against ``query`` (None when the query is not a subsequence of it)."""
    return _match(_fold(query[:MAX_QUERY_CHARS]), name, index)


def _match(q: str, name: str, index: int) -> Match | None:
    """:func:`match` with the query already cut and folded."""
    n = _fold(name[:MAX_NAME_CHARS])
    if not q:
        return Match(index, name, (), (0, 0, index))
    if n == q:
        return Match(index, name, tuple(range(len(q))), (0, 0, index))
    found = n.find(q)
    if found >= 0:
        at = found
        while at >= 0:  # an occurrence at the start of the name or of a component ranks higher
            if at == 0 or n[at - 1] in _SEPARATORS:
                return Match(index, name, tuple(range(at, at + len(q))), (1, at, index))
            at = n.find(q, at + 1)
        return Match(index, name, tuple(range(found, found + len(q))), (2, found, index))
    positions = _tightest(q, n)
    if positions is None:
        return None
    span = positions[-1] - positions[0] + 1 - len(q)
    return Match(index, name, positions, (3, span, index))


def fuzzy_filter(query: str, names: Sequence[str]) -> list[Match]:
    """The names ``query`` matches, best first; every name, in order, when the query is empty."""
    q = _fold(query[:MAX_QUERY_CHARS])
    matches = [m for i, name in enumerate(names) if (m := _match(q, name, i)) is not None]
    matches.sort(key=lambda m: m.rank)
    return matches


def _fold(text: str) -> str:
    """``text`` case-folded character for character (same length, so positions hold)."""
    folded = text.casefold()
    if len(folded) == len(text):
        return folded
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    folded = char.casefold()
    if len(folded) == 1:
        return folded
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _tightest(query: str, name: str) -> tuple[int, ...] | None:
    """Positions of ``query``'s characters in ``name``: the first complete match found
    left to right, then drawn back from its end to its latest start (a short span)."""
    end = -1
    for char in query:
        end = name.find(char, end + 1)
        if end < 0:
            return None
    # Backwards from the end: the latest start of a match that ends there.
    start = end + 1
    for char in reversed(query):
        start = name.rfind(char, 0, start)
    positions: list[int] = []
    at = start - 1
    for char in query:
        at = name.find(char, at + 1)
        positions.append(at)
    return tuple(positions)
