"""transfer_decoding: fed in any split, the incremental decoders give what decoding the whole gives."""

from __future__ import annotations

import base64
import quopri

from hypothesis import given, settings
from hypothesis import strategies as st

from tuimail.mail.mime import parse_message
from tuimail.mail.transfer_decoding import MAX_HELD, decoder_for


def whole(encoding: str, body: bytes) -> bytes:
    """What the display path's parser decodes from the whole body."""
    raw = b"Content-Transfer-Encoding: " + encoding.encode() + b"\r\n\r\n" + body
    return parse_message(raw).root.decoded()


def in_pieces(encoding: str, body: bytes, cuts: list[int]) -> bytes:
    decoder = decoder_for(encoding)
    out, start = [], 0
    for cut in sorted({min(c, len(body)) for c in cuts}) + [len(body)]:
        out.append(decoder.feed(body[start:cut]))
        start = cut
    out.append(decoder.finish())
    return b"".join(out)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(0, 4200), max_size=12))
def test_base64_in_any_split_equals_the_whole(data: bytes, cuts: list[int]) -> None:
    body = base64.encodebytes(data).replace(b"\n", b"\r\n")
    assert in_pieces("base64", body, cuts) == whole("base64", body) == data


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(0, 9000), max_size=12))
def test_quoted_printable_in_any_split_equals_the_whole(data: bytes, cuts: list[int]) -> None:
    body = quopri.encodestring(data).replace(b"\n", b"\r\n")
    assert in_pieces("quoted-printable", body, cuts) == whole("quoted-printable", body)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.lists(st.integers(0, 900), max_size=8))
def test_broken_base64_never_raises_and_matches_the_whole(junk: bytes, cuts: list[int]) -> None:
    body = junk.replace(b"=", b"")  # padding in the middle ends base64 data: left to the parser's rules
    assert in_pieces("base64", body, cuts) == whole("base64", body)


def test_uuencode_by_lines() -> None:
    import binascii

    data = bytes(range(256)) * 3
    lines = [binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45)]
    body = b"begin 644 f.bin\n" + b"".join(lines) + b"`\nend\n"
    assert in_pieces("x-uuencode", body, [7, 50, 51, 300]) == data == whole("x-uuencode", body)


def test_a_line_without_end_is_not_held_beyond_the_bound() -> None:
    decoder = decoder_for("quoted-printable")
    out = decoder.feed(b"a" * (MAX_HELD + 10) + b"=4")
    assert len(out) >= MAX_HELD and (out + decoder.feed(b"1") + decoder.finish()).endswith(b"aA")


def test_binary_and_unknown_encodings_pass_through() -> None:
    assert in_pieces("binary", b"\x00\xff" * 10, [3]) == b"\x00\xff" * 10
    assert in_pieces("x-custom", b"abc", [1]) == b"abc"
