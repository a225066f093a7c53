"""tuimail.imap: an asyncio IMAP client library, after Ruby's Net::IMAP.

Usable on its own; it never imports Textual.

    from tuimail.imap import IMAP
    imap = await IMAP.connect("mail.example.com")
    await imap.authenticate("PLAIN", "joe_user", "joes_password")
    await imap.examine("INBOX")
"""

from typing import TYPE_CHECKING

from ..lazy_names import lazy_names
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
from .types import (
    EXTENSION_TYPES,
    Address,
    BodyStructure,
    BodyTypeBasic,
    BodyTypeMessage,
    BodyTypeMultipart,
    BodyTypeText,
    ContentDisposition,
    ContinuationRequest,
    Envelope,
    ESearchResult,
    FetchData,
    InternalDate,
    MailboxList,
    Response,
    ResponseCode,
    ResponseText,
    SearchResult,
    StatusData,
    TaggedResponse,
    UntaggedResponse,
    VanishedData,
)
from .unsolicited import Subscription

if TYPE_CHECKING:
    from .extension_types import (
        AppendUIDData,
        CopyUIDData,
        ExtensionData,
        InvalidParseData,
        MailboxACLItem,
        MailboxQuota,
        MailboxQuotaRoot,
        Namespace,
        Namespaces,
        PartialResult,
        ThreadMember,
        UIDMapping,
        UnparsedData,
        UnparsedNumericResponseData,
    )
else:  # the rarely met response data (tuimail.imap.extension_types) on first use, as in .types
    __getattr__ = lazy_names(
        __name__, dict.fromkeys(EXTENSION_TYPES, "extension_types"), namespace=globals()
    )


__all__ = [
    "Address",
    "AppendUIDData",
    "AuthenticationError",
    "BadResponseError",
    "BodyStructure",
    "BodyTypeBasic",
    "BodyTypeMessage",
    "BodyTypeMultipart",
    "BodyTypeText",
    "ByeResponseError",
    "CommandTimeout",
    "ConnectionLost",
    "ContentDisposition",
    "ContinuationRequest",
    "CopyUIDData",
    "ESearchResult",
    "EncodeError",
    "Envelope",
    "ExtensionData",
    "FetchData",
    "IMAP",
    "IMAPError",
    "Idle",
    "InternalDate",
    "InvalidParseData",
    "InvalidStateError",
    "Limits",
    "MailboxACLItem",
    "MailboxList",
    "MailboxQuota",
    "MailboxQuotaRoot",
    "MailboxState",
    "Namespace",
    "Namespaces",
    "NoResponseError",
    "ParseError",
    "PartialResult",
    "Response",
    "ResponseCode",
    "ResponseError",
    "ResponseText",
    "ResponseTooLargeError",
    "STAR",
    "SearchResult",
    "SecurityError",
    "SequenceSet",
    "StatusData",
    "Subscription",
    "TaggedResponse",
    "ThreadMember",
    "UIDMapping",
    "UnparsedData",
    "UnparsedNumericResponseData",
    "UntaggedResponse",
    "VanishedData",
    "parse_response",
]
