"""SASL mechanisms for AUTHENTICATE (RFC 9051 §6.2.2, RFC 4422), one file
per mechanism behind one interface, :class:`Mechanism`.

    mech = sasl.authenticator("SCRAM-SHA-256", "joe", "secret")

CRAM-MD5 is only ever used when asked for by name.
"""

from __future__ import annotations

from typing import Any

from ..errors import IMAPError
from .anonymous import Anonymous
from .base import Mechanism
from .cram_md5 import CramMD5
from .external import External
from .login import Login
from .oauthbearer import OAuthBearer
from .plain import Plain
from .scram import ScramSHA1, ScramSHA256
from .xoauth2 import XOAuth2

MECHANISMS: dict[str, type[Mechanism]] = {
    m.name: m
    for m in (Plain, Login, XOAuth2, OAuthBearer, ScramSHA1, ScramSHA256, External, Anonymous, CramMD5)
}


def authenticator(mechanism: str, *args: Any, **kwargs: Any) -> Mechanism:
    """A new :class:`Mechanism` for ``mechanism`` (case-insensitive)."""
    try:
        cls = MECHANISMS[mechanism.upper()]
    except KeyError:
        raise IMAPError(f"unsupported SASL mechanism {mechanism!r}") from None
    return cls(*args, **kwargs)


__all__ = [
    "MECHANISMS",
    "Anonymous",
    "CramMD5",
    "External",
    "Login",
    "Mechanism",
    "OAuthBearer",
    "Plain",
    "ScramSHA1",
    "ScramSHA256",
    "XOAuth2",
    "authenticator",
]
