"""SASL CRAM-MD5 (RFC 2195): ``username SP hex(HMAC-MD5(password, challenge))``.

Weak (MD5, server stores the password); used only when asked for by name.
"""

from __future__ import annotations

import hashlib
import hmac

from .base import Mechanism


class CramMD5(Mechanism):
    """CRAM-MD5: a keyed digest of the server's challenge."""

    name = "CRAM-MD5"

    def __init__(self, username: str, password: str) -> None:
        self._username = username
        self._password = password.encode()
        self._done = False

    def process(self, challenge: bytes) -> bytes:
        digest = hmac.new(self._password, challenge, hashlib.md5).hexdigest()
        self._done = True
        return f"{self._username} {digest}".encode()

    @property
    def done(self) -> bool:
        return self._done
