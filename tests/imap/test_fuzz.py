"""Fuzzing in the suite (hypothesis): the reader, the parser, the selected
mailbox's state and the engine's dispatch take any bytes a server sends.

* The reader never holds more than its limit, and frames or raises
  ResponseTooLargeError.
* The parser returns a response or raises ParseError, on random bytes,
  mutated real responses and RFC-shaped responses with hostile payloads
  (response codes, message-status and mailbox-data with the wrong data).
* ``MailboxState.apply`` / ``apply_code`` accept every parsed response
  without raising (a bad code is ignored, never ``int()``-ed).
* The engine, fed any stream after its greeting, never lets an exception
  out of its data callback: the connection carries on, or ends with
  ConnectionLost caused by one of the library's own errors.

Each example has a deadline of one second (the hypothesis profile in
tests/conftest.py): no input takes longer.  Short by default; run the long
profile (20,000 examples a test, minutes each) with
``--hypothesis-profile=long --timeout=0`` or
``TUIMAIL_HYPOTHESIS_PROFILE=long`` (the per-test timeout of 120 s in
pyproject.toml is for the default run).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.imap.test_properties import SAMPLES, frame_all, mutated_response
from tuimail.imap import (
    ConnectionLost,
    IMAPError,
    MailboxState,
    ParseError,
    ResponseTooLargeError,
    SequenceSet,
    TaggedResponse,
    UntaggedResponse,
    parse_response,
)
from tuimail.imap.command import Command
from tuimail.imap.engine import Engine
from tuimail.imap.limits import Limits
from tuimail.imap.reader import ResponseReader
from tuimail.imap.types import ResponseText

FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CODES = [
    "UIDVALIDITY", "UIDNEXT", "UNSEEN", "HIGHESTMODSEQ", "PERMANENTFLAGS", "MAILBOXID", "COPYUID",
    "APPENDUID", "MODIFIED", "CAPABILITY", "BADCHARSET", "READ-ONLY", "READ-WRITE", "NOMODSEQ",
    "ALERT", "CLOSED", "TRYCREATE", "X-UNKNOWN",
]  # fmt: skip
MESSAGE_STATUS = ["EXISTS", "RECENT", "EXPUNGE", "FETCH", "UIDFETCH", "X-NUM"]
MAILBOX_DATA = [
    "FLAGS", "LIST", "LSUB", "STATUS", "SEARCH", "ESEARCH", "SORT", "THREAD", "VANISHED", "NAMESPACE",
    "ID", "ENABLED", "QUOTA", "QUOTAROOT", "ACL", "CAPABILITY", "EXISTS", "OK", "NO", "BAD", "BYE",
]  # fmt: skip

# Payload text: the characters the grammar turns on, numbers of every size.
token = st.sampled_from(
    [
        "(", ")", "[", "]", "{", "}", '"', "\\", " ", "*", ":", ",", "~", "+", "NIL", "nil", "0", "1", "42",
        "4294967295", "4294967296", "99999999999999999999", "-1", "UID", "FLAGS", "MODSEQ", "ALL",
        "(EARLIER)", "\\Seen", "ALERT", "TAG", "{3}\r\nabc", "~{2}\r\n\x00\x01", "\xe4", "\x1b",
    ]
)  # fmt: skip
payload = st.lists(token | st.text(alphabet="abcXYZ0123456789 ", max_size=6), max_size=24).map("".join)
numbers = st.sampled_from(["0", "1", "7", "4294967295", "4294967296", "", "x", "18446744073709551616"])


@st.composite
def hostile_response(draw: st.DrawFn) -> bytes:
    """An RFC-shaped response carrying the wrong data."""
    kind = draw(st.sampled_from(["code", "tagged-code", "message", "mailbox", "continuation"]))
    body = draw(payload)
    if kind in ("code", "tagged-code"):
        code = draw(st.sampled_from(CODES))
        cond = draw(st.sampled_from(["OK", "NO", "BAD", "BYE", "PREAUTH"]))
        start = "* " if kind == "code" else "T1 "
        sep = draw(st.sampled_from(["", " "]))
        text = f"{start}{cond} [{code}{sep}{body}] {draw(payload)}"
    elif kind == "message":
        text = f"* {draw(numbers)} {draw(st.sampled_from(MESSAGE_STATUS))} {body}"
    elif kind == "mailbox":
        text = f"* {draw(st.sampled_from(MAILBOX_DATA))} {body}"
    else:
        text = f"+ {body}"
    return text.encode("utf-8", "surrogateescape") + b"\r\n"


any_response = st.sampled_from(SAMPLES) | mutated_response() | hostile_response() | st.binary(max_size=300)


def parsed(data: bytes) -> Iterator[UntaggedResponse | TaggedResponse]:
    for utf8 in (False, True):
        try:
            response = parse_response(data, utf8=utf8, max_items=500)
        except ParseError:
            continue
        if isinstance(response, UntaggedResponse | TaggedResponse):
            yield response


# --- reader -----------------------------------------------------------------------------


@FUZZ
@given(st.lists(any_response, max_size=10), st.lists(st.integers(1, 64), max_size=40), st.integers(16, 600))
def test_reader_never_holds_more_than_its_limit(
    responses: list[bytes], chunks: list[int], limit: int
) -> None:
    reader = ResponseReader(max_response_size=limit, max_line_length=limit)
    stream = b"".join(responses)
    pos = 0
    for size in [*chunks, len(stream)]:
        try:
            framed = reader.feed(stream[pos : pos + size])
        except ResponseTooLargeError:
            return
        pos += size
        assert reader.buffered <= limit + size
        assert all(len(r) <= limit for r in framed)


# --- parser and mailbox state ------------------------------------------------------------


@FUZZ
@given(hostile_response())
def test_parser_on_hostile_shaped_responses_returns_or_raises_parse_error(data: bytes) -> None:
    list(parsed(data))


@FUZZ
@given(any_response)
def test_mailbox_state_applies_every_parsed_response_without_raising(data: bytes) -> None:
    for response in parsed(data):
        state = MailboxState("INBOX", exists=3, uidnext=5)
        if isinstance(response, UntaggedResponse):
            assert state.apply(response) in (True, False)
        text = response.data
        if isinstance(text, ResponseText) and text.code is not None:
            assert state.apply_code(text.code) in (True, False)
        assert isinstance(state.exists, int) and state.exists >= 0
        assert state.uidnext is None or isinstance(state.uidnext, int)
        assert all(isinstance(f, str) for f in state.flags + state.permanent_flags)


# --- the engine's dispatch ---------------------------------------------------------------


async def _engine() -> Engine:
    engine = Engine("fuzz.example", limits=Limits(max_response_size=4096, max_items=500))
    engine._on_data(b"* OK [CAPABILITY IMAP4rev1 IDLE] fuzz\r\n")
    engine.selected = MailboxState("INBOX", exists=3)
    # Commands in flight that claim what they collect: a FETCH, a SEARCH
    # (ESEARCH-correlated) and a LIST.
    for tag, cmd in (
        ("T1", Command("FETCH", collect=frozenset({"FETCH"}), numbers=SequenceSet("1:*"))),
        ("T2", Command("UID SEARCH", collect=frozenset({"ESEARCH", "SEARCH"}), correlated=True)),
        ("T3", Command("LIST", collect=frozenset({"LIST", "STATUS"}))),
    ):
        cmd.tag = tag
        cmd.future = asyncio.get_running_loop().create_future()
        engine._pipeline.in_flight[tag] = cmd
    return engine


@FUZZ
@given(st.lists(any_response, max_size=8), st.lists(st.integers(1, 80), max_size=30))
def test_engine_dispatch_never_raises_out_of_the_data_callback(
    responses: list[bytes], chunks: list[int]
) -> None:
    async def run() -> None:
        engine = await _engine()
        updates = engine.updates(maxsize=5)
        stream = b"".join(responses)
        pos = 0
        for size in [*chunks, len(stream)]:
            engine._on_data(stream[pos : pos + size])  # raises nothing, whatever arrives
            pos += size
        if engine.closed:
            error = engine._closed_error
            assert isinstance(error, ConnectionLost), error
            assert error.__cause__ is None or isinstance(error.__cause__, IMAPError), error.__cause__
        assert len(updates) <= 5
        assert engine.selected is None or engine.selected.exists >= 0
        for cmd in engine._pipeline.all():
            if cmd.future is not None and cmd.future.done() and not cmd.future.cancelled():
                cmd.future.exception()

    asyncio.run(run())


def test_fuzz_frames_match_the_reader() -> None:
    """The harness's framing helper and the reader agree (sanity)."""
    assert frame_all(b"".join(SAMPLES), [7, 13]) == SAMPLES
