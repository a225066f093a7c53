"""A message for the envelope viewer: decoded headers, a text body, attachments.

:func:`render_message` parses RFC 5322 / MIME (RFC 2045-2049) with the
bounded parser of :mod:`.mime` (time linear in the message, memory bounded
by what is shown, whatever the headers hold) and picks the body the way
mail clients do, by the rules of :mod:`.body_choice` (the same that choose
what opening a message fetches, :mod:`.message_parts`): of a
``multipart/alternative`` the plain text when it has text, else the HTML
rendered to text (:mod:`.html_text`), else the last; of a
``multipart/related`` its root; of other multiparts every inline text part
without a file name.  ``text/plain; format=flowed`` (RFC 3676) is unwrapped.

Header fields are decoded with the linear RFC 2047 decoder and cut for
display (:func:`.headers.display_text`, :func:`.addresses.format_header_addresses`).
Charsets are decoded with fallbacks for unknown or broken ones
(:func:`tuimail.mail.headers.decode_bytes`).  No remote content is ever
loaded.  Every string in the result is sanitised.  It never raises on
malformed mail: it shows what it can, and says what it left out.

Attachments are numbered from 1 in the order shown; :func:`save_attachment`
takes that number.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .addresses import format_header_addresses
from .attachments import safe_filename, write_new_file
from .body_choice import choose_body
from .headers import MAX_DECODE_CHARS, decode_bytes, decode_text, display_text, parse_date
from .html_text import html_to_text
from .message_parts import PartRef
from .mime import MAX_DEPTH, MAX_PARTS, MimeMessage, MimePart, parse_message
from .sanitize import sanitize, sanitize_body

__all__ = [
    "MAX_BODY_CHARS",
    "MAX_TEXT_PART_BYTES",
    "AttachmentInfo",
    "FetchedText",
    "attachment_name",
    "RenderedMessage",
    "attachment_data",
    "generated_name",
    "raw_source_text",
    "render_message",
    "render_parts",
    "save_attachment",
    "unflow",
]

#: Body text beyond this many characters is cut (with a note).
MAX_BODY_CHARS = 1_000_000
#: Of a text part, at most this many bytes (as sent) are decoded for display.
MAX_TEXT_PART_BYTES = 8 * 1024 * 1024
#: Attachment names shown are cut to this many characters.
MAX_FILENAME_CHARS = 255
_TRUNCATED = "\n\n[… message truncated …]"
_PARTS_LEFT_OUT = (
    f"\n\n[… some MIME parts are not shown: this message has more than {MAX_PARTS:,} parts, parts "
    f"nested more than {MAX_DEPTH} deep, or a structure too costly to read; H shows the raw source …]"
)


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """One attachment as listed: ``index`` (from 1, for :func:`save_attachment`),
    ``filename`` (decoded, sanitised), ``content_type`` (``"application/pdf"``)
    and ``size`` (decoded bytes)."""

    index: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """What the envelope viewer shows; every string decoded and sanitised.

    ``body`` is multi-line text (newlines and tabs kept); when it came from
    HTML its links are listed at its end and in ``links``.  ``date`` is the
    Date header's text as sent, ``date_parsed`` the same date parsed
    (timezone-aware; None when missing or unparseable).
    """

    from_: str
    to: str
    cc: str
    date: str
    subject: str
    body: str
    links: list[str] = field(default_factory=list)
    attachments: list[AttachmentInfo] = field(default_factory=list)
    reply_to: str = ""
    message_id: str = ""
    date_parsed: datetime | None = None
    is_html: bool = False
    #: The kinds a multipart/alternative offers ("plain", "html"), when it offers both.
    alternatives: tuple[str, ...] = ()
    #: The kind shown of those ("" when there is no choice).
    shown_alternative: str = ""


# --- parts -------------------------------------------------------------------


def _parse(raw: bytes | str) -> MimeMessage:
    if isinstance(raw, str):
        text = raw
        try:
            raw = text.encode("utf-8", errors="surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
            raw = text.encode("utf-8", errors="replace")
    return parse_message(bytes(raw))


def _filename(part: MimePart) -> str | None:
    """The part's suggested file name, RFC 2047-decoded (not sanitised)."""
    name = part.filename
    if not name:
        return None
    return decode_text(name[:MAX_DECODE_CHARS]).strip() or None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class _Texts:
    """Text parts decoded once each: charset with fallbacks, CRLF as LF, at
    most :data:`MAX_TEXT_PART_BYTES` of each part."""

    def __init__(self) -> None:
        self._texts: dict[MimePart, str] = {}
        self.cut = False

    def __call__(self, part: MimePart) -> str:
        text = self._texts.get(part)
        if text is None:
            text = self._texts[part] = self._decode(part)
        return text

    def _decode(self, part: MimePart) -> str:
        if part.encoded_size > MAX_TEXT_PART_BYTES:
            self.cut = True
        data = part.decoded(limit=MAX_TEXT_PART_BYTES)
        charset = part.charset
        if not charset and part.content_type == "text/html":
            m = _META_CHARSET.search(data[:4096])
            if m:
                charset = m.group(1).decode("ascii", errors="ignore")
        return decode_bytes(data, charset).replace("\r\n", "\n")


