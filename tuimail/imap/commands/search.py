"""SEARCH and UID SEARCH (RFC 9051 §6.4.4) with ESEARCH return options
(RFC 4731), SORT and THREAD (RFC 5256), MODSEQ criteria (RFC 7162 §3.1.5).

When the server supports ESEARCH, a plain search is sent as
``SEARCH RETURN (ALL)``: the result carries the command's tag (RFC 4731
§3.1), so several searches can be in flight at once.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, overload

from ..encoder import Atom
from ..types import NUMBER_TYPECODE, ESearchResult, SearchResult, UntaggedResponse
from .base import CommandsBase
from .search_keys import needs_charset, search_criteria

if TYPE_CHECKING:
    from ..extension_types import ThreadMember

Criteria = Iterable[Any] | str


class SearchCommands(CommandsBase):
    """Searching, sorting and threading."""

    @overload
    async def search(
        self, criteria: Criteria, charset: str | None = None, *, return_: None = None
    ) -> SearchResult: ...

    @overload
    async def search(
        self, criteria: Criteria, charset: str | None = None, *, return_: Iterable[str]
    ) -> ESearchResult: ...

    async def search(
        self, criteria: Criteria, charset: str | None = None, *, return_: Iterable[str] | None = None
    ) -> SearchResult | ESearchResult:
        """SEARCH -> the matching sequence numbers, e.g.
        ``await imap.search(["BEFORE", "30-Apr-2003", "SINCE", "1-Apr-2003"])``.

        The result is a :class:`SearchResult`: a read-only sequence of ints
        (``len()``, ``in``, indexing, iteration; equal to a list of the same
        numbers) with ``.modseq`` when the server sends one.  It stays
        compact whatever the server answers: an ESEARCH ``ALL 1:50000000``
        is kept as that one range (``.set``), plain SEARCH numbers as 4
        bytes each.  Only iterating expands it.

        ``return_=["MIN", "MAX", "COUNT", "ALL"]`` asks for ESEARCH return
        options (RFC 4731) and gives an :class:`ESearchResult` instead:
        ``(await imap.search(["UNSEEN"], return_=["COUNT"])).count``, or
        ``.all`` as a :class:`SequenceSet`.
        """
        return await self._search("SEARCH", criteria, charset, return_)

    @overload
    async def uid_search(
        self, criteria: Criteria, charset: str | None = None, *, return_: None = None
    ) -> SearchResult: ...

    @overload
    async def uid_search(
        self, criteria: Criteria, charset: str | None = None, *, return_: Iterable[str]
    ) -> ESearchResult: ...

    async def uid_search(
        self, criteria: Criteria, charset: str | None = None, *, return_: Iterable[str] | None = None
    ) -> SearchResult | ESearchResult:
        """UID SEARCH: as :meth:`search`, returning UIDs."""
        return await self._search("UID SEARCH", criteria, charset, return_)

    def _criteria(self, criteria: Criteria, charset: str | None, default_charset: str | None) -> list[Any]:
        args = search_criteria(criteria)
        if charset is None and default_charset is None and not self._utf8 and needs_charset(args):
            charset = "UTF-8"
        charset = charset or default_charset
        return [Atom("CHARSET"), Atom(charset), *args] if charset else args

    async def _search(
        self, name: str, criteria: Criteria, charset: str | None, return_: Iterable[str] | None
    ) -> SearchResult | ESearchResult:
        args = self._criteria(criteria, charset, None)
        esearch = self.has("ESEARCH") or self.has("IMAP4REV2")
        if return_ is None and not esearch:
            cmd = await self._run(name, *args, collect=("SEARCH",))
            return self._numbers(cmd.responses, "SEARCH")
        options = [Atom(o.upper()) for o in (return_ if return_ is not None else ("ALL",))]
        cmd = await self._run(name, Atom("RETURN"), options, *args, collect=("ESEARCH",), correlated=True)
        results: list[ESearchResult] = self._data(cmd.responses, "ESEARCH")
        result = results[-1] if results else ESearchResult(tag=cmd.tag, uid=name.startswith("UID"))
        if return_ is not None:
            return result
        return SearchResult(result.all if result.all is not None else (), result.modseq)

    async def sort(
        self, sort_keys: Iterable[str], criteria: Criteria = ("ALL",), charset: str = "UTF-8"
    ) -> SearchResult:
        """SORT (RFC 5256 §3): ``await imap.sort(["REVERSE", "DATE"], ["ALL"])``."""
        return await self._sort("SORT", sort_keys, criteria, charset)

    async def uid_sort(
        self, sort_keys: Iterable[str], criteria: Criteria = ("ALL",), charset: str = "UTF-8"
    ) -> SearchResult:
        """UID SORT (RFC 5256 §3): UIDs in sorted order."""
        return await self._sort("UID SORT", sort_keys, criteria, charset)

    async def _sort(self, name: str, keys: Iterable[str], criteria: Criteria, charset: str) -> SearchResult:
        self._require("SORT")
        args = [[Atom(k.upper()) for k in keys], Atom(charset), *search_criteria(criteria)]
        cmd = await self._run(name, *args, collect=("SORT",))
        return self._numbers(cmd.responses, "SORT")

    def _numbers(self, responses: Iterable[UntaggedResponse], name: str) -> SearchResult:
        """The numbers of every SEARCH or SORT response, in order, and the
        last MODSEQ sent (RFC 7162 §3.1.5)."""
        found: list[SearchResult] = [d for d in self._data(responses, name) if isinstance(d, SearchResult)]
        if len(found) == 1:
            return found[0]
        modseq = next((r.modseq for r in reversed(found) if r.modseq is not None), None)
        numbers = array(NUMBER_TYPECODE)
        for result in found:
            numbers.extend(result)
        return SearchResult(numbers, modseq)

    async def thread(
        self, algorithm: str = "REFERENCES", criteria: Criteria = ("ALL",), charset: str = "UTF-8"
    ) -> list[ThreadMember]:
        """THREAD (RFC 5256 §3): ORDEREDSUBJECT or REFERENCES threads."""
        return await self._thread("THREAD", algorithm, criteria, charset)

    async def uid_thread(
        self, algorithm: str = "REFERENCES", criteria: Criteria = ("ALL",), charset: str = "UTF-8"
    ) -> list[ThreadMember]:
        """UID THREAD: threads of UIDs."""
        return await self._thread("UID THREAD", algorithm, criteria, charset)

    async def _thread(
        self, name: str, algorithm: str, criteria: Criteria, charset: str
    ) -> list[ThreadMember]:
        self._require(f"THREAD={algorithm.upper()}")
        args = [Atom(algorithm.upper()), Atom(charset), *search_criteria(criteria)]
        cmd = await self._run(name, *args, collect=("THREAD",))
        threads: list[ThreadMember] = []
        for data in self._data(cmd.responses, "THREAD"):
            threads.extend(data)
        return threads
