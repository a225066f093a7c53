"""Fuzzy matching for the folder picker: subsequence, case-insensitive, best first, bounded."""

from __future__ import annotations

import time

from tuimail.ui.screens.fuzzy_match import MAX_NAME_CHARS, fuzzy_filter, match

NAMES = [
    "INBOX",
    "Drafts",
    "Sent",
    "Archive",
    "Junk",
    "Trash",
    "Archive/2025",
    "Archive/2026",
    "Lists/python-dev",
    "Projects/tuimail",
]


def names(query: str) -> list[str]:
    return [m.name for m in fuzzy_filter(query, NAMES)]


def test_an_empty_query_keeps_every_name_in_the_order_given() -> None:
    assert names("") == NAMES


def test_a_subsequence_matches_and_a_non_subsequence_does_not() -> None:
    assert names("ar26") == ["Archive/2026"]
    assert names("tmail") == ["Projects/tuimail"]
    assert names("62") == []
    assert names("xyz") == []


def test_matching_ignores_case_both_ways() -> None:
    assert names("inbox") == ["INBOX"]
    assert names("JUNK") == ["Junk"]
    assert [m.name for m in fuzzy_filter("été", ["ÉTÉ 2024", "Hiver"])] == ["ÉTÉ 2024"]


def test_exact_then_prefix_then_component_prefix_then_substring_then_scattered() -> None:
    pool = ["Xsent", "S-e-n-t", "Sent items", "Lists/sent", "Sent"]
    assert [m.name for m in fuzzy_filter("sent", pool)] == [
        "Sent",
        "Sent items",
        "Lists/sent",
        "Xsent",
        "S-e-n-t",
    ]


def test_a_tighter_scattered_match_ranks_first_and_ties_keep_the_given_order() -> None:
    pool = ["a.......b", "a.b", "ab-later", "xa.b"]
    assert [m.name for m in fuzzy_filter("ab", pool)] == ["ab-later", "a.b", "xa.b", "a.......b"]
    # Equal ranks: the tree's order (special-use folders first) decides.
    assert names("r") == ["Drafts", "Archive", "Trash", "Archive/2025", "Archive/2026", "Projects/tuimail"]


def test_positions_point_at_the_matched_characters() -> None:
    for query in ("ar26", "tui", "Py", "a"):
        for m in fuzzy_filter(query, NAMES):
            assert len(m.positions) == len(query)
            assert list(m.positions) == sorted(set(m.positions))
            assert "".join(m.name[p] for p in m.positions).casefold() == query.casefold()


def test_positions_stay_aligned_when_case_folding_changes_lengths() -> None:
    m = match("x", "Straße x")
    assert m is not None and m.name[m.positions[0]] == "x"


def test_long_hostile_names_are_bounded() -> None:
    long_name = "a" * 1_000_000 + "z"
    assert match("z", long_name) is None  # only the first MAX_NAME_CHARS are looked at
    assert match("a" * 10, long_name) is not None
    many = [f"{'b' * 400}{i}" for i in range(5000)] + [long_name]
    started = time.process_time()
    result = fuzzy_filter("b9a", many)
    assert time.process_time() - started < 2.0
    assert result == []
    assert MAX_NAME_CHARS < 1_000_000
