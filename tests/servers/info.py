"""What a test needs to know to reach a test IMAP server (see tests/conftest.py)."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ServerInfo:
    """A running test server and a fresh account on it."""

    name: str  # "pymap" or "dovecot"
    host: str  # "127.0.0.1"
    port: int  # plaintext listener (Dovecot offers STARTTLS here too)
    tls_port: int | None  # implicit-TLS listener (Dovecot), else None
    ssl_context: ssl.SSLContext | None  # client context trusting the test CA ("localhost" only)
    username: str  # a fresh account for this test, with an empty INBOX
    password: str
    sasl_mechanisms: list[str]  # mechanisms this server supports for this account
    new_account: Callable[[], tuple[str, str]] = field(repr=False, compare=False, default=lambda: ("", ""))

    def other_account(self) -> tuple[str, str]:
        """A second fresh (username, password) on the same server."""
        return self.new_account()
