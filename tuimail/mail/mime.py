"""A message's MIME structure, parsed in bounded time and memory.

RFC 5322 §2.2 header fields, RFC 2045 §5.1 parameters with RFC 2231
continuations and charsets, RFC 2046 §5.1.1 multipart bodies, RFC 2045 §6
transfer encodings.

This is the display path's parser; the standard library's is not used.
With ``policy.default`` its structured header parser needs memory growing
with the square of the number of adjacent encoded-words (a 246 KB Subject
peaked at 2.2 GB), ``compat32`` re-scans the rest of a parameter list for
every parameter, and the feed parser recurses once per multipart level.

Here a part is a pair of offsets into the message's one ``bytes``.  Only the
header fields display reads (:data:`FIELDS`) are kept, each name's values cut
at :data:`MAX_FIELD_BYTES`; nesting stops at :data:`MAX_DEPTH`, the tree at
:data:`MAX_PARTS` parts.  Every step is a C-level search or a loop over what
was kept, so time is linear in the message and memory in what is kept.
Nothing here raises on malformed mail.
"""

from __future__ import annotations

import binascii
import re
import urllib.parse
from dataclasses import dataclass, field

from .headers import decode_bytes

__all__ = [
    "FIELDS",
    "MAX_DEPTH",
    "MAX_FIELD_BYTES",
    "MAX_PARTS",
    "MimeMessage",
    "MimePart",
    "parse_message",
    "parse_params",
]

#: Multipart nesting deeper than this is not parsed (RFC 2046 sets no limit).
MAX_DEPTH = 32
#: At most this many parts are parsed; the rest of the message is not shown.
MAX_PARTS = 1000
#: Of each header field name, at most this many bytes of values are kept.
MAX_FIELD_BYTES = 64 * 1024
#: Occurrences of the kept fields read from one header block.
_MAX_FIELD_COUNT = 2000
#: Bytes searched for delimiters, at most: this many times the message, plus
#: a little (a legitimate message is searched about once per nesting level).
_SCAN_FACTOR = 8
_SCAN_SLACK = 1 << 20
#: Lines that start like a delimiter but are not one, at most (per message).
_MAX_FALSE_DELIMITERS = 10_000
#: RFC 2046 §5.1.1 allows 70 characters; senders are allowed a little more.
_MAX_BOUNDARY = 998

#: The header fields kept (lower case): what display and MIME structure read.
FIELDS = (
    "from",
    "to",
    "cc",
    "reply-to",
    "date",
    "subject",
    "message-id",
    "content-type",
    "content-disposition",
    "content-transfer-encoding",
    "content-id",
)

_BLANK_LINE = re.compile(rb"\n\r?\n")
# The patterns below start with the line break before a line (a literal the
# regex engine scans for quickly); the header block is searched with one
# line break put in front.  A line that is neither a field, a continuation
# nor blank ends the header block there (as in the standard library's parser).
_NOT_A_FIELD = re.compile(rb"\n(?![!-9;-~]+[ \t]*:|[ \t]|\r?$)")
_KEPT_FIELD = re.compile(
    rb"\n(" + b"|".join(re.escape(name.encode()) for name in FIELDS) + rb")[ \t]*:",
    re.IGNORECASE,
)
_FIELD_END = re.compile(rb"\n(?![ \t])")
_UNFOLD = re.compile(rb"\r?\n(?=[ \t])")
_DELIMITER_TAIL = re.compile(rb"(--)?[ \t]*(?:\r\n|\n|\r|$)")

_TOKEN = r"[^\s;/()<>@,:\\\"\[\]?=]+"
_MEDIA_TYPE = re.compile(rf"\s*({_TOKEN})\s*/\s*({_TOKEN})")
_PARAM = re.compile(
    r""";\s*([^\s=;"]+)\s*=\s*("[^"\\]*(?:\\.[^"\\]*)*"?|[^;]*)""",
    re.DOTALL,
)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)

_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOT_B64 = bytes(b for b in range(256) if b not in _B64_ALPHABET)
_CHUNK = 1 << 20


# --- parameters (RFC 2045 §5.1, RFC 2231) -------------------------------------------


def _unquote(value: str) -> str:
    value = value.strip()
    if value.startswith('"'):
        value = value[1:-1] if len(value) > 1 and value.endswith('"') else value[1:]
        return _QUOTED_PAIR.sub(r"\1", value)
    return value


