"""The bounded MIME parser: header fields, parameters, multipart bodies, encodings."""

from __future__ import annotations

import base64
import email
import email.policy
from email.message import EmailMessage, Message

from hypothesis import given
from hypothesis import strategies as st

from tuimail.mail.mime import MAX_DEPTH, MAX_FIELD_BYTES, MAX_PARTS, MimePart, parse_message, parse_params

# --- header fields (RFC 5322 §2.2) ---------------------------------------------------------


def test_fields_are_unfolded_and_found_whatever_their_case() -> None:
    root = parse_message(b"SUBJECT: one\r\n  two\r\n\tthree\r\nfrom: a@x\r\n\r\nbody").root
    assert root.values("subject") == ["one  two\tthree"]
    assert root.first("from") == "a@x"
    assert root.raw[root.body_start : root.body_end] == b"body"


def test_only_display_and_mime_fields_are_kept() -> None:
    root = parse_message(b"X-Spam: 1\r\nReceived: by x\r\nSubject: s\r\n\r\n").root
    assert set(root.fields) == {"subject"}


def test_raw_utf8_headers_are_read_as_utf8_and_legacy_bytes_as_windows_1252() -> None:
    """RFC 6532 allows UTF-8 in header fields; older mail sends 8-bit text undeclared."""
    root = parse_message("Subject: café 日本\r\n".encode() + b"To: caf\xe9 <a@x>\r\n\r\n").root
    assert root.first("subject") == "café 日本"
    assert root.first("to") == "café <a@x>"


def test_an_mbox_from_line_is_skipped_and_a_stray_line_starts_the_body() -> None:
    root = parse_message(b"From someone Tue Mar 3 2026\nSubject: s\nnot a header\nmore\n").root
    assert root.first("subject") == "s"
    assert root.raw[root.body_start :] == b"not a header\nmore\n"


def test_a_message_without_an_empty_line_has_no_body() -> None:
    root = parse_message(b"Subject: s\r\nFrom: a@x").root
    assert root.first("from") == "a@x" and root.body_start == root.body_end


def test_a_message_starting_with_an_empty_line_has_no_fields() -> None:
    root = parse_message(b"\r\nSubject: not a field").root
    assert root.fields == {} and root.raw[root.body_start :] == b"Subject: not a field"


def test_field_values_are_cut_at_the_limit_between_utf8_characters() -> None:
    raw = b"Subject: " + "é".encode() * MAX_FIELD_BYTES + b"\r\nTo: a@x\r\n\r\n"
    root = parse_message(raw).root
    subject = root.first("subject")
    assert subject is not None and set(subject) == {"é"} and len(subject.encode()) <= MAX_FIELD_BYTES
    assert root.cut == frozenset({"subject"})
    assert root.first("to") == "a@x"


def test_repeated_fields_are_kept_up_to_the_limit() -> None:
    raw = b"To: a@x\r\n" * 100_000 + b"Subject: after\r\n\r\n"
    root = parse_message(raw).root
    assert 0 < len(root.values("to")) < 100_000
    assert "to" in root.cut


# --- parameters (RFC 2045 §5.1, RFC 2231) -------------------------------------------------


def test_parameters_quoted_unquoted_and_escaped() -> None:
    value, params = parse_params('Text/Plain; Charset="utf-8"; name="a;b \\"c\\".txt" ; format=flowed')
    assert value == "Text/Plain"
    assert params == {"charset": "utf-8", "name": 'a;b "c".txt', "format": "flowed"}


def test_malformed_parameters_are_skipped_and_an_unterminated_quote_runs_to_the_end() -> None:
    assert parse_params('text/plain; ;; junk; charset="utf-8')[1] == {"charset": "utf-8"}
    assert parse_params("text/plain; a=1; a=2")[1] == {"a": "1"}  # the first counts


def test_rfc2231_extended_value_with_charset_and_language() -> None:
    """RFC 2231 §4: charset'language'percent-encoded."""
    assert parse_params("attachment; filename*=iso-8859-1'fr'caf%E9.txt")[1] == {"filename": "café.txt"}


