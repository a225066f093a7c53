"""Example 1 of issue 3: authenticate, examine INBOX, print the sender and
subject of each recent message.

    IMAP_PASSWORD=... python examples/recent_envelopes.py mail.example.com --user joe_user
"""

from __future__ import annotations

import asyncio

from tuimail.imap import IMAP


async def recent_envelopes(imap: IMAP, username: str, password: str) -> list[str]:
    """The issue's first example, returning the lines it prints."""
    lines = []
    await imap.authenticate("PLAIN", username, password)
    await imap.examine("INBOX")
    for message_id in await imap.search(["RECENT"]):
        envelope = (await imap.fetch(message_id, "ENVELOPE"))[0].attr["ENVELOPE"]
        lines.append(f"{envelope.from_[0].name}: \t{envelope.subject}")
        print(lines[-1])
    return lines


async def main() -> None:
    from _connect import connect, options

    opts = options(__doc__ or "")
    imap = await connect(opts)  # port 993, implicit TLS, certificate verified by default
    try:
        await recent_envelopes(imap, opts.user, opts.password)
    finally:
        await imap.logout()


if __name__ == "__main__":
    asyncio.run(main())
