"""One row of the message list: :class:`MessageSummary`, built from FETCH data.

The FETCH items needed are :data:`SUMMARY_ITEMS`: UID, FLAGS,
INTERNALDATE, RFC822.SIZE, ENVELOPE and BODYSTRUCTURE (RFC 9051 §6.4.5,
§7.5.2).  Subject and names are RFC 2047-decoded and sanitised here, so
the widgets can show them as plain text.

A mailbox listing builds one summary per message, so the envelopes and
body structures the parser leaves unbuilt (``tuimail.imap.fetch_fast``)
are read without building them: the sender's and recipients' display
text is memoised by the address list's text as sent (the same
correspondents recur), and the attachment flag is read from the body
structure's parts without building them.  The result is the same as from
fully built values.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tuimail.imap.fetch_fast import (
    address,
    address_list,
    address_list_key,
    address_texts,
    body_text,
    envelope_texts,
    remember,
    single_parts,
)
from tuimail.imap.types import (
    Address,
    BodyTypeMessage,
    BodyTypeMultipart,
    Envelope,
    FetchData,
)

from .addresses import MAX_ADDRESSES, address_display, address_email, format_address_list
from .headers import decode_text, display_text, message_date
from .sanitize import sanitize
from .system_flags import SystemFlags

__all__ = ["SUMMARY_ITEMS", "MessageSummary", "has_attachment", "parse_header_date"]

SUMMARY_ITEMS = "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)"

# Parts that accompany a message without being something the user attached.
_NOT_ATTACHMENTS = {
    ("APPLICATION", "PKCS7-SIGNATURE"),
    ("APPLICATION", "X-PKCS7-SIGNATURE"),
    ("APPLICATION", "PGP-SIGNATURE"),
    ("APPLICATION", "PGP-ENCRYPTED"),
}


# A part with a file name or an "attachment" disposition holds one of these
# words once upper-cased (its keys and disposition type are compared
# upper-cased, then lower-cased: only these letters come out as these words).
_ATTACHMENT_WORDS = ("NAME", "ATTACHMENT")


def _ci_get(params: Mapping[str, str] | None, *keys: str) -> str | None:
    if not params:
        return None
    lowered = {str(k).lower(): v for k, v in params.items()}
    for key in keys:
        value = lowered.get(key)
        if value:
            return value
    return None


def _iter_parts(body: Any, depth: int = 0) -> Iterator[Any]:
    """Every part of a BODYSTRUCTURE, depth-first (bounded depth)."""
    if body is None or depth > 64:
        return
    yield body
    if isinstance(body, BodyTypeMultipart):
        for part in body.parts or ():
            yield from _iter_parts(part, depth + 1)


def _is_attachment(
    media_type: object, subtype: object, param: Any, disposition: tuple[object, Any] | None, is_message: bool
) -> bool:
    """One non-multipart part: see :func:`has_attachment`.  ``disposition``
    is (type, parameters), or None when the part has none."""
    media = (str(media_type or "").upper(), str(subtype or "").upper())
    if media in _NOT_ATTACHMENTS:
        return False
    if disposition is not None:
        # Some servers (pymap) send the whole header value as the type:
        # "attachment; filename=x"; look at its first token and for a name.
        dsp_type = str(disposition[0] or "").lower()
        if dsp_type.split(";")[0].strip() == "attachment" or "filename" in dsp_type:
            return True
        if _ci_get(disposition[1], "filename", "filename*", "filename*0", "filename*0*"):
            return True
    if _ci_get(param, "name", "name*", "name*0", "name*0*"):
        return True
    return is_message


def has_attachment(body: Any) -> bool:
    """True when any part has disposition ``attachment`` or a file name
    (disposition ``filename`` or content-type ``name``, RFC 2183/2231), or is
    an attached message (message/rfc822).  Signatures do not count."""
    text = body_text(body)
    if text is not None:  # built on first use (never message/rfc822): read its text
        upper = text.upper()
        if "NAME" not in upper and "ATTACHMENT" not in upper:  # most bodies
            return False
        for media, sub, param, dsp in single_parts(text, mentioning=_ATTACHMENT_WORDS, upper=upper):
            if _is_attachment(media, sub, param, dsp, False):
                return True
        return False
    for part in _iter_parts(body):
        if isinstance(part, BodyTypeMultipart):
            continue
        disposition = getattr(part, "disposition", None)
        if _is_attachment(
            getattr(part, "media_type", ""),
            getattr(part, "subtype", ""),
            getattr(part, "param", None),
            None if disposition is None
            else (getattr(disposition, "dsp_type", ""), getattr(disposition, "param", None)),
            isinstance(part, BodyTypeMessage),
        ):
            return True
    return False


def parse_header_date(value: str | None) -> datetime | None:
    """An RFC 5322 §3.3 date (as in the envelope), or None when it does not parse."""
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


@dataclass(frozen=True, slots=True)
class MessageSummary(SystemFlags):
    """What the message list shows for one message.

    ``from_`` is the first sender's display name (or address), ``to`` the
    recipients' names; both, and ``subject``, are decoded and sanitised.
    ``date`` is the Date header (as the viewer shows), else INTERNALDATE.
    """

    uid: int
    seqno: int
    flags: frozenset[str]
    date: datetime | None
    from_: str
    from_address: str
    to: str
    subject: str
    size: int
    has_attachment: bool

    def with_flags(self, flags: frozenset[str]) -> MessageSummary:
        """The same message with other flags (positional: half the cost of ``dataclasses.replace``,
        which a flag change of 10,000 messages pays in the UI thread)."""
        return MessageSummary(
            self.uid, self.seqno, flags, self.date, self.from_, self.from_address, self.to,
            self.subject, self.size, self.has_attachment,
        )  # fmt: skip

    @classmethod
    def from_fetch(cls, fd: FetchData) -> MessageSummary:
        """Build from one FETCH response; missing items get neutral values.

        Never raises on odd data: an envelope or body structure of an
        unexpected shape gives empty fields rather than an error.
        """
        attr = fd.attr
        uid = attr.get("UID")
        flags = flag_set(attr.get("FLAGS"))
        size = attr.get("RFC822.SIZE")
        envelope = attr.get("ENVELOPE")
        internaldate = attr.get("INTERNALDATE")
        if not isinstance(internaldate, datetime):
            internaldate = None

        texts = envelope_texts(envelope)
        if texts is not None:  # built on first use: read from its text
            date_text, subject_text, from_key, sender_key, to_key = texts
            date = message_date(date_text, internaldate)
            subject = _subject(subject_text)
            from_, from_address = _sender_of(from_key if from_key[0] == "(" else sender_key)
            to = _names(to_key)
            if to is None:  # a group, or too many to memoise
                assert isinstance(envelope, Envelope)
                to = format_address_list(envelope.to, names_only=True)
        elif isinstance(envelope, Envelope):
            date = message_date(envelope.date, internaldate)
            subject = _subject(envelope.subject)
            from_, from_address, to = _people(envelope)
        else:
            date = message_date(None, internaldate)
            subject = from_ = from_address = to = ""

        try:
            attachment = has_attachment(attr.get("BODYSTRUCTURE") or attr.get("BODY"))
        except Exception:
            attachment = False

        return cls(
            uid if isinstance(uid, int) else 0,
            fd.seqno,
            flags,
            date,
            from_,
            from_address,
            to,
            subject,
            size if isinstance(size, int) else 0,
            attachment,
        )


_FLAG_COLLECTIONS = (list, tuple, set, frozenset)
# A mailbox has few combinations of flags: rows share one set per
# combination (at most _FLAG_SETS_LIMIT kept, of short flag lists).
_FLAG_SETS: dict[tuple[str, ...], frozenset[str]] = {}
_FLAG_SETS_LIMIT = 1024


def flag_set(value: object) -> frozenset[str]:
    """FLAGS (a list of flags as parsed) as a set; anything else is empty.

    ``\\Recent`` is left out: it belongs to the one session that first saw the message
    (RFC 3501 §2.3.2; gone from IMAP4rev2, RFC 9051 §2.3.2), so the next session would find it
    gone from every such row, and a resync would call each a flag change."""
    if type(value) is list:
        key = tuple(value)
        try:
            found = _FLAG_SETS.get(key)
        except Exception:  # unhashable or odd values: not shared
            return _without_recent(map(str, key))
        if found is None:
            found = _without_recent(map(str, key))
            if (len(_FLAG_SETS) < _FLAG_SETS_LIMIT and len(key) <= 16
                    and all(type(f) is str and len(f) <= 64 for f in key)):
                _FLAG_SETS[key] = found
        return found
    return _without_recent(map(str, value) if isinstance(value, _FLAG_COLLECTIONS) else ())


def _without_recent(flags: Iterable[str]) -> frozenset[str]:
    return frozenset(f for f in flags if f.lower() != "\\recent")


# Memos of display text by the text sent (see remember()).
_SUBJECTS: dict[str, str] = {}
_SENDERS: dict[str, tuple[str, str]] = {}
_SHOWN: dict[str, str] = {}
_NAMES: dict[str, str] = {}


def _subject(value: object) -> str:
    """The subject for display: decoded, sanitised, stripped; plain ASCII
    text skips the decoder and the sanitiser, which would both return it
    as it is (sanitize() replaces C0 controls and DEL in ASCII text,
    decode_text() changes it only when it holds "=?" or CR/LF), and
    decoded subjects are memoised (a thread repeats one)."""
    if not isinstance(value, str):
        return sanitize(decode_text(value)).strip()  # type: ignore[arg-type]
    if "=?" not in value:
        if value.isascii() and value.isprintable():  # no C0 control or DEL
            return value.strip()
        return sanitize(decode_text(value)).strip()
    text = _SUBJECTS.get(value)
    if text is None:
        text = sanitize(decode_text(value)).strip()
        remember(_SUBJECTS, value, text)
    return text


def _display(addr: Address) -> str:
    """``address_display(addr)``, the display text of a name memoised."""
    name = addr.name
    if name:
        shown = _NAMES.get(name)
        if shown is None:
            shown = display_text(name)
            remember(_NAMES, name, shown)
        if shown:
            return shown
    return address_email(addr)


def _sender(addresses: list[Address] | None) -> tuple[str, str]:
    """The first sender's display name (or address) and address."""
    senders = [a for a in (addresses or []) if a.host is not None]
    if not senders:
        return "", ""
    return _display(senders[0]), address_email(senders[0])