def unflow(text: str, delsp: bool = False) -> str:
    """Undo ``format=flowed`` (RFC 3676 §4): join soft line breaks (a line
    ending in a space continues on the next line of the same quote depth),
    remove space-stuffing; the signature separator ``-- `` is never flowed.
    Linear in the length of ``text``."""
    out: list[str] = []
    buf: list[str] | None = None
    buf_depth = 0

    def flush() -> None:
        nonlocal buf
        if buf is not None:
            prefix = ">" * buf_depth + (" " if buf_depth else "")
            out.append(prefix + "".join(buf))
            buf = None

    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        if content == "-- ":
            flush()
            out.append(line)
            continue
        if buf is not None and depth == buf_depth:
            buf.append(content)
        else:
            flush()
            buf, buf_depth = [content], depth
        if content.endswith(" "):
            if delsp:
                buf[-1] = content[:-1]
        else:
            flush()
    flush()
    return "\n".join(out)


# --- choosing the body -------------------------------------------------------


class _MimeShape:
    """A parsed MIME tree as :func:`.body_choice.choose_body` sees it (text decoded once)."""

    def __init__(self, texts: _Texts) -> None:
        self.texts = texts

    def children(self, part: MimePart) -> list[MimePart] | None:
        return part.children

    def content_type(self, part: MimePart) -> str:
        return part.content_type

    def has_text(self, part: MimePart) -> bool:
        return bool(self.texts(part).strip())

    def attached(self, part: MimePart) -> bool:
        return part.disposition == "attachment" or bool(_filename(part))

    def content_id(self, part: MimePart) -> str:
        return part.first("content-id") or ""

    def start(self, part: MimePart) -> str:
        return part.params.get("start", "")


@dataclass(slots=True)
class _Classified:
    bodies: list[MimePart]
    attachments: list[MimePart]
    texts: _Texts
    #: What the first multipart/alternative with a plain and an HTML part offered, and what was shown.
    alternatives: tuple[str, ...] = ()
    shown: str = ""
    truncated: bool = False


def _classify(message: MimeMessage, prefer: str = "plain") -> _Classified:
    """Split the MIME tree into body parts and attachment parts, in order (:mod:`.body_choice`)."""
    texts = _Texts()
    found = choose_body(_MimeShape(texts), message.root, prefer)
    return _Classified(
        [part for part, _ in found.bodies], [part for part, _ in found.attachments], texts,
        found.alternatives, found.shown, found.truncated,
    )  # fmt: skip


def _param(part: MimePart, name: str) -> str:
    return part.params.get(name, "").strip().lower()


def _generated_name(part: MimePart, index: int) -> str:
    """A name for an attachment that has none (or none that is usable)."""
    return generated_name(part.content_type, index)


