"""Example 2 of issue 3: move April 2003's sent mail into its own folder
(copy, mark \\Deleted, expunge), creating the folder if needed.

    IMAP_PASSWORD=... python examples/archive_april.py mail.example.com --user joe_user
"""

from __future__ import annotations

import asyncio

from tuimail.imap import IMAP


async def archive_april(imap: IMAP) -> int:
    """The issue's second example; returns how many messages it moved."""
    moved = 0
    await imap.select("Mail/sent-mail")
    if not await imap.list("Mail/", "sent-apr03"):
        await imap.create("Mail/sent-apr03")
    for message_id in await imap.search(["BEFORE", "30-Apr-2003", "SINCE", "1-Apr-2003"]):
        await imap.copy(message_id, "Mail/sent-apr03")
        await imap.store(message_id, "+FLAGS", [r"\Deleted"])
        moved += 1
    await imap.expunge()
    return moved


async def main() -> None:
    from _connect import connect, options

    opts = options(__doc__ or "")
    imap = await connect(opts)
    try:
        await imap.login(opts.user, opts.password)
        print(f"moved {await archive_april(imap)} messages")
    finally:
        await imap.logout()


if __name__ == "__main__":
    asyncio.run(main())