def _names(key: str) -> str | None:
    """``format_address_list(addresses, names_only=True)`` for the address
    list sent as ``key`` (an :func:`address_list_key`), each address's
    display text memoised by its text; None for a list with a group or
    too many addresses."""
    if key[0] != "(":  # NIL
        return ""
    texts = address_texts(key)
    if len(texts) > MAX_ADDRESSES:  # cut with "…": format_address_list's to show
        return None
    parts: list[str] = []
    for text in texts:
        shown = _SHOWN.get(text)
        if shown is None:
            addr = address(text)
            if addr.host is None:  # group syntax: format_address_list's to show
                return None
            shown = _display(addr)
            remember(_SHOWN, text, shown)
        if shown:
            parts.append(shown)
    return ", ".join(parts)


def _sender_of(key: str) -> tuple[str, str]:
    """``_sender`` of the address list sent as ``key`` (an
    :func:`address_list_key`: the From list, or the Sender list when From
    is NIL), memoised by that text."""
    sender = _SENDERS.get(key)
    if sender is None:
        sender = _sender(address_list(key) if key[0] == "(" else None)
        remember(_SENDERS, key, sender)
    return sender


def _people(envelope: Envelope) -> tuple[str, str, str]:
    """``(from_, from_address, to)`` for a summary, all sanitised."""
    key = address_list_key(envelope, "from_")
    if key is not None:  # built on first use: read from the lists' text
        if key[0] != "(":  # From is NIL: the Sender
            key = address_list_key(envelope, "sender")
            assert key is not None
        from_, from_address = _sender_of(key)
        to_key = address_list_key(envelope, "to")
        assert to_key is not None
        to = _names(to_key)
        if to is None:
            to = format_address_list(envelope.to, names_only=True)
        return from_, from_address, to
    from_ = from_address = to = ""
    try:
        senders = [a for a in (envelope.from_ or envelope.sender or []) if a.host is not None]
        if senders:
            from_ = address_display(senders[0])
            from_address = address_email(senders[0])
        to = format_address_list(envelope.to, names_only=True)
    except (AttributeError, TypeError):  # address lists of an unexpected shape
        pass
    return from_, from_address, to