def generated_name(ctype: str, index: int) -> str:
    """A file name for attachment ``index`` of type ``ctype`` that has none (or none usable)."""
    if ctype.startswith("message/"):
        return f"message-{index}.eml"
    ext = mimetypes.guess_extension(ctype, strict=False) or ".bin"
    return f"attachment-{index}{ext}"


def _body_text(bodies: list[MimePart], texts: _Texts) -> tuple[str, list[str], bool]:
    chunks: list[str] = []
    links: list[str] = []
    is_html = False
    for part in bodies:
        text = texts(part)
        if part.content_type == "text/html":
            is_html = True
            text, part_links = html_to_text(text)
            links.extend(u for u in part_links if u not in links)
        elif _param(part, "format") == "flowed":
            text = unflow(text, _param(part, "delsp") == "yes")
        chunks.append(text.strip("\n"))
    return "\n\n".join(c for c in chunks if c), links, is_html


# --- public API ------------------------------------------------------------------


def render_message(raw: bytes, *, prefer: str = "plain") -> RenderedMessage:
    """Parse and render one message for display (see the module docstring).

    ``prefer`` "html" shows the HTML part of a multipart/alternative that
    also has a plain one (the other part, on the user's request).

    Never raises on malformed mail: whatever cannot be parsed is shown as
    far as possible, at worst the raw source as text.
    """
    try:
        return _render(raw, prefer)
    except Exception:
        return RenderedMessage(
            from_="",
            to="",
            cc="",
            date="",
            subject="",
            body="[This message could not be parsed; its source follows.]\n\n" + raw_source_text(raw),
        )


def _render(raw: bytes, prefer: str) -> RenderedMessage:
    message = _parse(raw)
    found = _classify(message, prefer)
    attachments = [
        AttachmentInfo(
            index=i,
            filename=display_text(_filename(part), limit=MAX_FILENAME_CHARS)
            or sanitize(_generated_name(part, i)),
            content_type=sanitize(part.content_type),
            size=part.decoded_size(),
        )
        for i, part in enumerate(found.attachments, 1)
    ]
    return _compose(
        message.root, found.bodies, found.texts, attachments, message.truncated or found.truncated,
        alternatives=found.alternatives, shown=found.shown,
    )  # fmt: skip


def _compose(
    head: MimePart,
    bodies: list[MimePart],
    texts: _Texts,
    attachments: list[AttachmentInfo],
    truncated: bool,
    note: str = "",
    *,
    alternatives: tuple[str, ...] = (),
    shown: str = "",
) -> RenderedMessage:
    body, links, is_html = _body_text(bodies, texts)
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS] + _TRUNCATED
    elif texts.cut:
        body += _TRUNCATED
    body += note
    if truncated:
        body += _PARTS_LEFT_OUT
    links = [sanitize(u) for u in links]
    if links:
        body += "\n\nLinks:\n" + "\n".join(f"[{i}] {u}" for i, u in enumerate(links, 1))

    def addresses(name: str) -> str:
        return format_header_addresses(head.values(name), cut=name in head.cut)

    def text(name: str) -> str:
        return display_text(" ".join(head.values(name)), cut=name in head.cut)

    return RenderedMessage(
        from_=addresses("from"),
        to=addresses("to"),
        cc=addresses("cc"),
        date=text("date"),
        subject=text("subject"),
        body=sanitize_body(body),
        links=links,
        attachments=attachments,
        reply_to=addresses("reply-to"),
        message_id=text("message-id"),
        date_parsed=parse_date(head.first("date")),
        is_html=is_html,
        alternatives=alternatives,
        shown_alternative=shown,
    )


@dataclass(frozen=True, slots=True)
class FetchedText:
    """One body part as fetched for display: its MIME header (for a message that is not
    multipart, the message header), the bytes of its body fetched, and how many were not."""

    mime_header: bytes
    body: bytes
    left: int = 0


