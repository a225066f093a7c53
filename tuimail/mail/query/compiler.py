"""Compiling a query to IMAP SEARCH criteria (RFC 9051 §6.4.4).

=======================  ===========================================
query                    criteria (list form taken by ``uid_search``)
=======================  ===========================================
``word``, ``"a phrase"`` ``TEXT value``
``from:`` ``to:`` ``cc:``  ``FROM``/``TO``/``CC``/``BCC``/``SUBJECT``/
``bcc:`` ``subject:``     ``BODY``/``TEXT value``
``body:`` ``text:``
``since:`` ``before:``   ``SINCE``/``BEFORE``/``ON date`` (internal date)
``on:``
``larger:`` ``smaller:`` ``LARGER``/``SMALLER n``
``is:unread`` ...        ``UNSEEN``, ``SEEN``, ``FLAGGED``, ``UNFLAGGED``,
                         ``ANSWERED``, ``UNANSWERED``, ``DELETED``,
                         ``UNDELETED``, ``DRAFT``
``has:attachment``       client side (:class:`ClientFilter`); with Gmail
                         ``X-GM-RAW "has:attachment"``
``gmail:"..."``          ``X-GM-RAW`` (Gmail only, X-GM-EXT-1)
``a b``                  ``a b`` (AND is juxtaposition)
``a OR b OR c``          ``OR`` keys, nested as a balanced tree
``-a``                   ``NOT a``
``( ... )``              a parenthesised key list where one key is needed
=======================  ===========================================

Servers cannot search attachments portably, so outside Gmail
``has:attachment`` (or ``-has:attachment``) may only stand beside the other
conditions, not inside ``OR`` or ``-( )``: the server runs the rest and the
caller keeps the messages :meth:`CompiledQuery.accepts`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tuimail.mail.summary import MessageSummary

from .errors import QueryError
from .syntax import And, Node, Not, Or, Term, parse
from .values import parse_date, parse_size

__all__ = ["ClientFilter", "CompiledQuery", "compile_query", "render"]

_STRING_KEYS = {
    "from": "FROM",
    "to": "TO",
    "cc": "CC",
    "bcc": "BCC",
    "subject": "SUBJECT",
    "body": "BODY",
    "text": "TEXT",
    "gmail": "X-GM-RAW",
}
_DATE_KEYS = {"since": "SINCE", "before": "BEFORE", "on": "ON"}
_SIZE_KEYS = {"larger": "LARGER", "smaller": "SMALLER"}
# is:value -> (search key, the value's canonical spelling)
_IS_VALUES = {
    "unread": ("UNSEEN", "unread"),
    "unseen": ("UNSEEN", "unread"),
    "read": ("SEEN", "read"),
    "seen": ("SEEN", "read"),
    "flagged": ("FLAGGED", "flagged"),
    "unflagged": ("UNFLAGGED", "unflagged"),
    "answered": ("ANSWERED", "answered"),
    "unanswered": ("UNANSWERED", "unanswered"),
    "deleted": ("DELETED", "deleted"),
    "undeleted": ("UNDELETED", "undeleted"),
    "draft": ("DRAFT", "draft"),
}
_HAS_VALUES = {"attachment": "attachment", "attachments": "attachment"}
# Keys taking one argument in the criteria this module produces.
_ONE_ARGUMENT = frozenset([*_STRING_KEYS.values(), *_DATE_KEYS.values(), *_SIZE_KEYS.values()])
# tuimail.imap refuses criteria nested deeper than 64 levels; stay below.
_MAX_CRITERIA_DEPTH = 60

ValueMap = Callable[[str], "str | bytes"]


@dataclass(frozen=True, slots=True)
class ClientFilter:
    """What the server could not search: keep a result only when its
    ``has_attachment`` equals this one (fetch ``BODYSTRUCTURE`` for it)."""

    has_attachment: bool

    def matches(self, summary: MessageSummary) -> bool:
        return summary.has_attachment == self.has_attachment


@dataclass(frozen=True)
class CompiledQuery:
    """A compiled query.

    ``criteria`` goes to ``imap.uid_search(criteria, charset)``; ``charset``
    is ``"UTF-8"`` when ``needs_utf8`` (non-ASCII text); when the server
    refuses it (BADCHARSET) see :func:`tuimail.mail.query.charset_fallback`.
    ``client_filter`` is applied to the results by :meth:`accepts`;
    ``text`` is the query normalised for display (keys lower case, single
    spaces, quotes where needed).
    """

    criteria: list[Any]
    needs_utf8: bool
    client_filter: ClientFilter | None
    text: str
    tree: Node = field(repr=False, compare=False)
    today: date = field(repr=False, compare=False)
    gmail: bool = field(default=False, repr=False, compare=False)

    @property
    def charset(self) -> str | None:
        """The CHARSET to search with: ``"UTF-8"`` for non-ASCII text, else None."""
        return "UTF-8" if self.needs_utf8 else None

    def accepts(self, summary: MessageSummary) -> bool:
        """Whether a server result passes :attr:`client_filter`."""
        return self.client_filter is None or self.client_filter.matches(summary)


def _is_attachment_term(node: Node) -> bool:
    return isinstance(node, Term) and node.key == "has"


class _Compiler:
    def __init__(self, today: date, gmail: bool, value_map: ValueMap | None) -> None:
        self.today = today
        self.gmail = gmail
        self.value_map = value_map
        self.has_attachment: bool | None = None
        self.filter_position = 0

    def string(self, value: str) -> str | bytes:
        return value if self.value_map is None else self.value_map(value)

    def term(self, term: Term, top: bool, negated: bool) -> list[list[Any]]:
        """The search keys of one term (none for a client-side condition)."""
        key = term.key
        if key is None:
            return [["TEXT", self.string(term.value)]]
        if key == "gmail":
            if not self.gmail:
                raise QueryError("gmail: works only with Gmail accounts (X-GM-EXT-1)", term.position)
            return [["X-GM-RAW", self.string(term.value)]]
        if key in _STRING_KEYS:
            return [[_STRING_KEYS[key], self.string(term.value)]]
        if key in _DATE_KEYS:
            return [[_DATE_KEYS[key], parse_date(term.value, self.today, term.value_position)]]
        if key in _SIZE_KEYS:
            return [[_SIZE_KEYS[key], parse_size(term.value, term.value_position)]]
        if key == "is":
            found = _IS_VALUES.get(term.value.lower())
            if found is None:
                choices = ", ".join(sorted({v[1] for v in _IS_VALUES.values()}))
                raise QueryError(f"unknown is:{term.value} (is: takes {choices})", term.value_position)
            return [[found[0]]]
        # has:
        if term.value.lower() not in _HAS_VALUES:
            raise QueryError(f"unknown has:{term.value} (has: takes attachment)", term.value_position)
        if self.gmail:
            return [["X-GM-RAW", "has:attachment"]]
        if not top:
            raise QueryError(
                "has:attachment cannot be inside OR or -( ): the server cannot search attachments",
                term.position,
            )
        wanted = not negated
        if self.has_attachment is not None and self.has_attachment != wanted:
            raise QueryError("has:attachment and -has:attachment exclude each other", term.position)
        self.has_attachment = wanted
        self.filter_position = term.position
        return []

    def keys(self, node: Node, top: bool) -> list[list[Any]]:
        """``node`` as a list of search keys (their conjunction)."""
        if isinstance(node, Term):
            return self.term(node, top, False)
        if isinstance(node, And):
            out: list[list[Any]] = []
            for operand in node.operands:
                out.extend(self.keys(operand, top))
            return out
        if isinstance(node, Not):
            if isinstance(node.operand, Not):  # NOT NOT a is a (and some servers refuse it)
                return self.keys(node.operand.operand, top)
            if top and _is_attachment_term(node.operand) and not self.gmail:
                assert isinstance(node.operand, Term)
                return self.term(node.operand, True, True)
            return [["NOT", *self.one(node.operand)]]
        return [self.balanced_or(list(node.operands))]

    def one(self, node: Node) -> list[Any]:
        """``node`` as exactly one search key: a parenthesised list when it
        is a conjunction of several."""
        keys = self.keys(node, False)
        if len(keys) == 1:
            return keys[0]
        return [[item for key in keys for item in key]]

    def balanced_or(self, operands: list[Node]) -> list[Any]:
        if len(operands) == 1:
            return self.one(operands[0])
        half = (len(operands) + 1) // 2
        return ["OR", *self.balanced_or(operands[:half]), *self.balanced_or(operands[half:])]


def _key_depth(items: list[Any], i: int, depth: int) -> tuple[int, int]:
    """(index after the search key at ``items[i]``, its deepest nesting)."""
    item = items[i]
    if isinstance(item, list):
        j, deepest = 0, depth
        while j < len(item):
            j, d = _key_depth(item, j, depth + 1)
            deepest = max(deepest, d)
        return i + 1, deepest
    if item == "OR":
        j, d1 = _key_depth(items, i + 1, depth + 1)
        j, d2 = _key_depth(items, j, depth + 1)
        return j, max(d1, d2)
    if item == "NOT":
        return _key_depth(items, i + 1, depth + 1)
    return i + (2 if item in _ONE_ARGUMENT else 1), depth


def _criteria_depth(criteria: list[Any]) -> int:
    i, deepest = 0, 0
    while i < len(criteria):
        i, d = _key_depth(criteria, i, 0)
        deepest = max(deepest, d)
    return deepest


def _needs_utf8(criteria: list[Any]) -> bool:
    for item in criteria:
        if isinstance(item, str) and not item.isascii():
            return True
        if isinstance(item, list) and _needs_utf8(item):
            return True
    return False


def build(tree: Node, today: date, gmail: bool, value_map: ValueMap | None = None) -> CompiledQuery:
    """Compile a syntax tree (``value_map`` rewrites every text value, for
    the BADCHARSET fallback)."""
    compiler = _Compiler(today, gmail, value_map)
    criteria = [item for key in compiler.keys(tree, True) for item in key]
    if not criteria:
        criteria = ["ALL"]
    if _criteria_depth(criteria) > _MAX_CRITERIA_DEPTH:
        raise QueryError("the query is nested too deeply", 0)
    client_filter = None if compiler.has_attachment is None else ClientFilter(compiler.has_attachment)
    text_map = None if value_map is None else _display_map(value_map)
    return CompiledQuery(
        criteria=criteria,
        needs_utf8=_needs_utf8(criteria),
        client_filter=client_filter,
        text=render(tree, text_map),
        tree=tree,
        today=today,
        gmail=gmail,
    )


def _display_map(value_map: ValueMap) -> Callable[[str], str]:
    def display(value: str) -> str:
        mapped = value_map(value)
        return mapped if isinstance(mapped, str) else value

    return display


def compile_query(text: str, *, gmail: bool = False, today: date | None = None) -> CompiledQuery:
    """Compile the query ``text`` (see the module and
    :mod:`tuimail.mail.query.syntax` for the language).

    ``gmail=True`` (the server has X-GM-EXT-1) allows ``gmail:"..."`` and
    searches ``has:attachment`` on the server; ``today`` anchors relative
    dates (default: the local date).  Raises only :class:`QueryError`.

    >>> compile_query("from:ann since:2026-11-24").criteria
    ['FROM', 'ann', 'SINCE', datetime.date(2026, 11, 24)]
    """
    tree = parse(text)
    return build(tree, today if today is not None else date.today(), gmail)


# --- normalised text ---------------------------------------------------------------------

_CANONICAL_IS = {name: spelling for name, (_key, spelling) in _IS_VALUES.items()}


def _needs_quotes(value: str, bare: bool) -> bool:
    if not value or value[0] == "-" or any(c.isspace() or c in '()"' for c in value):
        return True
    if bare:
        name, colon, _rest = value.partition(":")
        return value in ("OR", "AND") or bool(colon and name[:1].isalpha() and name.isascii())
    return False


def _show(value: str, bare: bool) -> str:
    if not _needs_quotes(value, bare):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(node: Node, value_map: Callable[[str], str] | None = None) -> str:
    """The normalised text of a syntax tree; parsing it gives the same tree
    (positions aside)."""
    if isinstance(node, Term):
        if node.key is None:
            value = node.value if value_map is None else value_map(node.value)
            return _show(value, True)
        if node.key == "is":
            value = _CANONICAL_IS.get(node.value.lower(), node.value)
        elif node.key == "has":
            value = _HAS_VALUES.get(node.value.lower(), node.value)
        elif node.key in _STRING_KEYS and value_map is not None:
            value = value_map(node.value)
        else:
            value = node.value
        return f"{node.key}:{_show(value, False)}"
    if isinstance(node, Not):
        inner = render(node.operand, value_map)
        return f"-({inner})" if isinstance(node.operand, And | Or) else f"-{inner}"
    if isinstance(node, Or):
        return " OR ".join(
            f"({render(op, value_map)})" if isinstance(op, And) else render(op, value_map)
            for op in node.operands
        )
    return " ".join(render(op, value_map) for op in node.operands)
