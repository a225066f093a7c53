"""RFC 2047 encoded-word decoding for display."""

from __future__ import annotations

from email.header import Header

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuimail.imap.encoded_words import decode_header


@pytest.mark.parametrize(
    ("text", "decoded"),
    [
        # RFC 2047 §8 examples
        ("=?ISO-8859-1?Q?a?=", "a"),
        ("=?ISO-8859-1?Q?a?= b", "a b"),
        ("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab"),
        ("=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=", "ab"),
        ("=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=", "ab"),
        ("=?ISO-8859-1?Q?a_b?=", "a b"),
        ("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b"),
        ("=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"),
        ("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld Jørn Simonsen"),
        ("=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard"),
    ],
)
def test_rfc2047_examples(text: str, decoded: str) -> None:
    assert decode_header(text) == decoded


def test_base64_and_case_insensitive_encoding_and_charset() -> None:
    assert decode_header("=?utf-8?b?0J/RgNC40LLQtdGC?=") == "Привет"
    assert decode_header("=?UTF-8?B?0J/RgNC40LLQtdGC?=") == "Привет"


def test_base64_without_padding_is_accepted() -> None:
    assert decode_header("=?utf-8?b?aGk?=") == "hi"


def test_text_without_encoded_words_is_unchanged() -> None:
    assert decode_header("plain =? subject ?= here") == "plain =? subject ?= here"


def test_adjacent_words_splitting_a_multibyte_character_are_joined_before_decoding() -> None:
    # "✓" is E2 9C 93; the sender split it across two encoded-words.
    assert decode_header("=?utf-8?q?=E2=9C?= =?utf-8?q?=93_ok?=") == "✓ ok"
    assert decode_header("=?UTF-8?B?4pw=?= =?UTF-8?B?kw==?=") == "✓"


def test_space_between_encoded_word_and_plain_text_is_kept() -> None:
    assert decode_header("Re: =?utf-8?q?caf=C3=A9?= again") == "Re: café again"


def test_words_in_different_charsets_are_decoded_separately() -> None:
    assert decode_header("=?iso-8859-1?q?=E9?= =?koi8-r?b?8NLJ18XU?=") == "éПривет"


def test_unknown_charset_leaves_the_word_as_sent() -> None:
    assert decode_header("=?x-no-such-charset?q?abc?= tail") == "=?x-no-such-charset?q?abc?= tail"


def test_non_text_codecs_are_not_used() -> None:
    assert decode_header("=?base64?q?aGk=?=") == "=?base64?q?aGk=?="
    assert decode_header("=?rot13?q?uryyb?=") == "=?rot13?q?uryyb?="


def test_broken_base64_leaves_the_word_as_sent() -> None:
    assert decode_header("=?utf-8?b?!!!?= x") == "=?utf-8?b?!!!?= x"
    assert decode_header("=?utf-8?b?a?=") == "=?utf-8?b?a?="


def test_invalid_bytes_for_the_charset_become_replacement_characters() -> None:
    assert decode_header("=?utf-8?q?a=FFb?=") == "a\ufffdb"


def test_stray_equals_in_q_text_is_kept() -> None:
    assert decode_header("=?utf-8?q?50=_off?=") == "50= off"


def test_rfc2231_language_suffix_is_ignored() -> None:
    assert decode_header("=?utf-8*en-us?q?hello?=") == "hello"


def test_common_mislabelled_charsets_decode() -> None:
    assert decode_header("=?ks_c_5601-1987?b?x9Gxub7u?=") == "한국어"
    assert decode_header("=?gb2312?b?1tDOxA==?=") == "中文"
    # iso-8859-1 is read as windows-1252, as mail readers do: 0x93/0x94 are quotes
    assert decode_header("=?iso-8859-1?q?=93hi=94?=") == "\u201chi\u201d"


def test_encoded_word_inside_a_word_is_decoded() -> None:
    assert decode_header("pre=?utf-8?q?fix?=") == "prefix"


def test_word_with_a_bad_neighbour_keeps_the_spacing() -> None:
    assert decode_header("=?utf-8?q?a?= =?bogus?q?b?= =?utf-8?q?c?=") == "a =?bogus?q?b?= c"


def test_decoded_control_characters_are_passed_on_for_the_sanitiser() -> None:
    assert decode_header("=?utf-8?q?a=1B[31mb?=") == "a\x1b[31mb"


@pytest.mark.parametrize(
    "text",
    [
        "=?",
        "=??q??=",
        "=?utf-8?x?abc?=",
        "=?utf-8?q?",
        "=?utf-8?q?\u00e9?=",
        "=?\u00e9?q?a?=",
        "=?undefined?q?a?=",
    ],
)
def test_malformed_input_never_raises_and_is_returned_readably(text: str) -> None:
    assert decode_header(text) == text


def test_none_gives_empty_text() -> None:
    assert decode_header(None) == ""  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------

ENCODED_PIECES = st.sampled_from(
    [
        "=?",
        "?=",
        "?q?",
        "?b?",
        "?Q?",
        "utf-8",
        "iso-8859-1",
        "bogus",
        "=FF",
        "=E2=9C",
        "_",
        " ",
        "\r\n ",
        "aGk",
        "=",
    ]
)


@settings()
@given(st.lists(ENCODED_PIECES | st.text(max_size=5), max_size=30))
def test_decode_header_never_raises_on_fragments(pieces: list[str]) -> None:
    assert isinstance(decode_header("".join(pieces)), str)


@settings()
@given(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200),
    st.sampled_from(["utf-8", "iso-8859-1", "koi8-r", "shift_jis", "gb18030"]),
)
def test_headers_encoded_by_the_email_package_decode_back(text: str, charset: str) -> None:
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return
    encoded = Header(text, charset).encode()
    assert decode_header(encoded) == text
