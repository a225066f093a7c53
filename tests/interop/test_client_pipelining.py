"""Pipelining on one connection against the real servers: the protocol
trace proves command N+1 goes out before command N completes, and 50
concurrent fetches and searches all get their own right results."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest

from tests.interop.helpers import connect, message
from tests.servers.info import ServerInfo

_CMD = re.compile(r"C: (T\d+) ")
_DONE = re.compile(r"S: (T\d+) (?:OK|NO|BAD)")


def _trace(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "tuimail.imap.protocol"]


def _max_in_flight(lines: list[str]) -> int:
    in_flight: set[str] = set()
    peak = 0
    for line in lines:
        if m := _CMD.match(line):
            in_flight.add(m.group(1))
            peak = max(peak, len(in_flight))
        elif m := _DONE.match(line):
            in_flight.discard(m.group(1))
    return peak


async def test_trace_shows_next_command_sent_before_previous_completed(
    imap_server: ServerInfo, caplog: pytest.LogCaptureFixture
) -> None:
    imap = await connect(imap_server)
    for i in range(3):
        await imap.append("INBOX", message(f"hello {i}", body="hello world"))
    await imap.select("INBOX")
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    fetch_task = asyncio.create_task(imap.fetch("1:*", "UID"))
    search_result = await imap.search(["BODY", "hello"])
    fetch_result = await fetch_task
    await imap.logout()
    assert search_result == [1, 2, 3]
    assert [f.seqno for f in fetch_result] == [1, 2, 3]
    lines = _trace(caplog)
    sent = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _CMD.match(line))]
    completed = {m.group(1): i for i, line in enumerate(lines) if (m := _DONE.match(line))}
    (_, first_tag), (second_at, _) = sent[0], sent[1]
    assert second_at < completed[first_tag], lines


async def test_fifty_concurrent_fetches_and_searches_get_right_results(
    imap_server: ServerInfo, caplog: pytest.LogCaptureFixture
) -> None:
    imap = await connect(imap_server)
    uids = []
    for i in range(50):
        appended = await imap.append("INBOX", message(f"message {i:02d}", body=f"unique-word-{i:02d}"))
        assert appended is not None
        uids.extend(appended.assigned_uids)
    await imap.select("INBOX")
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")

    async def by_number(i: int) -> None:
        n = i + 1
        fetched, found = await asyncio.gather(
            imap.fetch(n, ["UID", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]),
            imap.search(["BODY", f"unique-word-{i:02d}"]),
        )
        assert [f.seqno for f in fetched] == [n]
        assert fetched[0].uid == uids[i]
        assert (
            fetched[0].attr["BODY[HEADER.FIELDS (SUBJECT)]"].strip() == f"Subject: message {i:02d}".encode()
        )
        assert found == [n]

    async def by_uid(i: int) -> None:
        fetched, found = await asyncio.gather(
            imap.uid_fetch(uids[i], "ENVELOPE"),
            imap.uid_search(["SUBJECT", f"message {i:02d}"]),
        )
        assert [f.uid for f in fetched] == [uids[i]]
        assert fetched[0].attr["ENVELOPE"].subject == f"message {i:02d}"
        assert found == [uids[i]]

    # Sequence-number and UID commands may not overlap (RFC 9051 5.5), so
    # each kind runs as its own burst of 100 concurrent commands.
    await asyncio.gather(*(by_number(i) for i in range(50)))
    first_burst = _max_in_flight(_trace(caplog))
    caplog.clear()
    await asyncio.gather(*(by_uid(i) for i in range(50)))
    second_burst = _max_in_flight(_trace(caplog))
    await imap.logout()
    # Disjoint fetches pipeline on every server; searches too with ESEARCH.
    assert first_burst >= 50 and second_burst >= 50, (first_burst, second_burst)


async def test_sequence_number_command_waits_for_a_command_that_may_expunge(
    imap_server: ServerInfo, caplog: pytest.LogCaptureFixture
) -> None:
    """RFC 9051 5.5: after NOOP (which may carry EXPUNGE), FETCH by number
    waits for NOOP's completion; UID FETCH need not."""
    imap = await connect(imap_server)
    uids = []
    for i in range(3):
        appended = await imap.append("INBOX", message(f"m{i}"))
        assert appended is not None
        uids.extend(appended.assigned_uids)
    state = await imap.select("INBOX")
    other = await connect(imap_server)  # expunges message 1 behind our back
    await other.select("INBOX")
    await other.uid_store(uids[0], "+FLAGS", ["\\Deleted"])
    await other.uid_expunge(uids[0])
    await other.logout()
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    _, fetched = await asyncio.gather(imap.noop(), imap.fetch(1, "UID"))  # 1: the second message now
    first = _order(_trace(caplog))
    caplog.clear()
    _, by_uid = await asyncio.gather(imap.noop(), imap.uid_fetch(uids[2], "UID"))
    second = _order(_trace(caplog))
    await imap.logout()
    assert state.exists == 2
    assert [f.uid for f in fetched] == [uids[1]] and [f.uid for f in by_uid] == [uids[2]]
    assert first.index("C: FETCH") > first.index("S: NOOP done"), first  # number command: waits
    assert second.index("C: UID FETCH") < second.index("S: NOOP done"), second  # UID command: no wait


def _order(lines: list[str]) -> list[str]:
    """Trace lines as "C: <command>" / "S: <command> done", by tag."""
    names: dict[str, str] = {}
    out = []
    for line in lines:
        if m := _CMD.match(line):
            names[m.group(1)] = name = line.split(" ", 2)[2].split(" ")[0]
            if name == "UID":
                names[m.group(1)] = name = " ".join(line.split(" ", 4)[2:4])
            out.append(f"C: {name}")
        elif (m := _DONE.match(line)) and m.group(1) in names:
            out.append(f"S: {names[m.group(1)]} done")
    return out
