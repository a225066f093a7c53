"""Client-side SORT and THREAD (tuimail.mail.sorting / .threads) against the
real thing: Dovecot's ``UID SORT`` and ``UID THREAD REFERENCES UTF-8 ALL``
on the same seeded mailbox, and the fallbacks on pymap (which offers
neither) giving Dovecot's answers."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.interop.helpers import connect
from tests.servers.dovecot import DovecotServer
from tests.servers.info import ServerInfo
from tuimail.imap import IMAP, AppendUIDData, ThreadMember
from tuimail.mail.sorting import SortItem, fetch_items_for, sort_uids
from tuimail.mail.threads import THREAD_FETCH_ITEMS, ThreadItem, thread_references

BASE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _raw(headers: list[tuple[str, str]], body: str = "hello") -> bytes:
    lines = [f"{name}: {value}" for name, value in headers]
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\r\n".join(lines).encode()


def _sort_message(
    n: int,
    sender: str,
    to: str | None,
    cc: str | None,
    subject: str | None,
    date: str | None,
    body_size: int,
) -> bytes:
    headers = [("From", sender)]
    if to is not None:
        headers.append(("To", to))
    if cc is not None:
        headers.append(("Cc", cc))
    if subject is not None:
        headers.append(("Subject", subject))
    if date is not None:
        headers.append(("Date", date))
    headers.append(("Message-ID", f"<sort{n}@example.com>"))
    return _raw(headers, "x" * body_size)


INVALID_DATE = "not a date at all"

# (From, To, Cc, Subject, Date, body size, internal date offset in hours)
SORT_SEED = [
    (
        "Zed <zed@example.com>",
        "bob@example.org",
        None,
        "Re: Lunch",
        "Tue, 03 Mar 2026 10:00:00 +0000",
        300,
        5,
    ),
    (
        "ann@example.com",
        "Carol <carol@example.org>",
        "dave@example.com",
        "lunch",
        "Tue, 03 Mar 2026 12:00:00 +0200",
        100,
        1,
    ),
    (
        "=?UTF-8?Q?=C3=89mile?= <emile@example.com>",
        None,
        "ann@example.com",
        "[list] Fwd: Budget (fwd)",
        None,
        200,
        3,
    ),
    ("bob@example.org", "ann@example.com", None, "=?UTF-8?Q?=C3=89t=C3=A9?= plans", INVALID_DATE, 100, 2),
    (
        "Ann <ANN@example.com>",
        "zed@example.com",
        "Bob <bob@example.org>",
        None,
        "Mon, 02 Mar 2026 23:30:00 -0500",
        50,
        4,
    ),
    (
        "_under@example.com",
        "emile@example.com",
        None,
        "Zebra crossing",
        "Tue, 03 Mar 2026 10:00:00 +0000",
        300,
        5,
    ),
    (
        "carol@example.org",
        "Ann <ann@example.com>",
        "carol@example.org",
        "[fwd: Re: zebra crossing]",
        "Wed, 04 Mar 2026 08:00:00 +0100",
        1000,
        0,
    ),
    (
        "dave@example.com",
        "dave@example.com",
        None,
        "RE: [PATCH 2/3] budget",
        "Tue, 03 Mar 2026 09:00:00 +0000",
        100,
        6,
    ),
    (
        "=?UTF-8?Q?=C3=89mile?= <emile@example.com>",
        "Emile <Emile@example.com>",
        None,
        "",
        "Tue, 03 Mar 2026 09:00:00 -0100",
        120,
        1,
    ),
    (
        "zed@example.com",
        "bob@example.org",
        "ann@example.com",
        "étude",
        "Sun, 01 Mar 2026 08:00:00 +0000",
        80,
        7,
    ),
]

SORT_KEYS = [
    ["ARRIVAL"],
    ["CC"],
    ["DATE"],
    ["FROM"],
    ["SIZE"],
    ["SUBJECT"],
    ["TO"],
    ["REVERSE", "ARRIVAL"],
    ["REVERSE", "CC"],
    ["REVERSE", "DATE"],
    ["REVERSE", "FROM"],
    ["REVERSE", "SIZE"],
    ["REVERSE", "SUBJECT"],
    ["REVERSE", "TO"],
    ["SUBJECT", "REVERSE", "DATE"],
    ["REVERSE", "FROM", "SIZE"],
    ["CC", "REVERSE", "ARRIVAL"],
]


async def _seed(imap: IMAP, messages: list[tuple[bytes, datetime]]) -> list[int]:
    uids: list[int] = []
    for raw, when in messages:
        result = await imap.append("INBOX", raw, date_time=when)
        assert isinstance(result, AppendUIDData)
        uids.extend(result.assigned_uids)
    await imap.select("INBOX")
    return uids


def _sort_messages(*, pymap_safe: bool = False) -> list[tuple[bytes, datetime]]:
    """SORT_SEED as messages; ``pymap_safe`` leaves out the invalid Date
    header (pymap drops the connection fetching its envelope), which sorts
    as a missing one does: by internal date."""
    out = []
    for n, row in enumerate(SORT_SEED):
        date = row[4]
        if pymap_safe and date == INVALID_DATE:
            date = None
        out.append((_sort_message(n, *row[:4], date, row[5]), BASE + timedelta(hours=row[6])))
    return out


async def _client_sort(imap: IMAP, keys: list[str]) -> list[int]:
    fetched = await imap.uid_fetch("1:*", fetch_items_for(keys))
    return sort_uids((SortItem.from_fetch(f) for f in fetched), keys)


@pytest.fixture
async def dovecot_imap(dovecot_server: ServerInfo) -> AsyncIterator[IMAP]:
    imap = await connect(dovecot_server)
    yield imap
    await imap._close_quietly()


@pytest.fixture
async def pymap_imap(pymap_server: ServerInfo) -> AsyncIterator[IMAP]:
    imap = await connect(pymap_server)
    yield imap
    await imap._close_quietly()


async def test_client_sort_equals_dovecot_sort_for_every_key(dovecot_imap: IMAP) -> None:
    await _seed(dovecot_imap, _sort_messages())
    for keys in SORT_KEYS:
        server = await dovecot_imap.uid_sort(keys, ["ALL"])
        assert await _client_sort(dovecot_imap, keys) == list(server), keys


async def test_pymap_fallback_sort_gives_dovecots_order(dovecot_imap: IMAP, pymap_imap: IMAP) -> None:
    """pymap has no SORT: fetching only the keys' items there and sorting
    on the client gives the order Dovecot's SORT gives for the same mail."""
    assert not pymap_imap.has("SORT")
    dovecot_uids = await _seed(dovecot_imap, _sort_messages(pymap_safe=True))
    pymap_uids = await _seed(pymap_imap, _sort_messages(pymap_safe=True))
    for keys in SORT_KEYS:
        server = [dovecot_uids.index(uid) for uid in await dovecot_imap.uid_sort(keys, ["ALL"])]
        fallback = [pymap_uids.index(uid) for uid in await _client_sort(pymap_imap, keys)]
        assert fallback == server, keys


