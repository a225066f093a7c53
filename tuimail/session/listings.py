"""Listings of the open mailbox: a search's results, a sort, threads.

Each is worked out on the server where it can be (RFC 9051 §6.4.4 SEARCH,
with ESEARCH ``RETURN (ALL)`` where offered so the answer stays compact;
RFC 5256 SORT and THREAD=REFERENCES), else on the client from only the
FETCH items it needs (:mod:`tuimail.mail.sorting`, :mod:`tuimail.mail.threads`).
The answer is posted as :class:`~tuimail.session.messages.Listed`: UIDs in
display order (or threads); their rows' summaries come as the list asks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from tuimail.freeing import free_gradually
from tuimail.imap.errors import NoResponseError
from tuimail.mail.query import CompiledQuery, QueryError, badcharset_charsets, charset_fallback, compile_query
from tuimail.mail.sorting import SortItem, fetch_items_for, sort_uids
from tuimail.mail.summary import MessageSummary
from tuimail.mail.threads import THREAD_FETCH_ITEMS, ThreadItem, thread_references

from . import messages as m
from .client import SessionClient
from .selected import SelectedMailbox, expand

__all__ = ["Listings"]

_log = logging.getLogger(__name__)

Post = Callable[[Any], Any]


class Listings:
    """Search, sort and thread the open mailbox."""

    def __init__(
        self, post: Post, selected: SelectedMailbox, *, today: Callable[[], date] = date.today
    ) -> None:
        self._post = post
        self.selected = selected
        self._today = today

    def compile(self, client: SessionClient, text: str) -> CompiledQuery | None:
        """The query compiled, or None (and SearchFailed says where it is wrong)."""
        view = self.selected.view
        try:
            return compile_query(text, gmail=client.has("X-GM-EXT-1"), today=self._today())
        except QueryError as exc:
            generation = view.generation if view is not None else -1
            self._post(m.SearchFailed(generation, text, str(exc), exc.position))
            return None

    async def search(self, client: SessionClient, text: str, sort: list[str] | None = None) -> None:
        """UID SEARCH for ``text`` (UID SORT when ``sort`` keys are given and SORT is offered)."""
        view = self.selected.view
        query = self.compile(client, text)
        if view is None or query is None:
            return
        uids = await self._search_uids(client, query, sort)
        if uids is None or self.selected.view is not view:
            return
        if query.client_filter is not None:
            uids = await self._filter(client, query, uids)
        self._post(m.Listed(view.generation, "search", query.text, tuple(uids), sort=tuple(sort or ())))

    async def _search_uids(
        self, client: SessionClient, query: CompiledQuery, sort: list[str] | None
    ) -> list[int] | None:
        view = self.selected.view
        assert view is not None
        charset = query.charset
        criteria = query.criteria
        for _ in range(2):
            try:
                if sort and client.has("SORT"):
                    return await client.uid_sort(sort, criteria, charset or "UTF-8")
                found = await client.uid_search_all(criteria, charset=charset)
                uids = expand(found, view.exists + 1024) or []
                if sort:
                    uids = await self._sort_on_client(client, sort, uids)
                else:
                    uids.sort(reverse=True)  # newest first, as the mailbox
                return uids
            except NoResponseError as exc:
                listed = badcharset_charsets(exc)
                retry = charset_fallback(query, listed) if listed is not None and charset else None
                if retry is None:
                    raise
                _log.info("search: the server refused %s; trying %s", charset, retry)
                criteria, charset = retry.criteria, retry.charset
        return None

    async def _filter(self, client: SessionClient, query: CompiledQuery, uids: list[int]) -> list[int]:
        """What the server could not search (has:attachment), from each result's BODYSTRUCTURE."""
        keep: set[int] = set()
        for start in range(0, len(uids), 1000):  # nothing is sent for no results
            for fd in await client.uid_fetch_items(uids[start : start + 1000], "(UID BODYSTRUCTURE)"):
                summary = MessageSummary.from_fetch(fd)
                if query.accepts(summary):
                    keep.add(summary.uid)
        return [uid for uid in uids if uid in keep]

    async def sort(self, client: SessionClient, keys: list[str]) -> None:
        """The whole mailbox in ``keys`` order (RFC 5256 §3): UID SORT, else on the client."""
        view = self.selected.view
        if view is None:
            return
        if client.has("SORT") and view.exists:
            uids = await client.uid_sort(keys, ["ALL"], "UTF-8")
        else:
            uids = await self._sort_on_client(client, keys, None)
        if self.selected.view is view:
            self._post(
                m.Listed(view.generation, "sort", " ".join(keys).lower(), tuple(uids), sort=tuple(keys))
            )

    async def _sort_on_client(
        self, client: SessionClient, keys: list[str], uids: list[int] | None
    ) -> list[int]:
        items = fetch_items_for(keys)
        data = await client.uid_fetch_items(uids if uids is not None else "1:*", items)
        order = sort_uids((SortItem.from_fetch(fd) for fd in data if "UID" in fd.attr), keys)
        free_gradually(data)  # a whole mailbox's responses: freed at once, they would stall the UI
        return order

    async def threads(self, client: SessionClient) -> None:
        """THREAD=REFERENCES (RFC 5256 §2.2) of the whole mailbox, else threaded on the client."""
        view = self.selected.view
        if view is None:
            return
        if client.has("THREAD=REFERENCES"):
            threads = await client.uid_thread()
        elif view.exists == 0:
            threads = []
        else:
            data = await client.uid_fetch_items("1:*", THREAD_FETCH_ITEMS)
            threads = thread_references(ThreadItem.from_fetch(fd) for fd in data if "UID" in fd.attr)
            free_gradually(data)
        if self.selected.view is view:
            self._post(m.Listed(view.generation, "threads", "threads", (), threads=tuple(threads)))
