"""The sanitiser: no control byte, escape sequence or bidi control survives."""

from __future__ import annotations

import sys
import time
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuimail.mail.sanitize import _UNSAFE, placeholder, sanitize, sanitize_body, sanitize_line

DANGEROUS_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _dangerous(text: str, *, multiline: bool) -> list[str]:
    allowed = {"\n", "\t"} if multiline else set()
    return [
        c
        for c in text
        if c not in allowed
        and unicodedata.category(c) in DANGEROUS_CATEGORIES
        and c not in "\u200c\u200d"  # joiners are checked separately
    ]


def test_plain_text_is_returned_unchanged() -> None:
    text = "Re: Réunion du 3 mars — 日本語 Привет مرحبا Γειά 👍"
    assert sanitize(text) == text
    assert sanitize(text) is text


def test_markup_like_text_stays_literal() -> None:
    for text in [
        "[bold red]URGENT[/]",
        "[link=https://evil.example]click[/link]",
        "[@click=app.quit]x[/]",
        "[b]\\[/b]",
    ]:
        assert sanitize(text) == text
        assert sanitize_body(text) == text


def test_escape_becomes_symbol_for_escape() -> None:
    assert sanitize("\x1b[31mred\x1b[0m") == "\u241b[31mred\u241b[0m"


def test_osc_hyperlink_and_title_sequences_are_neutralised() -> None:
    out = sanitize("\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 \x1b]0;title\x1b\\")
    assert "\x1b" not in out and "\x07" not in out
    assert out == "\u241b]8;;http://evil.example\u2407click\u241b]8;;\u2407 \u241b]0;title\u241b\\"


def test_c1_controls_including_8bit_csi_become_tags() -> None:
    assert sanitize("a\x9b31mb\x85c") == "a<U+009B>31mb<U+0085>c"


def test_del_and_nul_become_control_pictures() -> None:
    assert sanitize("a\x7fb\x00c") == "a\u2421b\u2400c"


def test_bidi_overrides_and_isolates_become_tags() -> None:
    for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]:
        out = sanitize(f"x{chr(code)}y")
        assert out == f"x<U+{code:04X}>y"


def test_trojan_source_filename_is_shown_in_logical_order() -> None:
    assert sanitize("invoice\u202egnp.exe") == "invoice<U+202E>gnp.exe"


def test_zero_width_characters_become_tags() -> None:
    assert sanitize("pay\u200bpal\ufeff\u2060\u00ad") == "pay<U+200B>pal<U+FEFF><U+2060><U+00AD>"


def test_tag_characters_and_fillers_become_tags() -> None:
    assert sanitize("a\U000e0041\u3164b") == "a<U+E0041><U+3164>b"


def test_joiners_between_ascii_letters_become_tags() -> None:
    assert sanitize("pay\u200dpal") == "pay<U+200D>pal"
    assert sanitize("a\u200cb") == "a<U+200C>b"


def test_joiners_inside_emoji_and_persian_words_are_kept() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert sanitize(family) == family
    persian = "می\u200cخواهم"
    assert sanitize(persian) == persian


def test_lone_surrogates_become_tags() -> None:
    assert sanitize("a\udc80b") == "a<U+DC80>b"
    sanitize("a\udc80b").encode("utf-8")


def test_single_line_turns_newlines_and_tabs_into_spaces() -> None:
    assert sanitize("a\r\nb\nc\rd\te") == "a b c d e"
    assert sanitize_line("x\ny") == "x y"


def test_single_line_line_separators_become_tags() -> None:
    assert sanitize("a\u2028b\u2029c") == "a<U+2028>b<U+2029>c"


def test_multiline_keeps_newlines_and_tabs() -> None:
    assert sanitize_body("a\n\tb\n") == "a\n\tb\n"


def test_multiline_turns_crlf_and_lone_cr_into_newlines() -> None:
    assert sanitize("one\r\ntwo\rthree\x1b[2K", multiline=True) == "one\ntwo\nthree\u241b[2K"


def test_placeholder_for_each_kind() -> None:
    assert placeholder("\x1b") == "\u241b"
    assert placeholder("\x7f") == "\u2421"
    assert placeholder("\u202e") == "<U+202E>"


def test_non_str_input_is_converted() -> None:
    assert sanitize(42) == "42"  # type: ignore[arg-type]


def test_unsafe_class_covers_every_control_and_format_character() -> None:
    """The hard-coded ranges match this Python's Unicode database."""
    missing = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) in DANGEROUS_CATEGORIES and not _UNSAFE.match(chr(c))
    ]
    assert missing == []


def test_every_unsafe_character_is_replaced_in_otherwise_printable_text() -> None:
    """Printable text is returned as it is without a search of the whole
    class; no character of the class gets through that way, whether the
    text around it is ASCII or not."""
    unsafe = [chr(c) for c in range(sys.maxunicode + 1) if _UNSAFE.match(chr(c))]
    assert len(unsafe) > 2000
    for c in unsafe:
        for text in (c, f"a{c}b", f"é{c}日"):
            if c in "\u200c\u200d" and text == f"é{c}日":
                continue  # a joiner between two non-ASCII characters stays (see below)
            assert sanitize(text) != text, f"U+{ord(c):04X}"


@given(st.text(alphabet=st.characters(codec=None), max_size=200))
def test_single_line_output_has_no_dangerous_character(text: str) -> None:
    out = sanitize(text)
    assert _dangerous(out, multiline=False) == []
    assert "\n" not in out and "\r" not in out and "\t" not in out


@given(st.text(max_size=200))
def test_multiline_output_has_no_dangerous_character(text: str) -> None:
    out = sanitize_body(text)
    assert _dangerous(out, multiline=True) == []
    assert "\r" not in out


@given(st.text(alphabet=st.sampled_from("ab\u200c\u200d\x1b\u202e日\n"), max_size=50))
def test_kept_joiners_are_always_between_non_ascii_characters(text: str) -> None:
    out = sanitize(text)
    for i, c in enumerate(out):
        if c in "\u200c\u200d":
            assert 0 < i < len(out) - 1
            assert ord(out[i - 1]) > 0x7F and ord(out[i + 1]) > 0x7F


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=100))
def test_safe_text_is_unchanged(text: str) -> None:
    stripped = "".join(c for c in text if c not in "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
    assert sanitize(stripped) == stripped


@given(st.text(max_size=200), st.booleans())
def test_sanitising_twice_changes_nothing(text: str, multiline: bool) -> None:
    """Widgets may sanitise again what the domain layer already sanitised."""
    once = sanitize(text, multiline=multiline)
    assert sanitize(once, multiline=multiline) == once
    assert sanitize(once) == sanitize(text)


@pytest.mark.parametrize(
    "text",
    [
        "é\n" * 500_000,  # short lines of non-ASCII text: once 3 s
        "\x1b[31m…\t" * 150_000,  # escape sequences everywhere
        "é\u200dé " * 250_000,  # kept joiners everywhere
        "\u202e" * 1_000_000,
    ],
    ids=["short-lines", "escapes", "joiners", "bidi"],
)
def test_a_megabyte_of_hostile_text_is_sanitised_in_well_under_a_second(text: str) -> None:
    for multiline in (True, False):
        seconds = []
        for _ in range(2):  # CPU time, the better of two: other processes may share the machine
            start = time.process_time()
            out = sanitize(text, multiline=multiline)
            seconds.append(time.process_time() - start)
        assert min(seconds) < 1.0
        assert not _dangerous(out[:100_000], multiline=multiline)
