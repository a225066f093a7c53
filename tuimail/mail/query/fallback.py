"""What to search when a server refuses ``CHARSET UTF-8`` (BADCHARSET).

IMAP4rev1 servers need only support US-ASCII (RFC 3501 §6.4.4); one that
does not know UTF-8 answers ``NO [BADCHARSET (charsets...)]``.
:func:`charset_fallback` gives the retry: the same query in a charset the
server listed that can hold the text, or else with the text folded to
ASCII (``Grüße`` -> ``Grusse``), searched without CHARSET; None when the
text cannot be written in ASCII.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tuimail.imap.errors import NoResponseError

from .compiler import CompiledQuery, build

__all__ = ["SearchRetry", "ascii_fold", "badcharset_charsets", "charset_fallback"]

_CHARSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+-]{0,39}")
_NOT_A_FALLBACK = {"utf-8", "utf8", "us-ascii", "ascii"}

# Letters NFKD does not take apart, and common typography.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "\u00a0": " ",
    }
)


@dataclass(frozen=True, slots=True)
class SearchRetry:
    """A second try after BADCHARSET: ``imap.uid_search(criteria, charset)``.
    ``folded`` says the text was changed to ASCII (matches may differ; say
    so to the user), ``text`` is the query as searched."""

    criteria: list[Any]
    charset: str | None
    text: str
    folded: bool


def badcharset_charsets(error: BaseException) -> list[str] | None:
    """The charsets a ``NO [BADCHARSET (...)]`` lists (RFC 9051 §7.1; maybe
    none), or None when ``error`` is not a BADCHARSET refusal."""
    if not isinstance(error, NoResponseError) or error.code is None:
        return None
    if str(error.code.name).upper() != "BADCHARSET":
        return None
    data = error.code.data
    if not isinstance(data, list | tuple):
        return []
    return [str(name) for name in data if isinstance(name, str | bytes)]


def ascii_fold(text: str) -> str | None:
    """``text`` in ASCII: accents dropped, ß -> ss, typographic quotes and
    dashes plain; None when a character has no ASCII form (e.g. CJK)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)
    if not folded.isascii() or (text and not folded):
        return None
    return folded


def _usable(name: str) -> str | None:
    """A server-listed charset Python can encode to, or None."""
    if not _CHARSET_NAME.fullmatch(name) or name.lower() in _NOT_A_FALLBACK:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in ("utf-8", "ascii"):
        return None
    return name


def _string_values(query: CompiledQuery) -> list[str]:
    values: list[str] = []

    def collect(value: str) -> str:
        values.append(value)
        return value

    build(query.tree, query.today, query.gmail, collect)
    return values


def _lookup(table: dict[str, bytes]) -> Callable[[str], str | bytes]:
    def mapped(value: str) -> str | bytes:
        return value if value.isascii() else table[value]

    return mapped


def charset_fallback(query: CompiledQuery, server_charsets: Iterable[str] = ()) -> SearchRetry | None:
    """The retry for ``query`` after the server answered BADCHARSET listing
    ``server_charsets`` (see :func:`badcharset_charsets`); None when there
    is nothing better to try (ASCII-only text, or text ASCII cannot hold).

    A listed charset that encodes every value (e.g. ISO-8859-1 for
    ``Köln``) is used as is, values sent as bytes in it; otherwise values
    are folded to ASCII and sent without CHARSET.
    """
    if not query.needs_utf8:
        return None
    values = _string_values(query)
    for listed in server_charsets:
        name = _usable(str(listed))
        if name is None:
            continue
        try:
            encoded = {value: value.encode(name) for value in values}
        except (UnicodeError, LookupError, ValueError):
            continue
        retry = build(query.tree, query.today, query.gmail, _lookup(encoded))
        return SearchRetry(retry.criteria, name, query.text, folded=False)
    folded = {value: ascii_fold(value) for value in values}
    if any(result is None or not result for result in folded.values()):
        return None
    retry = build(query.tree, query.today, query.gmail, lambda v: folded[v] or v)
    return SearchRetry(retry.criteria, None, retry.text, folded=True)
