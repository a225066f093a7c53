"""tuimail's Textual widgets: message list, mailbox tree, envelope viewer, status bar.

All of them show mail/server text as plain :class:`rich.text.Text` or
segments after :func:`tuimail.mail.sanitize.sanitize`, never as markup.
"""

from typing import TYPE_CHECKING

from tuimail.lazy_names import lazy_names

if TYPE_CHECKING:
    from .envelope_viewer import EnvelopeViewer
    from .mailbox_tree import MailboxTree
    from .message_list import MessageList
    from .status_bar import StatusBar

#: Each widget and its module, imported on first use (PEP 562: the pure modules of the package,
#: ``row_format`` say, load without Textual).
_NAMES = {
    "EnvelopeViewer": "envelope_viewer",
    "MailboxTree": "mailbox_tree",
    "MessageList": "message_list",
    "StatusBar": "status_bar",
}


__getattr__ = lazy_names(__name__, _NAMES)


__all__ = ["EnvelopeViewer", "MailboxTree", "MessageList", "StatusBar"]