# --- threads ---------------------------------------------------------------------------------


def _thread_message(
    mid: str | None,
    subject: str | None,
    date: str | None,
    *,
    in_reply_to: str | None = None,
    references: str | None = None,
) -> bytes:
    headers = [("From", "someone@example.com")]
    if subject is not None:
        headers.append(("Subject", subject))
    if date is not None:
        headers.append(("Date", date))
    if mid is not None:
        headers.append(("Message-ID", mid))
    if in_reply_to is not None:
        headers.append(("In-Reply-To", in_reply_to))
    if references is not None:
        headers.append(("References", references))
    return _raw(headers)


def _day(day: int, hour: int = 10, tz: int = 0) -> str:
    zone = timezone(timedelta(hours=tz))
    return datetime(2026, 3, day, hour, 0, tzinfo=zone).strftime("%a, %d %b %Y %H:%M:%S %z")


# Replies by References and by In-Reply-To only; a reply that arrives
# before its parent; missing parents (one child, several children); threads
# joined by subject only (reply and non-reply); a duplicate Message-ID;
# References that would make a loop; no Message-ID; no Subject; empty
# subject; a missing or invalid Date (internal date used); equal dates.
def _thread_seed(*, pymap_safe: bool = False) -> list[bytes]:
    """The thread test mailbox; ``pymap_safe`` sends no Date instead of an
    invalid one (both thread by internal date)."""
    bad_date = None if pymap_safe else INVALID_DATE
    return [
        _thread_message("<a@x>", "Project kickoff", _day(2)),
        _thread_message("<b@x>", "Re: Project kickoff", _day(3), in_reply_to="<a@x>", references="<a@x>"),
        _thread_message("<c@x>", "Re: Project kickoff", _day(4), in_reply_to="<b@x>"),
        _thread_message("<e@x>", "Re: Re: Project kickoff", _day(3, 8), references="<a@x> <d@x>"),
        _thread_message("<d@x>", "Re: Project kickoff", _day(3, 20), references="<a@x>"),
        _thread_message("<g@x>", "Minutes", _day(5), references="<missing-1@x>"),
        _thread_message("<h@x>", "Re: Minutes", _day(6), references="<missing-2@x>"),
        _thread_message("<i@x>", "Re: Minutes", _day(7), references="<missing-2@x>"),
        _thread_message("<j@x>", "Lunch on Friday?", _day(8)),
        _thread_message("<k@x>", "Re: Lunch on Friday?", _day(9)),
        _thread_message("<l@x>", "lunch on friday?", _day(10)),
        _thread_message("<m@x>", "Fwd: Budget 2026", _day(11)),
        _thread_message("<n@x>", "Re: budget 2026", _day(12)),
        _thread_message("<a@x>", "Duplicate of the kickoff id", _day(13)),
        _thread_message("<p@x>", "Loop one", _day(14), references="<q@x> <p@x>"),
        _thread_message("<q@x>", "Loop two", _day(15), references="<p@x>"),
        _thread_message(None, "No message id", _day(16)),
        _thread_message("<s@x>", None, _day(17)),
        _thread_message("<t@x>", "", _day(18)),
        _thread_message("<u@x>", "Undated", None, references="<j@x>"),
        _thread_message("<v@x>", "Bad date", bad_date, references="<j@x>"),
        _thread_message("<w@x>", "Same time A", _day(20, 12)),
        _thread_message("<y@x>", "Re: Same time A", _day(20, 12), references="<w@x>"),
        _thread_message("<z@x>", "Re: Same time A", _day(20, 12), references="<w@x>"),
        _thread_message("<ref1@x>", "Early bird", _day(1, tz=5), references="<a@x> <b@x>"),
        _thread_message("<r2@x>", "Re: Orphans", _day(21), references="<gone@x> <gone2@x>"),
        _thread_message("<r3@x>", "Re: Orphans", _day(22), references="<gone@x> <gone3@x>"),
        _thread_message("<r4@x>", "[list] Orphans", _day(23)),
    ]