def _join_rfc2231(segments: list[tuple[int, bool, str]]) -> str:
    """RFC 2231 §3-4: continuations in order; encoded ones percent-decoded and
    the whole decoded in the first segment's charset."""
    segments.sort(key=lambda s: s[0])
    charset: str | None = None
    data: list[bytes] = []
    seen: set[int] = set()
    for position, (index, encoded, value) in enumerate(segments):
        if index in seen:
            continue
        seen.add(index)
        if encoded:
            if position == 0 and value.count("'") >= 2:
                charset, _language, value = value.split("'", 2)
            data.append(urllib.parse.unquote_to_bytes(value.encode("utf-8", "surrogatepass")))
        else:
            data.append(value.encode("utf-8", "surrogatepass"))
    return decode_bytes(b"".join(data), charset or None)


def parse_params(value: str) -> tuple[str, dict[str, str]]:
    """A structured field's value (``text/plain``, ``attachment``) and its
    parameters: names lower-cased, quotes removed, RFC 2231 continuations
    joined and decoded (the RFC 2231 form wins over a plain one).  The
    first of repeated parameters counts.  Linear in ``value``."""
    head, semicolon, _ = value.partition(";")
    plain: dict[str, str] = {}
    extended: dict[str, list[tuple[int, bool, str]]] = {}
    pos = len(head) if semicolon else len(value)
    while pos < len(value):
        m = _PARAM.match(value, pos)
        if m is None:
            nxt = value.find(";", pos + 1)
            if nxt < 0:
                break
            pos = nxt
            continue
        pos = m.end()
        name, raw = m.group(1).lower(), m.group(2).rstrip()
        if "*" not in name:
            plain.setdefault(name, _unquote(raw))
            continue
        encoded = name.endswith("*")
        base = name[:-1] if encoded else name
        index = 0
        if "*" in base:
            base, _, number = base.rpartition("*")
            if not (number.isdigit() and len(number) <= 4):
                continue
            index = int(number)
        if base:
            extended.setdefault(base, []).append((index, encoded, _unquote(raw)))
    for name, segments in extended.items():
        plain[name] = _join_rfc2231(segments)
    return head.strip(), plain


# --- transfer encodings (RFC 2045 §6) ----------------------------------------------------


def _decode_base64(data: bytes) -> bytes:
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        pass
    clean = data.translate(None, _NOT_B64)
    if len(clean) % 4 == 1:
        clean = clean[:-1]
    try:
        return binascii.a2b_base64(clean + b"=" * (-len(clean) % 4))
    except binascii.Error:
        return b""


def _decode_uu(data: bytes) -> bytes:
    out: list[bytes] = []
    started = False
    for line in data.splitlines():
        if not started:
            started = line.startswith(b"begin ")
            continue
        if line.strip() == b"end":
            break
        try:
            out.append(binascii.a2b_uu(line))
        except binascii.Error:
            if line:  # a common encoder bug: garbage after the counted bytes
                count = (((line[0] - 32) & 63) * 4 + 5) // 3
                try:
                    out.append(binascii.a2b_uu(line[:count]))
                except binascii.Error:
                    pass
    return b"".join(out)


