"""SASL XOAUTH2 (Google/Microsoft): ``user=U ^A auth=Bearer T ^A ^A``.

On failure the server sends a JSON error as a challenge; the client answers
with an empty response and the server then completes with NO.
"""

from __future__ import annotations

from ..errors import EncodeError
from .base import Mechanism


class XOAuth2(Mechanism):
    """XOAUTH2: an OAuth 2.0 bearer token for a username."""

    name = "XOAUTH2"
    client_first = True

    def __init__(self, username: str, oauth2_token: str) -> None:
        if "\x01" in username or "\x01" in oauth2_token:
            raise EncodeError("XOAUTH2 values must not contain ^A")
        self._message = f"user={username}\x01auth=Bearer {oauth2_token}\x01\x01".encode()
        self._sent = False
        self.error: bytes | None = None

    def initial_response(self) -> bytes:
        self._sent = True
        return self._message

    def process(self, challenge: bytes) -> bytes:
        if not self._sent:
            self._sent = True
            return self._message
        self.error = challenge  # JSON error details; answer empty (RFC 7628 §3.2.3 style)
        return b""
