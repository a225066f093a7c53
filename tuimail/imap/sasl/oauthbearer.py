"""SASL OAUTHBEARER (RFC 7628 §3.1): a GS2 header, then ``^A``-separated
key/value pairs ending in ``auth=Bearer <token>^A^A``."""

from __future__ import annotations

from ..errors import EncodeError
from .bearer import BearerToken


def _gs2_name(value: str) -> str:
    """saslname escaping of RFC 5801 §4: ``,`` -> ``=2C``, ``=`` -> ``=3D``."""
    return value.replace("=", "=3D").replace(",", "=2C")


class OAuthBearer(BearerToken):
    """OAUTHBEARER: an OAuth 2.0 bearer token, with host and port."""

    name = "OAUTHBEARER"
    error_reply = b"\x01"  # RFC 7628 §3.2.3: an error challenge is answered with a lone ^A

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
        super().__init__(("\x01".join(parts) + "\x01\x01").encode())
