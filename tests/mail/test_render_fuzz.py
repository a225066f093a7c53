"""Fuzzing the display path: MIME rendering and header decoding (issue 10, "Fuzzing in the suite").

Properties, for any input: nothing raises, no input takes more than a second
(the hypothesis profile's deadline, see tests/conftest.py), and every string
shown is already sanitised (sanitising it again changes nothing).  The
default profile runs a short pass; ``TUIMAIL_HYPOTHESIS_PROFILE=long`` (or
``--hypothesis-profile=long``) runs 20,000 examples per property.
"""

from __future__ import annotations

import email.policy
from email.message import EmailMessage

from hypothesis import given
from hypothesis import strategies as st

from tuimail.mail.addresses import format_header_addresses
from tuimail.mail.headers import decode_text, display_text, parse_date
from tuimail.mail.mime import parse_message, parse_params
from tuimail.mail.render import RenderedMessage, attachment_data, render_message
from tuimail.mail.sanitize import sanitize, sanitize_body


def assert_sanitised(r: RenderedMessage) -> None:
    for text in (r.from_, r.to, r.cc, r.date, r.subject, r.reply_to, r.message_id, *r.links):
        assert sanitize(text) == text
    for a in r.attachments:
        assert sanitize(a.filename) == a.filename and sanitize(a.content_type) == a.content_type
        assert a.size >= 0
    assert sanitize_body(r.body) == r.body
    assert [a.index for a in r.attachments] == list(range(1, len(r.attachments) + 1))


def assert_renders(raw: bytes) -> None:
    r = render_message(raw)
    assert "could not be parsed" not in r.body[:60]  # the parser itself never gives up
    assert_sanitised(r)
    for a in r.attachments[:3]:
        name, data = attachment_data(raw, a.index)
        assert name and "/" not in name and len(data) >= 0


# --- pieces mail is made of, hostile ones included -----------------------------------------

TRICKY = [
    "=?", "?=", "=?utf-8?q?", "=?utf-8?b?", "?q?", "=?x?b?!!?=", "=C3", "=?utf-8*en?q?a?=", '"', "\\", "(",
    ")", "<", ">", ",", ";", ":", "@", "*", "'", "%", "%E9", "=", "\r\n ", "\r\n", "\n", "\r", "\t", " ",
    "\x00", "\x1b[2J", "\x9b", "\u202e", "\u200d", "\ufeff", "é", "日本", "👍", "--", "--b", "--b--",
    "boundary=b", "charset=", "filename*0*=utf-8''", "filename*1=", "name=", "\ud800",
]
LETTERS = "aZ0 .-_/=?\"\\()<>,;:@*'%\r\n\t\x00\x1b\x7f\x85\x9béß日👍\u200d\u202e\ufeff\U000e0041"
fragments = st.one_of(st.sampled_from(TRICKY), st.text(st.sampled_from(LETTERS), max_size=8))
values = st.lists(fragments, max_size=12).map("".join)
short_values = st.lists(fragments, max_size=5).map("".join)
FIELD_NAMES = ["From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "Content-Type",
               "Content-Disposition", "Content-Transfer-Encoding", "Content-ID", "X-Other"]
MEDIA_TYPES = ["text/plain", "text/html", "multipart/mixed", "multipart/alternative", "multipart/related",
               "multipart/digest", "message/rfc822", "application/octet-stream", "image/png", "bogus"]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "bogus"]


def header_block(fields: list[tuple[str, str]]) -> bytes:
    return b"".join(f"{n}: {v}\r\n".encode("utf-8", "surrogatepass") for n, v in fields)


@st.composite
def entities(draw: st.DrawFn, depth: int = 0) -> bytes:
    """A MIME entity (headers, body) with random, often hostile, structure."""
    media = draw(st.sampled_from(MEDIA_TYPES))
    boundary = draw(st.sampled_from(["b", "b b", "=_x", "", "a" * 80]))
    params = draw(st.lists(st.tuples(st.sampled_from(["charset", "name", "format", "delsp", "start", "x*0*",
                                                       "name*", "name*1"]), short_values), max_size=2))
    content_type = media + f'; boundary="{boundary}"' + "".join(f"; {k}={v}" for k, v in params)
    fields = [("Content-Type", content_type),
              ("Content-Transfer-Encoding", draw(st.sampled_from(ENCODINGS)))]
    fields += draw(st.lists(st.tuples(st.sampled_from(FIELD_NAMES), short_values), max_size=2))
    if media.startswith("multipart/") and depth < 2:
        parts = draw(st.lists(entities(depth + 1), max_size=3))
        close = draw(st.sampled_from([f"\r\n--{boundary}--\r\n", "", "\r\n--" + boundary]))
        body = b"".join(b"\r\n--" + boundary.encode() + b"\r\n" + p for p in parts) + close.encode()
    else:
        text = short_values.map(lambda v: v.encode("utf-8", "surrogatepass"))
        body = draw(st.one_of(st.binary(max_size=100), text))
    return header_block(fields) + draw(st.sampled_from([b"\r\n", b"\n", b""])) + body


one_line = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A well-formed message, then cut, spliced and corrupted."""
    m = EmailMessage()
    m["From"] = draw(st.sampled_from(["René <r@x.fr>", '"Dupont, René" <r@x.fr>, b@y', "team: a@x;"]))
    m["Subject"] = draw(one_line)
    m.set_content(draw(st.text(max_size=60)))
    if draw(st.booleans()):
        m.add_alternative("<p>" + draw(st.text(max_size=40)) + "<a href='https://x.example'>x</a></p>",
                          subtype="html")
    if draw(st.booleans()):
        m.add_attachment(draw(st.binary(max_size=50)), maintype="application", subtype="pdf",
                         filename=draw(one_line.filter(str.strip)))
    for n, part in enumerate(m.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_{n}")  # not random: hypothesis replays examples
    raw = bytearray(m.as_bytes(policy=email.policy.SMTP))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(raw)))
        op = draw(st.sampled_from(["flip", "cut", "insert", "duplicate"]))
        if op == "flip" and at < len(raw):
            raw[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at : at + draw(st.integers(1, 40))]
        elif op == "insert":
            raw[at:at] = draw(st.sampled_from(TRICKY)).encode("utf-8", "surrogatepass")
        else:
            raw[at:at] = raw[at : at + draw(st.integers(1, 80))]
    return bytes(raw)


# --- properties -------------------------------------------------------------------------


@given(st.binary(max_size=2000))
def test_any_bytes_render(raw: bytes) -> None:
    assert_renders(raw)


@given(entities())
def test_random_mime_structures_render(raw: bytes) -> None:
    assert_renders(raw)
    parse_message(raw)


@given(mutated())
def test_mutated_messages_render(raw: bytes) -> None:
    assert_renders(raw)


@given(st.lists(st.tuples(st.sampled_from(FIELD_NAMES), values), max_size=8), st.text(max_size=100))
def test_any_header_fields_render(fields: list[tuple[str, str]], body: str) -> None:
    assert_renders(header_block(fields) + b"\r\n" + body.encode("utf-8", "surrogatepass"))


@given(values)
def test_header_decoding_never_fails_and_display_text_is_sanitised(value: str) -> None:
    assert isinstance(decode_text(value), str)
    shown = display_text(value)
    assert sanitize(shown) == shown
    addresses = format_header_addresses([value])
    assert sanitize(addresses) == addresses
    head, params = parse_params(value)
    assert isinstance(head, str) and all(isinstance(v, str) for v in params.values())
    parsed = parse_date(value)
    assert parsed is None or parsed.tzinfo is not None
