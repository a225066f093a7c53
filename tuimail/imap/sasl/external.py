"""SASL EXTERNAL (RFC 4422 Appendix A): identity from the TLS layer; the
message is the optional authorization identity."""

from __future__ import annotations

from .base import Mechanism


class External(Mechanism):
    """EXTERNAL: authenticate with what the transport already proved."""

    name = "EXTERNAL"
    client_first = True

    def __init__(self, authzid: str = "") -> None:
        self._message = authzid.encode()
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
