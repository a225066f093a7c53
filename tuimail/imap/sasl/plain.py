"""SASL PLAIN (RFC 4616): ``[authzid] NUL authcid NUL passwd``."""

from __future__ import annotations

from ..errors import EncodeError
from .base import Mechanism


class Plain(Mechanism):
    """PLAIN: username and password in one client-first message."""

    name = "PLAIN"
    client_first = True

    def __init__(self, username: str, password: str, authzid: str = "") -> None:
        for what, value in (("username", username), ("password", password), ("authzid", authzid)):
            if "\0" in value:
                raise EncodeError(f"PLAIN {what} must not contain NUL")
        self._message = f"{authzid}\0{username}\0{password}".encode()
        self._sent = False

    def initial_response(self) -> bytes:
        self._sent = True
        return self._message

    def process(self, challenge: bytes) -> bytes:
        self._sent = True
        return self._message

    @property
    def done(self) -> bool:
        return self._sent
