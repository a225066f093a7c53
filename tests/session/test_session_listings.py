"""Search, sort and threads through the session, on pymap (client-side fallbacks) and Dovecot
(ESEARCH, SORT, THREAD=REFERENCES)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import pytest

from tests.servers.info import ServerInfo
from tuimail.config import Account
from tuimail.session import messages as m

from .support import BASE, PASSWORD, USER, TraceLines, other_connection, pymap_thread, started


def letter(i: int, subject: str, sender: str, *, reply_to: int | None = None, size: int = 0) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "me@example.com"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(BASE + timedelta(hours=i))
    msg["Message-ID"] = f"<l{i}@example.com>"
    if reply_to is not None:
        msg["In-Reply-To"] = f"<l{reply_to}@example.com>"
        msg["References"] = f"<l{reply_to}@example.com>"
    msg.set_content("x" * size + f"\nBody {i}\n")
    return msg.as_bytes()


#: (subject, sender, in reply to, body size): a small mailbox with a thread and odd sizes.
LETTERS = [
    ("Lunch plans", "Ann <ann@example.com>", None, 10),
    ("Budget 2026", "Bob <bob@example.com>", None, 5000),
    ("Re: Lunch plans", "Bob <bob@example.com>", 1, 20),
    ("Zebra report", "Ann <ann@example.com>", None, 300),
    ("Re: Re: Lunch plans", "Ann <ann@example.com>", 3, 30),
    ("Café menu", "Chloé <chloe@example.com>", None, 40),
]


@pytest.fixture(params=["pymap", "dovecot"])
def server(request: pytest.FixtureRequest) -> Iterator[Account]:
    messages = [letter(i, s, f, reply_to=r, size=z) for i, (s, f, r, z) in enumerate(LETTERS, 1)]
    if request.param == "pymap":
        boxes = {"INBOX": [(raw, ["\\Seen"], BASE + timedelta(hours=i)) for i, raw in enumerate(messages, 1)]}
        with pymap_thread(boxes) as pymap:
            yield Account("t", "127.0.0.1", USER, port=pymap.port, tls="none", password=PASSWORD)
        return
    info: ServerInfo = request.getfixturevalue("dovecot_server")
    client = other_connection(info.host, info.port, info.username, info.password)
    for raw in messages:
        client.append("INBOX", raw, flags=["\\Seen"])
    client.logout()
    yield Account("t", info.host, info.username, port=info.port, tls="none", password=info.password)


def subjects_of(got: Any, uids: tuple[int, ...]) -> list[str]:
    view = got.view
    return [view.summary(uid).subject for uid in uids]


async def test_search_finds_by_sender_and_subject_newest_first(server: Account) -> None:
    async with started(server) as (session, got):
        await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
        session.search("from:ann lunch")
        listed = await got.wait_for(m.Listed)
        assert listed.kind == "search" and listed.title == "from:ann lunch"
        assert subjects_of(got, listed.uids) == ["Re: Re: Lunch plans", "Lunch plans"]
        session.search('subject:"café" OR subject:zebra')
        listed = await got.wait_for(m.Listed)
        assert subjects_of(got, listed.uids) == ["Café menu", "Zebra report"]


async def test_a_malformed_query_says_where(server: Account) -> None:
    async with started(server) as (session, got):
        await got.wait_for(m.MailboxOpened)
        session.search("from:ann (lunch")
        failed = await got.wait_for(m.SearchFailed)
        assert failed.text == "from:ann (lunch" and 0 <= failed.position <= len(failed.text)
        assert "parenthes" in failed.reason


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (
            ["SUBJECT"],
            [
                "Budget 2026",
                "Café menu",
                "Lunch plans",
                "Re: Lunch plans",
                "Re: Re: Lunch plans",
                "Zebra report",
            ],
        ),
        (["REVERSE", "SIZE"], None),
        (["REVERSE", "DATE"], [s for s, *_ in reversed(LETTERS)]),
    ],
    ids=["subject", "reverse-size", "reverse-date"],
)
async def test_sort_orders_the_whole_mailbox_on_server_or_client_alike(
    server: Account, keys: list[str], expected: list[str] | None
) -> None:
    async with started(server) as (session, got):
        await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
        session.sort(keys)
        listed = await got.wait_for(m.Listed)
        assert listed.kind == "sort" and listed.sort == tuple(keys)
        got_subjects = subjects_of(got, listed.uids)
        if expected is None:  # sizes are the server's: the largest first, each once
            sizes = [got.view.summary(uid).size for uid in listed.uids]
            assert sizes == sorted(sizes, reverse=True) and sorted(listed.uids) == sorted(
                got.view.known_uids()
            )
        elif keys == ["SUBJECT"]:  # RFC 5256 sorts by the base subject: the three Lunch plans tie
            assert got_subjects[:2] == expected[:2] and got_subjects[-1] == expected[-1]
            assert sorted(got_subjects[2:5]) == sorted(expected[2:5])
        else:
            assert got_subjects == expected


async def test_threads_gather_the_replies_under_their_first_message(server: Account) -> None:
    from tuimail.mail.threads import ThreadView

    async with started(server) as (session, got):
        await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
        session.threads()
        listed = await got.wait_for(m.Listed)
        assert listed.kind == "threads"
        view = ThreadView(listed.threads)
        lunch = next(uid for uid in view.root_uids if got.view.summary(uid).subject == "Lunch plans")
        assert subjects_of(got, tuple(view.thread_uids(lunch))) == [
            "Lunch plans",
            "Re: Lunch plans",
            "Re: Re: Lunch plans",
        ]
        assert len(view.root_uids) == 4


async def test_opening_a_mailbox_by_a_search_fetches_only_what_it_finds(
    server: Account, trace: TraceLines
) -> None:
    async with started(server) as (session, got):
        await got.until(lambda: got.view is not None and None not in got.subjects(), what="rows")
        mark = trace.mark()
        session.open_mailbox("INBOX", "from:bob")
        listed = await got.wait_for(m.Listed)
        session.want_summaries(listed.generation, listed.uids)
        await got.until(lambda: all(got.view.summary(u) is not None for u in listed.uids), what="results")
        assert sorted(subjects_of(got, listed.uids)) == ["Budget 2026", "Re: Lunch plans"]
        envelopes = [line for line in trace.sent(mark) if "ENVELOPE" in line]
        assert len(envelopes) == 1 and "UID FETCH" in envelopes[0], envelopes
