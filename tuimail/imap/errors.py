"""One error hierarchy for tuimail.imap; each error says what happened.

Every exception this package raises on purpose is an :class:`IMAPError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .types import ResponseCode, ResponseText


class IMAPError(Exception):
    """Base class of every error raised by tuimail.imap."""


# --- wire layer: framing, parsing, encoding --------------------------------


class ParseError(IMAPError):
    """A server response does not follow the IMAP grammar.

    ``data`` holds the offending response bytes (possibly truncated) and
    ``position`` the byte offset where parsing stopped, when known.
    """

    def __init__(self, message: str, data: bytes = b"", position: int | None = None) -> None:
        super().__init__(message)
        self.data = data
        self.position = position


class ResponseTooLargeError(IMAPError):
    """A response (line or announced literal) exceeds a configured limit.

    Raised before the oversized data is allocated.
    """

    def __init__(self, message: str, size: int | None = None, limit: int | None = None) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


class EncodeError(IMAPError, ValueError):
    """A Python value cannot be sent as the requested IMAP argument.

    For instance an atom holding CR/LF/NUL, which could inject a command.
    """


# --- client layer -----------------------------------------------------------


class ResponseError(IMAPError):
    """The server answered a command with NO, BAD or BYE.

    ``response`` is the tagged (or BYE) response; ``text`` and ``code`` are
    taken from its resp-text.
    """

    def __init__(self, message: str, response: Any = None) -> None:
        super().__init__(message)
        self.response = response
        data: ResponseText | None = getattr(response, "data", None)
        self.text: str = getattr(data, "text", "") or ""
        self.code: ResponseCode | None = getattr(data, "code", None)


class NoResponseError(ResponseError):
    """The server answered NO: the command was understood but failed."""


class BadResponseError(ResponseError):
    """The server answered BAD: it did not understand the command."""


class ByeResponseError(ResponseError):
    """The server said BYE and is closing the connection."""


class ConnectionLost(IMAPError, ConnectionError):
    """The connection ended while a command was in flight or being sent."""


class CommandTimeout(IMAPError, TimeoutError):
    """A command or the connection attempt took longer than its timeout."""


class SecurityError(IMAPError):
    """A security requirement could not be met.

    Examples: STARTTLS not offered, refused or answered oddly; a PREAUTH
    greeting on a plaintext connection when STARTTLS was required; LOGIN
    while the server advertises LOGINDISABLED.
    """


class AuthenticationError(NoResponseError):
    """LOGIN or AUTHENTICATE was rejected."""


class InvalidStateError(IMAPError):
    """A command is not allowed in the connection's current state."""
