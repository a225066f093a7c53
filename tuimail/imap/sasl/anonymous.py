"""SASL ANONYMOUS (RFC 4505): an optional trace string (an email address
or token, at most 255 characters)."""

from __future__ import annotations

from ..errors import EncodeError
from .base import OneMessage


class Anonymous(OneMessage):
    """ANONYMOUS: guest access with an optional trace."""

    name = "ANONYMOUS"

    def __init__(self, trace: str = "") -> None:
        if len(trace) > 255 or any(c in trace for c in "\0\r\n"):
            raise EncodeError("ANONYMOUS trace must be at most 255 characters, without CR/LF/NUL")
        super().__init__(trace.encode())
