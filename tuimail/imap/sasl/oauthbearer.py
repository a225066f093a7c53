"""SASL OAUTHBEARER (RFC 7628 §3.1): a GS2 header, then ``^A``-separated
key/value pairs ending in ``auth=Bearer <token>^A^A``."""

from __future__ import annotations

from ..errors import EncodeError
from .base import Mechanism


def _gs2_name(value: str) -> str:
    """saslname escaping of RFC 5801 §4: ``,`` -> ``=2C``, ``=`` -> ``=3D``."""
    return value.replace("=", "=3D").replace(",", "=2C")


class OAuthBearer(Mechanism):
    """OAUTHBEARER: an OAuth 2.0 bearer token, with host and port."""

    name = "OAUTHBEARER"
    client_first = True

    def __init__(
        self, username: str, oauth2_token: str, *, host: str | None = None, port: int | None = None
    ) -> None:
        if any("\x01" in v for v in (username, oauth2_token, host or "")):
            raise EncodeError("OAUTHBEARER values must not contain ^A")
        parts = [f"n,a={_gs2_name(username)}," if username else "n,,"]
        if host:
            parts.append(f"host={host}")
        if port:
            parts.append(f"port={port}")
        parts.append(f"auth=Bearer {oauth2_token}")
        self._message = ("\x01".join(parts) + "\x01\x01").encode()
        self._sent = False
        self.error: bytes | None = None

    def initial_response(self) -> bytes:
        self._sent = True
        return self._message

    def process(self, challenge: bytes) -> bytes:
        if not self._sent:
            self._sent = True
            return self._message
        # RFC 7628 §3.2.3: an error challenge is answered with a lone ^A.
        self.error = challenge
        return b"\x01"
