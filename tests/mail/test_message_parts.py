"""message_parts: the body parts and attachments chosen from a BODYSTRUCTURE, and what opening fetches."""

from __future__ import annotations

from typing import Any

from tuimail.imap.parser import parse_response
from tuimail.mail.message_parts import (
    HEADER_FETCH_BYTES,
    TEXT_FETCH_BYTES,
    TEXT_FETCH_TOTAL,
    message_parts,
)
from tuimail.mail.render import attachment_name

MIXED = (
    b'((("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 16 1 NIL NIL NIL NIL)'
    b'("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 40 2 NIL NIL NIL NIL)'
    b' "ALTERNATIVE" ("BOUNDARY" "b") NIL NIL NIL)'
    b'("APPLICATION" "PDF" ("NAME" "r.pdf") NIL NIL "BASE64" 7800 NIL'
    b' ("ATTACHMENT" ("FILENAME*" "utf-8\'\'na%C3%AFve.pdf")) NIL NIL)'
    b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 1 NIL ("ATTACHMENT" NIL) NIL NIL)'
    b' "MIXED" ("BOUNDARY" "a") NIL NIL NIL)'
)


def structure(text: bytes) -> Any:
    response = parse_response(b"* 1 FETCH (UID 7 BODYSTRUCTURE " + text + b")\r\n")
    return response.data.attr["BODYSTRUCTURE"]  # type: ignore[union-attr]


def test_alternative_plain_text_is_the_body_and_the_rest_are_attachments() -> None:
    parts = message_parts(structure(MIXED))
    assert [p.section for p in parts.bodies] == ["1.1"]
    assert [(p.section, p.content_type, p.filename) for p in parts.attachments] == [
        ("2", "application/pdf", "naïve.pdf"),  # RFC 2231 decoded, disposition's name first
        ("3", "text/plain", None),  # a text part with disposition attachment is one
    ]
    assert parts.attachments[0].encoding == "base64" and 5500 < parts.attachments[0].decoded_size < 5850


def test_opening_fetches_the_header_and_the_text_part_with_its_mime_header_only() -> None:
    items = [s.item() for s in message_parts(structure(MIXED)).fetch_sections()]
    assert items == [
        f"BODY.PEEK[HEADER]<0.{HEADER_FETCH_BYTES}>",
        "BODY.PEEK[1.1.MIME]<0.65536>",
        "BODY.PEEK[1.1]<0.1042>",  # the size stated, and some slack
        "BODY.PEEK[2.MIME]<0.8192>",  # the attachments' MIME headers, for their names
        "BODY.PEEK[3.MIME]<0.8192>",
    ]


def test_a_single_part_message_is_part_1_and_its_mime_header_is_the_header() -> None:
    parts = message_parts(structure(b'("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "BASE64" 300 4)'))
    assert parts.single and [p.section for p in parts.bodies] == ["1"] and not parts.attachments
    assert [s.item() for s in parts.fetch_sections()] == [
        f"BODY.PEEK[HEADER]<0.{HEADER_FETCH_BYTES}>",
        "BODY.PEEK[1]<0.1361>",
    ]


def test_a_single_part_pdf_is_an_attachment_and_nothing_but_the_header_is_fetched() -> None:
    parts = message_parts(structure(b'("APPLICATION" "PDF" NIL NIL NIL "BASE64" 9000000)'))
    assert [p.section for p in parts.attachments] == ["1"] and not parts.bodies
    assert [s.section for s in parts.fetch_sections()] == ["HEADER"]


def test_a_huge_text_part_is_fetched_in_part_and_the_rest_is_counted() -> None:
    huge = 500 * 1024 * 1024
    parts = message_parts(structure(b'("TEXT" "PLAIN" NIL NIL NIL "8BIT" %d 9)' % huge))
    (body,) = [s for s in parts.fetch_sections() if s.section == "1"]
    assert body.length == TEXT_FETCH_BYTES
    assert parts.not_fetched() == huge - TEXT_FETCH_BYTES


def test_many_text_parts_share_one_budget() -> None:
    leaf = b'("TEXT" "PLAIN" NIL NIL NIL "8BIT" %d 1)' % (6 * 1024 * 1024)
    parts = message_parts(structure(b"(" + leaf * 5 + b' "MIXED")'))
    fetched = sum(
        s.length or 0 for s in parts.fetch_sections() if s.section[0].isdigit() and "MIME" not in s.section
    )
    assert len(parts.bodies) == 5 and fetched == TEXT_FETCH_TOTAL
    # Two parts whole (6 MiB and the slack each), 2.5 MiB - 2 KiB of the third, none of the last two.
    assert parts.not_fetched() == (6 * 1024 - 2560 + 2) * 1024 + 12 * 1024 * 1024


def test_pymap_style_disposition_is_an_attachment_named_from_its_mime_header() -> None:
    parts = message_parts(
        structure(
            b'(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1)'
            b'("IMAGE" "PNG" NIL NIL NIL "BASE64" 100 NIL'
            b' "attachment; filename=\\"a b.png\\"" NIL NIL) "MIXED")'
        )
    )
    (ref,) = parts.attachments
    assert ref.section == "2" and ref.disposition == "attachment"
    assert ref.filename is not None and ref.filename.lower() == "a b.png"  # the parser upper-cases it
    header = b'Content-Type: image/png\r\nContent-Disposition: attachment; filename="a b.png"\r\n\r\n'
    assert attachment_name(ref, header) == "a b.png" and attachment_name(ref, None) == ref.filename


def test_related_root_is_the_body_and_nesting_is_numbered_by_section() -> None:
    parts = message_parts(
        structure(
            b'((("TEXT" "HTML" NIL NIL NIL "7BIT" 30 1)'
            b'("IMAGE" "PNG" NIL "<i1>" NIL "BASE64" 90 NIL) "RELATED")'
            b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 50 NIL ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1) 4)'
            b' "MIXED")'
        )
    )
    assert [p.section for p in parts.bodies] == ["1.1"]
    assert [(p.section, p.content_type) for p in parts.attachments] == [
        ("1.2", "image/png"),
        ("2", "message/rfc822"),
    ]


def test_deep_and_wide_structures_are_bounded() -> None:
    deep: Any = structure(b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1)')
    from tuimail.imap.types import BodyTypeMultipart

    for _ in range(100):
        deep = BodyTypeMultipart("MULTIPART", "MIXED", [deep])
    parts = message_parts(deep)
    assert parts.truncated and not parts.bodies
    wide = BodyTypeMultipart(
        "MULTIPART", "MIXED", [structure(b'("IMAGE" "PNG" NIL NIL NIL "BASE64" 9)')] * 5000
    )
    parts = message_parts(wide)
    assert parts.truncated and len(parts.attachments) < 1001


def test_the_html_of_a_plain_and_html_pair_is_chosen_when_preferred_and_the_pair_is_said() -> None:
    plain = message_parts(structure(MIXED))
    html = message_parts(structure(MIXED), prefer="html")
    assert (plain.alternatives, plain.shown) == (("plain", "html"), "plain")
    assert (html.alternatives, html.shown) == (("plain", "html"), "html")
    assert [p.section for p in html.bodies] == ["1.2"] and html.attachments == plain.attachments
    one_part = b'("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 16 1 NIL NIL NIL NIL)'
    single = message_parts(structure(one_part))
    assert single.alternatives == () and single.shown == ""
