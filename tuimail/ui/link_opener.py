"""Opening a link from a message with the user's opener, only when asked.

A message's links are untrusted: only ``http``, ``https`` and ``mailto`` are
handed on, as one argument of the opener's command (never through a shell),
and a link with whitespace or control characters in it is refused.  The
opener is ``xdg-open`` (``open`` on macOS) or the config's ``link_opener``.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import urllib.parse

__all__ = ["OPENABLE_SCHEMES", "LinkRefused", "checked_link", "default_opener", "open_link", "opener_command"]

OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})


class LinkRefused(Exception):
    """The link is not opened; the text says why, for a person."""


def default_opener() -> str:
    """The platform's opener."""
    return "open" if sys.platform == "darwin" else "xdg-open"


def opener_command(configured: str | None) -> list[str]:
    """The opener's command as arguments (``configured`` split as a shell would, never run by one)."""
    try:
        words = shlex.split(configured) if configured else [default_opener()]
    except ValueError as exc:
        raise LinkRefused(f"The link_opener setting cannot be read: {exc}") from None
    if not words:
        raise LinkRefused("The link_opener setting is empty")
    return words


def checked_link(url: str) -> str:
    """``url`` when it may be opened; else LinkRefused saying why."""
    if not url or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise LinkRefused("This link has spaces or control characters in it: not opened")
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in OPENABLE_SCHEMES:
        shown = f"{scheme}:" if scheme else "without a scheme"
        raise LinkRefused(f"Only http, https and mailto links are opened; this one is {shown}")
    if url.startswith("-"):  # never read as an option by the opener
        raise LinkRefused("This link is not opened")
    return url


def open_link(url: str, configured: str | None = None) -> subprocess.Popen[bytes]:
    """Start the opener on ``url`` (detached from the terminal: no input, output
    discarded).  LinkRefused when the link may not be opened or the opener
    cannot be started."""
    url = checked_link(url)
    command = opener_command(configured)
    if shutil.which(command[0]) is None:
        raise LinkRefused(f"The link opener {command[0]!r} was not found: set link_opener in the config")
    try:
        return subprocess.Popen(
            [*command, url],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise LinkRefused(f"The link opener {command[0]!r} could not start: {exc.strerror or exc}") from None
