"""ResponseReader: framing of server responses (RFC 9051 §2.2.2, §4.3)."""

from __future__ import annotations

import pytest

from tuimail.imap import ResponseTooLargeError
from tuimail.imap.reader import DEFAULT_MAX_RESPONSE_SIZE, ResponseReader

STREAM = [
    b"* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n",
    b"* 1 FETCH (UID 7 BODY[] {12}\r\nhello\r\nworld FLAGS (\\Seen))\r\n",
    # literal data "{1}" right before CRLF is data, not an announcement
    b"* 2 FETCH (BODY[HEADER] {0}\r\n BODY[TEXT] {3}\r\n{1}\r\n",
    b"* 3 FETCH (BINARY[1] ~{4}\r\n\x00\x01\r\n)\r\n",
    b'* LIST () "/" {3+}\r\na\rb\r\n',
    b"+ go ahead\r\n",
    b"A1 OK done\r\n",
]


def feed_all(reader: ResponseReader, data: bytes, step: int) -> list[bytes]:
    out: list[bytes] = []
    for i in range(0, len(data), step):
        out += reader.feed(data[i : i + step])
    return out


def test_whole_stream_in_one_chunk_gives_every_response() -> None:
    assert ResponseReader().feed(b"".join(STREAM)) == STREAM


@pytest.mark.parametrize("step", [1, 2, 3, 5, 7, 13, 64])
def test_any_chunking_gives_the_same_responses(step: int) -> None:
    reader = ResponseReader()
    assert feed_all(reader, b"".join(STREAM), step) == STREAM
    assert reader.buffered == 0


def test_literal_data_is_not_scanned_for_line_ends_or_literal_markers() -> None:
    # The literal holds "\r\n" and a fake "{99}\r\n"; neither ends the response.
    response = b"* 1 FETCH (BODY[] {14}\r\nx {99}\r\n\r\nabc)\r\n"
    assert ResponseReader().feed(response) == [response]


def test_literal_split_across_chunks_waits_for_all_its_bytes() -> None:
    reader = ResponseReader()
    assert reader.feed(b"* 1 FETCH (BODY[] {10}\r\n01234") == []
    assert reader.feed(b"56789") == []
    assert reader.feed(b")\r\n") == [b"* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n"]


def test_incomplete_response_stays_buffered() -> None:
    reader = ResponseReader()
    assert reader.feed(b"* OK partial") == []
    assert reader.buffered == len(b"* OK partial")
    assert reader.feed(b" line\r\n") == [b"* OK partial line\r\n"]


def test_bare_lf_also_ends_a_line() -> None:
    assert ResponseReader().feed(b"* OK a\n* OK b {1}\nxy\n") == [b"* OK a\n", b"* OK b {1}\nxy\n"]


def test_brace_that_is_not_a_literal_announcement_ends_the_response() -> None:
    reader = ResponseReader()
    lines = [b"* OK see {abc}\r\n", b"* OK {}\r\n", b"* OK }\r\n", b"* OK {5} later\r\n"]
    assert reader.feed(b"".join(lines)) == lines


def test_announced_literal_over_the_limit_fails_at_once() -> None:
    reader = ResponseReader(max_response_size=1000)
    with pytest.raises(ResponseTooLargeError) as info:
        reader.feed(b"* 1 FETCH (BODY[] {5000}\r\n")
    assert "5000" in str(info.value) and "1000" in str(info.value)
    assert info.value.limit == 1000
    assert info.value.size is not None and info.value.size > 1000


def test_huge_literal_is_refused_without_allocating_it() -> None:
    # 2**62 bytes could never be allocated: refusing it proves nothing is.
    reader = ResponseReader()
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"* 1 FETCH (BODY[] {%d}\r\n" % 2**62)


def test_literal_size_with_absurdly_many_digits_is_refused() -> None:
    reader = ResponseReader()
    with pytest.raises(ResponseTooLargeError, match="digit"):
        reader.feed(b"* 1 FETCH (BODY[] {" + b"9" * 5000 + b"}\r\n")


