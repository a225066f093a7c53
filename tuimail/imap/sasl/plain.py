"""SASL PLAIN (RFC 4616): ``[authzid] NUL authcid NUL passwd``."""

from __future__ import annotations

from ..errors import EncodeError
from .base import OneMessage


class Plain(OneMessage):
    """PLAIN: username and password in one client-first message."""

    name = "PLAIN"

    def __init__(self, username: str, password: str, authzid: str = "") -> None:
        for what, value in (("username", username), ("password", password), ("authzid", authzid)):
            if "\0" in value:
                raise EncodeError(f"PLAIN {what} must not contain NUL")
        super().__init__(f"{authzid}\0{username}\0{password}".encode())
