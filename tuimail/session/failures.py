"""What went wrong, in words for a person: the kinds of failure and their texts.

:func:`classify` sorts an exception into a :class:`FailureKind`; the session's
one failure handler (:meth:`tuimail.session.session.Session._failed`) decides
from the kind whether to reconnect, report an action as not done, or show the
error screen.  :func:`describe` gives one line without a traceback, with the
server's timing noise removed.
"""

from __future__ import annotations

import enum
import re
import socket
import ssl

from tuimail.config import PasswordError
from tuimail.imap import errors as e

from .client import ReadOnlyRefused

__all__ = ["FailureKind", "LocalFailure", "classify", "describe"]


class FailureKind(enum.Enum):
    """Why something failed."""

    #: The password could not be obtained (command, keyring).
    PASSWORD = "password"
    #: The server refused the user name or password.
    AUTH = "auth"
    #: TLS could not be set up or verified.
    TLS = "tls"
    #: The server cannot be reached (refused, unknown host, no greeting).
    UNREACHABLE = "unreachable"
    #: A working connection was lost, or the server stopped answering.
    LOST = "lost"
    #: The server answered NO or BAD to one command.
    REFUSED = "refused"
    #: Read-only mode refused a change before it was sent.
    READ_ONLY = "read-only"
    #: Something on this machine failed (writing a file); the connection is fine.
    LOCAL = "local"
    #: Anything else: a bug, reported without a traceback.
    UNEXPECTED = "unexpected"

    @property
    def connection(self) -> bool:
        """Does this failure mean the connection is gone?"""
        return self in (FailureKind.LOST, FailureKind.UNREACHABLE)

    @property
    def needs_user(self) -> bool:
        """Will trying again not help until the user changes something?"""
        return self in (FailureKind.PASSWORD, FailureKind.AUTH, FailureKind.TLS)


class LocalFailure(Exception):
    """A failure on this machine (a file could not be written), not on the connection."""


_TITLES = {
    FailureKind.PASSWORD: "Could not get the password",
    FailureKind.AUTH: "Login failed: wrong user name or password?",
    FailureKind.TLS: "TLS failure: the connection is not secure",
    FailureKind.UNREACHABLE: "Cannot reach the server",
    FailureKind.LOST: "Lost the connection",
    FailureKind.REFUSED: "The server refused",
    FailureKind.READ_ONLY: "Read-only",
    FailureKind.LOCAL: "Failed",
    FailureKind.UNEXPECTED: "Unexpected error",
}


def title(kind: FailureKind) -> str:
    return _TITLES[kind]


def classify(exc: BaseException) -> FailureKind:
    """The kind of failure ``exc`` is."""
    if isinstance(exc, ReadOnlyRefused):
        return FailureKind.READ_ONLY
    if isinstance(exc, LocalFailure):
        return FailureKind.LOCAL
    if isinstance(exc, PasswordError):
        return FailureKind.PASSWORD
    if isinstance(exc, e.AuthenticationError):
        return FailureKind.AUTH
    if isinstance(exc, (ssl.SSLError, ssl.CertificateError, e.SecurityError)):
        return FailureKind.TLS
    if isinstance(exc, (e.ConnectionLost, e.ByeResponseError, e.CommandTimeout)):
        return FailureKind.LOST
    if isinstance(exc, (socket.gaierror, ConnectionRefusedError, TimeoutError)):
        return FailureKind.UNREACHABLE
    if isinstance(exc, ConnectionError):
        return FailureKind.LOST
    if isinstance(exc, OSError):
        return FailureKind.UNREACHABLE
    if isinstance(exc, (e.ResponseError, e.InvalidStateError)):
        return FailureKind.REFUSED
    return FailureKind.UNEXPECTED


# Dovecot and others append timing to tagged texts: "(0.001 + 0.000 secs)."
_TIMING = re.compile(r"\s*\(\d+\.\d+ \+ \d+\.\d+(?: \+ \d+\.\d+)? secs\)\.?")
_COMMAND_PREFIX = re.compile(r"^[A-Z][A-Z ]* (?:failed|rejected): ")


_BYE = re.compile(r"\bBYE\s+(.*)$", re.DOTALL)
_LOST = re.compile(r"^(?:the connection is closed: )?connection to \S+ (?:lost|closed)(?:: (.*))?$")


def describe(exc: BaseException) -> str:
    """One line about ``exc`` for a person: the server's own words where there are some."""
    if isinstance(exc, e.ConnectionLost | e.ByeResponseError):
        text = str(exc)
        if said := _BYE.search(text):
            return "the server said: " + _TIMING.sub("", said.group(1)).strip().rstrip(".")
        if lost := _LOST.match(text):
            return "it dropped" + (f" ({lost.group(1)})" if lost.group(1) else "")
    if isinstance(exc, e.ResponseError):
        text = getattr(exc, "text", None) or str(exc)
        text = _COMMAND_PREFIX.sub("", str(text))
    elif isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    else:
        text = str(exc) or type(exc).__name__
    text = _TIMING.sub("", text).strip()
    return text.rstrip(".") if text.endswith(".") and not text.endswith("..") else text