def test_literals_adding_up_over_the_limit_fail() -> None:
    reader = ResponseReader(max_response_size=100)
    reader.feed(b"* 1 FETCH (A {60}\r\n" + b"x" * 60)
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b" B {60}\r\n")


def test_literal_exactly_at_the_limit_is_accepted() -> None:
    head = b"* 1 FETCH (BODY[] {10}\r\n"
    response = head + b"0123456789)\r\n"
    reader = ResponseReader(max_response_size=len(response))
    assert reader.feed(response) == [response]


def test_line_without_end_over_the_line_limit_fails() -> None:
    reader = ResponseReader(max_line_length=50)
    reader.feed(b"* OK " + b"a" * 40)
    with pytest.raises(ResponseTooLargeError, match="line"):
        reader.feed(b"a" * 20)


def test_long_line_fed_byte_by_byte_fails_once_over_the_limit() -> None:
    reader = ResponseReader(max_line_length=100)
    for _ in range(100):
        reader.feed(b"a")
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"a")


def test_complete_line_over_the_line_limit_fails() -> None:
    reader = ResponseReader(max_line_length=20)
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"* OK " + b"b" * 30 + b"\r\n")


def test_line_limit_applies_per_line_not_to_literal_data() -> None:
    reader = ResponseReader(max_line_length=30)
    response = b"* 1 FETCH (BODY[] {100}\r\n" + b"z" * 100 + b")\r\n"
    assert reader.feed(response) == [response]


def test_reader_is_broken_after_a_size_error_until_cleared() -> None:
    reader = ResponseReader(max_response_size=100)
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"* 1 FETCH (BODY[] {500}\r\n")
    assert reader.broken
    assert reader.buffered == 0
    with pytest.raises(ResponseTooLargeError, match="earlier"):
        reader.feed(b"* OK fine\r\n")
    reader.clear()
    assert not reader.broken
    assert reader.feed(b"* OK fine\r\n") == [b"* OK fine\r\n"]


def test_clear_discards_buffered_bytes_and_reports_how_many() -> None:
    # STARTTLS: anything buffered before the handshake must not be read later.
    reader = ResponseReader()
    assert reader.feed(b"A1 OK begin TLS\r\n* OK injected") == [b"A1 OK begin TLS\r\n"]
    assert reader.clear() == len(b"* OK injected")
    assert reader.feed(b"\r\n* OK real\r\n") == [b"\r\n", b"* OK real\r\n"]


def test_clear_in_the_middle_of_a_literal_forgets_the_literal() -> None:
    reader = ResponseReader()
    reader.feed(b"* 1 FETCH (BODY[] {100}\r\nabc")
    reader.clear()
    assert reader.feed(b"* OK x\r\n") == [b"* OK x\r\n"]


def test_default_limit_is_64_mib() -> None:
    assert ResponseReader().max_response_size == DEFAULT_MAX_RESPONSE_SIZE == 64 * 1024 * 1024


def test_many_small_feeds_of_a_large_literal_stay_linear() -> None:
    # 1 MiB literal fed 1 KiB at a time: the literal is skipped, not rescanned.
    data = b"* 1 FETCH (BODY[] {1048576}\r\n" + b"\n" * 1048576 + b")\r\n"
    reader = ResponseReader()
    assert feed_all(reader, data, 1024) == [data]


def test_accepts_bytearray_and_memoryview_chunks() -> None:
    reader = ResponseReader()
    assert reader.feed(bytearray(b"* OK a\r\n")) == [b"* OK a\r\n"]
    assert reader.feed(memoryview(b"* OK b\r\n")) == [b"* OK b\r\n"]


def test_responses_completed_before_the_error_in_the_same_feed_are_dropped() -> None:
    reader = ResponseReader(max_response_size=100)
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"* OK first\r\n* 1 FETCH (BODY[] {500}\r\n")
    assert reader.buffered == 0


def test_line_limit_is_capped_at_the_response_limit() -> None:
    assert ResponseReader(max_response_size=10, max_line_length=1000).max_line_length == 10


@pytest.mark.parametrize("limits", [(0, 10), (10, 0), (-1, 10)])
def test_limits_must_be_positive(limits: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        ResponseReader(*limits)
