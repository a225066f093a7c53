"""A message for the envelope viewer: decoded headers, a text body, attachments.

:func:`render_message` parses RFC 5322 / MIME (RFC 2045-2049) with the
standard ``email`` package (``policy.default``) and picks the body the way
mail clients do:

* ``multipart/alternative`` (RFC 2046 §5.1.4): the text/plain alternative
  when it has text, else HTML rendered to text (:mod:`.html_text`), else
  the last (richest) alternative;
* ``multipart/related`` (RFC 2387): the root part is the body, the other
  parts are listed as attachments;
* ``multipart/mixed`` and others: every inline text/plain or text/html part
  without a file name is body, in order; everything else is an attachment;
* ``text/plain; format=flowed`` (RFC 3676) is unwrapped.

Charsets are decoded with fallbacks for unknown or broken ones
(:func:`tuimail.mail.headers.decode_bytes`).  No remote content is ever
loaded.  Every string in the result is sanitised.  It never raises on
malformed mail: it shows what it can.

Attachments are numbered from 1 in the order shown; :func:`save_attachment`
takes that number.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Any

from .addresses import format_header_addresses
from .attachments import safe_filename, write_new_file
from .headers import decode_bytes, decode_text
from .html_text import html_to_text
from .sanitize import sanitize, sanitize_body

__all__ = [
    "MAX_BODY_CHARS",
    "AttachmentInfo",
    "RenderedMessage",
    "attachment_data",
    "raw_source_text",
    "render_message",
    "save_attachment",
    "unflow",
]

#: Body text beyond this many characters is cut (with a note).
MAX_BODY_CHARS = 1_000_000
_MAX_DEPTH = 32


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
    HTML its links are listed at its end and in ``links``.
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


# --- parsing -------------------------------------------------------------------


def _parse(raw: bytes | str) -> Message:
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogateescape")
    return email.message_from_bytes(bytes(raw), policy=email.policy.default)


def _safe(call: Callable[[], Any], default: Any) -> Any:
    try:
        return call()
    except Exception:
        return default


def _header_values(msg: Message, name: str) -> list[str]:
    """All values of a header, decoded; tolerant of headers policy.default
    cannot parse (falls back to the raw value with RFC 2047 decoding)."""
    try:
        values = msg.get_all(name) or []
        return [str(v) for v in values]
    except Exception:
        pass
    try:
        raw_items = msg.raw_items()
        return [decode_text(str(v)) for k, v in raw_items if k.lower() == name.lower()]
    except Exception:
        return []


def _header_text(msg: Message, name: str) -> str:
    return sanitize(" ".join(_header_values(msg, name))).strip()


def _content_type(part: Message) -> str:
    return str(_safe(part.get_content_type, "application/octet-stream")).lower()


def _disposition(part: Message) -> str | None:
    value = _safe(part.get_content_disposition, None)
    return str(value).lower() if value else None


def _filename(part: Message) -> str | None:
    name = _safe(part.get_filename, None)
    if not name:
        return None
    return decode_text(str(name)).strip() or None


def _subparts(part: Message) -> list[Message] | None:
    if not _safe(part.is_multipart, False) or _content_type(part).startswith("message/"):
        return None  # an attached message is a leaf here: listed, saved whole
    payload = _safe(part.get_payload, None)
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    return None


def _payload_bytes(part: Message) -> bytes:
    """The decoded (base64/quoted-printable) payload of a leaf part."""
    data = _safe(lambda: part.get_payload(decode=True), None)
    if isinstance(data, bytes):
        return data
    payload = _safe(part.get_payload, None)
    if isinstance(payload, list):  # message/rfc822: the attached message's bytes
        inner = payload[0] if payload else None
        if isinstance(inner, Message):
            out = _safe(lambda: inner.as_bytes(policy=email.policy.default.clone(linesep="\r\n")), None)
            if out is None:
                out = _safe(lambda: str(inner).encode("utf-8", errors="replace"), b"")
            return bytes(out)
    if isinstance(payload, str):
        return payload.encode("utf-8", errors="surrogateescape")
    return b""


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _part_text(part: Message) -> str:
    """A text part's content as ``str``, charset decoded with fallbacks."""
    data = _payload_bytes(part)
    charset = _safe(part.get_content_charset, None)
    if not charset and _content_type(part) == "text/html":
        m = _META_CHARSET.search(data[:4096])
        if m:
            charset = m.group(1).decode("ascii", errors="ignore")
    text = decode_bytes(data, charset)
    return text.replace("\r\n", "\n")


