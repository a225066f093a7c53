"""The search query language: tokens and syntax tree.

Grammar (keys and ``is:``/``has:`` values are case-insensitive; ``OR`` and
``AND`` are operators only in capitals, as in Gmail)::

    query   = and-expr
    and-expr = or-expr *( [ "AND" ] or-expr )       ; juxtaposition is AND
    or-expr = unary *( "OR" unary )                  ; binary, left-associative
    unary   = "-" unary / primary                    ; "-" is NOT
    primary = "(" and-expr ")" / term
    term    = key ":" value / value                  ; a bare value searches TEXT
    value   = word / DQUOTE *(char / "\\" char) DQUOTE

``OR`` binds tighter than juxtaposition: ``from:a OR from:b since:7d`` is
``(from:a OR from:b) since:7d``.  A word is a run of characters other than
space, ``(``, ``)`` and ``"``; ``name:rest`` is a key when ``name`` is
letters (so ``10:30`` is a plain word) and an error when the key is unknown.
Every error is a :class:`QueryError` with the offending character's position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import QueryError

__all__ = ["KEYS", "MAX_NESTING", "MAX_QUERY_LENGTH", "And", "Node", "Not", "Or", "Term", "parse"]

#: Keys of the language (see :mod:`tuimail.mail.query.compiler` for their meaning).
KEYS = frozenset("from to cc bcc subject body text since before on larger smaller is has gmail".split())
#: Longest query accepted, in characters.
MAX_QUERY_LENGTH = 4096
#: Deepest nesting of parentheses and "-" accepted.
MAX_NESTING = 20

_KEY_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class Term:
    """``key:value`` (``key`` lower case) or a bare word or phrase (``key`` None)."""

    key: str | None
    value: str
    quoted: bool
    position: int
    value_position: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    position: int


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Node, ...]
    position: int


@dataclass(frozen=True, slots=True)
class Or:
    """``a OR b OR c``: left-associative, kept as one node of its operands."""

    operands: tuple[Node, ...]
    position: int


Node = Term | Not | And | Or


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "-", "OR", "AND" or "term"
    position: int
    term: Term | None = None


def _check_characters(text: str) -> None:
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query is longer than {MAX_QUERY_LENGTH} characters", MAX_QUERY_LENGTH)
    for i, char in enumerate(text):
        code = ord(char)
        if (code < 32 and char not in "\t\r\n") or code == 127:
            raise QueryError(f"control character U+{code:04X} in the query", i)


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The phrase starting at the quote ``text[start]`` and the index after it."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            if not out:
                raise QueryError("empty quotes", start)
            return "".join(out), i + 1
        out.append(char)
        i += 1
    raise QueryError("unterminated quote", start)


def _word_end(text: str, start: int) -> int:
    i = start
    while i < len(text) and not text[i].isspace() and text[i] not in '()"':
        i += 1
    return i


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, i))
            i += 1
        elif char == "-":
            if i + 1 >= n or text[i + 1].isspace():
                raise QueryError("'-' must be followed by what to exclude", i)
            tokens.append(_Token("-", i))
            i += 1
        elif char == '"':
            value, end = _quoted(text, i)
            tokens.append(_Token("term", i, Term(None, value, True, i, i)))
            i = end
        else:
            end = _word_end(text, i)
            word = text[i:end]
            if word in ("OR", "AND"):
                tokens.append(_Token(word, i))
                i = end
                continue
            name, colon, rest = word.partition(":")
            if not colon or not _KEY_RE.fullmatch(name):
                tokens.append(_Token("term", i, Term(None, word, False, i, i)))
                i = end
                continue
            key = name.lower()
            if key not in KEYS:
                raise QueryError(f"unknown key {name}: (put the word in quotes to search for it)", i)
            value_position = i + len(name) + 1
            if rest:
                tokens.append(_Token("term", i, Term(key, rest, False, i, value_position)))
            elif end < n and text[end] == '"':
                value, end = _quoted(text, end)
                tokens.append(_Token("term", i, Term(key, value, True, i, value_position)))
            else:
                raise QueryError(f"{key}: needs a value", value_position)
            i = end
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def and_expr(self, depth: int) -> list[Node]:
        operands: list[Node] = []
        while (token := self.peek()) is not None and token.kind != ")":
            if token.kind == "AND":
                following = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
                if not operands or following is None or following.kind in (")", "AND", "OR"):
                    raise QueryError("AND needs a condition on each side", token.position)
                self.pos += 1
                continue
            if token.kind == "OR":
                raise QueryError("OR needs a condition on each side", token.position)
            operands.append(self.or_expr(depth))
        return operands

    def or_expr(self, depth: int) -> Node:
        first = self.unary(depth)
        operands = [first]
        position = -1
        while (token := self.peek()) is not None and token.kind == "OR":
            following = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
            if following is None or following.kind in (")", "AND", "OR"):
                raise QueryError("OR needs a condition on each side", token.position)
            if position < 0:
                position = token.position
            self.pos += 1
            operands.append(self.unary(depth))
        return first if len(operands) == 1 else Or(tuple(operands), position)

    def unary(self, depth: int) -> Node:
        token = self.peek()
        assert token is not None  # callers check
        if token.kind == "-":
            if depth >= MAX_NESTING:
                raise QueryError(f"nested more than {MAX_NESTING} levels deep", token.position)
            self.pos += 1
            following = self.peek()
            if following is None or following.kind in (")", "OR", "AND"):
                raise QueryError("'-' must be followed by what to exclude", token.position)
            return Not(self.unary(depth + 1), token.position)
        return self.primary(depth)

    def primary(self, depth: int) -> Node:
        token = self.peek()
        assert token is not None
        if token.kind == "(":
            if depth >= MAX_NESTING:
                raise QueryError(f"nested more than {MAX_NESTING} levels deep", token.position)
            self.pos += 1
            operands = self.and_expr(depth + 1)
            closing = self.peek()
            if closing is None:
                raise QueryError("unclosed parenthesis", token.position)
            if not operands:
                raise QueryError("empty parentheses", token.position)
            self.pos += 1
            return operands[0] if len(operands) == 1 else And(tuple(operands), token.position)
        if token.kind == "term" and token.term is not None:
            self.pos += 1
            return token.term
        # and_expr never hands over ")", "OR" or "AND".
        raise QueryError(f"unexpected {token.kind}", token.position)  # pragma: no cover


def parse(text: str) -> Node:
    """The syntax tree of a query; :class:`QueryError` when malformed."""
    if not isinstance(text, str):
        raise QueryError("the query must be text", 0)
    _check_characters(text)
    tokens = _tokens(text)
    if not tokens:
        raise QueryError("empty query", 0)
    parser = _Parser(tokens)
    operands = parser.and_expr(0)
    leftover = parser.peek()
    if leftover is not None:
        raise QueryError("unmatched closing parenthesis", leftover.position)
    if not operands:  # pragma: no cover - a token was there, so an operand or an error
        raise QueryError("empty query", 0)
    return operands[0] if len(operands) == 1 else And(tuple(operands), tokens[0].position)
