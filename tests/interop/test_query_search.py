"""Compiled queries (tuimail.mail.query) run with UID SEARCH on pymap and
Dovecot: each query returns exactly the expected UIDs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest

from tests.interop.helpers import connect
from tests.servers.info import ServerInfo
from tuimail.imap import IMAP, AppendUIDData
from tuimail.mail.query import charset_fallback, compile_query
from tuimail.mail.summary import SUMMARY_ITEMS, MessageSummary

TODAY = date(2026, 11, 30)


def _mail(
    sender: str, to: str, subject: str, body: str, *, cc: str | None = None, attachment: bool = False
) -> bytes:
    headers = [
        f"From: {sender}",
        f"To: {to}",
        *([f"Cc: {cc}"] if cc else []),
        f"Subject: {subject}",
        "Date: Thu, 19 Nov 2026 10:00:00 +0000",
        f"Message-ID: <{abs(hash((sender, subject)))}@example.com>",
        "MIME-Version: 1.0",
    ]
    if not attachment:
        lines = [
            *headers,
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            body,
        ]
    else:
        lines = [
            *headers,
            'Content-Type: multipart/mixed; boundary="b1"',
            "",
            "--b1",
            "Content-Type: text/plain; charset=utf-8",
            "",
            body,
            "--b1",
            'Content-Type: application/pdf; name="invoice.pdf"',
            'Content-Disposition: attachment; filename="invoice.pdf"',
            "Content-Transfer-Encoding: base64",
            "",
            "JVBERi0xLjQK",
            "--b1--",
        ]
    return ("\r\n".join(lines) + "\r\n").encode()


# (message, flags, internal date); UIDs 1..5 in this order.
SEED = [
    (
        _mail("Ann Example <ann@example.com>", "Joe <joe@example.com>", "Lunch plans", "pizza at noon"),
        ["\\Seen"],
        datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
    ),
    (
        _mail(
            "Bob <bob@example.org>",
            "Ann <ann@example.com>",
            "Grüße aus Köln",
            "Schöne Grüße vom Rhein",
            cc="Carol <carol@example.net>",
        ),
        ["\\Flagged"],
        datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
    ),
    (
        _mail(
            "Carol <carol@example.net>",
            "Joe <joe@example.com>",
            "Re: Lunch plans",
            "I will bring salad\r\n" + "x" * 20_000,
        ),
        ["\\Seen", "\\Answered"],
        datetime(2026, 11, 26, 12, 0, tzinfo=UTC),
    ),
    (
        _mail(
            "Ann Example <ann@example.com>",
            "Bob <bob@example.org>",
            "Invoice 10:30",
            "see attached",
            attachment=True,
        ),
        ["\\Draft"],
        datetime(2026, 11, 28, 12, 0, tzinfo=UTC),
    ),
    (
        _mail("Dave <dave@example.com>", "Joe <joe@example.com>", "quarterly report", "numbers"),
        ["\\Deleted"],
        datetime(2026, 10, 1, 12, 0, tzinfo=UTC),
    ),
]


@pytest.fixture
async def seeded(imap_server: ServerInfo) -> AsyncIterator[tuple[IMAP, list[int]]]:
    imap = await connect(imap_server)
    uids: list[int] = []
    for raw, flags, when in SEED:
        result = await imap.append("INBOX", raw, flags=flags, date_time=when)
        assert isinstance(result, AppendUIDData)
        uids.extend(result.assigned_uids)
    await imap.select("INBOX")
    yield imap, uids
    await imap._close_quietly()


CASES = [
    ("from:ann", [1, 4]),
    ("FROM:ann", [1, 4]),
    ("-from:ann", [2, 3, 5]),
    ("from:ann OR from:bob", [1, 2, 4]),
    ("from:ann OR from:bob OR from:dave", [1, 2, 4, 5]),
    ("from:ann OR from:bob OR from:dave OR from:carol", [1, 2, 3, 4, 5]),
    ("to:joe", [1, 3, 5]),
    ("cc:carol", [2]),
    ("subject:lunch", [1, 3]),
    ('subject:"lunch plans" -subject:re', [1]),
    ("body:pizza", [1]),
    ("text:salad", [3]),
    ("pizza", [1]),
    ('"bring salad"', [3]),
    ("bring salad", [3]),
    ('"salad bring"', []),
    ('subject:"10:30"', [4]),
    ("since:2026-11-24", [2, 3, 4]),
    ("before:2026-11-24", [1, 5]),
    ("on:2026-11-26", [3]),
    ("since:7d", [2, 3, 4]),
    ("before:1m", [5]),
    ("since:2w before:4d", [1, 2]),
    ("larger:10k", [3]),
    ("smaller:10k", [1, 2, 4, 5]),
    ("is:unread", [2, 4, 5]),
    ("is:read", [1, 3]),
    ("is:flagged", [2]),
    ("is:unflagged", [1, 3, 4, 5]),
    ("is:answered", [3]),
    ("is:deleted", [5]),
    ("is:draft", [4]),
    ("(from:ann OR from:carol) since:2026-11-25", [3, 4]),
    ("from:ann OR from:carol since:2026-11-25", [3, 4]),
    ("-(from:ann OR is:deleted)", [2, 3]),
    ("from:ann OR (from:bob is:flagged)", [1, 2, 4]),
    ("-(from:ann is:read)", [2, 3, 4, 5]),
    ("--from:ann", [1, 4]),
    ("subject:Grüße", [2]),
    ("Köln OR pizza", [1, 2]),
    ("from:nobody", []),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q for q, _ in CASES])
async def test_query_returns_the_right_uids(
    seeded: tuple[IMAP, list[int]], query: str, expected: list[int]
) -> None:
    imap, uids = seeded
    compiled = compile_query(query, today=TODAY)
    assert compiled.client_filter is None
    found = await imap.uid_search(compiled.criteria, compiled.charset)
    assert sorted(found) == [uids[n - 1] for n in expected]


async def test_has_attachment_is_filtered_on_the_client(seeded: tuple[IMAP, list[int]]) -> None:
    imap, uids = seeded
    for query, expected in [
        ("has:attachment", [4]),
        ("-has:attachment from:ann", [1]),
        ("has:attachment is:read", []),
    ]:
        compiled = compile_query(query, today=TODAY)
        assert compiled.client_filter is not None
        candidates = await imap.uid_search(compiled.criteria, compiled.charset)
        fetched = await imap.uid_fetch(candidates, SUMMARY_ITEMS) if candidates else []
        kept = sorted(s.uid for s in map(MessageSummary.from_fetch, fetched) if compiled.accepts(s))
        assert kept == [uids[n - 1] for n in expected], query


async def test_latin1_retry_after_badcharset_finds_the_message_on_dovecot(dovecot_server: ServerInfo) -> None:
    """The retry charset_fallback builds for a server listing ISO-8859-1
    (values sent as ISO-8859-1 bytes) finds the message on a real server."""
    imap = await connect(dovecot_server)
    try:
        for raw, flags, when in SEED:
            await imap.append("INBOX", raw, flags=flags, date_time=when)
        await imap.select("INBOX")
        retry = charset_fallback(compile_query("subject:Köln", today=TODAY), ["ISO-8859-1"])
        assert retry is not None and retry.charset == "ISO-8859-1"
        assert await imap.uid_search(retry.criteria, retry.charset) == [2]
    finally:
        await imap._close_quietly()


async def test_ascii_folded_retry_runs_without_charset(seeded: tuple[IMAP, list[int]]) -> None:
    imap, uids = seeded
    retry = charset_fallback(compile_query("from:bøb OR subject:Lünch", today=TODAY))
    assert retry is not None and retry.folded and retry.charset is None
    assert retry.text == "from:bob OR subject:Lunch"
    assert sorted(await imap.uid_search(retry.criteria, retry.charset)) == [uids[0], uids[1], uids[2]]


async def test_deepest_accepted_query_is_sent_and_answered(seeded: tuple[IMAP, list[int]]) -> None:
    """The nesting the compiler accepts (60 levels of criteria) is within
    what tuimail.imap sends and what the servers take."""
    imap, uids = seeded
    query = "from:dave"
    for i in range(15):
        query = "(" + " OR ".join(f"w{i}x{j}" for j in range(15)) + f" OR {query})"
    compiled = compile_query(query, today=TODAY)
    assert await imap.uid_search(compiled.criteria, compiled.charset) == [uids[4]]