# --- the part tree -------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class MimePart:
    """One MIME entity: its kept header fields and its body's offsets in ``raw``.

    ``children`` is None for a leaf (including ``message/*``, which is shown
    and saved whole) and the list of sub-parts for a parsed multipart.
    """

    raw: bytes = field(repr=False)
    fields: dict[str, list[str]]
    cut: frozenset[str]
    body_start: int
    body_end: int
    content_type: str
    params: dict[str, str]
    children: list[MimePart] | None = None

    def values(self, name: str) -> list[str]:
        """All values of the header field ``name`` (lower case), unfolded."""
        return self.fields.get(name, [])

    def first(self, name: str) -> str | None:
        """The first value of the header field ``name`` (lower case)."""
        values = self.fields.get(name)
        return values[0] if values else None

    @property
    def subtype(self) -> str:
        """``alternative`` of ``multipart/alternative``."""
        return self.content_type.partition("/")[2]

    @property
    def disposition(self) -> str | None:
        """RFC 2183 disposition type (``inline``, ``attachment``), lower case."""
        value = self.first("content-disposition")
        if value is None:
            return None
        return value.partition(";")[0].strip().lower()

    @property
    def filename(self) -> str | None:
        """The suggested file name (RFC 2183 ``filename``, else the Content-Type
        ``name``), not yet RFC 2047-decoded nor sanitised."""
        value = self.first("content-disposition")
        name = parse_params(value)[1].get("filename") if value is not None else None
        if name is None:
            name = self.params.get("name")
        return name.strip() if name is not None else None

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter, lower case."""
        value = self.params.get("charset")
        return value.strip().lower() if value else None

    @property
    def transfer_encoding(self) -> str:
        """RFC 2045 §6.1 Content-Transfer-Encoding, lower case (``7bit`` by default)."""
        value = self.first("content-transfer-encoding")
        return value.strip().lower() if value else "7bit"

    def decoded(self, limit: int | None = None) -> bytes:
        """The body with its transfer encoding undone; with ``limit``, only the
        first ``limit`` bytes of the encoded body are decoded."""
        end = self.body_end if limit is None else min(self.body_end, self.body_start + limit)
        body = self.raw[self.body_start : end]
        encoding = self.transfer_encoding
        if encoding == "base64":
            return _decode_base64(body)
        if encoding == "quoted-printable":
            return binascii.a2b_qp(body)
        if encoding in ("x-uuencode", "uuencode", "uue", "x-uue"):
            return _decode_uu(body)
        return body

    @property
    def encoded_size(self) -> int:
        """Bytes of the body as sent."""
        return self.body_end - self.body_start

    def decoded_size(self) -> int:
        """Bytes of the decoded body; for base64 counted without decoding."""
        if self.transfer_encoding != "base64":
            return len(self.decoded())
        letters = 0
        for start in range(self.body_start, self.body_end, _CHUNK):
            chunk = self.raw[start : min(start + _CHUNK, self.body_end)]
            letters += len(chunk.translate(None, _NOT_B64))
        return letters * 3 // 4


@dataclass(slots=True)
class MimeMessage:
    """A parsed message: the ``root`` part, and whether parts were left out
    (``truncated``: more than :data:`MAX_PARTS`, or deeper than :data:`MAX_DEPTH`)."""

    root: MimePart
    truncated: bool = False


@dataclass(slots=True)
class _Budget:
    """What one message may still cost: parts, bytes searched for delimiters
    (a part nested n deep is searched n times), lines that look like
    delimiters but are not."""

    scan: int
    parts: int = 0
    false_delimiters: int = 0
    truncated: bool = False


def _field_text(data: bytes) -> str:
    """Header bytes as text: UTF-8 (RFC 6532), else a legacy charset guess."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(data, None)


def _read_fields(raw: bytes, start: int, end: int) -> tuple[dict[str, list[str]], frozenset[str], int]:
    """The kept header fields of the entity at ``raw[start:end]``, the names
    whose values were cut, and where the body starts (RFC 5322 §2.1: after
    the first empty line)."""
    if raw.startswith(b"From ", start, end):  # an mbox separator line
        newline = raw.find(b"\n", start, end)
        start = end if newline < 0 else newline + 1
    if raw.startswith(b"\n", start, end):
        return {}, frozenset(), start + 1
    if raw.startswith(b"\r\n", start, end):
        return {}, frozenset(), start + 2
    blank = _BLANK_LINE.search(raw, start, end)
    block_end, body_start = (blank.start() + 1, blank.end()) if blank else (end, end)
    block = b"\n" + raw[start:block_end]
    junk = _NOT_A_FIELD.search(block)
    if junk is not None:
        block = block[: junk.start() + 1]
        body_start = start + junk.start()
    fields: dict[str, list[str]] = {}
    kept: dict[str, int] = {}
    cut: set[str] = set()
    for count, m in enumerate(_KEPT_FIELD.finditer(block)):
        name = m.group(1).decode("ascii").lower()
        if count >= _MAX_FIELD_COUNT:
            cut.update(FIELDS)
            break
        room = MAX_FIELD_BYTES - kept.get(name, 0)
        if room <= 0:
            cut.add(name)
            continue
        value_end = _FIELD_END.search(block, m.end())
        stop = value_end.start() if value_end else len(block)
        if stop - m.end() > room:
            stop = m.end() + room
            while stop > m.end() and 0x80 <= block[stop] < 0xC0:  # not inside a UTF-8 character
                stop -= 1
            cut.add(name)
        kept[name] = kept.get(name, 0) + (stop - m.end())
        value = _UNFOLD.sub(b"", block[m.end() : stop]).strip(b" \t\r\n")
        fields.setdefault(name, []).append(_field_text(value))
    return fields, frozenset(cut), body_start