def unflow(text: str, delsp: bool = False) -> str:
    """Undo ``format=flowed`` (RFC 3676 §4): join soft line breaks (a line
    ending in a space continues on the next line of the same quote depth),
    remove space-stuffing; the signature separator ``-- `` is never flowed."""
    out: list[str] = []
    buf: str | None = None
    buf_depth = 0

    def flush() -> None:
        nonlocal buf
        if buf is not None:
            prefix = ">" * buf_depth + (" " if buf_depth else "")
            out.append(prefix + buf)
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
            buf += content
        else:
            flush()
            buf, buf_depth = content, depth
        if content.endswith(" "):
            if delsp:
                buf = buf[:-1]
        else:
            flush()
    flush()
    return "\n".join(out)


# --- choosing the body -------------------------------------------------------


def _has_text(part: Message) -> bool:
    return bool(_part_text(part).strip())


def _first_text_type(part: Message, depth: int = 0) -> str | None:
    """The content type of the first text leaf inside ``part``."""
    if depth > _MAX_DEPTH:
        return None
    subs = _subparts(part)
    if subs is None:
        ctype = _content_type(part)
        return ctype if ctype in ("text/plain", "text/html") else None
    for sub in subs:
        found = _first_text_type(sub, depth + 1)
        if found:
            return found
    return None


def _choose_alternative(parts: list[Message]) -> Message | None:
    """RFC 2046 §5.1.4: we prefer plain text, then HTML, then the last part."""
    if not parts:
        return None
    for p in parts:
        if _subparts(p) is None and _content_type(p) == "text/plain" and _has_text(p):
            return p
    for p in parts:
        if _subparts(p) is not None and _first_text_type(p) == "text/plain":
            return p
    for p in parts:
        if _first_text_type(p) == "text/html":
            return p
    return parts[-1]


def _related_root(part: Message, subs: list[Message]) -> Message:
    """RFC 2387 §3.2: the ``start`` parameter names the root, else the first."""
    start = _safe(lambda: part.get_param("start"), None)
    if isinstance(start, str) and start.strip():
        wanted = start.strip()
        for sub in subs:
            if str(sub.get("Content-ID", "")).strip() == wanted:
                return sub
    return subs[0]


def _classify(msg: Message) -> tuple[list[Message], list[Message]]:
    """Split the MIME tree into body parts and attachment parts, in order."""
    bodies: list[Message] = []
    attachments: list[Message] = []

    def leaf(part: Message, force_body: bool) -> None:
        ctype = _content_type(part)
        if ctype in ("text/plain", "text/html"):
            disposition = _disposition(part)
            if force_body or (disposition != "attachment" and not _filename(part)):
                bodies.append(part)
                return
        attachments.append(part)

    def visit(part: Message, depth: int, force_body: bool = False) -> None:
        subs = _subparts(part)
        if subs is None:
            leaf(part, force_body)
            return
        if depth > _MAX_DEPTH or not subs:
            return
        subtype = str(_safe(part.get_content_subtype, "mixed")).lower()
        if subtype == "alternative":
            chosen = _choose_alternative(subs)
            if chosen is not None:
                visit(chosen, depth + 1, force_body=True)
        elif subtype == "related":
            root = _related_root(part, subs)
            visit(root, depth + 1, force_body=force_body)
            for sub in subs:
                if sub is not root:
                    visit(sub, depth + 1)
        else:
            for sub in subs:
                visit(sub, depth + 1)

    visit(msg, 0, force_body=True)
    return bodies, attachments


