"""The one interface every SASL mechanism implements (RFC 4422 §3).

A mechanism is a small state machine: :meth:`Mechanism.initial_response`
gives the client's first message for client-first mechanisms (sent with
SASL-IR, RFC 4959, when the server offers it), and :meth:`Mechanism.process`
turns each server challenge into the client's response.  Challenges and
responses are raw bytes; the IMAP layer does the base64 (RFC 9051 §6.2.2).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar


class Mechanism(ABC):
    """A SASL client mechanism.

    ``name`` is the IANA mechanism name.  ``client_first`` mechanisms have
    an initial response; the others wait for the server's first challenge.
    """

    name: ClassVar[str]
    client_first: ClassVar[bool] = False

    def initial_response(self) -> bytes | None:
        """The client's first message, or None when the server speaks first."""
        return None

    @abstractmethod
    def process(self, challenge: bytes) -> bytes:
        """The response to one server challenge.

        Raises :class:`~tuimail.imap.errors.AuthenticationError` (or
        :class:`~tuimail.imap.errors.SecurityError` when the server cannot
        be trusted), after which the client cancels the exchange with ``*``.
        """

    @property
    def done(self) -> bool:
        """True once the mechanism expects no further challenge."""
        return False

    def verify_success(self, additional_data: bytes | None) -> None:  # noqa: B027 (optional hook)
        """Check the server's outcome data at the end of a successful
        exchange (SCRAM's server signature).  Default: nothing to check."""


class OneMessage(Mechanism):
    """A client-first mechanism whose whole exchange is one message
    (PLAIN, EXTERNAL, ANONYMOUS): sent as the initial response, or in
    answer to the server's first (empty) challenge when SASL-IR is not
    offered (RFC 4422 §4, RFC 9051 §6.2.2)."""

    client_first = True

    def __init__(self, message: bytes) -> None:
        self._message = message
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