def test_rfc2231_continuations_are_joined_in_order_and_win_over_the_plain_form() -> None:
    """RFC 2231 §3: name*0, name*1... (§4.1: only encoded ones are percent-decoded)."""
    header = (
        "attachment; filename=fallback.txt; filename*2=\"rt.pdf\"; "
        "filename*0*=utf-8''%E2%82%AC%20; filename*1*=%72%65%70%6F"
    )
    assert parse_params(header)[1]["filename"] == "€ report.pdf"


def test_rfc2231_with_an_unknown_charset_falls_back() -> None:
    assert parse_params("a; filename*=x-bogus''caf%C3%A9")[1]["filename"] == "café"


# --- multipart (RFC 2046 §5.1.1) -----------------------------------------------------------


def bodies(part: MimePart) -> list[bytes]:
    assert part.children is not None
    return [child.decoded() for child in part.children]


def test_preamble_and_epilogue_are_not_parts_and_the_line_break_before_a_delimiter_belongs_to_it() -> None:
    raw = (
        b"Content-Type: multipart/mixed; boundary=\"b b\"\r\n\r\npreamble\r\n"
        b"--b b\r\n\r\none\r\n\r\n--b b  \t\r\nContent-Type: text/html\r\n\r\ntwo\r\n--b b--\r\nepilogue"
    )
    root = parse_message(raw).root
    assert bodies(root) == [b"one\r\n", b"two"]
    assert [c.content_type for c in root.children or []] == ["text/plain", "text/html"]


def test_lines_that_only_start_like_a_delimiter_are_content() -> None:
    raw = b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx\n --b\n--b-\n--b--\n"
    assert bodies(parse_message(raw).root) == [b"--bx\n --b\n--b-"]


def test_empty_parts_and_a_missing_close_delimiter() -> None:
    raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n--b\r\n\r\nlast\r\n"
    assert bodies(parse_message(raw).root) == [b"", b"last\r\n"]


def test_a_multipart_without_boundary_or_delimiter_is_a_leaf() -> None:
    for raw in [
        b"Content-Type: multipart/mixed\r\n\r\n--b\r\nx",
        b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--b\r\nx",
    ]:
        root = parse_message(raw).root
        assert root.children is None and root.content_type == "multipart/mixed"


def test_digest_parts_default_to_message_rfc822() -> None:
    """RFC 2046 §5.1.5."""
    raw = b"Content-Type: multipart/digest; boundary=b\r\n\r\n--b\r\n\r\nSubject: x\r\n\r\ny\r\n--b--"
    root = parse_message(raw).root
    assert [c.content_type for c in root.children or []] == ["message/rfc822"]


def test_bad_or_missing_content_types() -> None:
    """RFC 2045 §5.2: missing means text/plain; an unparseable one too."""
    assert parse_message(b"Content-Type: garbage\r\n\r\n").root.content_type == "text/plain"
    assert parse_message(b"Content-Type: Image / PNG ; x=1\r\n\r\n").root.content_type == "image/png"


def nested(depth: int) -> bytes:
    level = b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n"
    opening = b"".join(level % (i, i) for i in range(depth))
    return opening + b"Content-Type: text/plain\r\n\r\nleaf\r\n"


def leaves(part: MimePart) -> list[MimePart]:
    if part.children is None:
        return [part]
    return [leaf for child in part.children for leaf in leaves(child)]


def test_nesting_is_parsed_to_the_limit_and_no_deeper() -> None:
    shallow = parse_message(nested(MAX_DEPTH))
    assert not shallow.truncated and [leaf.decoded() for leaf in leaves(shallow.root)] == [b"leaf\r\n"]
    deep = parse_message(nested(MAX_DEPTH + 1))
    assert deep.truncated and leaves(deep.root) == []


def test_parts_beyond_the_limit_are_left_out_and_said_to_be() -> None:
    raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + b"--b\r\n\r\nx\r\n" * (MAX_PARTS + 10)
    message = parse_message(raw)
    assert message.truncated and len(message.root.children or []) == MAX_PARTS - 1


