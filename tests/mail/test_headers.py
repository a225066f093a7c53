"""Header decoding for display: RFC 2047 words, folding, broken charsets."""

from __future__ import annotations

import pytest

from tuimail.mail import headers
from tuimail.mail.headers import decode_bytes, decode_text


@pytest.fixture(params=["wire-layer", "fallback"])
def decoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each test with the wire layer's decoder and with the stdlib fallback."""
    if request.param == "fallback":
        monkeypatch.setattr(headers, "_imap_decode", None)
    elif headers._imap_decode is None:
        pytest.skip("tuimail.imap.encoded_words not available")
    return str(request.param)


def test_none_and_plain_text(decoder: str) -> None:
    assert decode_text(None) == ""
    assert decode_text("plain subject") == "plain subject"


def test_encoded_words_in_several_scripts(decoder: str) -> None:
    assert decode_text("=?utf-8?q?caf=C3=A9?= au lait") == "café au lait"
    assert decode_text("=?koi8-r?b?8NLJ18XU?=") == "Привет"
    assert decode_text("=?iso-8859-7?q?=CA=E1=EB=E7=EC=DD=F1=E1?=") == "Καλημέρα"
    assert decode_text("=?iso-2022-jp?b?GyRCRnxLXDhsGyhC?=") == "日本語"


def test_whitespace_between_adjacent_encoded_words_is_dropped(decoder: str) -> None:
    """RFC 2047 §6.2."""
    assert decode_text("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab"


def test_folded_headers_are_unfolded(decoder: str) -> None:
    assert decode_text("first\r\n second") == "first second"


def test_broken_encoded_words_do_not_raise(decoder: str) -> None:
    assert decode_text("=?utf-8?q?bad=FF?=").startswith("bad")
    assert isinstance(decode_text("=?no-such-charset?q?abc?="), str)
    assert isinstance(decode_text("=?utf-8?b?!!!?="), str)


def test_bytes_input_is_decoded(decoder: str) -> None:
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