def _with_blank_line(header: bytes) -> bytes:
    if header.endswith((b"\r\n\r\n", b"\n\n")) or not header:
        return header
    return header + (b"\r\n" if header.endswith(b"\n") else b"\r\n\r\n")


def render_parts(
    header: bytes,
    texts: Sequence[FetchedText],
    attachments: Sequence[PartRef],
    attachment_headers: Sequence[bytes | None] = (),
    *,
    truncated: bool = False,
    not_fetched: int = 0,
    alternatives: tuple[str, ...] = (),
    shown: str = "",
) -> RenderedMessage:
    """Render a message from what opening it fetched (see :mod:`.message_parts`): the header,
    the text parts chosen as body, and the attachments as the BODYSTRUCTURE lists them (named
    from their MIME headers, ``attachment_headers``, where fetched).

    Says how much of the body was not fetched.  Never raises on malformed mail."""
    try:
        head = _parse(_with_blank_line(bytes(header))).root
        bodies = [_parse(_with_blank_line(bytes(t.mime_header)) + bytes(t.body)).root for t in texts]
        headers = list(attachment_headers) + [None] * (len(attachments) - len(attachment_headers))
        listed = [
            AttachmentInfo(
                index=i,
                filename=display_text(attachment_name(ref, mime), limit=MAX_FILENAME_CHARS)
                or sanitize(generated_name(ref.content_type, i)),
                content_type=sanitize(ref.content_type),
                size=ref.decoded_size,
            )
            for i, (ref, mime) in enumerate(zip(attachments, headers, strict=False), 1)
        ]
        note = ""
        if not_fetched > 0:
            note = (
                f"\n\n[… {_bytes(not_fetched)} of this message's text not shown: only the first "
                f"{_bytes(sum(len(t.body) for t in texts))} were fetched; H shows the raw source …]"
            )
        return _compose(
            head, bodies, _Texts(), listed, truncated, note, alternatives=alternatives, shown=shown
        )
    except Exception:
        return render_message(bytes(header))


def attachment_name(ref: PartRef, mime_header: bytes | None) -> str | None:
    """An attachment's suggested file name: from its MIME header when fetched (decoded as a
    whole message's would be), else as the BODYSTRUCTURE gives it.  Not sanitised."""
    if mime_header:
        name = _filename(_parse(_with_blank_line(bytes(mime_header))).root)
        if name:
            return name
    return ref.filename


def _bytes(n: int) -> str:
    return (
        f"{n:,} bytes"
        if n < 10_000
        else f"{n / 1_048_576:,.1f} MB"
        if n >= 1_048_576
        else f"{n / 1024:,.0f} KB"
    )


def attachment_data(raw: bytes, index: int) -> tuple[str, bytes]:
    """The safe file name and decoded content of attachment ``index`` (from 1).

    Raises ``IndexError`` when the message has no such attachment.
    """
    parts = _classify(_parse(raw)).attachments
    if not 1 <= index <= len(parts):
        raise IndexError(f"no attachment {index} (the message has {len(parts)})")
    part = parts[index - 1]
    generated = _generated_name(part, index)
    return safe_filename(_filename(part) or generated, fallback=generated), part.decoded()


def save_attachment(raw: bytes, index: int, folder: Path, filename: str | None = None) -> Path:
    """Save attachment ``index`` (from 1, as in :attr:`RenderedMessage.attachments`)
    into ``folder`` under a safe name (``filename`` if given, else the mail's; either
    way no path traversal, no absolute path, no hidden file) without overwriting
    anything; return the path written.

    Raises ``IndexError`` for a bad index and ``OSError`` if the folder is
    not writable.
    """
    name, data = attachment_data(raw, index)
    if filename:
        name = safe_filename(filename, fallback=name)
    return write_new_file(Path(folder), name, data)


def raw_source_text(raw: bytes) -> str:
    """A message's raw source as sanitised multi-line text (for a source view):
    UTF-8 where valid, else Latin-1, control bytes as placeholders."""
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            text = bytes(raw).decode("latin-1")
    return sanitize_body(text)