def _param(part: Message, name: str) -> str:
    value = _safe(lambda: part.get_param(name), None)
    return value.strip().lower() if isinstance(value, str) else ""


def _generated_name(part: Message, index: int) -> str:
    """A name for an attachment that has none (or none that is usable)."""
    ctype = _content_type(part)
    if ctype.startswith("message/"):
        return f"message-{index}.eml"
    ext = mimetypes.guess_extension(ctype, strict=False) or ".bin"
    return f"attachment-{index}{ext}"


def _body_text(bodies: list[Message]) -> tuple[str, list[str], bool]:
    chunks: list[str] = []
    links: list[str] = []
    is_html = False
    for part in bodies:
        text = _part_text(part)
        if _content_type(part) == "text/html":
            is_html = True
            text, part_links = html_to_text(text)
            links.extend(u for u in part_links if u not in links)
        else:
            if _param(part, "format") == "flowed":
                text = unflow(text, _param(part, "delsp") == "yes")
        chunks.append(text.strip("\n"))
    return "\n\n".join(c for c in chunks if c), links, is_html


# --- public API ------------------------------------------------------------------


def render_message(raw: bytes) -> RenderedMessage:
    """Parse and render one message for display (see the module docstring).

    Never raises on malformed mail: whatever cannot be parsed is shown as
    far as possible, at worst the raw source as text.
    """
    try:
        return _render(raw)
    except Exception:
        return RenderedMessage(
            from_="",
            to="",
            cc="",
            date="",
            subject="",
            body="[This message could not be parsed; its source follows.]\n\n" + raw_source_text(raw),
        )


def _render(raw: bytes) -> RenderedMessage:
    msg = _parse(raw)
    bodies, attachment_parts = _classify(msg)
    body, links, is_html = _body_text(bodies)
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS] + "\n\n[… message truncated …]"
    links = [sanitize(u) for u in links]
    if links:
        body += "\n\nLinks:\n" + "\n".join(f"[{i}] {u}" for i, u in enumerate(links, 1))

    attachments = [
        AttachmentInfo(
            index=i,
            filename=sanitize(_filename(part) or _generated_name(part, i)),
            content_type=sanitize(_content_type(part)),
            size=len(_payload_bytes(part)),
        )
        for i, part in enumerate(attachment_parts, 1)
    ]

    date_header = _safe(lambda: msg["Date"], None)
    date_parsed = getattr(date_header, "datetime", None) if date_header is not None else None
    return RenderedMessage(
        from_=format_header_addresses(_header_values(msg, "From")),
        to=format_header_addresses(_header_values(msg, "To")),
        cc=format_header_addresses(_header_values(msg, "Cc")),
        date=_header_text(msg, "Date"),
        subject=_header_text(msg, "Subject"),
        body=sanitize_body(body),
        links=links,
        attachments=attachments,
        reply_to=format_header_addresses(_header_values(msg, "Reply-To")),
        message_id=_header_text(msg, "Message-ID"),
        date_parsed=date_parsed if isinstance(date_parsed, datetime) else None,
        is_html=is_html,
    )


def attachment_data(raw: bytes, index: int) -> tuple[str, bytes]:
    """The safe file name and decoded content of attachment ``index`` (from 1).

    Raises ``IndexError`` when the message has no such attachment.
    """
    _, parts = _classify(_parse(raw))
    if not 1 <= index <= len(parts):
        raise IndexError(f"no attachment {index} (the message has {len(parts)})")
    part = parts[index - 1]
    generated = _generated_name(part, index)
    return safe_filename(_filename(part) or generated, fallback=generated), _payload_bytes(part)


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
