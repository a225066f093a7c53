"""SASL XOAUTH2 (Google/Microsoft): ``user=U ^A auth=Bearer T ^A ^A``.

On failure the server sends a JSON error as a challenge; the client answers
with an empty response and the server then completes with NO.
"""

from __future__ import annotations

from ..errors import EncodeError
from .bearer import BearerToken


class XOAuth2(BearerToken):
    """XOAUTH2: an OAuth 2.0 bearer token for a username."""

    name = "XOAUTH2"
    error_reply = b""  # the JSON error is answered with an empty response

    def __init__(self, username: str, oauth2_token: str) -> None:
        if "\x01" in username or "\x01" in oauth2_token:
            raise EncodeError("XOAUTH2 values must not contain ^A")
        super().__init__(f"user={username}\x01auth=Bearer {oauth2_token}\x01\x01".encode())
