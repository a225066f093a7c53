"""Value types that stay compact whatever the server states (issue 10
item 4): SearchResult over a SequenceSet or 32-bit numbers, the lazy
COPYUID mapping (RFC 4315 §3), and InternalDate's IMAP form."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tuimail.imap import STAR, CopyUIDData, SearchResult, SequenceSet, parse_response
from tuimail.imap.types import InternalDate


def test_search_result_over_a_set_answers_without_expanding() -> None:
    r = SearchResult(SequenceSet("3:5,100:50000000"), modseq=9)
    assert len(r) == 3 + 49_999_901
    assert (r[0], r[2], r[3], r[-1], r[-2]) == (3, 5, 100, 50_000_000, 49_999_999)
    assert r[1:4] == [4, 5, 100] and r[-2:] == [49_999_999, 50_000_000]
    assert 4 in r and 99 not in r and 12_345_678 in r
    assert r.set == SequenceSet("3:5,100:50000000") and r.modseq == 9
    assert repr(r) == "SearchResult(SequenceSet('3:5,100:50000000'), modseq=9)"
    with pytest.raises(IndexError):
        r[len(r)]


def test_search_result_compares_like_the_list_it_stands_for() -> None:
    small = SearchResult(SequenceSet("1:3,7"))
    assert small == [1, 2, 3, 7] == SearchResult([1, 2, 3, 7]) and list(small) == [1, 2, 3, 7]
    assert small != [1, 2, 3] and small != SearchResult([1, 2, 3, 7], modseq=1)
    assert SearchResult([5, 1, 3])[::-1] == [3, 1, 5]  # SORT order kept
    assert small + [9] == [1, 2, 3, 7, 9]


def test_plain_search_numbers_are_kept_as_32_bit_values() -> None:
    r = parse_response(b"* SEARCH 4294967295 2 2 1\r\n").data
    assert isinstance(r, SearchResult) and list(r) == [4294967295, 2, 2, 1]
    line = b"* SEARCH" + b"".join(b" %d" % (n * 7919) for n in range(1, 100_001)) + b"\r\n"
    tracemalloc.start()
    kept = parse_response(line).data
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(kept) == 100_000 and kept[-1] == 791_900_000
    assert size < 100_000 * 4 + 64 * 1024  # a list of ints would take 36 bytes each


def test_copyuid_mapping_pairs_uids_in_the_order_sent() -> None:
    data = CopyUIDData(7, SequenceSet("320,304,319"), SequenceSet("3956:3958"))
    assert dict(data.uid_mapping) == {320: 3956, 304: 3957, 319: 3958}
    assert data.assigned_uid(304) == 3957 and data.assigned_uid(305) is None
    assert list(data.uid_mapping) == [320, 304, 319]


def test_copyuid_mapping_of_unequal_sets_stops_at_the_shorter() -> None:
    data = CopyUIDData(7, SequenceSet("1:10"), SequenceSet("100:102"))
    assert len(data.uid_mapping) == 3 and data.assigned_uid(3) == 102 and data.assigned_uid(4) is None


def test_copyuid_mapping_of_the_whole_range_is_arithmetic() -> None:
    data = CopyUIDData(1, SequenceSet("1:4294967295"), SequenceSet("2:4294967295,1"))
    mapping = data.uid_mapping
    assert len(mapping) == 4294967295
    assert mapping[1] == 2 and mapping[4294967294] == 4294967295 and mapping[4294967295] == 1
    assert STAR not in mapping


def test_internal_date_prints_the_imap_form_and_is_a_datetime() -> None:
    zone = timezone(-timedelta(hours=7))
    d = InternalDate(1996, 7, 17, 2, 44, 25, tzinfo=zone)
    assert str(d) == "17-Jul-1996 02:44:25 -0700"
    assert d == datetime(1996, 7, 17, 9, 44, 25, tzinfo=UTC)
    assert str(InternalDate(2024, 2, 9, 0, 0, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))) == (
        "09-Feb-2024 00:00:00 +0530"
    )
