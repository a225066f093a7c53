"""tuimail's Textual widgets: message list, mailbox tree, envelope viewer, status bar.

All of them show mail/server text as plain :class:`rich.text.Text` or
segments after :func:`tuimail.mail.sanitize.sanitize`, never as markup.
"""

from .envelope_viewer import EnvelopeViewer
from .mailbox_tree import MailboxTree
from .message_list import MessageList
from .status_bar import StatusBar

__all__ = ["EnvelopeViewer", "MailboxTree", "MessageList", "StatusBar"]
