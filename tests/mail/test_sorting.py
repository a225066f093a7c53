"""Client-side SORT: base subjects (RFC 5256 §2.1), the collation, each sort
key, REVERSE and ties, the FETCH items named, and 100,000 messages."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tuimail.imap.types import Address, Envelope, FetchData
from tuimail.mail.sorting import (
    MAX_SUBJECT,
    SORT_RUN,
    BaseSubject,
    SortItem,
    casemap,
    extract_base_subject,
    fetch_items_for,
    parse_sort_keys,
    sent_timestamp,
    sort_uids,
)
from tuimail.mail.summary import parse_header_date

# --- base subject -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "base", "reply"),
    [
        ("Lunch", "Lunch", False),
        ("Re: Lunch", "Lunch", True),
        ("RE: re: Re:Lunch", "Lunch", True),
        ("Fw: Lunch", "Lunch", True),
        ("FWD: Lunch", "Lunch", True),
        ("Re [2]: Lunch", "Lunch", True),
        ("Re[list]: Lunch", "Lunch", True),
        ("[list] Re: Lunch", "Lunch", True),
        ("[list] [other] Re: Fwd: Lunch", "Lunch", True),
        ("[PATCH 1/2] fix", "fix", False),
        ("[list]", "[list]", False),
        ("[a] [b]", "[b]", False),
        ("[a][b]", "[b]", False),
        ("Lunch (fwd)", "Lunch", True),
        ("Lunch (FWD) (fwd)  ", "Lunch", True),
        ("[fwd: Lunch]", "Lunch", True),
        ("[Fwd: Re: [list] Lunch (fwd)]", "Lunch", True),
        ("Fwd: [fwd: Re: hello]", "hello", True),
        ("  Lunch \t\r\n  plans  ", "Lunch plans", False),
        ("Re:", "", True),
        ("", "", False),
        ("Regarding lunch", "Regarding lunch", False),
        ("Fwdx: lunch", "Fwdx: lunch", False),
        ("re lunch", "re lunch", False),
        ("Re: [unclosed lunch", "[unclosed lunch", True),
        ("Lunch [fwd: x]", "Lunch [fwd: x]", False),
        ("=?UTF-8?Q?Re=3A_=C3=89t=C3=A9?=", "Été", True),
        ("Re: =?UTF-8?B?R3LDvMOfZQ==?=", "Grüße", True),
        ("[Liste Ü] Grüße", "Grüße", False),
    ],
)
def test_base_subject(subject: str, base: str, reply: bool) -> None:
    assert extract_base_subject(subject) == BaseSubject(base, reply)


def test_base_subject_of_missing_or_odd_values() -> None:
    assert extract_base_subject(None) == BaseSubject("", False)
    assert extract_base_subject("=?bogus?Q?x?=") == BaseSubject("=?bogus?Q?x?=", False)


def test_hostile_subjects_cost_bounded_time() -> None:
    hostile = [
        "[a]" * 200_000 + "x",
        "re:" * 300_000,
        "[" * 500_000,
        "re [" + "x" * 500_000,
        "[fwd:" * 100_000 + "]" * 100_000,
        "(fwd)" * 200_000,
        "x" + " " * 500_000,
    ]
    start = time.process_time()
    for subject in hostile:
        assert len(extract_base_subject(subject).text) <= MAX_SUBJECT
    assert time.process_time() - start < 2.0


def test_casemap_is_titlecase_then_decomposition() -> None:
    assert casemap("abc") == "ABC"
    assert casemap("été") == "E\u0301TE\u0301"
    assert casemap("Été") == casemap("e\u0301te\u0301")
    assert casemap("ǆ") == "ǅ"  # titlecase, not uppercase (Ǆ)
    assert casemap("ß") == "ß"  # no single-character titlecase: unchanged
    assert casemap("a") < casemap("_")  # "A" is 0x41, "_" 0x5F: case maps up, not down


# --- sort keys ------------------------------------------------------------------------------


def test_parse_sort_keys() -> None:
    assert [(k.value, r) for k, r in parse_sort_keys(["reverse", "DATE", "subject"])] == [
        ("DATE", True),
        ("SUBJECT", False),
    ]
    for bad in (["BOGUS"], ["REVERSE"], [], ["REVERSE", "REVERSE", "DATE"], ["DATE", "REVERSE"]):
        with pytest.raises(ValueError):
            parse_sort_keys(bad)


@pytest.mark.parametrize(
    ("keys", "items"),
    [
        (["ARRIVAL"], "(UID INTERNALDATE)"),
        (["REVERSE", "ARRIVAL"], "(UID INTERNALDATE)"),
        (["SIZE"], "(UID RFC822.SIZE)"),
        (["FROM"], "(UID ENVELOPE)"),
        (["SUBJECT"], "(UID ENVELOPE)"),
        (["TO", "CC"], "(UID ENVELOPE)"),
        (["DATE"], "(UID INTERNALDATE ENVELOPE)"),
        (["SIZE", "SUBJECT", "ARRIVAL"], "(UID INTERNALDATE RFC822.SIZE ENVELOPE)"),
    ],
)
def test_fetch_items_for_names_only_what_the_keys_need(keys: list[str], items: str) -> None:
    assert fetch_items_for(keys) == items


def _envelope(**kw: object) -> Envelope:
    fields: dict[str, object] = dict(
        date=None,
        subject=None,
        from_=None,
        sender=None,
        reply_to=None,
        to=None,
        cc=None,
        bcc=None,
        in_reply_to=None,
        message_id=None,
    )
    fields.update(kw)
    return Envelope(**fields)  # type: ignore[arg-type]


def test_sort_item_from_fetch() -> None:
    when = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    envelope = _envelope(
        date="Tue, 03 Mar 2026 10:00:00 +0000",
        subject="=?UTF-8?Q?=C3=89t=C3=A9?=",
        from_=[Address("Ann", None, "ann", "example.com"), Address(None, None, "bob", "example.org")],
        to=[Address(None, None, "joe", "example.com")],
        cc=[],
    )
    fd = FetchData(1, {"UID": 7, "INTERNALDATE": when, "RFC822.SIZE": 1234, "ENVELOPE": envelope})
    assert SortItem.from_fetch(fd) == SortItem(
        uid=7,
        internaldate=when,
        date="Tue, 03 Mar 2026 10:00:00 +0000",
        from_="ann",
        to="joe",
        cc="",
        subject="=?UTF-8?Q?=C3=89t=C3=A9?=",
        size=1234,
    )


def test_sort_item_from_odd_fetch_data_never_raises() -> None:
    odd = FetchData(1, {"UID": "x", "INTERNALDATE": "yesterday", "RFC822.SIZE": True, "ENVELOPE": ["junk"]})
    assert SortItem.from_fetch(odd) == SortItem(uid=0)
    group = _envelope(from_=[Address(None, None, "undisclosed-recipients", None)], to=[None], cc="x")
    item = SortItem.from_fetch(FetchData(2, {"UID": 3, "ENVELOPE": group}))
    assert (item.from_, item.to, item.cc) == ("undisclosed-recipients", "", "")


T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_sort_by_arrival_and_size_with_ties_by_uid() -> None:
    items = [
        SortItem(5, internaldate=T0 + timedelta(hours=1), size=10),
        SortItem(2, internaldate=T0 + timedelta(hours=2), size=30),
        SortItem(9, internaldate=T0 + timedelta(hours=1), size=10),
        SortItem(1, internaldate=None, size=20),
    ]
    assert sort_uids(items, ["ARRIVAL"]) == [1, 5, 9, 2]
    # REVERSE reverses the key only: ties stay in UID order.
    assert sort_uids(items, ["REVERSE", "ARRIVAL"]) == [2, 5, 9, 1]
    assert sort_uids(items, ["SIZE"]) == [5, 9, 1, 2]
    assert sort_uids(items, ["REVERSE", "SIZE"]) == [2, 1, 5, 9]


def test_a_long_sort_in_runs_orders_as_one_sort_with_ties_by_uid() -> None:
    """Past SORT_RUN items the sort is done in runs and merged: the same order, ties still by UID
    (REVERSE reverses the key only)."""
    count = 3 * SORT_RUN + 17
    items = [SortItem(uid, size=(uid * 7919) % 50) for uid in range(count, 0, -1)]
    by_size = sorted(items, key=lambda i: (i.size, i.uid))
    assert sort_uids(items, ["SIZE"]) == [i.uid for i in by_size]
    reverse = sorted(items, key=lambda i: (-(i.size or 0), i.uid))
    assert sort_uids(items, ["REVERSE", "SIZE"]) == [i.uid for i in reverse]


def test_sort_by_date_uses_utc_and_falls_back_to_the_internal_date() -> None:
    items = [
        SortItem(1, date="Tue, 03 Mar 2026 12:00:00 +0200"),  # 10:00 UTC
        SortItem(2, date="Tue, 03 Mar 2026 09:30:00 +0000"),
        SortItem(3, date=None, internaldate=datetime(2026, 3, 3, 9, 45, tzinfo=UTC)),
        SortItem(4, date="garbage", internaldate=datetime(2026, 3, 3, 9, 50, tzinfo=UTC)),
        SortItem(5, date="03-Mar-2026 09:55:00 +0000"),  # IMAP date-time, as pymap sends
        SortItem(6, date="Tue, 03 Mar 2026 10:00:00 +0000"),
    ]
    assert sort_uids(items, ["DATE"]) == [2, 3, 4, 5, 1, 6]
    assert sort_uids(items, ["REVERSE", "DATE"]) == [1, 6, 5, 4, 3, 2]


def test_quick_date_reading_agrees_with_the_thorough_parser() -> None:
    zones = [
        timezone(timedelta(hours=h, minutes=m)) for h, m in ((0, 0), (5, 30), (-8, 0), (14, 0), (-1, -30))
    ]
    for day in range(0, 800, 7):
        for zone in zones:
            when = (
                datetime(2023, 12, 25, 23, 59, 58, tzinfo=UTC) + timedelta(days=day, hours=day % 24)
            ).astimezone(zone)
            for text in (when.strftime("%a, %d %b %Y %H:%M:%S %z"), when.strftime("%d %b %Y %H:%M:%S %z")):
                parsed = parse_header_date(text)
                assert parsed is not None
                assert sent_timestamp(text, None) == int(parsed.timestamp()), text
    for invalid in (
        "Thu, 29 Feb 2026 10:00:00 +0000",
        "Fri, 31 Apr 2026 10:00:00 +0000",
        "1 Foo 2026 10:00:00 +0000",
    ):
        assert sent_timestamp(invalid, T0) == int(T0.timestamp())


def test_sort_by_addresses_compares_the_mailbox_by_unicode_casemap() -> None:
    items = [
        SortItem(1, from_="zed", to="ann", cc=""),
        SortItem(2, from_="Ann", to="", cc="bob"),
        SortItem(3, from_="_under", to="Émile", cc="ann"),
        SortItem(4, from_="ann", to="emile", cc=""),
        SortItem(5, from_="bob", to="Ezra", cc="Ann"),
    ]
    assert sort_uids(items, ["FROM"]) == [2, 4, 5, 1, 3]
    # "Émile" decomposes to "E" + U+0301, which sorts after every ASCII
    # letter: EMILE < EZRA < E\u0301MILE (as Dovecot orders them too).
    assert sort_uids(items, ["TO"]) == [2, 1, 4, 5, 3]
    assert sort_uids(items, ["CC"]) == [1, 4, 3, 5, 2]
    assert sort_uids(items, ["REVERSE", "CC"]) == [2, 3, 5, 1, 4]


def test_sort_by_subject_uses_the_base_subject() -> None:
    items = [
        SortItem(1, subject="Re: lunch"),
        SortItem(2, subject="Budget"),
        SortItem(3, subject="[list] Fwd: LUNCH (fwd)"),
        SortItem(4, subject=None),
        SortItem(5, subject="=?UTF-8?Q?=C3=A9tude?="),
        SortItem(6, subject="Zebra"),
        SortItem(7, subject="lunch"),
    ]
    assert sort_uids(items, ["SUBJECT"]) == [4, 2, 5, 1, 3, 7, 6]
    assert sort_uids(items, ["REVERSE", "SUBJECT"]) == [6, 1, 3, 7, 5, 2, 4]


def test_multiple_keys_break_ties_in_order() -> None:
    items = [
        SortItem(1, subject="a", size=3, internaldate=T0),
        SortItem(2, subject="b", size=1, internaldate=T0),
        SortItem(3, subject="a", size=1, internaldate=T0 + timedelta(1)),
        SortItem(4, subject="Re: b", size=1, internaldate=T0 + timedelta(2)),
        SortItem(5, subject="a", size=3, internaldate=T0 + timedelta(3)),
    ]
    assert sort_uids(items, ["SUBJECT", "SIZE"]) == [3, 1, 5, 2, 4]
    assert sort_uids(items, ["SUBJECT", "REVERSE", "SIZE"]) == [1, 5, 3, 2, 4]
    assert sort_uids(items, ["SUBJECT", "REVERSE", "SIZE", "REVERSE", "ARRIVAL"]) == [5, 1, 3, 4, 2]
    assert sort_uids(items, ["REVERSE", "SUBJECT", "SIZE"]) == [2, 4, 3, 1, 5]


def test_sorting_100k_messages() -> None:
    n = 100_000
    subjects = ["Lunch", "Re: Lunch", "[list] Budget", "Fwd: Été", "étude", "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?="]
    items = [
        SortItem(
            uid=i + 1,
            internaldate=T0 + timedelta(seconds=(i * 7919) % 100_003),
            date=f"{1 + i * 7 % 28} Mar 2026 {i * 11 % 24:02d}:{i * 13 % 60:02d}:{i % 60:02d} +0000",
            from_=f"user{(i * 31) % 5000}",
            to=f"to{i % 97}",
            cc="",
            subject=f"{subjects[i % len(subjects)]} {(i * 13) % 20_000}",
            size=(i * 7) % 65_536,
        )
        for i in range(n)
    ]
    for keys in (
        ["ARRIVAL"],
        ["DATE"],
        ["FROM"],
        ["SUBJECT"],
        ["REVERSE", "SIZE"],
        ["SUBJECT", "REVERSE", "DATE"],
    ):
        start = time.process_time()
        order = sort_uids(items, keys)
        elapsed = time.process_time() - start
        print(f"sort_uids 100k {keys}: {elapsed:.2f} s CPU")
        assert sorted(order) == list(range(1, n + 1))
        assert elapsed < 10
    by_size = sort_uids(items, ["SIZE"])
    sizes = [items[uid - 1].size for uid in by_size]
    assert sizes == sorted(sizes)


def test_hostile_headers_sort_without_errors() -> None:
    import random

    rng = random.Random(5)
    pieces = [
        "Re:",
        "[",
        "]",
        "(fwd)",
        "=?UTF-8?Q?",
        "?=",
        " ",
        "\t",
        "\x00",
        "\ud800",
        "\u202e",
        "é",
        "ß",
        "x",
    ]

    def junk() -> str:
        return "".join(rng.choice(pieces) for _ in range(rng.randrange(30)))

    items = [
        SortItem(
            uid=uid,
            internaldate=rng.choice([None, T0, datetime(1, 1, 1), datetime(9999, 12, 31, tzinfo=UTC)]),
            date=rng.choice(
                [None, junk(), "Tue, 03 Mar 9999 10:00:00 +9999", "Tue, 03 Mar 0000 10:00:00 +0000"]
            ),
            from_=junk(),
            to=junk(),
            cc=junk(),
            subject=rng.choice([None, junk()]),
            size=rng.randrange(2**40),
        )
        for uid in range(1, 300)
    ]
    for key in ("ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO"):
        assert sorted(sort_uids(items, [key])) == list(range(1, 300))
