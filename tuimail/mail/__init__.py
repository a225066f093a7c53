"""tuimail.mail: the mail domain layer, between the IMAP wire types and the UI.

- :mod:`.sanitize`: the one sanitiser for text from mail or the server;
- :mod:`.summary`: :class:`MessageSummary`, one message-list row, from FETCH data;
- :mod:`.mailbox_tree`: :func:`build_tree` from LIST responses;
- :mod:`.render`: :func:`render_message` (headers, body, links, attachments)
  and :func:`save_attachment`;
- helpers: :mod:`.headers` (RFC 2047), :mod:`.addresses`, :mod:`.html_text`,
  :mod:`.attachments` (safe file names).

It never imports Textual; everything it returns is plain, sanitised text.
"""

from typing import Any

from .mailbox_tree import SPECIAL_USE_ICONS, MailboxNode, build_tree
from .sanitize import sanitize, sanitize_body, sanitize_line
from .summary import SUMMARY_ITEMS, MessageSummary

_RENDER = ("AttachmentInfo", "RenderedMessage", "render_message", "save_attachment")


def __getattr__(name: str) -> Any:
    """The rendering names, imported on first use (MIME and HTML are not needed to start)."""
    if name in _RENDER:
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SPECIAL_USE_ICONS",
    "SUMMARY_ITEMS",
    "AttachmentInfo",
    "MailboxNode",
    "MessageSummary",
    "RenderedMessage",
    "build_tree",
    "render_message",
    "sanitize",
    "sanitize_body",
    "sanitize_line",
    "save_attachment",
]
