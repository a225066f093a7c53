"""Addresses for display: envelope lists, groups, header values."""

from __future__ import annotations

from tuimail.imap.types import Address
from tuimail.mail.addresses import (
    address_display,
    address_email,
    format_address_list,
    format_header_addresses,
)


def test_display_name_is_decoded_and_preferred() -> None:
    a = Address("=?utf-8?q?Ren=C3=A9?=", None, "rene", "example.fr")
    assert address_display(a) == "René"
    assert address_email(a) == "rene@example.fr"


def test_address_without_name_shows_the_address() -> None:
    assert address_display(Address(None, None, "x", "example.com")) == "x@example.com"
    assert address_display(Address("  ", None, "x", "example.com")) == "x@example.com"


def test_full_list_shows_names_and_addresses() -> None:
    addrs = [Address("Bob", None, "bob", "x.org"), Address(None, None, "dan", "y.org")]
    assert format_address_list(addrs) == "Bob <bob@x.org>, dan@y.org"
    assert format_address_list(addrs, names_only=True) == "Bob, dan@y.org"
    assert format_address_list(None) == ""


def test_groups_are_shown_with_their_members() -> None:
    addrs = [
        Address(None, None, "team", None),
        Address("Ann", None, "ann", "x.org"),
        Address(None, None, None, None),
        Address(None, None, "undisclosed-recipients", None),
        Address(None, None, None, None),
    ]
    assert format_address_list(addrs, names_only=True) == "team: Ann;, undisclosed-recipients:;"


def test_hostile_names_are_sanitised() -> None:
    a = Address("[b]x[/b]\x1b[2J\u202e", None, "a", "evil.example")
    assert address_display(a) == "[b]x[/b]\u241b[2J<U+202E>"


def test_header_values_are_parsed_and_sanitised() -> None:
    assert format_header_addresses(['"Dupont, René" <r@x.fr>', "b@y.org"]) == "Dupont, René <r@x.fr>, b@y.org"
    assert format_header_addresses(["=?utf-8?b?0JHQvtGA0LjRgQ==?= <b@x.ru>"]) == "Борис <b@x.ru>"
    assert format_header_addresses([]) == ""
    assert "\x1b" not in format_header_addresses(["Evil\x1b[31m <e@x>"])
