"""Example 3 of issue 3: a FETCH and a SEARCH in flight at once on one
connection (pipelined by tag), then LOGOUT.

    IMAP_PASSWORD=... python examples/concurrent_fetch_search.py mail.example.com --user joe_user
"""

from __future__ import annotations

import asyncio

from tuimail.imap import IMAP, FetchData, SearchResult


async def fetch_and_search(imap: IMAP) -> tuple[list[FetchData], SearchResult]:
    """The issue's third example (after selecting INBOX)."""
    await imap.select("INBOX")
    fetch_task = asyncio.create_task(imap.fetch("1:*", "UID"))  # both in flight on one connection
    search_result = await imap.search(["BODY", "hello"])
    fetch_result = await fetch_task
    await imap.logout()
    return fetch_result, search_result


async def main() -> None:
    from _connect import connect, options

    opts = options(__doc__ or "")
    imap = await connect(opts)
    await imap.login(opts.user, opts.password)
    fetched, found = await fetch_and_search(imap)
    print(f"{len(fetched)} messages; {found} mention 'hello'")


if __name__ == "__main__":
    asyncio.run(main())
