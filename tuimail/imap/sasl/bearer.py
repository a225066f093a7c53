"""The shape shared by the OAuth 2.0 mechanisms, OAUTHBEARER (RFC 7628)
and XOAUTH2: one client-first message carrying the token; a challenge
after it reports an error (JSON), which the client acknowledges so that
the server can complete with NO (RFC 7628 §3.2.3)."""

from __future__ import annotations

from typing import ClassVar

from .base import OneMessage


class BearerToken(OneMessage):
    """A token in one message; ``error`` keeps the server's error challenge."""

    error_reply: ClassVar[bytes]
    """What answers an error challenge."""

    def __init__(self, message: bytes) -> None:
        super().__init__(message)
        self.error: bytes | None = None

    def process(self, challenge: bytes) -> bytes:
        if not self._sent:
            return super().process(challenge)
        self.error = challenge
        return self.error_reply

    @property
    def done(self) -> bool:
        """Never certain: an error challenge may follow the token."""
        return False
