"""Pipelining by tag under RFC 9051 §5.5: which command may be sent while
others are in flight, and how interleaved untagged responses find their
command."""

from __future__ import annotations

import asyncio

import pytest

from tests.imap.scripted_server import Peer, greet, scripted_client
from tuimail.imap import SequenceSet
from tuimail.imap.command import Command
from tuimail.imap.pipeline import Pipeline


def _cmd(name: str, numbers: str | None = None, *, collect: tuple[str, ...] = (), **kw: object) -> Command:
    defaults = {"FETCH": ("FETCH",), "UID FETCH": ("FETCH",), "SEARCH": ("SEARCH",), "LIST": ("LIST",)}
    cmd = Command(
        name,
        collect=frozenset(collect or defaults.get(name, ())),
        numbers=SequenceSet(numbers) if numbers else None,
        uid=name.startswith("UID"),
        **kw,  # type: ignore[arg-type]
    )
    cmd.tag = f"T{id(cmd)}"
    return cmd


def _in_flight(*commands: Command) -> Pipeline:
    pipeline = Pipeline()
    for cmd in commands:
        pipeline.in_flight[cmd.tag] = cmd
    return pipeline


@pytest.mark.parametrize(
    ("first", "second", "allowed"),
    [
        (_cmd("FETCH", "1:5"), _cmd("FETCH", "6:9"), True),  # disjoint sets
        (_cmd("FETCH", "1:5"), _cmd("FETCH", "5:9"), False),  # overlapping
        (_cmd("FETCH", "1:*"), _cmd("FETCH", "100"), False),  # open-ended
        (_cmd("FETCH", "1:5"), _cmd("SEARCH"), True),
        (_cmd("SEARCH"), _cmd("SEARCH"), False),  # untagged SEARCH cannot be told apart
        (
            _cmd("SEARCH", collect=("ESEARCH",), correlated=True),
            _cmd("SEARCH", collect=("ESEARCH",), correlated=True),
            True,
        ),
        (_cmd("UID FETCH", "1:5"), _cmd("FETCH", "6:9"), False),  # seqno command after a UID command
        (_cmd("FETCH", "1:5"), _cmd("UID FETCH", "6:9"), False),  # mixed numbering: ambiguous FETCH
        (_cmd("NOOP"), _cmd("FETCH", "1"), False),  # NOOP may expunge: wait before seqnos
        (_cmd("NOOP"), _cmd("UID FETCH", "1"), True),
        (_cmd("UID FETCH", "1:3"), _cmd("UID FETCH", "4:6"), True),
        (_cmd("LIST"), _cmd("LIST"), False),
        (
            _cmd("STATUS", collect=("STATUS",), mailbox="a"),
            _cmd("STATUS", collect=("STATUS",), mailbox="b"),
            True,
        ),
        (
            _cmd("STATUS", collect=("STATUS",), mailbox="INBOX"),
            _cmd("STATUS", collect=("STATUS",), mailbox="inbox"),
            False,
        ),
        (_cmd("SELECT"), _cmd("NOOP"), False),  # state changes run alone
        (_cmd("FETCH", "1"), _cmd("STORE", "2"), False),
        (_cmd("FETCH", "1"), _cmd("EXPUNGE"), False),
        (_cmd("IDLE"), _cmd("NOOP"), False),
    ],
)
def test_pipeline_rules(first: Command, second: Command, allowed: bool) -> None:
    assert _in_flight(first).can_send(second) is allowed


@pytest.mark.parametrize(
    ("in_flight", "queued", "sent_next"),
    [
        # The second FETCH could go with what is in flight, but not before one it overlaps.
        pytest.param(
            _cmd("FETCH", "1:5"), [_cmd("FETCH", "3:7"), _cmd("FETCH", "7")], None,
            id="commands_that_could_be_confused_keep_their_order",
        ),
        pytest.param(
            _cmd("SEARCH"), [_cmd("SEARCH"), _cmd("FETCH", "9")], 1,
            id="read_only_commands_overtake_unrelated_waiting_reads",
        ),
        pytest.param(
            _cmd("FETCH", "1"), [_cmd("STORE", "2"), _cmd("FETCH", "3")], None,
            id="nothing_overtakes_a_state_change",
        ),
    ],
)
def test_which_waiting_command_is_sent_next(
    in_flight: Command, queued: list[Command], sent_next: int | None
) -> None:
    pipeline = _in_flight(in_flight)
    for cmd in queued:
        pipeline.enqueue(cmd)
    assert pipeline.next_to_send() is (None if sent_next is None else queued[sent_next])


def test_nothing_else_is_sent_while_a_literal_is_being_written() -> None:
    pipeline = Pipeline()
    pipeline.sending = _cmd("APPEND")
    assert not pipeline.can_send(_cmd("NOOP"))


async def test_interleaved_responses_reach_their_own_commands() -> None:
    """The server answers two FETCHes and two ESEARCHes interleaved and out of order."""

    async def script(peer: Peer) -> None:
        greet(peer, b"IMAP4rev1 ESEARCH")
        tag, _, _ = await peer.command()
        peer.send(b"* 9 EXISTS\r\n" + tag + b" OK selected\r\n")
        commands = [await peer.command() for _ in range(4)]
        tags = {
            rest.split(b" ")[0] if name == b"FETCH" else rest.split(b" ")[-1].strip(b'"'): tag
            for tag, name, rest in commands
        }
        peer.send(
            b"* 7 FETCH (FLAGS (\\Seen))\r\n"
            b'* ESEARCH (TAG "' + tags[b"seven"] + b'") ALL 7\r\n'
            b"* 1 FETCH (FLAGS ())\r\n"
            b'* ESEARCH (TAG "' + tags[b"one"] + b'") ALL 1,3\r\n'
            b"* 2 FETCH (FLAGS (\\Flagged))\r\n"
            + b"".join(tag + b" OK done\r\n" for tag, _, _ in reversed(commands))
        )
        await peer.line()

    async with scripted_client(script) as (server, imap):
        await imap.select("INBOX")
        results = await asyncio.gather(
            imap.fetch("1:2", "FLAGS"),
            imap.fetch(7, "FLAGS"),
            imap.search(["SUBJECT", "one"]),
            imap.search(["SUBJECT", "seven"]),
            return_exceptions=True,
        )
    assert not server.errors, server.errors
    low, high, one, seven = results
    assert [(f.seqno, f.flags) for f in low] == [(1, []), (2, ["\\Flagged"])]
    assert [(f.seqno, f.flags) for f in high] == [(7, ["\\Seen"])]
    assert one == [1, 3] and seven == [7]
    lines = bytes(server.received).split(b"\r\n")
    assert len([line for line in lines if line]) == 5  # all four sent before any answer


def test_select_may_follow_list_and_status_still_in_flight_but_nothing_else() -> None:
    from tuimail.imap.command import Command
    from tuimail.imap.pipeline import Pipeline

    def in_flight(*names: str) -> Pipeline:
        pipeline = Pipeline()
        for i, name in enumerate(names):
            cmd = Command(name, collect=frozenset({name}))
            cmd.tag = f"T{i}"
            pipeline.in_flight[cmd.tag] = cmd
        return pipeline

    select = Command("SELECT")
    assert in_flight("LIST", "STATUS").can_send(select)
    assert not in_flight("LIST", "FETCH").can_send(select)
    assert not in_flight("IDLE").can_send(select)
    assert not in_flight("LIST").can_send(Command("STORE"))