async def _client_threads(imap: IMAP) -> list[ThreadMember]:
    fetched = await imap.uid_fetch("1:*", THREAD_FETCH_ITEMS)
    return thread_references(ThreadItem.from_fetch(f) for f in fetched)


def _renumber(threads: list[ThreadMember], uids: list[int]) -> list[ThreadMember]:
    """UIDs -> positions in the seed, so two servers' threads compare."""

    def member(m: ThreadMember) -> ThreadMember:
        seqno = None if m.seqno is None else uids.index(m.seqno)
        return ThreadMember(seqno, [member(c) for c in m.children])

    return [member(t) for t in threads]


def _messages(seed: list[bytes]) -> list[tuple[bytes, datetime]]:
    return [(raw, BASE + timedelta(days=n)) for n, raw in enumerate(seed)]


async def test_client_threads_equal_dovecot_thread_references(dovecot_imap: IMAP) -> None:
    await _seed(dovecot_imap, _messages(_thread_seed()))
    server = await dovecot_imap.uid_thread("REFERENCES", ["ALL"])
    client = await _client_threads(dovecot_imap)
    assert client == server


async def test_pymap_fallback_threads_give_dovecots_threads(dovecot_imap: IMAP, pymap_imap: IMAP) -> None:
    assert not pymap_imap.has("THREAD=REFERENCES")
    dovecot_uids = await _seed(dovecot_imap, _messages(_thread_seed(pymap_safe=True)))
    pymap_uids = await _seed(pymap_imap, _messages(_thread_seed(pymap_safe=True)))
    server = _renumber(await dovecot_imap.uid_thread("REFERENCES", ["ALL"]), dovecot_uids)
    assert _renumber(await _client_threads(pymap_imap), pymap_uids) == server


