"""SASL EXTERNAL (RFC 4422 Appendix A): identity from the TLS layer; the
message is the optional authorization identity."""

from __future__ import annotations

from .base import OneMessage


class External(OneMessage):
    """EXTERNAL: authenticate with what the transport already proved."""

    name = "EXTERNAL"

    def __init__(self, authzid: str = "") -> None:
        super().__init__(authzid.encode())
