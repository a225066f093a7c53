"""Opening a big message: the parts the viewer shows, beside fetching the whole message.

A private Dovecot on 127.0.0.1 (tests/servers/dovecot.py) holds the message of issue 9: a
16-byte text part and an attachment, 41 MB as sent.  Timed, in the same run, over one
logged-in connection with INBOX selected:

* parts:  what opening does now (tuimail/session/message_bodies.py, the code the session
          runs): one ``UID FETCH`` of the header and the text part (partial fetches), the
          parts chosen from the BODYSTRUCTURE the list's FETCH brought (fetched once before,
          untimed, as the list did when it showed the row), then rendering; nothing is
          remembered between runs (a first open each time);
* cached: the same for a row drawn from the header cache (no BODYSTRUCTURE known): it comes
          with the header, then the text part;
* whole:  what opening did before: ``UID FETCH uid BODY.PEEK[]`` of the whole message, then
          ``render_message`` of it.

Both over a compressed connection (COMPRESS=DEFLATE, which the session turns on where
offered) and a plain one.  Then a message over the 64 MiB response limit (``--huge-mb`` MiB
of attachment): the whole-message fetch fails (the connection is dropped), the parts open.

    .venv/bin/python benchmarks/open_message.py [--attachment-mb 30] [--huge-mb 50] [--repeat 5]

Figures are the median and best of ``--repeat`` runs, by wall clock.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuimail.imap import IMAP  # noqa: E402
from tuimail.imap.errors import ConnectionLost, ResponseTooLargeError  # noqa: E402
from tuimail.mail.render import render_message  # noqa: E402
from tuimail.session.client import SessionClient  # noqa: E402
from tuimail.session.message_bodies import MessageBodies  # noqa: E402


def big_message(attachment_bytes: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Alice <alice@example.com>"
    msg["To"] = "Bob <bob@example.com>"
    msg["Subject"] = "The quarterly figures"
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    msg.set_content("Sixteen bytes.\r\n", cte="7bit")
    data = os.urandom(attachment_bytes)
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename="figures.bin")
    return msg.as_bytes()


async def open_by_parts(client: SessionClient, uid: int, listed: Any) -> str:
    """The session's path (Actions.open_message without the request gate): the shown parts in one
    command (``listed``: the list's BODYSTRUCTURE; None: fetched with the header first), then
    rendering (off the loop, as the session does)."""
    bodies = MessageBodies(lambda _message: None)
    key = ("INBOX", None, uid)
    fetched = await bodies.fetch_shown(client, key, mark_seen=False, listed=listed)
    assert fetched is not None
    rendered = await asyncio.to_thread(fetched[1])
    bodies.shown(key, "plain", rendered)
    return rendered.body


async def open_whole(imap: IMAP, uid: int) -> str:
    """The path before: the whole message, then rendering it."""
    data = await imap.uid_fetch(uid, "BODY.PEEK[]")
    raw = bytes(data[0].attr["BODY[]"])
    rendered = await asyncio.to_thread(render_message, raw)
    return rendered.body


async def timed(repeat: int, run: Any) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        body = await run()
        times.append(time.perf_counter() - t0)
        assert body.startswith("Sixteen bytes."), body[:80]
    return times


async def bench(attachment_mb: float, huge_mb: float, repeat: int) -> None:
    from tests.servers.dovecot import DovecotServer, find_dovecot

    binary = find_dovecot()
    if binary is None:
        sys.exit("dovecot is not installed")
    server = DovecotServer(binary)
    server.start()
    try:
        info = server.server_info()
        big = big_message(int(attachment_mb * 1024 * 1024))
        huge = big_message(int(huge_mb * 1024 * 1024))
        results = {}
        for compress in (True, False):
            async with await IMAP.connect(info.host, info.port, tls="none", compress=compress) as imap:
                await imap.login(info.username, info.password)
                if compress:
                    await imap.append("INBOX", big, flags=["\\Seen"])
                    await imap.append("INBOX", huge, flags=["\\Seen"])
                await imap.select("INBOX")
                uids = list(await imap.uid_search(["ALL"]))
                client = SessionClient(imap, read_only=False)
                first, second = uids[0], uids[1]
                rows = await client.uid_fetch_summaries(uids)
                listed = {fd.attr["UID"]: fd.attr["BODYSTRUCTURE"] for fd in rows}
                parts = await timed(repeat, partial(open_by_parts, client, first, listed[first]))
                cached = await timed(repeat, partial(open_by_parts, client, first, None))
                whole = await timed(repeat, partial(open_whole, imap, first))
                huge_parts = await timed(repeat, partial(open_by_parts, client, second, listed[second]))
                try:
                    await open_whole(imap, uids[1])
                    huge_whole = "opened (the limit was not reached?)"
                except (ConnectionLost, ResponseTooLargeError) as exc:
                    cause = exc.__cause__ or exc
                    huge_whole = f"fails: {type(cause).__name__} (the connection is dropped)"
                results[imap.compressed] = (parts, cached, whole, huge_parts, huge_whole)
        size = len(big.replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n"))

        def ms(values: list[float]) -> str:
            return f"{statistics.median(values) * 1000:8.1f} ms / {min(values) * 1000:8.1f} ms"

        for compressed, (parts, cached, whole, huge_parts, huge_whole) in results.items():
            how = "COMPRESS=DEFLATE on, as the session runs" if compressed else "not compressed"
            print(f"open a {size / 1e6:.1f} MB message (16-byte text part), Dovecot on 127.0.0.1, {how};")
            print(f"median / best of {repeat}")
            print(f"  parts: header and text, one FETCH (now)    {ms(parts)}")
            print(f"  parts, row from the header cache (now)     {ms(cached)}")
            print(f"  whole: BODY.PEEK[] + render (before)        {ms(whole)}")
            ratio = statistics.median(whole) / statistics.median(parts)
            print(f"  ratio whole / parts, medians                {ratio:8.0f}x")
            print(f"open a {len(huge) / 1e6:.1f} MB message (over the 64 MiB response limit)")
            print(f"  parts (now)                                 {ms(huge_parts)}")
            print(f"  whole (before)                              {huge_whole}")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--attachment-mb", type=float, default=28.6, help="MiB of attachment (28.6: 41 MB as sent)"
    )
    parser.add_argument("--huge-mb", type=float, default=50.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(bench(args.attachment_mb, args.huge_mb, args.repeat))


if __name__ == "__main__":
    main()
