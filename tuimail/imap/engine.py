"""The protocol engine under :class:`~tuimail.imap.client.IMAP`: sends
commands, reads responses and routes each one (RFC 9051 §2.2, §5.5, §7).

Received bytes are framed by :class:`ResponseReader`, parsed by
:func:`parse_response` and dispatched synchronously, in order:

* a tagged response completes the command with that tag;
* a continuation request goes to the command that waits for one;
* an untagged response updates the capabilities and the selected
  mailbox's state, goes to the in-flight command it belongs to, and, when
  no command claims it (or it changes the mailbox: EXISTS, EXPUNGE...), to
  the subscribers of unsolicited responses.

Any framing or parse error, a lost connection or a command timeout ends the
connection: every command in flight or waiting fails with
:class:`ConnectionLost` (caused by the original error).  An untagged BYE
fails the commands in flight with :class:`ByeResponseError`.

What a server can make the client hold is bounded by :class:`Limits`
(:mod:`.limits`): bytes per response and line (reader), values per
response (parser), and the untagged responses kept for one command (here:
past the limit the command fails with :class:`ResponseTooLargeError` and
the rest of its responses is dropped as it arrives).

``[ALERT]`` texts (RFC 9051 §7.1: the client must show them to the user)
from any response, the greeting included, are kept in :attr:`Engine.alerts`
and published to :meth:`Engine.updates` subscribers.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Iterable
from typing import Any

from . import trace
from .command import Command
from .connection import Connection
from .encoder import encode_command
from .errors import (
    BadResponseError,
    ByeResponseError,
    CommandTimeout,
    ConnectionLost,
    IMAPError,
    NoResponseError,
    ParseError,
    ResponseTooLargeError,
)
from .limits import Limits
from .mailbox_state import MailboxState
from .parser import parse_response
from .pipeline import Pipeline
from .reader import ResponseReader
from .types import ContinuationRequest, Response, ResponseText, TaggedResponse, UntaggedResponse
from .unsolicited import DEFAULT_MAX_BYTES, DEFAULT_MAXSIZE, Hub, Subscription

#: FETCH responses a connection parses first by recursive descent alone (``parse_response(...,
#: whole_structures=False)``): :mod:`.fetch_fast`'s whole-structure patterns take 30-50 ms to
#: compile when first used in a process, more than a page of rows takes without them (a first
#: screen's 60 rows: 15-25 ms); a listing of thousands pays for them many times over.
PLAIN_FETCHES = 64

#: Untagged responses that change the selected mailbox: always published,
#: even when a command also collects them.
MAILBOX_UPDATES = frozenset({"EXISTS", "RECENT", "EXPUNGE", "VANISHED", "FLAGS"})

#: [ALERT] texts kept in ``Engine.alerts`` (the latest), and the
#: characters kept of each.
MAX_ALERTS = 100
MAX_ALERT_TEXT = 2000

_DEFAULT: Any = object()
_connection_ids = itertools.count(1)


class Engine:
    """Connection state and the command/response machinery."""

    def __init__(
        self,
        host: str,
        *,
        timeout: float | None = 30.0,
        command_timeout: float | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.host = host
        #: Tells this connection's records apart in the protocol trace.
        self.trace_id = f"{host}#{next(_connection_ids)}"
        #: Seconds allowed for connecting, TLS and the greeting.
        self.timeout = timeout
        #: Seconds a command may take before the connection is given up
        #: (None: no limit).  IDLE is exempt.
        self.command_timeout = command_timeout
        #: What the server may make this connection hold (see :mod:`.limits`).
        self.limits = limits = limits or Limits()
        self._reader = ResponseReader(
            max_response_size=limits.max_response_size, max_line_length=limits.max_line_length
        )
        self._conn: Connection | None = None
        self._pipeline = Pipeline()
        self._tags = itertools.count(1)
        self._caps: frozenset[str] | None = None
        #: The selected mailbox's live state, or None.
        self.selected: MailboxState | None = None
        self._selecting: MailboxState | None = None
        #: Extensions turned on with ENABLE (upper case).
        self.enabled: set[str] = set()
        self._utf8 = False
        #: FETCH responses still to parse without the whole-structure patterns (PLAIN_FETCHES).
        self._plain_fetches = PLAIN_FETCHES
        self._hub = Hub()
        self._greeting: asyncio.Future[UntaggedResponse] = asyncio.get_running_loop().create_future()
        self._greeting.add_done_callback(_consume)
        self._closed_error: BaseException | None = None
        self._discard = False  # STARTTLS: drop bytes until the handshake
        self._switching_compression = False
        self._pump_scheduled = False
        self._logging_out = False
        self.bye: UntaggedResponse | None = None
        self.state = "not authenticated"
        #: Loop time of the last bytes received (tells a busy server from a silent one).
        self.last_received = asyncio.get_running_loop().time()
        #: The text of every ``[ALERT]`` received (RFC 9051 §7.1: to be shown
        #: to the user), greeting included, oldest first: the latest
        #: MAX_ALERTS, each cut to MAX_ALERT_TEXT characters.  Server text:
        #: sanitise before display.  Clear it once shown, if you like.
        self.alerts: deque[ResponseText] = deque(maxlen=MAX_ALERTS)

    # --- public state ------------------------------------------------------

    @property
    def greeting(self) -> UntaggedResponse | None:
        """The server's greeting (RFC 9051 §7.1: ``* OK``, ``* PREAUTH`` or
        ``* BYE``, with its code and text), once received."""
        if self._greeting.done() and not self._greeting.cancelled() and self._greeting.exception() is None:
            return self._greeting.result()
        return None

    @property
    def capabilities(self) -> frozenset[str]:
        """The server's capabilities, upper case (RFC 9051 §7.2.2)."""
        return self._caps or frozenset()

    def has(self, capability: str) -> bool:
        return capability.upper() in self.capabilities

    @property
    def closed(self) -> bool:
        return self._closed_error is not None

    @property
    def tls(self) -> bool:
        return self._conn is not None and self._conn.tls

    @property
    def compressed(self) -> bool:
        return self._conn is not None and self._conn.compressed

    def updates(
        self,
        maxsize: int = DEFAULT_MAXSIZE,
        names: Iterable[str] | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> Subscription:
        """A bounded stream of unsolicited responses (EXISTS, EXPUNGE,
        VANISHED, FETCH, ALERT, BYE...), optionally only ``names``; see
        :mod:`.unsolicited`.  Use as ``with imap.updates() as updates:``.
        Alerts that arrived before subscribing are in :attr:`alerts`."""
        return self._hub.subscribe(maxsize, names, max_bytes=max_bytes)

    def abort(self, reason: str) -> None:
        """Give the connection up now (say, the server stopped answering): every
        command in flight or waiting fails with :class:`ConnectionLost`."""
        self._fail(ConnectionLost(reason))

    # --- connection events ---------------------------------------------------

    def _on_data(self, data: bytes) -> None:
        if self._closed_error is not None:
            return
        self.last_received = asyncio.get_running_loop().time()
        if self._discard:
            trace.note(f"discarding {len(data)} bytes received before the TLS handshake", self.trace_id)
            return
        if self._switching_compression:
            # COMPRESS: the server's stream turns to DEFLATE right after its
            # tagged OK, possibly inside this very chunk (RFC 4978 §3), so
            # read byte by byte until that response is through.
            for i in range(len(data)):
                self._feed(data[i : i + 1])
                if self._closed_error is not None:
                    return
                if not self._switching_compression:
                    rest = data[i + 1 :]
                    if rest and self._conn is not None:
                        self._conn.feed_compressed(rest) if self._conn.compressed else self._on_data(rest)
                    return
            return
        self._feed(data)

    def _feed(self, data: bytes) -> None:
        try:
            raws = self._reader.feed(data)
        except IMAPError as e:
            self._fail(e)
            return
        for raw in raws:
            if self._closed_error is not None or self._discard:
                if self._discard:
                    trace.note(
                        f"discarding {len(raw)} bytes received before the TLS handshake", self.trace_id
                    )
                return
            self._handle(raw)

    def _handle(self, raw: bytes) -> None:
        sasl = self._sasl_active()
        trace.server(raw, redact_continuation=sasl, conn=self.trace_id)
        try:
            whole = self._plain_fetches <= 0
            response = parse_response(
                raw, utf8=self._utf8, max_items=self.limits.max_items, whole_structures=whole
            )
            if not whole and isinstance(response, UntaggedResponse) and response.name == "FETCH":
                self._plain_fetches -= 1
        except ParseError as e:
            if sasl and raw.startswith(b"+"):
                response = ContinuationRequest(
                    ResponseText(None, raw[1:].strip().decode("ascii", "replace")), raw
                )
            else:
                self._fail(e)
                return
        self._dispatch(response)

    def _on_lost(self, exc: Exception | None) -> None:
        if self._closed_error is not None:
            return
        if self._logging_out:
            for cmd in self._pipeline.all():
                if cmd.name == "LOGOUT" and cmd.future is not None and not cmd.future.done():
                    cmd.future.set_result(
                        TaggedResponse(cmd.tag, "OK", ResponseText(None, "connection closed"))
                    )
            self._close(ConnectionLost("logged out"))
            return
        if self.bye is not None:
            text = self.bye.data.text if isinstance(self.bye.data, ResponseText) else ""
            self._fail(ConnectionLost(f"the server closed the connection: BYE {text}".rstrip()))
        else:
            lost = ConnectionLost(f"connection to {self.host} lost" + (f": {exc}" if exc else ""))
            if exc is not None:
                lost.__cause__ = exc
            self._fail(lost)

    # --- dispatch -----------------------------------------------------------

    def _dispatch(self, response: Response) -> None:
        if not self._greeting.done():
            self._on_greeting(response)
        elif isinstance(response, TaggedResponse):
            self._on_tagged(response)
        elif isinstance(response, ContinuationRequest):
            self._on_continuation(response)
        else:
            self._on_untagged(response)

    def _on_greeting(self, response: Response) -> None:
        """RFC 9051 §7.1: greeting = "*" SP (resp-cond-auth / resp-cond-bye)."""
        if isinstance(response, UntaggedResponse) and response.name in ("OK", "PREAUTH", "BYE"):
            self._apply_codes(response, None)
            if _alert(response) is not None:
                self._on_alert(response)
            if response.name == "PREAUTH":
                self.state = "authenticated"
            self._greeting.set_result(response)
            if response.name == "BYE":
                self.bye = response
        else:
            self._fail(ParseError(f"not an IMAP greeting: {response.raw_data[:100]!r}", response.raw_data))

    def _on_tagged(self, response: TaggedResponse) -> None:
        cmd = self._pipeline.complete(response.tag)
        if cmd is None:
            trace.note(f"ignoring a tagged response for unknown tag {response.tag!r}", self.trace_id)
            return
        if response.name not in ("OK", "NO", "BAD"):
            self._fail(ParseError(f"tagged {response.name} is not a completion", response.raw_data))
            return
        cmd.result = response
        self._apply_codes(response, cmd)
        if _alert(response) is not None:
            # RFC 9051 §7.1: alerts must reach the user, tagged or not.
            self._on_alert(UntaggedResponse(response.name, response.data, response.raw_data))
        if cmd.continuation is not None and not cmd.continuation.done():
            cmd.continuation.cancel()  # the server refused a literal
        if cmd.on_tagged is not None:
            try:
                cmd.on_tagged(response)
            except Exception as e:  # a hook failing must not break dispatch
                cmd.error = cmd.error or e
        if cmd.future is not None and not cmd.future.done():
            cmd.future.set_result(response)
        self._pump()

    def _on_continuation(self, response: ContinuationRequest) -> None:
        sending = self._pipeline.sending
        if sending is not None and sending.continuation is not None and not sending.continuation.done():
            sending.continuation.set_result(response)
            return
        for cmd in self._pipeline.in_flight.values():
            if cmd.on_continuation is not None and cmd is not sending:
                cmd.on_continuation(response)
                return
        trace.note("ignoring an unexpected continuation request", self.trace_id)

    def _on_untagged(self, response: UntaggedResponse) -> None:
        name = response.name
        if name == "BYE":
            self.bye = response
            if _alert(response) is not None:
                self.alerts.append(_cut(response.data))
            self._hub.publish(response)
            if not self._logging_out:
                self._fail_in_flight(response)
            return
        starttls = any(c.name == "STARTTLS" for c in self._pipeline.in_flight.values())
        if name == "CAPABILITY" and not starttls and isinstance(response.data, list):
            self._caps = frozenset(str(c).upper() for c in response.data)
        elif name == "ENABLED" and isinstance(response.data, list):
            self._on_enabled([str(c).upper() for c in response.data])
        self._apply_codes(response, None)
        state = self._selecting or self.selected
        if state is not None:
            state.apply(response)
        cmd = self._pipeline.claim(response)
        if cmd is not None:
            self._collect(cmd, response)
        if _alert(response) is not None:
            self._on_alert(response)  # even while SELECT runs
        # While SELECT runs, its EXISTS/FLAGS/codes are the new state, not
        # news; QRESYNC's VANISHED (EARLIER) and changed FETCHes are news.
        elif (self._selecting is None or name in ("VANISHED", "FETCH")) and (
            cmd is None or name in MAILBOX_UPDATES
        ):
            self._hub.publish(response)

    def _collect(self, cmd: Command, response: UntaggedResponse) -> None:
        """Keep ``response`` for ``cmd``, within :class:`Limits`: past
        ``max_collected_responses`` or ``max_collected_bytes`` the command
        fails at once, what it kept is freed and the rest of its responses
        is dropped as it arrives (the connection carries on)."""
        if cmd.discarding:
            return
        cmd.responses.append(response)
        cmd.collected_bytes += len(response.raw_data)
        limits = self.limits
        if len(cmd.responses) <= limits.max_collected_responses and (
            cmd.collected_bytes <= limits.max_collected_bytes
        ):
            return
        if cmd.collected_bytes > limits.max_collected_bytes:
            what, size, limit = "bytes of responses", cmd.collected_bytes, limits.max_collected_bytes
        else:
            what, size, limit = "responses", len(cmd.responses), limits.max_collected_responses
        error = ResponseTooLargeError(
            f"{cmd.name}: the server sent more than {limit} {what} for one command "
            f"(Limits.max_collected_{'bytes' if what.startswith('bytes') else 'responses'}); "
            "the rest is dropped",
            size=size,
            limit=limit,
        )
        trace.note(str(error), self.trace_id)
        cmd.discarding = True
        cmd.responses.clear()
        cmd.error = error
        if cmd.future is not None and not cmd.future.done():
            cmd.future.set_exception(error)

    def _on_alert(self, response: UntaggedResponse) -> None:
        """RFC 9051 §7.1: ``[ALERT]`` text must be shown to the user: kept
        in :attr:`alerts` and published to every subscriber."""
        self.alerts.append(_cut(response.data))
        self._hub.publish(response)

    def _apply_codes(self, response: TaggedResponse | UntaggedResponse, cmd: Command | None) -> None:
        data = response.data
        if not isinstance(data, ResponseText) or data.code is None:
            return
        code = data.code
        if code.name == "CAPABILITY" and isinstance(code.data, list):
            # RFC 9051 §6.2.1: capabilities from before TLS (or on the
            # STARTTLS reply) must not be trusted.
            if not any(c.name == "STARTTLS" for c in self._pipeline.in_flight.values()) and (
                cmd is None or cmd.name != "STARTTLS"
            ):
                self._caps = frozenset(str(c).upper() for c in code.data)
        elif code.name == "CLOSED" and isinstance(response, UntaggedResponse):
            # RFC 7162 §3.2.11: the previous mailbox is closed.
            self.selected = None
        elif isinstance(response, TaggedResponse) and self._selecting is not None:
            self._selecting.apply_code(code)

    def _on_enabled(self, caps: list[str]) -> None:
        self.enabled.update(caps)
        if "UTF8=ACCEPT" in caps or "UTF8=ONLY" in caps:
            self._utf8 = True

    def _sasl_active(self) -> bool:
        return any(c.redact == "authenticate" for c in self._pipeline.in_flight.values())

    # --- sending --------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed_error is not None:
            raise ConnectionLost(f"the connection is closed: {self._closed_error}") from self._closed_error
        if self._conn is None:
            raise ConnectionLost("not connected")

    # --- the interface for command families and IDLE ----------------------------
    #
    # Everything that runs a command goes through these four methods (the
    # command methods in :mod:`.commands`, :mod:`.idle`): build a
    # :class:`~tuimail.imap.command.Command`, ``await execute(cmd)``, then
    # ``check_completion(cmd, response)``.

    async def execute(self, cmd: Command, *, timeout: float | None = _DEFAULT) -> TaggedResponse:
        """Queue ``cmd``, send it when the pipeline allows (RFC 9051 §5.5)
        and return its tagged completion, OK, NO or BAD alike.

        ``timeout``: seconds before the connection is given up with
        :class:`CommandTimeout` (default: ``command_timeout``, none for an
        ``untimed`` command).  Raises :class:`ConnectionLost` when the
        connection is or becomes closed, ``cmd.error`` when the client
        failed the command itself.  Cancelling the caller withdraws a
        command not yet sent.
        """
        self._check_open()
        loop = asyncio.get_running_loop()
        cmd.tag = f"T{next(self._tags)}"
        cmd.segments = encode_command(
            cmd.tag,
            cmd.name,
            *cmd.args,
            literal_plus=self.has("LITERAL+"),
            literal_minus=self.has("LITERAL-") or self.has("IMAP4REV2"),
            utf8=self._utf8,
        )
        fut: asyncio.Future[TaggedResponse] = loop.create_future()
        fut.add_done_callback(_consume)
        cmd.future = fut
        self._pipeline.enqueue(cmd)
        self._schedule_pump()
        if timeout is _DEFAULT:
            timeout = None if cmd.untimed else self.command_timeout
        try:
            async with asyncio.timeout(timeout):
                response = await asyncio.shield(fut)
        except TimeoutError:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                response = fut.result()
            else:
                err = CommandTimeout(f"{cmd.name} got no answer within {timeout}s")
                self._fail(err)
                raise err from None
        except asyncio.CancelledError:
            if self._pipeline.remove_waiting(cmd):
                self._pump()
            raise
        if cmd.error is not None:
            raise cmd.error
        return response

    def _schedule_pump(self) -> None:
        """Pump on the next loop iteration, so that commands issued together
        (``asyncio.gather``) leave in one write."""
        if not self._pump_scheduled:
            self._pump_scheduled = True
            asyncio.get_running_loop().call_soon(self._scheduled_pump)

    def _scheduled_pump(self) -> None:
        self._pump_scheduled = False
        self._pump()

    def _pump(self) -> None:
        """Send every waiting command the pipeline rules allow now."""
        pipeline = self._pipeline
        batch: list[bytes] = []
        sent: list[Command] = []
        try:
            while self._closed_error is None and self._conn is not None:
                cmd = pipeline.next_to_send()
                if cmd is None:
                    blocker = pipeline.blocker()
                    if blocker is not None and blocker.on_blocking is not None:
                        self._flush(batch, sent)
                        blocker.on_blocking()
                    return
                pipeline.start(cmd)
                if len(cmd.segments) > 1:
                    self._flush(batch, sent)
                    task = asyncio.get_running_loop().create_task(self._send_segments(cmd))
                    task.add_done_callback(_consume_task)
                    return
                batch.append(self._traced(cmd, 0))
                sent.append(cmd)
                pipeline.sending = None
        finally:
            self._flush(batch, sent)

    def _flush(self, batch: list[bytes], sent: list[Command]) -> None:
        """Write the batched commands, then run their on_sent hooks."""
        if batch and self._conn is not None and self._closed_error is None:
            self._conn.write(b"".join(batch))
        batch.clear()
        for cmd in sent:
            if cmd.on_sent is not None:
                cmd.on_sent()
        sent.clear()

    def _write_segment(self, cmd: Command, index: int) -> None:
        data = self._traced(cmd, index)
        assert self._conn is not None
        self._conn.write(data)

    def _traced(self, cmd: Command, index: int) -> bytes:
        """Segment ``index`` of ``cmd``, logged (redacted as needed)."""
        data = cmd.segments[index]
        if cmd.redact == "login":
            if index == 0:
                trace.client(data, redact_after=len(cmd.tag) + len(" LOGIN "), conn=self.trace_id)
            else:
                trace.client(data, redact_all=True, conn=self.trace_id)
        elif cmd.redact == "authenticate" and index == 0:
            # "tag AUTHENTICATE MECH [initial-response]": keep the mechanism.
            parts = data.split(b" ", 3)
            if len(parts) == 4:
                trace.client(data, redact_after=len(b" ".join(parts[:3])) + 1, conn=self.trace_id)
            else:
                trace.client(data, conn=self.trace_id)
        elif cmd.redact == "authenticate":
            trace.client(data, redact_all=True, conn=self.trace_id)
        else:
            trace.client(data, conn=self.trace_id)
        return data

    async def _send_segments(self, cmd: Command) -> None:
        """Write a command with synchronising literals (RFC 9051 §4.3)."""
        loop = asyncio.get_running_loop()
        try:
            for i in range(len(cmd.segments)):
                if cmd.future is None or cmd.future.done() or self._closed_error is not None:
                    return  # refused (NO/BAD instead of "+") or connection gone
                last = i == len(cmd.segments) - 1
                if not last:
                    # Ready before writing: the "+" may arrive at any moment.
                    cmd.continuation = loop.create_future()
                self._write_segment(cmd, i)
                if last:
                    break
                assert self._conn is not None and cmd.continuation is not None
                try:
                    await self._conn.drain()
                    await cmd.continuation
                except asyncio.CancelledError:
                    if cmd.future.done():
                        return  # the tagged reply came instead of "+"
                    raise
                finally:
                    cmd.continuation = None
            if cmd.on_sent is not None:
                cmd.on_sent()
        except ConnectionLost:
            pass
        finally:
            if self._pipeline.sending is cmd:
                self._pipeline.sending = None
            self._pump()

    def write_continuation_line(self, data: bytes, *, redact: bool = False) -> None:
        """Write ``data`` (a line with its CRLF) continuing the command in
        flight: a SASL response (RFC 9051 §6.2.2) or IDLE's ``DONE``
        (RFC 2177).  ``redact`` keeps it out of the protocol trace.  Does
        nothing once the connection is closed."""
        if self._conn is None or self._closed_error is not None:
            return
        trace.client(data, redact_all=redact, conn=self.trace_id)
        self._conn.write(data)

    # --- results --------------------------------------------------------------

    def is_in_flight(self, cmd: Command) -> bool:
        """True from the moment ``cmd`` starts being sent until its tagged
        response; False while it waits in the queue and once completed."""
        return self._pipeline.in_flight.get(cmd.tag) is cmd

    @staticmethod
    def check_completion(
        cmd: Command, response: TaggedResponse, no_error: type[NoResponseError] = NoResponseError
    ) -> None:
        """Raise for NO (``no_error``) or BAD (:class:`BadResponseError`)
        (RFC 9051 §7.1.2-3), with the server's text and code; OK passes."""
        if response.name == "OK":
            return
        text = response.data.text
        if response.name == "NO":
            raise no_error(f"{cmd.name} failed: {text}", response)
        raise BadResponseError(f"{cmd.name} rejected: {text}", response)

    # --- failure ----------------------------------------------------------------

    def _fail_in_flight(self, bye: UntaggedResponse) -> None:
        text = bye.data.text if isinstance(bye.data, ResponseText) else ""
        for cmd in list(self._pipeline.in_flight.values()):
            if cmd.future is not None and not cmd.future.done():
                cmd.future.set_exception(ByeResponseError(f"server said BYE: {text}", bye))

    def _fail(self, error: BaseException) -> None:
        """End the connection; every pending command fails with ConnectionLost."""
        if self._closed_error is not None:
            return
        if isinstance(error, ConnectionLost):
            lost = error
        else:
            lost = ConnectionLost(f"connection to {self.host} closed: {error}")
            lost.__cause__ = error
        trace.note(f"connection failed: {error}", self.trace_id)
        self._close(lost)
        for cmd in self._pipeline.all():
            if cmd.future is not None and not cmd.future.done():
                e = ConnectionLost(str(lost))
                e.__cause__ = error
                cmd.future.set_exception(e)
            if cmd.continuation is not None and not cmd.continuation.done():
                cmd.continuation.cancel()
        if not self._greeting.done():
            e = ConnectionLost(str(lost))
            e.__cause__ = error
            self._greeting.set_exception(e)

    def _close(self, reason: BaseException) -> None:
        self._closed_error = reason
        self.state = "logout"
        self._hub.close_all()
        if self._conn is not None:
            self._conn.abort()


def _alert(response: Response) -> ResponseText | None:
    """The response's text when it carries an ``[ALERT]`` code."""
    data = response.data
    if isinstance(data, ResponseText) and data.code is not None and data.code.name == "ALERT":
        return data
    return None


def _cut(text: ResponseText) -> ResponseText:
    if len(text.text) <= MAX_ALERT_TEXT:
        return text
    return ResponseText(text.code, text.text[:MAX_ALERT_TEXT] + "…")


def _consume(fut: asyncio.Future[Any]) -> None:
    """Mark a future's exception as retrieved (its caller may be gone)."""
    if not fut.cancelled():
        fut.exception()


def _consume_task(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