def _media_type(fields: dict[str, list[str]], default: str) -> tuple[str, dict[str, str]]:
    """RFC 2045 §5.2: no Content-Type means ``default``; one that does not
    parse means ``text/plain``."""
    values = fields.get("content-type")
    if not values:
        return default, {}
    head, params = parse_params(values[0])
    m = _MEDIA_TYPE.match(head)
    if m is None:
        return "text/plain", params
    return f"{m.group(1)}/{m.group(2)}".lower(), params


def _split_multipart(
    raw: bytes, start: int, end: int, boundary: bytes, limit: int, budget: _Budget
) -> tuple[list[tuple[int, int]], bool]:
    """RFC 2046 §5.1.1: the body parts' ranges between delimiter lines
    ``--boundary`` (the line break before a delimiter belongs to it; a close
    delimiter ``--boundary--`` ends the list; a missing one ends the last
    part at the end of the body), and whether any delimiter was found.

    Candidates are found with ``bytes.find``; each is checked in Python, so
    lines that only start like a delimiter are counted against the
    message's budget.  More than ``limit`` parts, or that budget spent,
    marks the message truncated."""
    needle = b"\n--" + boundary
    head_length = len(needle) - 1
    ranges: list[tuple[int, int]] = []
    part_start: int | None = None
    found = False

    def candidate(pos: int) -> int:
        i = raw.find(needle, pos, end)
        return -1 if i < 0 else i + 1

    i = start if raw.startswith(needle[1:], start, end) else candidate(start)
    while i >= 0:
        tail = _DELIMITER_TAIL.match(raw, i + head_length, end)
        if tail is None:
            budget.false_delimiters += 1
            if budget.false_delimiters > _MAX_FALSE_DELIMITERS:
                budget.truncated = True
                break
            i = candidate(i)
            continue
        found = True
        if part_start is not None:
            stop = i - 1 if i > start else i  # the line break before belongs to the delimiter
            if stop > part_start and raw[stop - 1] == 0x0D:
                stop -= 1
            if len(ranges) >= limit:
                budget.truncated = True
                return ranges, True
            ranges.append((part_start, max(stop, part_start)))
        if tail.group(1):
            return ranges, True
        part_start = tail.end()
        i = candidate(part_start - 1 if raw[part_start - 1] == 0x0A else part_start)
    if part_start is not None:
        if len(ranges) >= limit:
            budget.truncated = True
        else:
            ranges.append((part_start, end))
    return ranges, found


def _parse_part(raw: bytes, start: int, end: int, default_type: str, depth: int, budget: _Budget) -> MimePart:
    budget.parts += 1
    fields, cut, body_start = _read_fields(raw, start, end)
    content_type, params = _media_type(fields, default_type)
    part = MimePart(raw, fields, cut, body_start, end, content_type, params)
    if not content_type.startswith("multipart/"):
        return part
    boundary = params.get("boundary", "").rstrip()
    if not boundary or len(boundary) > _MAX_BOUNDARY:
        return part  # shown as an opaque part, as other readers do
    if depth >= MAX_DEPTH:
        budget.truncated = True
        part.children = []
        return part
    if budget.scan < end - body_start:  # nested parts re-read their parent's bytes
        budget.truncated = True
        part.children = []
        return part
    budget.scan -= end - body_start
    boundary_bytes = boundary.encode("utf-8", "surrogatepass")
    ranges, found = _split_multipart(raw, body_start, end, boundary_bytes, MAX_PARTS - budget.parts, budget)
    if not found:
        return part
    child_type = "message/rfc822" if content_type == "multipart/digest" else "text/plain"
    children: list[MimePart] = []
    for child_start, child_end in ranges:
        if budget.parts >= MAX_PARTS:
            budget.truncated = True
            break
        children.append(_parse_part(raw, child_start, child_end, child_type, depth + 1, budget))
    part.children = children
    return part


def parse_message(raw: bytes) -> MimeMessage:
    """Parse a message (RFC 5322 with MIME) into its part tree.  Never raises."""
    budget = _Budget(scan=_SCAN_FACTOR * len(raw) + _SCAN_SLACK)
    root = _parse_part(bytes(raw), 0, len(raw), "text/plain", 0, budget)
    return MimeMessage(root, budget.truncated)
