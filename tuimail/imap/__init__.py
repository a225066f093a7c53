"""tuimail.imap: an asyncio IMAP client library, after Ruby's Net::IMAP.

Usable on its own; it never imports Textual.

    from tuimail.imap import IMAP
    imap = await IMAP.connect("mail.example.com")
    await imap.authenticate("PLAIN", "joe_user", "joes_password")
    await imap.examine("INBOX")
"""

from .client import IMAP
from .errors import (
    AuthenticationError,
    BadResponseError,
    ByeResponseError,
    CommandTimeout,
    ConnectionLost,
    EncodeError,
    IMAPError,
    InvalidStateError,
    NoResponseError,
    ParseError,
    ResponseError,
    ResponseTooLargeError,
    SecurityError,
)
from .idle import Idle
from .limits import Limits
from .mailbox_state import MailboxState
from .parser import parse_response
from .sequence_set import STAR, SequenceSet
from .types import *  # noqa: F403
from .types import __all__ as _types_all
from .unsolicited import Subscription

__all__ = [
    "AuthenticationError",
    "BadResponseError",
    "ByeResponseError",
    "CommandTimeout",
    "ConnectionLost",
    "EncodeError",
    "IMAP",
    "Idle",
    "Limits",
    "MailboxState",
    "Subscription",
    "IMAPError",
    "InvalidStateError",
    "NoResponseError",
    "ParseError",
    "ResponseError",
    "ResponseTooLargeError",
    "STAR",
    "SecurityError",
    "SequenceSet",
    "parse_response",
    *_types_all,
]
