"""Modified UTF-7 mailbox names (RFC 3501 §5.1.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuimail.imap.mutf7 import decode_mailbox, encode_mailbox

CASES = [
    ("INBOX", "INBOX"),
    ("Entwürfe", "Entw&APw-rfe"),
    ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),  # the RFC's example
    ("Tom & Jerry", "Tom &- Jerry"),
    ("&", "&-"),
    ("😀", "&2D3eAA-"),  # outside the BMP: a UTF-16 surrogate pair
    ("Ünïcödé", "&ANw-n&AO8-c&APY-d&AOk-"),
]


@pytest.mark.parametrize(("name", "wire"), CASES)
def test_encode(name: str, wire: str) -> None:
    assert encode_mailbox(name) == wire


@pytest.mark.parametrize(("name", "wire"), CASES)
def test_decode(name: str, wire: str) -> None:
    assert decode_mailbox(wire) == name


def test_control_characters_are_encoded() -> None:
    assert encode_mailbox("a\tb") == "a&AAk-b"
    assert decode_mailbox("a&AAk-b") == "a\tb"


@pytest.mark.parametrize("wire", ["&bad", "a&Jjo", "&AGE-", "&Jj!-", "&A-", "☃️&☺️"])
def test_invalid_names_are_kept_as_sent(wire: str) -> None:
    assert decode_mailbox(wire) == wire


@pytest.mark.parametrize("wire", ["&bad", "&AGE-", "&Jj!-", "caf\u00e9"])
def test_invalid_names_raise_when_strict(wire: str) -> None:
    with pytest.raises(ValueError):
        decode_mailbox(wire, strict=True)


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_round_trip(name: str) -> None:
    wire = encode_mailbox(name)
    assert wire.isascii() and all(" " <= c <= "~" for c in wire)
    assert decode_mailbox(wire, strict=True) == name
