"""Which parts of a message to fetch, from its BODYSTRUCTURE (RFC 9051 §7.5.2).

Opening a message fetches only what the viewer shows: the header and the
text parts chosen as the body, each with its MIME header (for its charset and
transfer encoding), a huge one only in part.  Attachments stay on the server
and are listed from the BODYSTRUCTURE (name, type, size) until one is saved.

The body is chosen by the rules of :mod:`.body_choice`, the same that
:mod:`.render` follows for a whole message (a text/plain part "has text" here
when the BODYSTRUCTURE states a size above 0).  Everything else is an
attachment, numbered from 1 in the order listed.

Section numbers are RFC 9051 §6.4.5's: the parts of a multipart are
``1``, ``2``, ... and their parts ``1.1``, ``1.2``...; a message that is not
multipart has the one part ``1``, whose MIME header is the message header.
A ``message/rfc822`` part is one attachment (its parts are not looked into).
Bounded whatever the server states: at most :data:`.mime.MAX_PARTS` parts,
:data:`.mime.MAX_DEPTH` levels, and sizes as the server says (never allocated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tuimail.imap.commands.fetch import BodySection
from tuimail.imap.types import BodyTypeMultipart

from .body_choice import choose_body
from .headers import MAX_DECODE_CHARS, decode_text
from .mime import parse_params

__all__ = [
    "ATTACHMENT_HEADER_FETCH_BYTES",
    "HEADER_FETCH_BYTES",
    "MIME_HEADER_FETCH_BYTES",
    "TEXT_FETCH_BYTES",
    "TEXT_FETCH_TOTAL",
    "MessageParts",
    "PartRef",
    "message_parts",
]

#: Of the message header, at most this many bytes are fetched.
HEADER_FETCH_BYTES = 1024 * 1024
#: Of a part's MIME header, at most this many bytes are fetched.
MIME_HEADER_FETCH_BYTES = 64 * 1024
#: Of an attachment's MIME header (fetched for its file name), at most this many bytes.
ATTACHMENT_HEADER_FETCH_BYTES = 8 * 1024
#: Of one text part, at most this many bytes (as sent) are fetched for display.
TEXT_FETCH_BYTES = 8 * 1024 * 1024
#: Of all the text parts of a message together, at most this many bytes.
TEXT_FETCH_TOTAL = 16 * 1024 * 1024
#: At most this many text parts are fetched for display.
MAX_TEXT_PARTS = 64


@dataclass(frozen=True, slots=True)
class PartRef:
    """One leaf part as the BODYSTRUCTURE describes it.

    ``section`` is its part number (``"1.2"``); ``content_type`` lower case
    (``"text/plain"``); ``encoding`` its Content-Transfer-Encoding, lower case;
    ``size`` octets as sent (the server's word, never allocated);
    ``filename`` the suggested name, RFC 2231/2047-decoded (not sanitised);
    ``disposition`` RFC 2183's type, lower case; ``params`` the Content-Type
    parameters display needs (charset, format, delsp)."""

    section: str
    content_type: str
    encoding: str
    size: int
    filename: str | None
    disposition: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    @property
    def decoded_size(self) -> int:
        """Bytes once decoded, estimated from the size as sent (base64: 3 bytes per 4 letters, lines
        of 76 letters and a CRLF)."""
        if self.encoding == "base64":
            letters = self.size - 2 * (self.size // 78)
            return max(0, letters) * 3 // 4
        return self.size

    def param(self, name: str) -> str:
        """A Content-Type parameter, lower case name; ``""`` when missing."""
        for key, value in self.params:
            if key == name:
                return value
        return ""


@dataclass(frozen=True, slots=True)
class MessageParts:
    """What a message is made of: the text parts shown as its body, in order, and its attachments.

    ``single``: the message is not multipart (its one part's MIME header is the message
    header); ``truncated``: parts were left out (more than :data:`.mime.MAX_PARTS`, or deeper
    than :data:`.mime.MAX_DEPTH`)."""

    bodies: tuple[PartRef, ...]
    attachments: tuple[PartRef, ...]
    single: bool = False
    truncated: bool = False
    #: What the first multipart/alternative with a plain and an HTML part offers, and which is shown.
    alternatives: tuple[str, ...] = ()
    shown: str = ""

    def text_sections(self) -> list[tuple[PartRef, BodySection, BodySection]]:
        """For each body part fetched: the part, its MIME header's section, and its body's section
        (partial: its size stated and some slack, at most :data:`TEXT_FETCH_BYTES` each,
        :data:`TEXT_FETCH_TOTAL` in all)."""
        out: list[tuple[PartRef, BodySection, BodySection]] = []
        budget = TEXT_FETCH_TOTAL
        for part in self.bodies[:MAX_TEXT_PARTS]:
            if budget <= 0:
                break
            # A little more than the size stated: servers that count bare LF line ends state less
            # than they send.  Only an answer that fills the request is taken as cut.
            want = max(1, min(TEXT_FETCH_BYTES, budget, part.size + part.size // 8 + 1024))
            budget -= want
            mime = (
                BodySection("HEADER", 0, HEADER_FETCH_BYTES)
                if self.single
                else BodySection(f"{part.section}.MIME", 0, MIME_HEADER_FETCH_BYTES)
            )
            out.append((part, mime, BodySection(part.section, 0, want)))
        return out

    def attachment_headers(self) -> list[BodySection | None]:
        """For each attachment, its MIME header's section (for the file name as the message states
        it: servers differ in what the BODYSTRUCTURE keeps of it); None in a message that is not
        multipart (its header is the message header)."""
        if self.single:
            return [None for _ in self.attachments]
        return [BodySection(f"{a.section}.MIME", 0, ATTACHMENT_HEADER_FETCH_BYTES) for a in self.attachments]

    def fetch_sections(self) -> list[BodySection]:
        """Every section opening the message fetches, in one command: the header first, then each
        body part's MIME header and (partial) body, then each attachment's MIME header."""
        sections = [BodySection("HEADER", 0, HEADER_FETCH_BYTES)]
        for _part, mime, body in self.text_sections():
            if mime.section != "HEADER":
                sections.append(mime)
            sections.append(body)
        sections += [s for s in self.attachment_headers() if s is not None]
        return sections

    def not_fetched(self) -> int:
        """Bytes of body parts not fetched for display (the rest of huge ones, parts over the budget)."""
        fetched = {part.section: body.length or 0 for part, _, body in self.text_sections()}
        return sum(max(0, p.size - fetched.get(p.section, 0)) for p in self.bodies)


# --- reading the BODYSTRUCTURE ---------------------------------------------------------


def _lower_params(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k).lower(): str(v) for k, v in value.items() if v is not None}


def _joined(params: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Parameters as :func:`.mime.parse_params` decodes them (RFC 2231 continuations, charsets)."""
    quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in params.values())
    text = "x" + "".join(f'; {k}="{v}"' for k, v in zip(params, quoted, strict=True))
    return parse_params(text[: 4 * MAX_DECODE_CHARS])


