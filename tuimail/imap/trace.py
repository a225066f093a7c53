"""The protocol trace: every byte exchange logged as ``C:``/``S:`` lines on
the logger ``tuimail.imap.protocol`` (DEBUG level), credentials redacted.

Redacted: the arguments of LOGIN (and any literal they are sent in), the
SASL messages of AUTHENTICATE in both directions (the initial response,
every client response line and every server challenge).  The command name
and tag stay visible so the trace still shows what happened.

Lines are escaped (non-printable bytes as ``\\xNN``) so server text cannot
forge log lines or drive a terminal, and long responses are shortened.
Each record carries ``record.imap_connection``, an id telling connections
apart (``"mail.example.com#2"``).
"""

from __future__ import annotations

import logging

logger = logging.getLogger("tuimail.imap.protocol")

REDACTED = "<redacted>"
#: Longest logged excerpt of one response or command segment, in bytes.
MAX_LOGGED = 2000


def _escape(data: bytes) -> str:
    """Printable text of ``data``; CR LF and controls escaped."""
    text = data.decode("utf-8", "backslashreplace")
    out = []
    for ch in text:
        if ch == "\\" or ch.isprintable():
            out.append(ch)
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return "".join(out)


def _excerpt(data: bytes) -> str:
    if data.endswith(b"\r\n"):
        data = data[:-2]
    if len(data) > MAX_LOGGED:
        return _escape(data[:MAX_LOGGED]) + f"...[{len(data)} bytes]"
    return _escape(data)


def enabled() -> bool:
    """True when trace lines would be emitted (skip formatting otherwise)."""
    return logger.isEnabledFor(logging.DEBUG)


def client(data: bytes, *, redact_after: int | None = None, redact_all: bool = False, conn: str = "") -> None:
    """Log bytes the client sends.

    ``redact_after``: keep only the first ``redact_after`` bytes (e.g.
    ``b"T1 LOGIN "``) and replace the rest; ``redact_all``: replace it all.
    """
    if not enabled():
        return
    extra = {"imap_connection": conn}
    if redact_all:
        logger.debug("C: %s", REDACTED, extra=extra)
    elif redact_after is not None:
        logger.debug("C: %s%s", _escape(data[:redact_after]), REDACTED, extra=extra)
    else:
        logger.debug("C: %s", _excerpt(data), extra=extra)


def server(data: bytes, *, redact_continuation: bool = False, conn: str = "") -> None:
    """Log one response the server sent; a SASL challenge is redacted."""
    if not enabled():
        return
    extra = {"imap_connection": conn}
    if redact_continuation and data.startswith(b"+"):
        logger.debug("S: + %s", REDACTED, extra=extra)
    else:
        logger.debug("S: %s", _excerpt(data), extra=extra)


def note(message: str, conn: str = "") -> None:
    """Log an event that is not bytes on the wire (TLS started, discard...)."""
    if enabled():
        logger.debug("-- %s", message, extra={"imap_connection": conn})
