"""The search query language: ``from:ann subject:"lunch plans" since:7d -is:read``
compiled to IMAP SEARCH criteria (RFC 9051 §6.4.4).

- :func:`compile_query` -> :class:`CompiledQuery` (``criteria``,
  ``needs_utf8``/``charset``, ``client_filter``, normalised ``text``);
  malformed queries raise :class:`QueryError` with the character position;
- :func:`charset_fallback` and :func:`badcharset_charsets`: the retry when a
  server refuses ``CHARSET UTF-8``.

The grammar is in :mod:`.syntax`, the mapping to search keys in
:mod:`.compiler`.  Pure functions: no I/O, nothing from the UI or session.
"""

from .compiler import ClientFilter, CompiledQuery, compile_query
from .errors import QueryError
from .fallback import SearchRetry, ascii_fold, badcharset_charsets, charset_fallback

__all__ = [
    "ClientFilter",
    "CompiledQuery",
    "QueryError",
    "SearchRetry",
    "ascii_fold",
    "badcharset_charsets",
    "charset_fallback",
    "compile_query",
]
