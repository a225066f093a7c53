"""SASL ANONYMOUS (RFC 4505): an optional trace string (an email address
or token, at most 255 characters)."""

from __future__ import annotations

from ..errors import EncodeError
from .base import Mechanism


class Anonymous(Mechanism):
    """ANONYMOUS: guest access with an optional trace."""

    name = "ANONYMOUS"
    client_first = True

    def __init__(self, trace: str = "") -> None:
        if len(trace) > 255 or any(c in trace for c in "\0\r\n"):
            raise EncodeError("ANONYMOUS trace must be at most 255 characters, without CR/LF/NUL")
        self._message = trace.encode()
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
