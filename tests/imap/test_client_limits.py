"""Resource limits against hostile servers (issue 10, "Resource limits, as
tests"): for each case a scripted server sends what a hostile one would,
the client's peak memory is measured with tracemalloc and must stay under
the configured limit plus a margin, and the client ends with a clear
library error and a clean disconnect, or carries on where the data can be
dropped or kept compact.

The server streams with flow control (``Peer.stream``), so what is
measured is the client's memory, not the server's send buffer.  Limits are
configured small so that each case runs in a second or two.
"""

from __future__ import annotations

import contextlib
import itertools
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from tests.imap.scripted_server import Peer, Script, greet, scripted_client
from tuimail.imap import (
    CommandTimeout,
    ConnectionLost,
    CopyUIDData,
    ESearchResult,
    Limits,
    ParseError,
    ResponseTooLargeError,
    SearchResult,
    SequenceSet,
)

KIB = 1024
MIB = 1024 * KIB
#: Allowance for the event loop, the client, tracemalloc's own frames...
MARGIN = 2 * MIB


class Peak:
    """The peak of traced memory above the level when measuring started."""

    bytes: int = 0


@contextlib.contextmanager
def peak_memory() -> Iterator[Peak]:
    peak = Peak()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    try:
        yield peak
    finally:
        peak.bytes = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()