# --- random mailboxes ------------------------------------------------------------------------


def _random_sort_mailbox(rng: random.Random, n: int) -> list[tuple[bytes, datetime]]:
    subjects = [
        *(
            "Re: x",
            "x",
            "[a] x",
            "re:x",
            "Fwd: [b] Re: y (fwd)",
            "[fwd: y]",
            "Y",
            "=?UTF-8?Q?=C3=A9t=C3=A9?=",
        ),
        *(
            "été",
            "ÉTÉ",
            "e\u0301te\u0301",
            "  spaced   out ",
            "[]",
            "[a][b]",
            "Re: [a]",
            "ß",
            "ss",
            "_x",
            "ǆ",
        ),
        *(None, ""),
    ]
    senders = ["ann@x", "Ann <ANN@x>", "bob@x", "_u@x", "=?UTF-8?Q?=C3=89mile?= <emile@x>", "zed@x"]
    addresses: list[str | None] = [*senders, None]
    dates = [None, INVALID_DATE, "Tue, 03 Mar 2026 10:00:00"]
    out = []
    for i in range(n):
        date = rng.choice([_day(rng.randrange(1, 4), rng.randrange(3), rng.randrange(-2, 3)), *dates])
        raw = _sort_message(
            i,
            rng.choice(senders),
            rng.choice(addresses),
            rng.choice(addresses),
            rng.choice(subjects),
            date,
            rng.randrange(50),
        )
        out.append((raw, BASE + timedelta(hours=rng.randrange(5))))
    return out


def _random_thread_mailbox(rng: random.Random, n: int) -> list[bytes]:
    subjects = [
        "alpha",
        "Re: alpha",
        "beta",
        "Fwd: beta",
        "[x] gamma",
        "RE: [x] gamma",
        "gamma (fwd)",
        "",
        None,
    ]
    out = []
    for i in range(n):
        pool = n + 3
        references = " ".join(f"<m{rng.randrange(pool)}@x>" for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 6])))
        out.append(
            _thread_message(
                rng.choice([f"<m{rng.randrange(pool)}@x>", f"<m{i}@x>", f"<m{i}@x>", None]),
                rng.choice(subjects),
                rng.choice([_day(rng.randrange(1, 5), rng.randrange(3)), None, _day(2)]),
                in_reply_to=rng.choice([None, f"<m{rng.randrange(pool)}@x>"]),
                references=references or None,
            )
        )
    return out


async def test_random_mailboxes_sort_and_thread_as_dovecot_does(dovecot: DovecotServer) -> None:
    """Seeded random mailboxes (colliding Message-IDs, loops, prefixes,
    blobs, case and accents, odd dates): client results equal Dovecot's."""
    for seed in range(12):
        rng = random.Random(seed)
        imap = await connect(dovecot.server_info())
        try:
            if seed % 2:
                await _seed(imap, _messages(_random_thread_mailbox(rng, rng.randrange(5, 40))))
                assert await _client_threads(imap) == await imap.uid_thread("REFERENCES", ["ALL"]), seed
            else:
                await _seed(imap, _random_sort_mailbox(rng, rng.randrange(5, 30)))
                for keys in SORT_KEYS:
                    assert await _client_sort(imap, keys) == list(await imap.uid_sort(keys, ["ALL"])), (
                        seed,
                        keys,
                    )
        finally:
            await imap._close_quietly()
