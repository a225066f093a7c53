"""SASL SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677), with the
maintained ``scramp`` library doing the cryptography.

Exchange: client-first; server-first (salt, iterations, nonce) ->
client-final with proof; server-final with the server signature, which is
verified before the login is trusted (RFC 5802 §5).  The server-final may
come as a last challenge (answered with an empty response) or as
additional data in the tagged OK's code (RFC 9051 §6.2.2).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from ..errors import AuthenticationError, SecurityError
from .base import Mechanism

#: Refuse absurd iteration counts (a hostile server could make us spin).
MAX_ITERATIONS = 1_000_000

_ITERATIONS_RE = re.compile(rb"(?:^|,)i=([0-9]+)(?:,|$)")


class _Scram(Mechanism):
    """Common SCRAM state machine; subclasses set ``name``."""

    client_first = True
    name: ClassVar[str]

    def __init__(self, username: str, password: str) -> None:
        # Imported when a SCRAM login starts, not with the library (scramp and asn1crypto are
        # 0.07 s of every start, and most logins are LOGIN or PLAIN).
        import scramp  # type: ignore[import-untyped]

        self._scramp: Any = scramp
        try:
            self._client = scramp.ScramClient([self.name], username, password)
        except scramp.ScramException as e:
            raise AuthenticationError(f"{self.name}: {e}") from None
        self._step = 0
        self._verified = False

    def initial_response(self) -> bytes:
        self._step = 1
        return str(self._client.get_client_first()).encode()

    def process(self, challenge: bytes) -> bytes:
        if self._step == 0:
            return self.initial_response()
        if self._step == 1:
            m = _ITERATIONS_RE.search(challenge)
            if m and int(m.group(1)) > MAX_ITERATIONS:
                raise SecurityError(f"{self.name}: server asks for {int(m.group(1))} iterations")
            try:
                self._client.set_server_first(challenge.decode())
                final = self._client.get_client_final()
            except (self._scramp.ScramException, UnicodeDecodeError, ValueError) as e:
                raise AuthenticationError(f"{self.name}: bad server-first message: {e}") from None
            self._step = 2
            return str(final).encode()
        if self._step == 2:
            self._verify(challenge)
            self._step = 3
            return b""
        raise AuthenticationError(f"{self.name}: unexpected challenge after server-final")

    def _verify(self, server_final: bytes) -> None:
        try:
            self._client.set_server_final(server_final.decode())
        except (self._scramp.ScramException, UnicodeDecodeError, ValueError) as e:
            raise SecurityError(f"{self.name}: server signature not verified: {e}") from None
        self._verified = True

    def verify_success(self, additional_data: bytes | None) -> None:
        """RFC 5802 §5: the client MUST verify the server signature."""
        if self._verified:
            return
        if additional_data is None:
            raise SecurityError(f"{self.name}: server completed without proving it knows the password")
        self._verify(additional_data)

    @property
    def done(self) -> bool:
        return self._step >= 3


class ScramSHA1(_Scram):
    """SCRAM-SHA-1 (RFC 5802)."""

    name = "SCRAM-SHA-1"


class ScramSHA256(_Scram):
    """SCRAM-SHA-256 (RFC 7677)."""

    name = "SCRAM-SHA-256"
