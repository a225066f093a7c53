"""Command encoder (RFC 9051 §2.2.1, §4, §9; RFC 7888 LITERAL+/-; RFC 3516)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tuimail.imap import EncodeError, SequenceSet
from tuimail.imap.commands.search_keys import needs_charset, search_criteria
from tuimail.imap.encoder import (
    Atom,
    Flags,
    Literal,
    Mailbox,
    Quoted,
    Raw,
    Sequence,
    String,
    encode_command,
    format_date,
    format_datetime,
)


def enc(*args: object, **kw: bool) -> list[bytes]:
    return encode_command("A1", "X", *args, **kw)


def line(*args: object, **kw: bool) -> bytes:
    """The command when it fits in one segment (no synchronising literal)."""
    segments = enc(*args, **kw)
    assert len(segments) == 1, segments
    return segments[0]


# --- basic shapes ---------------------------------------------------------------


def test_command_without_arguments_is_tag_name_crlf() -> None:
    assert encode_command("A001", "NOOP") == [b"A001 NOOP\r\n"]


def test_two_word_command_names_are_allowed() -> None:
    assert encode_command("A2", "UID FETCH", Sequence("1:*"), Atom("UID")) == [b"A2 UID FETCH 1:* UID\r\n"]


@pytest.mark.parametrize("tag", ["", "A 1", "A+1", "A\r\n", "A{1}", "T\x00", "Tä"])
def test_invalid_tags_are_refused(tag: str) -> None:
    with pytest.raises(EncodeError):
        encode_command(tag, "NOOP")


@pytest.mark.parametrize("name", ["", "NOOP\r\nA2 DELETE INBOX", "FE TCH ", "1ABC", "X{3}"])
def test_invalid_command_names_are_refused(name: str) -> None:
    with pytest.raises(EncodeError):
        encode_command("A1", name)


def test_numbers_and_nil() -> None:
    assert line(0, 42, 2**63, None) == b"A1 X 0 42 9223372036854775808 NIL\r\n"


@pytest.mark.parametrize("value", [-1, True, False])
def test_negative_numbers_and_bools_are_refused(value: object) -> None:
    with pytest.raises(EncodeError):
        enc(value)


def test_unknown_types_are_refused() -> None:
    with pytest.raises(EncodeError):
        enc(object())
    with pytest.raises(EncodeError):
        enc(1.5)


# --- plain str ------------------------------------------------------------------


def test_plain_str_that_is_an_atom_goes_as_an_atom() -> None:
    assert line("joe", "+FLAGS.SILENT", "$Junk") == b"A1 X joe +FLAGS.SILENT $Junk\r\n"


def test_plain_str_nil_is_quoted_so_it_is_not_read_as_nil() -> None:
    assert line("NIL", "nil") == b'A1 X "NIL" "nil"\r\n'


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("", b'""'),
        ("two words", b'"two words"'),
        ('say "hi"', b'"say \\"hi\\""'),
        ("back\\slash", b'"back\\\\slash"'),
        ("a]b", b'"a]b"'),
        ("(x)", b'"(x)"'),
        ("50%", b'"50%"'),
        ("*", b'"*"'),
        ("{5}", b'"{5}"'),
    ],
)
def test_plain_str_with_specials_is_quoted_and_escaped(text: str, wire: bytes) -> None:
    assert line(text) == b"A1 X " + wire + b"\r\n"


def test_plain_str_with_crlf_goes_as_a_literal_never_raw() -> None:
    segments = enc("x\r\nA2 DELETE INBOX")
    assert segments == [b"A1 X {18}\r\n", b"x\r\nA2 DELETE INBOX\r\n"]


@pytest.mark.parametrize("text", ["a\rb", "a\nb", "tab\there", "bell\x07", "del\x7f"])
def test_plain_str_with_control_characters_goes_as_a_literal(text: str) -> None:
    segments = enc(text)
    assert segments[0] == b"A1 X {%d}\r\n" % len(text.encode())
    assert segments[1] == text.encode() + b"\r\n"


def test_plain_str_with_nul_is_refused() -> None:
    with pytest.raises(EncodeError, match="NUL"):
        enc("a\x00b")


def test_non_ascii_str_is_a_utf8_literal_without_utf8_and_quoted_with_it() -> None:
    assert enc("Grüße") == [b"A1 X {7}\r\n", "Grüße".encode() + b"\r\n"]
    assert enc("Grüße", utf8=True) == [b'A1 X "Gr\xc3\xbc\xc3\x9fe"\r\n']


def test_lone_surrogate_is_refused() -> None:
    with pytest.raises(EncodeError):
        enc("\ud800")


def test_very_long_str_goes_as_a_literal() -> None:
    text = "word " * 1000
    segments = enc(text)
    assert segments[0] == b"A1 X {5000}\r\n"


# --- String, Quoted, Atom, Raw ----------------------------------------------------


def test_string_is_never_an_atom() -> None:
    assert line(String("ALL"), String("NIL"), String("")) == b'A1 X "ALL" "NIL" ""\r\n'


def test_string_with_crlf_is_a_literal() -> None:
    assert enc(String("a\r\nb")) == [b"A1 X {4}\r\n", b"a\r\nb\r\n"]


def test_quoted_forces_quotes() -> None:
    assert line(Quoted("INBOX")) == b'A1 X "INBOX"\r\n'


@pytest.mark.parametrize("text", ["a\r\nb", "a\nb", "a\x00b", "ä"])
def test_quoted_refuses_what_cannot_be_quoted(text: str) -> None:
    with pytest.raises(EncodeError):
        enc(Quoted(text))


def test_quoted_accepts_utf8_when_utf8_is_on() -> None:
    assert line(Quoted("ä"), utf8=True) == b'A1 X "\xc3\xa4"\r\n'


@pytest.mark.parametrize("text", ["", "a b", "a\r\n", "a\n", "a\x00", "(x", "x)", "{3}", "a]", '"', "ä", "*"])
def test_atom_refuses_invalid_atoms(text: str) -> None:
    with pytest.raises(EncodeError):
        Atom(text)


def test_atom_allows_a_leading_backslash_for_flags() -> None:
    assert line(Atom("\\Seen"), Atom("RFC822.SIZE")) == b"A1 X \\Seen RFC822.SIZE\r\n"


def test_raw_is_sent_as_is() -> None:
    raw = Raw("(UID BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]<0.100>)")
    assert line(raw) == b"A1 X (UID BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]<0.100>)\r\n"


@pytest.mark.parametrize("text", ["", "a\r\nA2 LOGOUT", "a\n", "x\x00", "BODY[] {5}", "ä"])
def test_raw_refuses_line_ends_nul_8bit_and_literal_braces(text: str) -> None:
    with pytest.raises(EncodeError):
        Raw(text)


def test_wrappers_refuse_non_str() -> None:
    with pytest.raises(EncodeError):
        Atom(b"x")  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        Mailbox(None)  # type: ignore[arg-type]


# --- literals -----------------------------------------------------------------------


def test_bytes_are_a_synchronising_literal_by_default() -> None:
    assert encode_command("A1", "APPEND", Mailbox("INBOX"), b"Hi\r\n") == [
        b"A1 APPEND INBOX {4}\r\n",
        b"Hi\r\n\r\n",
    ]


def test_several_literals_give_one_segment_each() -> None:
    assert enc(b"a", b"bc", 5) == [b"A1 X {1}\r\n", b"a {2}\r\n", b"bc 5\r\n"]


def test_literal_plus_sends_any_size_without_waiting() -> None:
    big = b"x" * 10000
    assert enc(b"ab", big, literal_plus=True) == [b"A1 X {2+}\r\nab {10000+}\r\n" + big + b"\r\n"]


def test_literal_minus_is_non_synchronising_only_up_to_4096_bytes() -> None:
    small, big = b"s" * 4096, b"b" * 4097
    assert enc(small, literal_minus=True) == [b"A1 X {4096+}\r\n" + small + b"\r\n"]
    assert enc(big, literal_minus=True) == [b"A1 X {4097}\r\n", big + b"\r\n"]


def test_empty_literal() -> None:
    assert enc(b"") == [b"A1 X {0}\r\n", b"\r\n"]


def test_literal_with_nul_is_refused_unless_binary() -> None:
    with pytest.raises(EncodeError, match="NUL"):
        enc(b"a\x00b")
    with pytest.raises(EncodeError, match="NUL"):
        enc(Literal(b"a\x00b"))
    assert enc(Literal(b"a\x00b", binary=True)) == [b"A1 X ~{3}\r\n", b"a\x00b\r\n"]


def test_binary_literal_with_literal_plus() -> None:
    assert enc(Literal(b"\x00", binary=True), literal_plus=True) == [b"A1 X ~{1+}\r\n\x00\r\n"]


def test_literal_of_str_is_utf8() -> None:
    assert enc(Literal("é")) == [b"A1 X {2}\r\n", b"\xc3\xa9\r\n"]


# --- mailboxes ------------------------------------------------------------------------


def test_mailbox_is_modified_utf7_encoded() -> None:
    assert line(Mailbox("Entwürfe")) == b"A1 X Entw&APw-rfe\r\n"
    assert line(Mailbox("A&B")) == b"A1 X A&-B\r\n"
    assert line(Mailbox("台北")) == b"A1 X &U,BTFw-\r\n"


def test_mailbox_with_spaces_or_specials_is_quoted() -> None:
    assert line(Mailbox("Sent Items")) == b'A1 X "Sent Items"\r\n'
    assert line(Mailbox('a"b\\c')) == b'A1 X "a\\"b\\\\c"\r\n'
    assert line(Mailbox("")) == b'A1 X ""\r\n'
    assert line(Mailbox("NIL")) == b'A1 X "NIL"\r\n'
    assert line(Mailbox("Lists/[x]")) == b"A1 X Lists/[x]\r\n"


def test_mailbox_with_crlf_cannot_inject_in_either_mode() -> None:
    assert line(Mailbox("a\r\nA2 LOGOUT")) == b'A1 X "a&AA0ACg-A2 LOGOUT"\r\n'
    assert enc(Mailbox("a\r\nb"), utf8=True) == [b"A1 X {4}\r\n", b"a\r\nb\r\n"]


def test_mailbox_is_utf8_quoted_when_utf8_is_on() -> None:
    assert line(Mailbox("Entwürfe"), utf8=True) == b'A1 X "Entw\xc3\xbcrfe"\r\n'
    assert line(Mailbox("INBOX"), utf8=True) == b"A1 X INBOX\r\n"


def test_mailbox_with_nul_is_refused_in_utf8_mode() -> None:
    with pytest.raises(EncodeError):
        enc(Mailbox("a\x00"), utf8=True)


# --- sequence sets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (5, b"5"),
        ("1:*", b"1:*"),
        ([1, 2, 3, 7], b"1:3,7"),
        (range(4, 8), b"4:7"),
        ([range(1, 3), 9], b"1:2,9"),
        (SequenceSet("2,4:6"), b"2,4:6"),
    ],
)
def test_sequence_sets_from_many_values(value: object, wire: bytes) -> None:
    assert line(Sequence(value)) == b"A1 X " + wire + b"\r\n"


def test_sequence_set_and_range_are_accepted_directly() -> None:
    assert line(SequenceSet("1:4"), range(1, 3)) == b"A1 X 1:4 1:2\r\n"


@pytest.mark.parametrize("value", [[], 0, -3, "1:x", "1\r\nA2 LOGOUT", "", [True]])
def test_invalid_or_empty_sequence_sets_are_refused(value: object) -> None:
    with pytest.raises(EncodeError):
        Sequence(value)


# --- flags, lists, dates -----------------------------------------------------------------


def test_flag_list() -> None:
    assert line(Flags(["\\Seen", "\\Deleted", "$Forwarded"])) == b"A1 X (\\Seen \\Deleted $Forwarded)\r\n"
    assert line(Flags([])) == b"A1 X ()\r\n"
    assert line(Flags("\\Flagged")) == b"A1 X (\\Flagged)\r\n"


@pytest.mark.parametrize("flag", ["\\Seen\r\nA2 LOGOUT", "two words", "", "\\", "a\x00", "(x)", "ä", "\\*"])
def test_invalid_flags_are_refused(flag: str) -> None:
    with pytest.raises(EncodeError):
        Flags([flag])


def test_nested_lists_are_parenthesised() -> None:
    assert line(["UID", ["FLAGS", Raw("BODY[]")], ()]) == b"A1 X (UID (FLAGS BODY[]) ())\r\n"


def test_literal_inside_a_list_splits_segments() -> None:
    assert enc(["a", b"xy", "b"]) == [b"A1 X (a {2}\r\n", b"xy b)\r\n"]


def test_lists_nested_too_deep_are_refused() -> None:
    value: list[object] = []
    for _ in range(200):
        value = [value]
    with pytest.raises(EncodeError):
        enc(value)


def test_dates_use_english_month_names() -> None:
    assert line(date(2003, 4, 1)) == b"A1 X 1-Apr-2003\r\n"
    assert format_date(date(1999, 12, 31)) == "31-Dec-1999"


def test_datetime_is_a_quoted_date_time() -> None:
    value = datetime(1996, 7, 7, 2, 44, 25, tzinfo=timezone(timedelta(hours=-7)))
    assert line(value) == b'A1 X " 7-Jul-1996 02:44:25 -0700"\r\n'
    utc = datetime(2024, 11, 17, 23, 5, 0, tzinfo=UTC)
    assert format_datetime(utc) == "17-Nov-2024 23:05:00 +0000"
    half = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert format_datetime(half).endswith("+0530")


# --- search criteria -----------------------------------------------------------------------


def search(criteria: object, **kw: bool) -> list[bytes]:
    return encode_command("A1", "SEARCH", *search_criteria(criteria), **kw)  # type: ignore[arg-type]


def test_search_example_from_net_imap() -> None:
    assert search(["BEFORE", date(2003, 4, 30), "SINCE", "1-Apr-2003"]) == [
        b"A1 SEARCH BEFORE 30-Apr-2003 SINCE 1-Apr-2003\r\n"
    ]


def test_search_keys_are_upper_cased_atoms() -> None:
    assert search(["unseen", "Flagged"]) == [b"A1 SEARCH UNSEEN FLAGGED\r\n"]


@pytest.mark.parametrize("value", ["ALL", "DELETED", "NIL", "OR", "1:*"])
def test_search_string_values_that_look_like_keys_are_quoted(value: str) -> None:
    assert search(["SUBJECT", value]) == [b'A1 SEARCH SUBJECT "' + value.encode() + b'"\r\n']


def test_search_string_with_crlf_is_a_literal() -> None:
    assert search(["BODY", "x\r\nA2 LOGOUT"]) == [b"A1 SEARCH BODY {12}\r\n", b"x\r\nA2 LOGOUT\r\n"]


def test_search_non_ascii_string_is_a_literal_and_needs_charset() -> None:
    args = search_criteria(["FROM", "Jürgen"])
    assert needs_charset(args)
    assert not needs_charset(search_criteria(["FROM", "Juergen"]))
    assert encode_command("A1", "SEARCH", "CHARSET", "UTF-8", *args) == [
        b"A1 SEARCH CHARSET UTF-8 FROM {7}\r\n",
        "Jürgen".encode() + b"\r\n",
    ]


def test_search_header_takes_two_strings() -> None:
    assert search(["HEADER", "Message-ID", "<a@b>"]) == [b'A1 SEARCH HEADER "Message-ID" "<a@b>"\r\n']


def test_search_or_and_not_take_whole_keys_and_lists_group() -> None:
    criteria = ["OR", ["FROM", "a", "UNSEEN"], "NOT", "SEEN", "NOT", ["TO", "b"]]
    assert search(criteria) == [b'A1 SEARCH OR (FROM "a" UNSEEN) NOT SEEN NOT (TO "b")\r\n']


def test_search_numbers_sets_and_uid() -> None:
    assert search([5, range(1, 4), "2:*", "UID", [7, 9], "LARGER", 1024, "SMALLER", "10"]) == [
        b"A1 SEARCH 5 1:3 2:* UID 7,9 LARGER 1024 SMALLER 10\r\n"
    ]


def test_search_keyword_and_modseq() -> None:
    assert search(["KEYWORD", "$Junk", "MODSEQ", 620162338]) == [
        b"A1 SEARCH KEYWORD $Junk MODSEQ 620162338\r\n"
    ]
    assert search(["MODSEQ", "/flags/\\draft", "all", 620162338]) == [
        b'A1 SEARCH MODSEQ "/flags/\\\\draft" all 620162338\r\n'
    ]


def test_search_datetime_uses_its_date() -> None:
    assert search(["ON", datetime(2024, 2, 9, 12, 0)]) == [b"A1 SEARCH ON 9-Feb-2024\r\n"]


def test_search_text_criteria_is_split_at_whitespace() -> None:
    assert search("UNSEEN  FLAGGED") == [b"A1 SEARCH UNSEEN FLAGGED\r\n"]
    assert search("SUBJECT hello") == [b'A1 SEARCH SUBJECT "hello"\r\n']


@pytest.mark.parametrize(
    "criteria",
    [
        [],
        ["NOSUCHKEY"],
        ["SUBJECT"],
        ["OR", "SEEN"],
        ["BEFORE", "yesterday"],
        ["BEFORE", "32-Apr-2003"],
        ["LARGER", -1],
        ["LARGER", "big"],
        ["KEYWORD", "two words"],
        ["KEYWORD", "x\r\nA2 LOGOUT"],
        ["UID", "1\r\n"],
        ["SEEN", 1.5],
        ["SEEN", True],
        [[]],
        'SUBJECT "two words"',
        ["MODSEQ", "/flags/x", "bogus", 1],
    ],
)
def test_bad_search_criteria_are_refused(criteria: object) -> None:
    with pytest.raises(EncodeError):
        search_criteria(criteria)  # type: ignore[arg-type]


def test_search_extension_keys_go_as_explicit_atoms() -> None:
    assert search([Atom("X-CUSTOM"), String("v"), "SEEN"]) == [b'A1 SEARCH X-CUSTOM "v" SEEN\r\n']


def test_search_gmail_raw() -> None:
    assert search(["X-GM-RAW", "has:attachment in:unread"]) == [
        b'A1 SEARCH X-GM-RAW "has:attachment in:unread"\r\n'
    ]


def test_search_values_cannot_inject_in_any_key() -> None:
    hostile = 'x" ALL\r\nA2 LOGOUT\r\n'
    for key in ("BCC", "BODY", "CC", "FROM", "SUBJECT", "TEXT", "TO"):
        segments = search([key, hostile])
        assert segments[0] == b"A1 SEARCH %s {%d}\r\n" % (key.encode(), len(hostile))
        assert segments[1] == hostile.encode() + b"\r\n"


def test_the_encoders_character_classes_are_the_grammars() -> None:
    """ATOM-CHAR, ASTRING-CHAR, tag and flag characters, and what may be quoted with UTF8=ACCEPT
    (RFC 9051 §9), checked character by character (the classes are written as the allowed ASCII
    characters, which compiles in a fraction of the time of excluding the rest of Unicode)."""
    from tuimail.imap import encoder

    ctl = {*range(0x20), 0x7F}
    atom_specials = {ord(c) for c in '(){ %*"\\]'} | ctl
    atom = {c for c in range(0x21, 0x7F) if c not in atom_specials}
    astring = atom | {ord("]")}
    tag = astring - {ord("+")}
    quotable_utf8 = {*range(0x20, 0x7F)} | {c for c in range(0xA0, 0x110000) if c not in (0x2028, 0x2029)}
    points = [*range(0x3000), *range(0x3000, 0x110000, 97), 0x2028, 0x2029, 0xD800, 0x10FFFF]
    for c in points:
        ch = chr(c)
        assert bool(encoder._ATOM_RE.fullmatch(ch)) == (c in atom), hex(c)
        assert bool(encoder._FLAG_RE.fullmatch(ch)) == (c in atom), hex(c)
        assert bool(encoder._FLAG_RE.fullmatch("\\" + ch)) == (c in atom), hex(c)
        assert bool(encoder._ASTRING_RE.fullmatch(ch)) == (c in astring), hex(c)
        assert bool(encoder._TAG_RE.fullmatch(ch)) == (c in tag), hex(c)
        assert bool(encoder._QUOTABLE_UTF8_RE.fullmatch(ch)) == (c in quotable_utf8), hex(c)
