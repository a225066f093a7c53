"""Property tests (hypothesis) for the wire layer.

* The reader and the parser, given random or mutated input, return or raise
  ParseError / ResponseTooLargeError, nothing else.
* Framing does not depend on chunking.
* Encoder -> parser round trips: strings, literals, sequence sets, mailbox
  names.
* Encoded commands frame as exactly one unit: no CR/LF escapes a literal.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuimail.imap import (
    EncodeError,
    ParseError,
    ResponseTooLargeError,
    SequenceSet,
    parse_response,
)
from tuimail.imap.encoder import Literal, Mailbox, Quoted, Sequence, String, encode_command
from tuimail.imap.reader import ResponseReader
from tuimail.imap.types import FetchData, MailboxList, VanishedData

# Examples and the deadline come from the hypothesis profile (tests/conftest.py).
BOUNDED = settings(suppress_health_check=[HealthCheck.too_slow])

SAMPLES = [
    b"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+] Dovecot ready.\r\n",
    b"* PREAUTH IMAP4rev1 server logged in as Smith\r\n",
    b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n",
    b'* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"\r\n',
    b'* LIST (\\HasChildren) "." Entw&APw-rfe\r\n',
    b'* LSUB () "." #news.comp.mail.misc\r\n',
    b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
    b"* 172 EXISTS\r\n",
    b"* 1 RECENT\r\n",
    b"* 22 EXPUNGE\r\n",
    b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
    b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
    b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
    b"* SEARCH 2 84 882\r\n",
    b'* ESEARCH (TAG "A282") MIN 2 COUNT 3\r\n',
    b"* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n",
    b'* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 '
    b'ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" '
    b'(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) '
    b'(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) '
    b'((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL '
    b'"<B27397-0100000@cac.washington.edu>") '
    b'BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))\r\n',
    b'* 3 FETCH (UID 9 BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" '
    b'120 4 NIL NIL NIL NIL)("APPLICATION" "PDF" ("NAME" "a.pdf") NIL NIL "BASE64" 9000 NIL '
    b'("attachment" ("FILENAME" "a.pdf")) NIL NIL) "MIXED" ("BOUNDARY" "xyz") NIL NIL NIL))\r\n',
    b"* 4 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {22}\r\nSubject: hi there\r\n\r\n UID 10)\r\n",
    b"* 5 FETCH (BINARY[1] ~{3}\r\n\x00\x01\x02 MODSEQ (12345))\r\n",
    b'* NAMESPACE (("" "/")) (("~" "/")) NIL\r\n',
    b'* ID ("name" "Dovecot" "version" NIL)\r\n',
    b"* ENABLED CONDSTORE QRESYNC\r\n",
    b"* BYE Autologout; idle for too long\r\n",
    b"+ Ready for additional command text\r\n",
    b"+ \r\n",
    b"A142 OK [READ-WRITE] SELECT completed\r\n",
    b"A003 OK [APPENDUID 38505 3955] APPEND completed\r\n",
    b"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n",
    b"A005 NO [TRYCREATE] No such mailbox\r\n",
    b"A006 BAD command unknown or arguments invalid\r\n",
    b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
]

INTERESTING = list(b'(){}[]<>"\\ \r\n~+*%0123456789') + [0, 0x7F, 0x80, 0xFF]


@st.composite
def mutated_response(draw: st.DrawFn) -> bytes:
    """A sample response with a few random edits (RFC-shaped but broken)."""
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "duplicate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        byte = draw(st.sampled_from(INTERESTING) | st.integers(0, 255))
        if kind == "replace" and data:
            data[pos] = byte
        elif kind == "insert":
            data[pos:pos] = bytes([byte])
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(1, 8))]
        elif kind == "truncate":
            del data[pos:]
        elif kind == "duplicate":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 20))]
    return bytes(data)


def parse_or_parse_error(data: bytes, utf8: bool = False) -> Any:
    """parse_response must return a response or raise ParseError, nothing else."""
    try:
        return parse_response(data, utf8=utf8)
    except ParseError:
        return None


def frame_all(data: bytes, chunks: list[int], reader: ResponseReader | None = None) -> list[bytes]:
    reader = reader or ResponseReader()
    out: list[bytes] = []
    pos = 0
    for size in chunks:
        out += reader.feed(data[pos : pos + size])
        pos += size
    out += reader.feed(data[pos:])
    return out


# --- reader -----------------------------------------------------------------------------


@BOUNDED
@given(st.binary(max_size=2000), st.lists(st.integers(1, 64), max_size=60))
def test_reader_on_random_bytes_frames_or_raises_the_size_error(data: bytes, chunks: list[int]) -> None:
    reader = ResponseReader(max_response_size=1024, max_line_length=512)
    try:
        responses = frame_all(data, chunks, reader)
    except ResponseTooLargeError:
        return
    # Nothing is lost or invented: responses plus the buffer are the input.
    assert b"".join(responses) == data[: len(data) - reader.buffered]
    assert all(r.endswith(b"\n") for r in responses)


@BOUNDED
@given(st.lists(st.sampled_from(SAMPLES) | mutated_response(), max_size=12), st.lists(st.integers(1, 40)))
def test_framing_does_not_depend_on_chunking(responses: list[bytes], chunks: list[int]) -> None:
    stream = b"".join(responses)
    try:
        whole = ResponseReader(max_response_size=4096).feed(stream)
    except ResponseTooLargeError:
        return
    assert frame_all(stream, chunks, ResponseReader(max_response_size=4096)) == whole


@BOUNDED
@given(st.lists(st.sampled_from(SAMPLES), min_size=1, max_size=20), st.lists(st.integers(1, 50)))
def test_valid_responses_come_back_one_by_one_whatever_the_chunking(
    responses: list[bytes], chunks: list[int]
) -> None:
    assert frame_all(b"".join(responses), chunks) == responses


@BOUNDED
@given(st.integers(0, 2**70), st.integers(1, 10_000))
def test_announced_literal_size_is_checked_against_the_limit(size: int, limit: int) -> None:
    head = b"* 1 FETCH (BODY[] {%d}\r\n" % size
    reader = ResponseReader(max_response_size=limit)
    try:
        reader.feed(head)
    except ResponseTooLargeError as e:
        assert len(head) + size > limit
        assert e.limit == limit
    else:
        assert len(head) + size <= limit


# --- parser ---------------------------------------------------------------------------------


@BOUNDED
@given(st.binary(max_size=500))
def test_parser_on_random_bytes_returns_or_raises_parse_error(data: bytes) -> None:
    parse_or_parse_error(data)
    parse_or_parse_error(data, utf8=True)


@BOUNDED
@given(mutated_response())
def test_parser_on_mutated_responses_returns_or_raises_parse_error(data: bytes) -> None:
    parse_or_parse_error(data)
    parse_or_parse_error(data, utf8=True)


@BOUNDED
@given(st.lists(mutated_response(), max_size=8), st.lists(st.integers(1, 30)))
def test_reader_then_parser_on_mutated_streams_only_raise_wire_errors(
    responses: list[bytes], chunks: list[int]
) -> None:
    try:
        framed = frame_all(b"".join(responses), chunks, ResponseReader(max_response_size=4096))
    except ResponseTooLargeError:
        return
    for data in framed:
        parse_or_parse_error(data)


@BOUNDED
@given(st.text(alphabet='()[]{} "\\', max_size=300), st.integers(0, 3000))
def test_parser_on_deep_or_unbalanced_nesting_raises_parse_error_at_worst(junk: str, depth: int) -> None:
    parse_or_parse_error(b"* 1 FETCH " + b"(" * depth + junk.encode() + b")" * depth + b"\r\n")
    parse_or_parse_error(b"* LIST " + b"(" * depth + b"\r\n")


def test_parser_survives_very_deep_nesting() -> None:
    for prefix in (b"* 1 FETCH (BODYSTRUCTURE ", b"* THREAD ", b"* 1 FETCH ", b"* OK [X "):
        parse_or_parse_error(prefix + b"(" * 100_000 + b")" * 100_000 + b"\r\n")


# --- encoder -> parser round trips ------------------------------------------------------------


def wire_argument(value: Any, **options: bool) -> bytes:
    """The bytes of one encoded argument, literals joined as the server sees them."""
    command = b"".join(encode_command("A1", "X", value, **options))
    assert command.startswith(b"A1 X ") and command.endswith(b"\r\n")
    return command[len(b"A1 X ") : -2]


text_without_nul = st.text().filter(lambda t: "\x00" not in t)


@BOUNDED
@given(text_without_nul, st.booleans())
def test_strings_round_trip_through_an_envelope_subject(text: str, utf8: bool) -> None:
    arg = wire_argument(String(text), utf8=utf8)
    data = b"* 1 FETCH (ENVELOPE (NIL " + arg + b" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
    assert ResponseReader().feed(data) == [data]
    response = parse_response(data, utf8=utf8)
    assert isinstance(response.data, FetchData)
    assert response.data.attr["ENVELOPE"].subject == text


@BOUNDED
@given(text_without_nul, st.booleans())
def test_quoted_strings_round_trip_or_are_refused_for_controls_and_8bit(text: str, utf8: bool) -> None:
    try:
        arg = wire_argument(Quoted(text), utf8=utf8)
    except EncodeError:
        assert any(not (" " <= c <= "~") for c in text)
        return
    assert arg.startswith(b'"') and arg.endswith(b'"') and b"\r" not in arg and b"\n" not in arg
    data = b"* 1 FETCH (ENVELOPE (NIL " + arg + b" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
    response = parse_response(data, utf8=utf8)
    assert isinstance(response.data, FetchData)
    assert response.data.attr["ENVELOPE"].subject == text


@BOUNDED
@given(st.text(st.characters(categories=("Cs",)), min_size=1, max_size=3), st.text(max_size=5))
def test_text_with_lone_surrogates_is_refused(surrogates: str, rest: str) -> None:
    for value in (surrogates + rest, String(rest + surrogates), Mailbox(surrogates), Literal(surrogates)):
        try:
            encode_command("A1", "X", value, utf8=True)
        except EncodeError:
            continue
        raise AssertionError(f"{value!r} was encoded")


@BOUNDED
@given(text_without_nul.filter(lambda t: t != ""))
def test_plain_str_round_trips_as_an_astring_mailbox(text: str) -> None:
    # Atom, quoted or literal: all are astrings.  utf8=True: no mUTF-7 decoding.
    data = b'* LIST () "/" ' + wire_argument(text, utf8=True) + b"\r\n"
    response = parse_response(data, utf8=True)
    assert isinstance(response.data, MailboxList)
    assert response.data.name == text


@BOUNDED
@given(st.text())
def test_strings_with_nul_are_refused_and_others_encode(text: str) -> None:
    try:
        wire_argument(String(text))
    except EncodeError:
        assert "\x00" in text
    else:
        assert "\x00" not in text


@BOUNDED
@given(st.binary(max_size=3000), st.booleans())
def test_literals_round_trip_as_fetched_body_data(data: bytes, binary: bool) -> None:
    if b"\x00" in data and not binary:
        try:
            wire_argument(Literal(data))
        except EncodeError:
            return
        raise AssertionError("NUL accepted in a non-binary literal")
    item = b"BINARY[]" if binary else b"BODY[]"
    response_bytes = b"* 1 FETCH (" + item + b" " + wire_argument(Literal(data, binary=binary)) + b")\r\n"
    assert ResponseReader().feed(response_bytes) == [response_bytes]
    response = parse_response(response_bytes)
    assert isinstance(response.data, FetchData)
    assert response.data.attr[item.decode()] == data


ranges = st.tuples(st.integers(1, 2**32 - 1), st.integers(1, 2**32 - 1))
sequence_values = st.lists(
    st.integers(1, 2**32 - 1)
    | ranges
    | st.builds(lambda a, n: range(a, a + n), st.integers(1, 10**6), st.integers(1, 50)),
    min_size=1,
    max_size=30,
)


@BOUNDED
@given(sequence_values)
def test_sequence_sets_round_trip_through_vanished(value: list[Any]) -> None:
    expected = SequenceSet(value)
    data = b"* VANISHED " + wire_argument(Sequence(value)) + b"\r\n"
    response = parse_response(data)
    assert isinstance(response.data, VanishedData)
    assert response.data.uids == expected
    assert SequenceSet(str(expected)) == expected


@BOUNDED
@given(st.text().filter(lambda t: "\x00" not in t), st.booleans())
def test_mailbox_names_round_trip_through_list(name: str, utf8: bool) -> None:
    data = b'* LIST (\\HasNoChildren) "/" ' + wire_argument(Mailbox(name), utf8=utf8) + b"\r\n"
    response = parse_response(data, utf8=utf8)
    assert isinstance(response.data, MailboxList)
    assert response.data.name == name


# --- encoder framing ---------------------------------------------------------------------------

# Text made of the characters that matter for injection and framing.
hostile_text = st.text(alphabet=st.sampled_from(list('\r\n\x00{}"\\ a\xe45+~*%()[]')), max_size=20)

any_argument = st.recursive(
    st.none()
    | st.integers(0, 2**63)
    | st.text()
    | hostile_text
    | st.builds(String, st.text() | hostile_text)
    | st.builds(Mailbox, st.text() | hostile_text)
    | st.binary(max_size=50)
    | st.builds(Literal, st.binary(max_size=50), st.booleans()),
    lambda inner: st.lists(inner, max_size=4),
    max_leaves=12,
)


@BOUNDED
@given(st.lists(any_argument, max_size=6), st.booleans(), st.booleans(), st.booleans())
def test_encoded_commands_frame_as_one_unit_so_nothing_can_inject(
    args: list[Any], literal_plus: bool, literal_minus: bool, utf8: bool
) -> None:
    try:
        segments = encode_command(
            "A1", "X", *args, literal_plus=literal_plus, literal_minus=literal_minus, utf8=utf8
        )
    except EncodeError:
        return
    command = b"".join(segments)
    # Read back with the response framer (commands frame the same way, with
    # "{n+}" too): exactly one unit, so no CR/LF escaped a literal.
    assert ResponseReader().feed(command) == [command]
    for segment in segments[:-1]:
        assert segment.endswith(b"}\r\n") and not segment.endswith(b"+}\r\n")
    assert segments[-1].endswith(b"\r\n")
    if literal_plus:
        assert len(segments) == 1
