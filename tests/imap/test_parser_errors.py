"""parse_response on bad and hostile input: ParseError only, saying where."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuimail.imap import Address, ParseError, parse_response
from tuimail.imap.scanner import MAX_DEPTH

BAD = [
    b"",
    b"\r\n",
    b"garbage\r\n",
    b"* \r\n",
    b"* 1 FETCH\r\n",
    b"* 1 FETCH (\r\n",
    b"* 1 FETCH (UID)\r\n",
    b"* 1 FETCH (UID x)\r\n",
    b"* 1 FETCH (FLAGS (\\Seen)\r\n",
    b"* 1 FETCH (ENVELOPE (NIL))\r\n",
    b"* 1 FETCH (BODY[] {10}\r\nshort)\r\n",
    b"* 20367 FETCH (BODY[] {99999999999999999999}\r\nwon't parse this)\r\n",
    b"* 1 FETCH (UID 99999999999999999999999)\r\n",
    b"* LIST\r\n",
    b'* LIST () "/"\r\n',
    b"* STATUS INBOX (MESSAGES)\r\n",
    b"* NAMESPACE ((\r\n",
    b"* ESEARCH (TAG\r\n",
    b"* THREAD (1 (2)\r\n",
    b"* VANISHED 0:x\r\n",
    b"* 4294967296000000000000 EXISTS\r\n",
    b"* 3 EXISTS junk\r\n",
    b"a1 HELLO\r\n",
    b"\x00\xff\xfe\r\n",
]


@pytest.mark.parametrize("data", BAD)
def test_bad_input_raises_parse_error_only(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_response(data)


def test_parse_error_says_where_and_keeps_the_data() -> None:
    data = b"* STATUS INBOX (MESSAGES x)\r\n"
    with pytest.raises(ParseError) as info:
        parse_response(data)
    assert "offset 25" in str(info.value) and "expected number" in str(info.value)
    assert info.value.position == 25 and info.value.data == data


OPENERS = [b"* 1 FETCH (X-FOO ", b"* STATUS a (X ", b"* THREAD ", b"* 1 FETCH (BODY "]


@pytest.mark.parametrize("opener", OPENERS)
def test_nesting_depth_is_bounded(opener: bytes) -> None:
    deep = opener + b"(" * (MAX_DEPTH + 5) + b"1" + b")" * (MAX_DEPTH + 5) + b")\r\n"
    with pytest.raises(ParseError):
        parse_response(deep)


def test_nesting_within_the_bound_parses() -> None:
    ok = b"* 1 FETCH (X-FOO " + b"(" * 50 + b"1" + b")" * 50 + b")\r\n"
    value = parse_response(ok).data.attr["X-FOO"]
    for _ in range(49):
        value = value[0]
    assert value == [1]


def test_huge_flat_input_does_not_recurse() -> None:
    line = b"* SEARCH" + b" 1" * 200_000 + b"\r\n"
    assert len(parse_response(line).data) == 200_000


def test_quoted_string_cannot_hold_crlf() -> None:
    with pytest.raises(ParseError):
        parse_response(b'* 1 FETCH (ENVELOPE ("a\r\nb" NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n')


# --- the regex fast path and the recursive-descent path agree ----------------------

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=12)


def _quoted(s: str) -> bytes:
    return b'"' + s.encode().replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def _literal(s: str) -> bytes:
    raw = s.encode()
    return b"{%d}\r\n%s" % (len(raw), raw)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), _text), min_size=4, max_size=4), st.integers(0, 15))
def test_address_parses_the_same_quoted_or_as_literals(fields: list[str | None], as_literal: int) -> None:
    def enc(i: int, v: str | None) -> bytes:
        if v is None:
            return b"NIL"
        return _literal(v) if as_literal >> i & 1 else _quoted(v)

    addr = b"(" + b" ".join(enc(i, v) for i, v in enumerate(fields)) + b")"
    env = b'("d" "s" (' + addr + b") NIL NIL (" + addr + addr + b") NIL NIL NIL NIL)"
    parsed = parse_response(b"* 1 FETCH (ENVELOPE " + env + b")\r\n").data.attr["ENVELOPE"]
    assert parsed.from_ == [Address(*fields)]
    assert parsed.to == [Address(*fields)] * 2


@settings(max_examples=150, deadline=None)
@given(_text, _text, st.booleans())
def test_body_parameters_parse_the_same_quoted_or_as_literals(name: str, value: str, literal: bool) -> None:
    enc = _literal if literal else _quoted
    line = (b'* 1 FETCH (BODYSTRUCTURE ("application" "x" (' + enc("k" + name) + b" " + enc(value)
            + b') NIL NIL "base64" 3 NIL (' + _quoted("attachment") + b" (" + _quoted("filename") + b" "
            + enc(value) + b")) NIL NIL))\r\n")
    body = parse_response(line).data.attr["BODYSTRUCTURE"]
    assert body.param == {("k" + name).upper(): value}
    assert body.disposition.param == {"FILENAME": value}