def repeated(unit: bytes, total: int, chunk: int = 64 * KIB) -> Iterator[bytes]:
    """``total`` bytes of ``unit`` repeated, in chunks of about ``chunk``."""
    block = unit * max(1, chunk // len(unit))
    sent = 0
    while sent < total:
        part = block[: total - sent]
        sent += len(part)
        yield part


async def selected(peer: Peer, capabilities: bytes = b"IMAP4rev1 ESEARCH UIDPLUS", exists: int = 10) -> None:
    greet(peer, capabilities)
    tag, name, _ = await peer.command()
    assert name == b"SELECT"
    peer.send(b"* %d EXISTS\r\n" % exists + tag + b" OK [READ-WRITE] selected\r\n")


def ends_with(error: BaseException, cause: type[BaseException], text: str) -> None:
    """A ConnectionLost caused by ``cause`` whose message says ``text``."""
    assert isinstance(error, ConnectionLost), error
    assert isinstance(error.__cause__, cause), error.__cause__
    assert text in str(error.__cause__), error.__cause__


# --- framing: literals and lines -----------------------------------------------------------


async def test_huge_literal_announced_fails_at_once_without_allocating() -> None:
    async def script(peer: Peer) -> None:
        await selected(peer)
        await peer.command()
        peer.send(b"* 1 FETCH (BODY[] {4000000000}\r\n")
        await peer.line()

    async with scripted_client(script, limits=Limits(max_response_size=1 * MIB)) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            with pytest.raises(ConnectionLost) as info:
                await imap.fetch(1, "BODY[]")
        ends_with(info.value, ResponseTooLargeError, "literal of 4000000000 bytes")
        assert imap.closed
    assert peak.bytes < MARGIN


async def test_literal_announced_within_the_limit_then_silence_times_out() -> None:
    async def script(peer: Peer) -> None:
        await selected(peer)
        await peer.command()
        peer.send(b"* 1 FETCH (BODY[] {%d}\r\n" % (1 * MIB - 100) + b"x" * 1000)
        await peer.line()  # then nothing, ever

    connect = {"limits": Limits(max_response_size=1 * MIB), "command_timeout": 0.5}
    async with scripted_client(script, **connect) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            with pytest.raises(CommandTimeout, match="FETCH got no answer within 0.5s"):
                await imap.fetch(1, "BODY[]")
        assert imap.closed
    assert peak.bytes < MARGIN


async def test_endless_line_ends_the_connection_at_the_line_limit() -> None:
    limit = 256 * KIB

    async def script(peer: Peer) -> None:
        await selected(peer)
        await peer.command()
        peer.send(b"* OK ")
        await peer.stream(repeated(b"x", 64 * MIB))

    async with scripted_client(script, limits=Limits(max_line_length=limit)) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            with pytest.raises(ConnectionLost) as info:
                await imap.noop()
        ends_with(info.value, ResponseTooLargeError, f"limit of {limit} bytes")
    assert peak.bytes < 4 * limit + MARGIN


# --- per response: SEARCH, THREAD, nesting, extension values -----------------------------------


async def test_search_line_of_ones_is_kept_at_four_bytes_a_number() -> None:
    """``* SEARCH 1 1 1 ...`` up to the line limit: 131072 numbers, kept
    as 32-bit values (the old list of strs and ints took 180 bytes each)."""
    limit = 256 * KIB
    count = limit // 2 - 8

    async def script(peer: Peer) -> None:
        await selected(peer, b"IMAP4rev1")
        tag, name, _ = await peer.command()
        assert name == b"SEARCH"
        peer.send(b"* SEARCH")
        await peer.stream(repeated(b" 1", 2 * count))
        peer.send(b"\r\n" + tag + b" OK searched\r\n")
        await peer.line()

    async with scripted_client(script, limits=Limits(max_line_length=limit)) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            result = await imap.search(["ALL"])
            assert len(result) == count and result[0] == result[-1] == 1
        assert not imap.closed
    assert peak.bytes < 6 * limit + MARGIN, peak.bytes


async def test_16_mib_search_line_over_the_line_limit_ends_the_connection() -> None:
    limit = 1 * MIB

    async def script(peer: Peer) -> None:
        await selected(peer, b"IMAP4rev1")
        await peer.command()
        peer.send(b"* SEARCH")
        await peer.stream(repeated(b" 1", 16 * MIB))

    async with scripted_client(script, limits=Limits(max_line_length=limit)) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            with pytest.raises(ConnectionLost) as info:
                await imap.search(["ALL"])
        ends_with(info.value, ResponseTooLargeError, "response line")
    assert peak.bytes < 4 * limit + MARGIN


TOO_MANY_VALUES = {
    "wide THREAD": b"* THREAD (" + b" ".join(b"%d" % n for n in range(1, 200_001)) + b")\r\n",
    "many THREADs": b"* THREAD " + b"(1)" * 200_000 + b"\r\n",
    "nested THREADs": b"* THREAD " + (b"(1 " * 50 + b"(2)" + b")" * 50) * 4000 + b"\r\n",
    "extension values": b"* STATUS INBOX (X-EXT (" + b"(a b) " * 100_000 + b"))\r\n",
    "ESEARCH items": b'* ESEARCH (TAG "x") ' + b"X-A 1 " * 100_000 + b"X-A 1\r\n",
    "sequence set ranges": b"* VANISHED 1" + b",3" * 200_000 + b"\r\n",
    "CAPABILITY words": b"* CAPABILITY" + b" X" * 200_000 + b"\r\n",
    "FLAGS": b"* FLAGS (" + b"\\X " * 200_000 + b")\r\n",
}


@pytest.mark.parametrize("name", sorted(TOO_MANY_VALUES))
async def test_response_with_too_many_values_ends_the_connection(name: str) -> None:
    """Every such response fits in the byte limits; the work to build it
    is what is bounded (Limits.max_items)."""
    max_items = 10_000
    response = TOO_MANY_VALUES[name]

    async def script(peer: Peer) -> None:
        await selected(peer)
        await peer.command()
        await peer.stream(response[i : i + 64 * KIB] for i in range(0, len(response), 64 * KIB))
        await peer.line()

    async with scripted_client(script, limits=Limits(max_items=max_items)) as (server, imap):
        await imap.select("INBOX")
        started = time.monotonic()
        with peak_memory() as peak:
            with pytest.raises(ConnectionLost) as info:
                await imap.noop()
        elapsed = time.monotonic() - started
        ends_with(info.value, ParseError, f"more than {max_items} items")
        assert imap.closed
    assert peak.bytes < 4 * len(response) + MARGIN, peak.bytes
    assert elapsed < 5, f"{name}: {elapsed:.1f}s"


async def test_deep_nesting_ends_the_connection_with_a_parse_error() -> None:
    async def script(peer: Peer) -> None:
        await selected(peer)
        await peer.command()
        peer.send(b"* STATUS INBOX (X-EXT " + b"(" * 100_000 + b")" * 100_000 + b")\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            with pytest.raises(ConnectionLost) as info:
                await imap.noop()
        ends_with(info.value, ParseError, "nested deeper than")
    assert peak.bytes < MARGIN + 1 * MIB


# --- per command, and unsolicited ----------------------------------------------------------------


async def test_flood_of_fetch_responses_for_a_fetch_fails_it_and_the_connection_carries_on() -> None:
    """An in-flight FETCH 1:* answered with 12,000 responses, over a limit
    of 1,000: the FETCH fails as soon as the limit is passed, the rest is
    read and dropped, the next command works.  (Kept, they would take
    about 9 MB.)"""
    collected, flood = 1_000, 12_000

    def responses() -> Iterator[bytes]:
        numbers = iter(range(1, flood + 1))
        while batch := list(itertools.islice(numbers, 1000)):
            yield b"".join(b"* %d FETCH (UID %d FLAGS (\\Seen))\r\n" % (n, n) for n in batch)

    async def script(peer: Peer) -> None:
        await selected(peer, exists=flood)
        tag, name, _ = await peer.command()
        assert name == b"FETCH"
        await peer.stream(responses())
        peer.send(tag + b" OK fetched\r\n")
        await peer.expect(b"NOOP")
        await peer.line()

    async with scripted_client(script, limits=Limits(max_collected_responses=collected)) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            with pytest.raises(ResponseTooLargeError, match=f"more than {collected} responses"):
                await imap.fetch("1:*", "(UID FLAGS)")
            await imap.noop()
        assert not imap.closed
    assert not server.errors, server.errors
    # ~750 bytes per parsed FETCH response kept, none beyond the limit.
    assert peak.bytes < collected * 1000 + MARGIN, peak.bytes


async def test_flood_of_unsolicited_responses_is_bounded_by_the_subscription() -> None:
    """20,000 unsolicited responses (half of them alerts) while a
    subscriber reads nothing: it keeps its last 100, so do the alerts."""
    flood = 10_000

    async def script(peer: Peer) -> None:
        await selected(peer)
        tag, _, _ = await peer.command()
        await peer.stream(b"* %d EXISTS\r\n* OK [ALERT] %d\r\n" % (n, n) * 500 for n in range(flood // 500))
        peer.send(tag + b" OK noop\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            updates = imap.updates(maxsize=100)
            await imap.noop()
        assert len(updates) == 100 and updates.dropped == 2 * flood - 100
        assert len(imap.alerts) == 100 and not imap.closed
    assert peak.bytes < MARGIN, peak.bytes


def hundred_k_fetch(every: int) -> tuple[list[int], Script]:
    """100,000 scattered numbers asked for; a server answering every
    ``every``-th of them, then a FETCH for a number not asked for."""
    wanted = list(range(1, 200_001, 2))

    async def script(peer: Peer) -> None:
        await selected(peer, exists=200_000)
        tag, name, rest = await peer.command()
        assert name == b"FETCH" and rest.startswith(b"1,3,5,") and rest.endswith(b",199999 (UID)")
        await peer.stream(
            b"".join(b"* %d FETCH (UID %d)\r\n" % (n, n + 7) for n in wanted[i : i + 1000 * every : every])
            for i in range(0, len(wanted), 1000 * every)
        )
        peer.send(b"* 2 FETCH (UID 9)\r\n" + tag + b" OK fetched\r\n")
        await peer.line()

    return wanted, script


async def test_fetch_of_a_100k_element_sequence_set_matches_responses_by_binary_search() -> None:
    """10,000 responses, each matched to the FETCH by a binary search over
    its 100,000 ranges (a scan would take minutes); the response for a
    number not asked for goes to the subscribers."""
    wanted, script = hundred_k_fetch(every=10)
    async with scripted_client(script) as (server, imap):
        await imap.select("INBOX")
        updates = imap.updates()
        started = time.monotonic()
        fetched = await imap.fetch(wanted, "(UID)")
        elapsed = time.monotonic() - started
        assert [f.seqno for f in fetched] == wanted[::10]
        unasked = updates.get_nowait()
        assert unasked is not None and unasked.data.seqno == 2
    assert not server.errors, server.errors
    assert elapsed < 15, elapsed


async def test_fetch_of_a_100k_element_sequence_set_takes_bounded_memory() -> None:
    wanted, script = hundred_k_fetch(every=100)
    async with scripted_client(script) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            fetched = await imap.fetch(wanted, "(UID)")
        assert len(fetched) == 1000
    assert not server.errors, server.errors
    # The set's 100,000 ranges and the 700 kB command line, once each.
    assert peak.bytes < 20 * MIB + MARGIN, peak.bytes


# --- sequence sets from the server stay compact ------------------------------------------------


async def test_copyuid_of_the_whole_uid_range_is_never_expanded() -> None:
    async def script(peer: Peer) -> None:
        await selected(peer)
        tag, name, _ = await peer.command()
        assert name == b"UID COPY"
        peer.send(tag + b" OK [COPYUID 1 1:4294967295 1:4294967295] copied\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            copied = await imap.uid_copy("1:*", "Trash")
            assert isinstance(copied, CopyUIDData)
            mapping = copied.uid_mapping
            assert len(mapping) == 4294967295 and mapping[4294967295] == 4294967295
            assert copied.assigned_uid(7) == 7 and 8 in mapping
    assert peak.bytes < MARGIN, peak.bytes


@pytest.mark.parametrize("all_", [b"1:50000000", b"1:4294967295"])
async def test_esearch_all_of_a_huge_range_stays_one_range(all_: bytes) -> None:
    async def script(peer: Peer) -> None:
        await selected(peer)
        for _ in range(3):
            tag, name, rest = await peer.command()
            assert b"RETURN (" in rest
            peer.send(b'* ESEARCH (TAG "%s") UID ALL %s COUNT 7\r\n' % (tag, all_) + tag + b" OK done\r\n")
        await peer.line()

    async with scripted_client(script) as (server, imap):
        await imap.select("INBOX")
        with peak_memory() as peak:
            plain = await imap.search(["UNSEEN"])
            assert isinstance(plain, SearchResult)
            assert len(plain) == int(all_.split(b":")[1]) and plain[-1] == len(plain) and 12345 in plain
            assert plain.set == SequenceSet(all_)
            uids = await imap.uid_search(["ALL"], return_=["ALL"])
            assert isinstance(uids, ESearchResult) and uids.all == SequenceSet(all_)
            counted = await imap.search(["UNSEEN"], return_=["COUNT"])
            assert counted.count == 7
    assert peak.bytes < MARGIN, peak.bytes


def test_limits_are_checked_when_built() -> None:
    with pytest.raises(ValueError, match="max_items"):
        Limits(max_items=0)
    with pytest.raises(ValueError, match="max_collected_bytes"):
        Limits(max_collected_bytes=True)
