"""Header decoding for display: RFC 2047 words, folding, broken charsets."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuimail.mail.headers import (
    MAX_DISPLAY_CHARS,
    decode_bytes,
    decode_text,
    display_text,
    message_date,
    parse_date,
)


def test_none_and_plain_text() -> None:
    assert decode_text(None) == ""
    assert decode_text("plain subject") == "plain subject"


def test_encoded_words_in_several_scripts() -> None:
    assert decode_text("=?utf-8?q?caf=C3=A9?= au lait") == "café au lait"
    assert decode_text("=?koi8-r?b?8NLJ18XU?=") == "Привет"
    assert decode_text("=?iso-8859-7?q?=CA=E1=EB=E7=EC=DD=F1=E1?=") == "Καλημέρα"
    assert decode_text("=?iso-2022-jp?b?GyRCRnxLXDhsGyhC?=") == "日本語"


def test_whitespace_between_adjacent_encoded_words_is_dropped() -> None:
    """RFC 2047 §6.2."""
    assert decode_text("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab"


def test_folded_headers_are_unfolded() -> None:
    assert decode_text("first\r\n second") == "first second"


def test_broken_encoded_words_do_not_raise() -> None:
    assert decode_text("=?utf-8?q?bad=FF?=").startswith("bad")
    assert isinstance(decode_text("=?no-such-charset?q?abc?="), str)
    assert isinstance(decode_text("=?utf-8?b?!!!?="), str)


def test_bytes_input_is_decoded() -> None:
    assert decode_text("café".encode()) == "café"
    assert decode_text(b"caf\xe9") == "café"


def test_decode_bytes_honours_the_declared_charset() -> None:
    assert decode_bytes("Grüße".encode("iso-8859-1"), "iso-8859-1") == "Grüße"
    assert decode_bytes("Привет".encode("cp1251"), "windows-1251") == "Привет"


def test_decode_bytes_falls_back_for_unknown_charsets() -> None:
    assert decode_bytes("café".encode(), "x-unknown") == "café"
    assert decode_bytes(b"caf\xe9", "unknown-8bit") == "café"
    assert decode_bytes(b"\x80", None) == "€"  # Windows-1252 before Latin-1


def test_decode_bytes_keeps_mostly_utf8_text_with_a_few_broken_bytes() -> None:
    text = decode_bytes("Grüße aus Köln, schöne Grüße ".encode() + b"\xff", None)
    assert text.startswith("Grüße aus Köln") and text.endswith("\ufffd")


def test_decode_bytes_with_wrongly_declared_charset_replaces() -> None:
    assert decode_bytes(b"ok \xff", "ascii") in ("ok \ufffd", "ok ÿ")


def test_decode_bytes_ignores_charset_names_that_are_not_text_encodings() -> None:
    for bogus in ["base64", "zlib", "rot13", "hex", "utf\x008", "", "   "]:
        assert decode_bytes("café".encode(), bogus) == "café"


def test_decode_text_uses_the_wire_layers_decoder_for_split_multibyte_words() -> None:
    """Adjacent words in one charset are joined before decoding (RFC 2047 §6.2 practice):
    "é" split over two words."""
    assert decode_text("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=") == "café"


def test_display_text_decodes_sanitises_and_cuts() -> None:
    assert display_text("=?utf-8?q?=1B=5B2J_hi?=") == "\u241b[2J hi"
    assert display_text(None) == "" and display_text("  ") == ""
    long = display_text("x" * 10_000, limit=100)
    assert len(long) == 100 and long.endswith("…")
    assert display_text("short", cut=True) == "short…"


def test_display_text_reads_a_bounded_prefix_of_a_huge_value() -> None:
    shown = display_text(" ".join(["=?utf-8?q?a?="] * 200_000))
    assert shown.startswith("aaaa") and shown.endswith("…") and len(shown) <= MAX_DISPLAY_CHARS


MINUS_14H = timedelta(hours=14)
HOUR_9 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 03 Mar 2026 10:00:00 +0100", datetime(2026, 3, 3, 9, 0, tzinfo=UTC)),
        ("3 Mar 2026 10:00 -0000", datetime(2026, 3, 3, 10, 0, tzinfo=UTC)),  # RFC 5322 §3.3
        ("Fri, 31 Dec 9999 23:59:59 -1400", datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(-MINUS_14H))),
        ("yesterday-ish", None),
        ("Mon, 99 Foo 2026 99:99:99 +9999", None),
        ("", None),
        (None, None),
        pytest.param("Tue, 03 Mar 2026 10:00:00 +0100" + " " * 1_000_000 + "junk", HOUR_9, id="long-tail"),
        pytest.param("9" * 1_000_000, None, id="huge"),
    ],
)
def test_parse_date_gives_an_aware_datetime_or_none(value: str | None, expected: datetime | None) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is not None


def _email_utils_date(value: str) -> datetime | None:
    """What email.utils gives for a date, as parse_date reports it."""
    try:
        parsed = email.utils.parsedate_to_datetime(" ".join(value.split())[:256])
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


_day_name = st.sampled_from(["", "Mon, ", "Sun, ", "mon, ", "Xyz, ", "Tue ", "Fri,"])
_month = st.sampled_from(["Jan", "Feb", "Sep", "Dec", "jan", "DEC", "Foo"])
_zone_text = st.one_of(st.sampled_from(["+0000", "-0000", "GMT", "EST", "+2400", "-2359", "+0060", "+1299"]),
                       st.from_regex(r"[+-]\d{4}", fullmatch=True))


def _mostly(valid: st.SearchStrategy[int], edges: st.SearchStrategy[int]) -> st.SearchStrategy[int]:
    return st.one_of(valid, valid, valid, edges)


@given(st.one_of(st.just(""), st.just("Wed, "), _day_name), _mostly(st.integers(1, 28), st.integers(0, 32)),
       st.one_of(st.just("Mar"), _month), _mostly(st.integers(1000, 9999), st.integers(0, 10000)),
       _mostly(st.integers(0, 23), st.integers(24, 25)), _mostly(st.integers(0, 59), st.integers(60, 61)),
       _mostly(st.integers(0, 59), st.integers(60, 61)), _zone_text,
       st.one_of(st.just(""), st.just(""), st.sampled_from([" ", "  x"])))
def test_parse_date_reads_the_common_form_as_email_utils_does(
    day_name: str, day: int, month: str, year: int, hour: int, minute: int, second: int, zone: str, tail: str
) -> None:
    """The common form is read directly (a message list reads thousands);
    the result, offset included, is email.utils' for every variation."""
    value = f"{day_name}{day} {month} {year:0{len(str(year)) if year > 999 else 4}d} " \
            f"{hour:02d}:{minute:02d}:{second:02d} {zone}{tail}"
    parsed, expected = parse_date(value), _email_utils_date(value)
    assert parsed == expected
    assert (parsed and parsed.utcoffset()) == (expected and expected.utcoffset())


def test_message_date_is_the_date_header_else_internaldate() -> None:
    internal = datetime(2026, 3, 4, 8, 0)
    assert message_date("Tue, 03 Mar 2026 10:00:00 +0000", internal) == datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert message_date("not a date", internal) == datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    assert message_date(None, internal.replace(tzinfo=UTC)) == datetime(2026, 3, 4, 8, tzinfo=UTC)
    assert message_date(None, "31-Dec-9999") is None
    assert message_date(None, None) is None