def _disposition(part: Any) -> tuple[str | None, dict[str, str]]:
    """RFC 2183 type (lower case) and parameters.  Some servers (pymap) send the whole header
    value as the type: ``attachment; filename=x``; it is parsed as a header value then."""
    dsp = getattr(part, "disposition", None)
    if dsp is None:
        return None, {}
    kind, params = parse_params(str(getattr(dsp, "dsp_type", "") or "")[:MAX_DECODE_CHARS])
    params.update(_joined(_lower_params(getattr(dsp, "param", None)))[1])
    return kind.strip().lower() or None, params


def _leaf(part: Any, section: str) -> PartRef:
    media = str(getattr(part, "media_type", "") or "application").lower()
    subtype = str(getattr(part, "subtype", "") or "octet-stream").lower()
    params = _joined(_lower_params(getattr(part, "param", None)))[1]
    kind, dsp_params = _disposition(part)
    name = dsp_params.get("filename") or params.get("name")
    filename = decode_text(name[:MAX_DECODE_CHARS]).strip() or None if name else None
    size = getattr(part, "size", 0)
    encoding = str(getattr(part, "encoding", "") or "7bit").lower()
    kept = tuple((k, v) for k, v in params.items() if k in ("charset", "format", "delsp"))
    size = size if isinstance(size, int) and size >= 0 else 0
    return PartRef(section, f"{media}/{subtype}", encoding, size, filename, kind, kept)


class _Structure:
    """A BODYSTRUCTURE's parts as :func:`.body_choice.choose_body` sees them."""

    def children(self, part: Any) -> list[Any] | None:
        return list(part.parts or ()) if isinstance(part, BodyTypeMultipart) else None

    def content_type(self, part: Any) -> str:
        media = str(getattr(part, "media_type", "") or "").lower()
        subtype = str(getattr(part, "subtype", "") or "").lower()
        return f"{media}/{subtype}"

    def has_text(self, part: Any) -> bool:
        size = getattr(part, "size", None)
        return isinstance(size, int) and size > 0

    def attached(self, part: Any) -> bool:
        ref = _leaf(part, "1")
        return ref.disposition == "attachment" or bool(ref.filename)

    def content_id(self, part: Any) -> str:
        return str(getattr(part, "content_id", "") or "")

    def start(self, part: Any) -> str:
        return _lower_params(getattr(part, "param", None)).get("start", "")


_SHAPE = _Structure()


def message_parts(bodystructure: Any, prefer: str = "plain") -> MessageParts:
    """The body parts and attachments of a message with this BODYSTRUCTURE.  Never raises.

    ``prefer`` "html" takes the HTML part of a multipart/alternative that also has a plain one."""
    try:
        choice = choose_body(_SHAPE, bodystructure, prefer)
        bodies = tuple(_leaf(part, _section(path)) for part, path in choice.bodies)
        attachments = tuple(_leaf(part, _section(path)) for part, path in choice.attachments)
    except (AttributeError, TypeError, ValueError):  # a structure of an unexpected shape
        return MessageParts((), (), not isinstance(bodystructure, BodyTypeMultipart), True)
    single = not isinstance(bodystructure, BodyTypeMultipart)
    return MessageParts(bodies, attachments, single, choice.truncated, choice.alternatives, choice.shown)


def _section(path: tuple[int, ...]) -> str:
    """RFC 9051 §6.4.5: ``1.2`` for the path (1, 2); ``1`` for a message that is not multipart."""
    return ".".join(map(str, path)) or "1"
