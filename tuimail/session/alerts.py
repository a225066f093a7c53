"""``[ALERT]`` texts: the server's words that must reach the user (RFC 9051 §7.1).

"The human-readable text contains a special alert that is presented to the
user in a fashion that calls the user's attention to the message."  An
:class:`AlertReporter` turns each ``[ALERT]`` it is shown (the greeting, an
untagged ``OK``/``NO``/``BAD``, a tagged completion the library passed on as
unsolicited) into a warning :class:`~.messages.Notice` ("Server alert: ..."):
the UI shows it sanitised, never as markup.

Bounded, whatever the server sends: a text is cut to
:data:`MAX_ALERT_TEXT` characters, the same text is not shown again within
:data:`QUIET_FOR` seconds, and at most :data:`MAX_PER_MINUTE` alerts are shown
a minute (the rest are counted and said once a minute).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from tuimail.imap.types import ResponseText, UntaggedResponse

from . import messages as m
from .client import SessionClient

__all__ = ["MAX_ALERT_TEXT", "MAX_PER_MINUTE", "QUIET_FOR", "AlertReporter", "alert_text"]

_log = logging.getLogger(__name__)

#: Characters of an alert's text shown.
MAX_ALERT_TEXT = 500
#: Seconds during which the same text is not shown again (a server may repeat it on every SELECT).
QUIET_FOR = 600.0
#: Alerts shown in any one minute, at most.
MAX_PER_MINUTE = 5
#: Different texts remembered for QUIET_FOR (bounded, whatever the server sends).
MAX_REMEMBERED = 200


def alert_text(response: UntaggedResponse) -> str | None:
    """The text of an ``[ALERT]`` response (RFC 9051 §7.1), cut to :data:`MAX_ALERT_TEXT`; None otherwise."""
    data = response.data
    if not isinstance(data, ResponseText) or data.code is None or data.code.name.upper() != "ALERT":
        return None
    text = str(data.text).strip()
    return text if len(text) <= MAX_ALERT_TEXT else text[: MAX_ALERT_TEXT - 1] + "…"


class AlertReporter:
    """Posts the ``[ALERT]``s it is shown as warnings, bounded."""

    def __init__(self, post: Callable[[Any], Any], *, clock: Callable[[], float] = time.monotonic) -> None:
        self._post = post
        self._clock = clock
        self._shown_at: dict[str, float] = {}
        self._minute: list[float] = []
        self._held = 0
        self._held_said_at: float | None = None

    def report(self, response: UntaggedResponse) -> bool:
        """If ``response`` is an ``[ALERT]``, show it (unless shown lately, or too many); True if so."""
        text = alert_text(response)
        if text is None:
            return False
        now = self._clock()
        last = self._shown_at.get(text)
        if last is not None and now - last < QUIET_FOR:
            return True
        self._minute = [t for t in self._minute if now - t < 60.0]
        if len(self._minute) >= MAX_PER_MINUTE:
            self._held += 1
            if self._held_said_at is None or now - self._held_said_at >= 60.0:
                self._held_said_at = now
                _log.warning("server alerts not shown (too many a minute; %d so far): %r", self._held, text)
                self._post(m.Notice("The server sent more alerts than can be shown", "warning"))
            return True
        if len(self._shown_at) >= MAX_REMEMBERED:
            self._shown_at = {t: at for t, at in self._shown_at.items() if now - at < QUIET_FOR}
            if len(self._shown_at) >= MAX_REMEMBERED:
                self._shown_at.clear()
        self._shown_at[text] = now
        self._minute.append(now)
        _log.warning("server alert: %r", text)
        self._post(m.Notice(f"Server alert: {text}", "warning"))
        return True

    def report_greeting(self, client: SessionClient) -> bool:
        """The ``[ALERT]`` of the connection's greeting, if it has one (RFC 9051 §7.1)."""
        greeting = client.greeting
        return greeting is not None and self.report(greeting)
