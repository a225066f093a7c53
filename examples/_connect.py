"""Command-line options shared by the examples: where to connect and as whom.

    python examples/recent_envelopes.py mail.example.com --user joe_user
    python examples/recent_envelopes.py localhost --port 1143 --tls none --user joe

The password comes from the IMAP_PASSWORD environment variable, or is asked.
"""

from __future__ import annotations

import argparse
import getpass
import os
from dataclasses import dataclass

from tuimail.imap import IMAP


@dataclass
class Options:
    host: str
    port: int | None
    tls: str
    user: str
    password: str


def options(description: str) -> Options:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("host")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--tls", choices=["implicit", "starttls", "none"], default="implicit")
    parser.add_argument("--user", required=True)
    args = parser.parse_args()
    password = os.environ.get("IMAP_PASSWORD") or getpass.getpass(f"Password for {args.user}: ")
    return Options(args.host, args.port, args.tls, args.user, password)


async def connect(opts: Options) -> IMAP:
    return await IMAP.connect(opts.host, opts.port, tls=opts.tls)  # type: ignore[arg-type]
