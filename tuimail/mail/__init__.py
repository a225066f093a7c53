"""tuimail.mail: the mail domain layer, between the IMAP wire types and the UI.

- :mod:`.sanitize`: the one sanitiser for text from mail or the server
  (``from tuimail.mail.sanitize import sanitize``);
- :mod:`.summary`: :class:`MessageSummary`, one message-list row, from FETCH data;
- :mod:`.mailbox_tree`: :func:`build_tree` from LIST responses;
- :mod:`.render`: :func:`render_message` (headers, body, links, attachments)
  and :func:`save_attachment`;
- helpers: :mod:`.headers` (RFC 2047), :mod:`.addresses`, :mod:`.html_text`,
  :mod:`.attachments` (safe file names).

It never imports Textual; everything it returns is plain, sanitised text.
"""

from typing import TYPE_CHECKING

from tuimail.lazy_names import lazy_names

if TYPE_CHECKING:
    from .mailbox_tree import SPECIAL_USE_ICONS, MailboxNode, build_tree
    from .render import AttachmentInfo, RenderedMessage, render_message, save_attachment
    from .summary import SUMMARY_ITEMS, MessageSummary

#: Each name the package offers, and the module it comes from (imported on first use, PEP 562:
#: importing one module of the package, ``sanitize`` say, loads nothing else).
_NAMES = {
    "SPECIAL_USE_ICONS": "mailbox_tree",
    "MailboxNode": "mailbox_tree",
    "build_tree": "mailbox_tree",
    "SUMMARY_ITEMS": "summary",
    "MessageSummary": "summary",
    "AttachmentInfo": "render",
    "RenderedMessage": "render",
    "render_message": "render",
    "save_attachment": "render",
}


__getattr__ = lazy_names(__name__, _NAMES)


__all__ = [
    "SPECIAL_USE_ICONS",
    "SUMMARY_ITEMS",
    "AttachmentInfo",
    "MailboxNode",
    "MessageSummary",
    "RenderedMessage",
    "build_tree",
    "render_message",
    "save_attachment",
]
