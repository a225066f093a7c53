"""SequenceSet: the IMAP sequence-set value type (RFC 9051 §9)."""

from __future__ import annotations

import pytest

from tuimail.imap import STAR, EncodeError, ParseError, SequenceSet


def test_parse_keeps_text_and_normalises_ranges() -> None:
    s = SequenceSet("9:7,1,2,3,20:*")
    assert str(s) == "9:7,1,2,3,20:*"
    assert s.ranges == ((1, 3), (7, 9), (20, STAR))
    assert s.normalized_string() == "1:3,7:9,20:*"


def test_membership_and_star() -> None:
    s = SequenceSet("1:3,7,9:*")
    assert 2 in s and 7 in s and 8 not in s and 10_000 in s and "*" in s
    assert "x" not in s


def test_iteration_and_numbers_with_known_star() -> None:
    assert list(SequenceSet("1:3,7")) == [1, 2, 3, 7]
    assert SequenceSet("5:*").numbers(star=7) == [5, 6, 7]
    assert SequenceSet("*").numbers(star=4) == [4]


def test_build_from_python_values() -> None:
    assert str(SequenceSet([1, 2, 3, 5])) == "1:3,5"
    assert str(SequenceSet(range(4, 8))) == "4:7"
    assert str(SequenceSet((3, "*"))) == "3:*"
    assert SequenceSet([SequenceSet("1"), 2]) == SequenceSet("1:2")


def test_equality_with_strings_and_union() -> None:
    assert SequenceSet("1,2,3") == "1:3"
    assert SequenceSet("1") | 3 == SequenceSet("1,3")


@pytest.mark.parametrize("text", ["", "0", "1:", ":2", "1,,2", "a", "1:0", "4294967296", "-1"])
def test_invalid_text_is_a_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        SequenceSet(text)


def test_invalid_python_values_are_encode_errors() -> None:
    for bad in (0, -1, True, 1.5, "x"):
        with pytest.raises(EncodeError):
            SequenceSet([bad])
    with pytest.raises(EncodeError):
        SequenceSet().to_imap()
