"""Addresses for display: envelope lists, groups, header values."""

from __future__ import annotations

from tuimail.imap.types import Address
from tuimail.mail.addresses import (
    MAX_ADDRESSES,
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


def test_header_groups_comments_and_old_forms() -> None:
    """RFC 5322 §3.4 groups, comments as names (§3.2.2), obsolete routes (§4.4)."""
    assert format_header_addresses(["team: Ann <ann@x.org>, bob@y.org;, carol@z.org"]) == (
        "team: Ann <ann@x.org>, bob@y.org;, carol@z.org"
    )
    assert format_header_addresses(["undisclosed-recipients:;"]) == "undisclosed-recipients:;"
    assert format_header_addresses(["bob@x.org (Bob (the (builder)))"]) == "Bob (the (builder)) <bob@x.org>"
    assert format_header_addresses(["Ann <@relay.example:ann@x.org>"]) == "Ann <ann@x.org>"
    assert format_header_addresses(['"Smith, \\"J\\"" <j@x.org>']) == 'Smith, "J" <j@x.org>'


def test_encoded_words_with_commas_stay_one_name() -> None:
    """The list is split before RFC 2047 decoding, so a decoded comma cannot split it."""
    assert format_header_addresses(["=?utf-8?q?Dupont=2C_Ren=C3=A9?= <r@x.fr>, b@y"]) == (
        "Dupont, René <r@x.fr>, b@y"
    )


def test_header_values_that_are_not_addresses_are_shown_as_they_are() -> None:
    assert format_header_addresses([";;;"]) == ";;;"
    assert format_header_addresses(["<<<>>>@@@"]) == "<<<>>>@@@"


def test_a_huge_address_field_shows_the_first_hundred_then_an_ellipsis() -> None:
    shown = format_header_addresses([", ".join(f"N{i} <u{i}@x.org>" for i in range(100_000))])
    entries = shown.split(", ")
    assert len(entries) == MAX_ADDRESSES + 1 and entries[-1] == "…"
    assert entries[0] == "N0 <u0@x.org>" and entries[99] == "N99 <u99@x.org>"


def test_a_cut_field_drops_its_partial_last_address() -> None:
    assert format_header_addresses(["a@x.org, Bob <bob@exa"], cut=True) == "a@x.org, …"


def test_deeply_nested_comments_and_unclosed_quotes_are_fine() -> None:
    assert format_header_addresses(["(" * 50_000 + "x"]).startswith("(" * 10)
    assert format_header_addresses(['"unterminated <a@x>']) == "unterminated <a@x>"


def test_envelope_lists_are_capped_too() -> None:
    addrs = [Address(f"N{i}", None, f"u{i}", "x.org") for i in range(1000)]
    shown = format_address_list(addrs, names_only=True).split(", ")
    assert len(shown) == MAX_ADDRESSES + 1 and shown[-1] == "…"