def test_a_flood_of_near_delimiters_is_cut_short() -> None:
    raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n" + b"--bX\r\n" * 1_000_000
    message = parse_message(raw)
    assert message.truncated and len(message.root.children or []) == 1


# --- transfer encodings (RFC 2045 §6) ------------------------------------------------------


def leaf(cte: bytes, body: bytes) -> MimePart:
    return parse_message(b"Content-Transfer-Encoding: " + cte + b"\r\n\r\n" + body).root


def test_base64_quoted_printable_and_uuencode_are_decoded() -> None:
    assert leaf(b"BASE64", b"AAEC\r\nAw==\r\n").decoded() == b"\x00\x01\x02\x03"
    assert leaf(b"base64", b"AAECAw").decoded() == b"\x00\x01\x02\x03"  # padding missing
    assert leaf(b"base64", b"AA!!EC\r\nA").decoded() == b"\x00\x01\x02"  # junk and a dangling letter
    assert leaf(b"quoted-printable", b"caf=C3=A9 soft=\r\nbreak").decoded() == "café softbreak".encode()
    assert leaf(b"x-uuencode", b"begin 644 a\r\n#86)C\r\n`\r\nend\r\n").decoded() == b"abc"
    assert leaf(b"8bit", b"caf\xc3\xa9").decoded() == "café".encode()


def test_base64_size_is_counted_without_decoding_and_matches() -> None:
    data = bytes(range(256)) * 1000
    part = leaf(b"base64", base64.encodebytes(data))
    assert part.decoded_size() == len(part.decoded()) == len(data)


def test_decoding_a_prefix() -> None:
    assert leaf(b"7bit", b"0123456789").decoded(limit=4) == b"0123"


# --- agreement with the standard library on well-formed mail ------------------------------

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
names = st.from_regex(r"[A-Za-z0-9 éü_-]{1,20}\.[a-z]{2,4}", fullmatch=True)


@st.composite
def messages(draw: st.DrawFn, depth: int = 0) -> EmailMessage:
    m = EmailMessage()
    kind = draw(st.sampled_from(["text", "html", "attachment", "multipart"] if depth < 3 else ["text"]))
    if kind == "text":
        m.set_content(draw(texts), cte=draw(st.sampled_from(["quoted-printable", "base64", "8bit"])))
    elif kind == "html":
        m.set_content(draw(texts), subtype="html")
    elif kind == "attachment":
        m.set_content(draw(st.binary(max_size=60)), maintype="application", subtype="octet-stream",
                      filename=draw(names))
    else:
        m.make_mixed()
        for sub in draw(st.lists(messages(depth + 1), min_size=1, max_size=3)):
            m.attach(sub)
    return m


def shape(part: Message | MimePart) -> object:
    if isinstance(part, MimePart):
        if part.children is not None:
            return (part.content_type, [shape(c) for c in part.children])
        return (part.content_type, part.decoded(), part.filename)
    if part.is_multipart():
        return (part.get_content_type(), [shape(p) for p in part.get_payload()])  # type: ignore[union-attr]
    return (part.get_content_type(), part.get_payload(decode=True), part.get_filename())


@given(messages())
def test_well_formed_mail_parses_as_the_standard_library_parses_it(message: EmailMessage) -> None:
    for n, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_{n}")  # not random: hypothesis replays examples
    raw = message.as_bytes(policy=email.policy.SMTP)
    expected = shape(email.message_from_bytes(raw, policy=email.policy.compat32))
    assert shape(parse_message(raw).root) == expected


def test_lone_surrogates_in_text_input_do_not_raise() -> None:
    assert parse_params("a; name*0=\ud800; name*1*=%41")[1]["name"].endswith("A")
    assert set(parse_params(";0*=\ud800")[1]) == {"0"}  # found by the long fuzzing profile
    message = parse_message(b"Content-Type: multipart/mixed; boundary=\xed\xa0\x80\r\n\r\n--x")
    assert message.root.children is None
