"""parse_response: FETCH data, envelopes and body structures (RFC 9051 §7.5.2)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tuimail.imap import (
    Address,
    BodyTypeBasic,
    BodyTypeMessage,
    BodyTypeMultipart,
    BodyTypeText,
    ContentDisposition,
    Envelope,
    FetchData,
    ParseError,
    UntaggedResponse,
    parse_response,
)


def fetch(line: bytes) -> FetchData:
    r = parse_response(line)
    assert isinstance(r, UntaggedResponse) and r.name == "FETCH"
    assert isinstance(r.data, FetchData)
    return r.data


def test_simple_items() -> None:
    fd = fetch(b"* 12 FETCH (UID 4827313 FLAGS (\\Seen $MDNSent) RFC822.SIZE 44827 MODSEQ (12121230956))\r\n")
    assert fd.seqno == 12
    assert fd.attr == {
        "UID": 4827313, "FLAGS": ["\\Seen", "$MDNSent"], "RFC822.SIZE": 44827, "MODSEQ": 12121230956}
    assert fd.uid == 4827313 and fd.flags == ["\\Seen", "$MDNSent"]


def test_item_names_are_upper_cased() -> None:
    assert fetch(b"* 1 FETCH (uid 5 rfc822.size 3)\r\n").attr == {"UID": 5, "RFC822.SIZE": 3}


def test_internaldate_is_aware_datetime_that_prints_as_sent() -> None:
    date = fetch(b'* 1 FETCH (INTERNALDATE "17-Jul-1996 02:44:25 -0700")\r\n').attr["INTERNALDATE"]
    assert date == datetime(1996, 7, 17, 2, 44, 25, tzinfo=timezone(timedelta(hours=-7)))
    assert str(date) == "17-Jul-1996 02:44:25 -0700"
    assert date.isoformat() == "1996-07-17T02:44:25-07:00"


def test_internaldate_prints_in_imap_form_whatever_the_locale() -> None:
    date = fetch(b'* 1 FETCH (INTERNALDATE "01-Dec-2024 23:59:00 -0330")\r\n').attr["INTERNALDATE"]
    assert str(date) == "01-Dec-2024 23:59:00 -0330"


def test_internaldate_with_space_padded_day() -> None:
    date = fetch(b'* 1 FETCH (INTERNALDATE " 7-Jul-1996 02:44:25 +0000")\r\n').attr["INTERNALDATE"]
    assert (date.day, date.utcoffset()) == (7, timedelta(0))


def test_invalid_internaldate_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_response(b'* 1 FETCH (INTERNALDATE "31-Foo-1996 02:44:25 +0000")\r\n')


def test_body_sections_keep_section_and_origin_in_key() -> None:
    fd = fetch(b"* 1 FETCH (BODY[1.2]<0> {3}\r\nabc "
               b"BODY[header.fields (Subject)] {12}\r\nSubject: x\r\n)\r\n")
    assert fd.attr == {"BODY[1.2]<0>": b"abc", "BODY[HEADER.FIELDS (SUBJECT)]": b"Subject: x\r\n"}


def test_body_section_data_is_exact_bytes() -> None:
    body = b'caf\xe9 "quoted" \\ \x00 end'
    fd = fetch(b"* 1 FETCH (BODY[] {%d}\r\n%s)\r\n" % (len(body), body))
    assert fd.attr["BODY[]"] == body


def test_body_section_quoted_and_nil() -> None:
    fd = fetch(b'* 1 FETCH (BODY[TEXT] "hi \\"there\\"" BODY[1] NIL)\r\n')
    assert fd.attr == {"BODY[TEXT]": b'hi "there"', "BODY[1]": None}


def test_quoted_header_field_names_are_keyed_unquoted() -> None:
    fd = fetch(b'* 10 FETCH (BODY[HEADER.FIELDS ("Content-Type")] {2}\r\nab)\r\n')
    assert list(fd.attr) == ["BODY[HEADER.FIELDS (CONTENT-TYPE)]"]


def test_rfc822_items() -> None:
    fd = fetch(b"* 1 FETCH (RFC822.HEADER {3}\r\nabc RFC822.TEXT {2}\r\nde RFC822 NIL)\r\n")
    assert fd.attr == {"RFC822.HEADER": b"abc", "RFC822.TEXT": b"de", "RFC822": None}


def test_binary_items_and_literal8() -> None:
    fd = fetch(b"* 1 FETCH (BINARY[2] ~{4}\r\n\x00\x01\r\n BINARY.SIZE[2] 4)\r\n")
    assert fd.attr == {"BINARY[2]": b"\x00\x01\r\n", "BINARY.SIZE[2]": 4}


def test_objectid_items() -> None:
    fd = fetch(b"* 3 FETCH (EMAILID (M5fdc09b49ea703) THREADID NIL)\r\n")
    assert fd.attr == {"EMAILID": "M5fdc09b49ea703", "THREADID": None}


def test_savedate_and_preview() -> None:
    fd = fetch(b'* 1 FETCH (SAVEDATE "26-Nov-2026 16:16:01 +0000" PREVIEW "Hallo")\r\n')
    assert fd.attr["SAVEDATE"].year == 2026 and fd.attr["PREVIEW"] == "Hallo"
    assert fetch(b"* 1 FETCH (SAVEDATE NIL)\r\n").attr["SAVEDATE"] is None


def test_gmail_items() -> None:
    fd = fetch(b"* 1 FETCH (X-GM-MSGID 1278455344230334865 X-GM-THRID 12 "
               b'X-GM-LABELS (\\Inbox "Muy Importante" foo))\r\n')
    assert fd.attr == {"X-GM-MSGID": 1278455344230334865, "X-GM-THRID": 12,
                       "X-GM-LABELS": ["\\Inbox", "Muy Importante", "foo"]}
    assert fetch(b"* 3 FETCH (X-GM-LABELS ())\r\n").attr["X-GM-LABELS"] == []


def test_unknown_fetch_item_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="UNKNOWN"):
        parse_response(b"* 123 FETCH (UNKNOWN 92285)\r\n")


def test_unknown_vendor_item_is_parsed_generically() -> None:
    assert fetch(b'* 1 FETCH (X-FOO (1 "a" NIL))\r\n').attr["X-FOO"] == [1, "a", None]


def test_trailing_space_and_uidfetch() -> None:
    assert fetch(b"* 1 FETCH (UID 92285 )\r\n").attr == {"UID": 92285}
    r = parse_response(b"* 25997 UIDFETCH (FLAGS (\\Flagged))\r\n")
    assert r.name == "UIDFETCH" and r.data == FetchData(25997, {"FLAGS": ["\\Flagged"]})


def test_zero_prefixed_literal_size() -> None:
    assert fetch(b"* 1 FETCH (BODY[] {003}\r\nabc)\r\n").attr["BODY[]"] == b"abc"


# --- envelope -------------------------------------------------------------------

ENVELOPE = (
    b'("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" '
    b'(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) '
    b'(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) '
    b'((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL '
    b'"<B27397-0100000@cac.washington.edu>")'
)
TERRY = [Address("Terry Gray", None, "gray", "cac.washington.edu")]
EXPECTED_ENVELOPE = Envelope(
    "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)", "IMAP4rev1 WG mtg summary and minutes", TERRY, TERRY, TERRY,
    [Address(None, None, "imap", "cac.washington.edu")],
    [Address(None, None, "minutes", "CNRI.Reston.VA.US"),
     Address("John Klensin", None, "KLENSIN", "MIT.EDU")],
    None, None, "<B27397-0100000@cac.washington.edu>",
)


def test_envelope_rfc_example() -> None:
    assert fetch(b"* 12 FETCH (ENVELOPE " + ENVELOPE + b")\r\n").attr["ENVELOPE"] == EXPECTED_ENVELOPE
    assert TERRY[0].email == "gray@cac.washington.edu"


def test_envelope_strings_as_literals_parse_the_same() -> None:
    with_literals = ENVELOPE.replace(b'"Terry Gray"', b"{10}\r\nTerry Gray").replace(
        b'"IMAP4rev1 WG mtg summary and minutes"', b"{36}\r\nIMAP4rev1 WG mtg summary and minutes")
    assert fetch(b"* 12 FETCH (ENVELOPE " + with_literals + b")\r\n").attr["ENVELOPE"] == EXPECTED_ENVELOPE


def test_envelope_with_escapes_and_literal_holding_quotes() -> None:
    env = (b'("d" {13}\r\nRe: "quoted"! (("Doe, \\"J\\"" NIL "j" "x.org")) NIL NIL '
           b'(({11}\r\nback\\slash" NIL "b" "x.org")) NIL NIL NIL NIL)')
    e = fetch(b"* 1 FETCH (ENVELOPE " + env + b")\r\n").attr["ENVELOPE"]
    assert e.subject == 'Re: "quoted"!'
    assert e.from_ == [Address('Doe, "J"', None, "j", "x.org")]
    assert e.to == [Address('back\\slash"', None, "b", "x.org")]


def test_envelope_encoded_words_stay_as_sent() -> None:
    env = (b'(NIL "=?UTF-8?B?w5xiZXI=?=" (("=?utf-8?q?J=C3=BCrgen?=" NIL "j" "x.de")) '
           b"NIL NIL NIL NIL NIL NIL NIL)")
    e = fetch(b"* 1 FETCH (ENVELOPE " + env + b")\r\n").attr["ENVELOPE"]
    assert e.subject == "=?UTF-8?B?w5xiZXI=?=" and e.from_[0].name == "=?utf-8?q?J=C3=BCrgen?="


def test_envelope_group_syntax() -> None:
    env = b'(NIL NIL NIL NIL NIL ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL)'
    e = fetch(b"* 1 FETCH (ENVELOPE " + env + b")\r\n").attr["ENVELOPE"]
    assert e.to == [Address(None, None, "undisclosed-recipients", None), Address(None, None, None, None)]
    assert e.to[0].email is None


def test_envelope_quirks_space_between_addresses_and_empty_list() -> None:
    env = b'(NIL NIL (("a" NIL "a" "x") ("b" NIL "b" "x")) () NIL NIL NIL NIL NIL NIL)'
    e = fetch(b"* 1 FETCH (ENVELOPE " + env + b")\r\n").attr["ENVELOPE"]
    assert [a.name for a in e.from_] == ["a", "b"] and e.sender == []


def test_envelope_latin1_bytes_are_decoded() -> None:
    env = b'(NIL "caf\xe9" NIL NIL NIL NIL NIL NIL NIL NIL)'
    assert fetch(b"* 1 FETCH (ENVELOPE " + env + b")\r\n").attr["ENVELOPE"].subject == "café"


# --- body structure -------------------------------------------------------------------


def test_single_text_part_with_extensions() -> None:
    b = fetch(b'* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92 '
              b'"md5sum" ("inline" NIL) "en" "loc"))\r\n').attr["BODYSTRUCTURE"]
    assert b == BodyTypeText("TEXT", "PLAIN", {"CHARSET": "US-ASCII"}, None, None, "7BIT", 3028, 92,
                             "md5sum", ContentDisposition("INLINE", None), ["en"], "loc")
    assert not b.multipart


def test_multipart_with_attachment() -> None:
    line = (b'* 1 FETCH (BODYSTRUCTURE ((("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 28 2 '
            b'NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "7bit" 28 1 NIL NIL NIL NIL) '
            b'"alternative" ("boundary" "b1") NIL NIL NIL)("application" "pdf" ("name" "Bericht Q2.pdf") '
            b'NIL NIL "base64" 358 NIL ("attachment" ("filename" "Bericht Q2.pdf")) NIL NIL) "mixed" '
            b'("boundary" "b0") NIL NIL NIL))\r\n')
    b = fetch(line).attr["BODYSTRUCTURE"]
    assert isinstance(b, BodyTypeMultipart) and b.multipart
    assert (b.subtype, b.param) == ("MIXED", {"BOUNDARY": "b0"})
    alt, pdf = b.parts
    assert isinstance(alt, BodyTypeMultipart) and alt.subtype == "ALTERNATIVE"
    assert [p.subtype for p in alt.parts] == ["PLAIN", "HTML"]
    dsp = ContentDisposition("ATTACHMENT", {"FILENAME": "Bericht Q2.pdf"})
    assert pdf == BodyTypeBasic(
        "APPLICATION", "PDF", {"NAME": "Bericht Q2.pdf"}, None, None, "base64", 358, None, dsp, None, None)


def test_non_extensible_body() -> None:
    b = fetch(b'* 1 FETCH (BODY (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 14 1)'
              b'("application" "pdf" NIL NIL NIL "base64" 358) "mixed"))\r\n').attr["BODY"]
    assert isinstance(b, BodyTypeMultipart) and b.param is None
    assert b.parts[1] == BodyTypeBasic("APPLICATION", "PDF", None, None, None, "base64", 358)


def test_message_rfc822_part() -> None:
    line = (b'* 3 FETCH (BODY (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 14 1)'
            b'("message" "rfc822" NIL NIL NIL "8bit" 185 ("Wed, 05 Jun 2024" "inner" '
            b'((NIL NIL "x" "example.com")) NIL NIL NIL NIL NIL NIL NIL) '
            b'("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 12 1) 8) "mixed"))\r\n')
    msg = fetch(line).attr["BODY"].parts[1]
    assert isinstance(msg, BodyTypeMessage)
    assert msg.envelope.subject == "inner" and msg.lines == 8
    assert msg.body == BodyTypeText("TEXT", "PLAIN", {"CHARSET": "utf-8"}, None, None, "7bit", 12, 1)


def test_message_rfc822_sent_as_basic_is_tolerated() -> None:
    line = (b'* 1 FETCH (BODY ("MESSAGE" "RFC822" ("NAME" "a.eml") NIL NIL "7BIT" 4079 NIL '
            b'("ATTACHMENT" ("FILENAME" "a.eml")) NIL NIL))\r\n')
    b = fetch(line).attr["BODY"]
    assert isinstance(b, BodyTypeBasic)
    assert b.disposition == ContentDisposition("ATTACHMENT", {"FILENAME": "a.eml"})


def test_multipart_without_parts_is_tolerated() -> None:
    b = fetch(b'* 1 FETCH (BODY ("MIXED"))\r\n').attr["BODY"]
    assert b == BodyTypeMultipart("MULTIPART", "MIXED", [])


def test_body_extension_data_is_kept() -> None:
    b = fetch(b'* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL ("l1" "l2") "loc" '
              b'"ext0" 1 (2 ((3))) NIL))\r\n').attr["BODYSTRUCTURE"]
    assert b.language == ["l1", "l2"] and b.location == "loc"
    assert b.extension == ["ext0", 1, [2, [[3]]], None]


def test_body_quirks_double_space_and_nil_case() -> None:
    b = fetch(b'* 1 FETCH (BODY ("text" "plain"  ("charset" "UTF-8") NiL nil "7bit" 409 7))\r\n').attr["BODY"]
    assert b == BodyTypeText("TEXT", "PLAIN", {"CHARSET": "UTF-8"}, None, None, "7bit", 409, 7)


def test_body_parameter_as_literal() -> None:
    line = b'* 1 FETCH (BODY ("application" "pdf" ("name" {9}\r\n\xc3\x9cber.pdf) NIL NIL "base64" 3))\r\n'
    assert fetch(line).attr["BODY"].param == {"NAME": "Über.pdf"}


def test_fast_and_slow_body_paths_agree() -> None:
    quoted = (b'* 1 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "utf-8" "format" "flowed") '
              b'"<id>" "desc" "7bit" 10 1 "md5" ("inline" ("x" "y")) ("en" "de") "loc")'
              b'("image" "png" NIL NIL NIL "base64" 5 '
              b'NIL NIL NIL NIL) "mixed" ("boundary" "b") ("inline" NIL) "fr" "l"))\r\n')
    # The same structure with an escaped string takes the recursive-descent path.
    escaped = quoted.replace(b'"desc"', b'"d\\esc"')
    fast, slow = fetch(quoted).attr["BODYSTRUCTURE"], fetch(escaped).attr["BODYSTRUCTURE"]
    assert slow.parts[0].description == "desc"
    assert fast == slow


def test_deeply_nested_body_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="nested"):
        part = b'"text" "plain" NIL NIL NIL "7bit" 1 1'
        parse_response(b"* 1 FETCH (BODY " + b"(" * 150 + part + b")" * 151 + b"\r\n")
