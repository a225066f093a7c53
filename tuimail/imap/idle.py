"""IDLE (RFC 2177, RFC 9051 §6.3.13): wait for the server to push updates.

    async with imap.idle() as updates:
        async for response in updates:      # EXISTS, EXPUNGE, FETCH, ...
            print(response.name, imap.selected.exists)

The session sends IDLE, yields each untagged response as it arrives (the
selected mailbox's state is already updated when it is yielded), and:

* restarts itself (DONE, then IDLE again) before the server's inactivity
  timeout: every ``restart_after`` seconds, 25 minutes by default (RFC 2177
  asks clients to re-issue IDLE at least every 29 minutes);
* steps aside when another coroutine issues a command on the same
  connection: DONE, the command runs, then IDLE again;
* sends DONE when the ``async with`` block ends, on ``stop()``, or when the
  task iterating it is cancelled.  Iterated without ``async with``, leaving
  the loop with ``break`` does not stop it: call ``await updates.stop()``.

It drives the connection through the engine's public interface only
(``execute``, ``check_completion``, ``write_continuation_line``,
``is_in_flight``, ``updates``, ``has``), like any command family.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

from .command import Command
from .engine import Engine
from .errors import InvalidStateError
from .types import ContinuationRequest, UntaggedResponse
from .unsolicited import DEFAULT_MAXSIZE, Subscription

#: Re-issue IDLE after this many seconds (RFC 2177: at most 29 minutes).
DEFAULT_RESTART_AFTER = 25 * 60


class Idle:
    """One IDLE session: an async context manager and async iterator."""

    def __init__(
        self, engine: Engine, restart_after: float = DEFAULT_RESTART_AFTER, maxsize: int = DEFAULT_MAXSIZE
    ):
        self._engine = engine
        self.restart_after = restart_after
        self._maxsize = maxsize
        self._sub: Subscription | None = None
        self._runner: asyncio.Task[None] | None = None
        self._cmd: Command | None = None
        self._idling = False  # the server accepted the current IDLE ("+")
        self._started: asyncio.Event = asyncio.Event()
        self._done_sent = False
        self._done_wanted = False
        self._stopping = False
        self._timer: asyncio.TimerHandle | None = None
        self._error: BaseException | None = None
        self._accepted = False  # the server accepted IDLE at least once
        self._managed = False  # used with "async with" (which stops it)
        #: How many times IDLE was sent (restarts and interruptions included).
        self.rounds = 0

    # --- life cycle ------------------------------------------------------------

    async def start(self) -> None:
        """Send IDLE and return once the server accepted it."""
        if self._runner is not None:
            return
        if not self._engine.has("IDLE") and not self._engine.has("IMAP4REV2"):
            raise InvalidStateError("the server does not support IDLE")
        self._sub = self._engine.updates(self._maxsize)
        self._runner = asyncio.get_running_loop().create_task(self._run())
        self._runner.add_done_callback(_consume)
        started = asyncio.ensure_future(self._started.wait())
        try:
            await asyncio.wait({started, self._runner}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            # The caller gave up waiting for "+": end this IDLE (DONE once
            # accepted) rather than leave it restarting after every command.
            self._stop_nowait()
            raise
        finally:
            started.cancel()
        if self._runner.done() and self._error is not None and not self._accepted:
            raise self._error  # refused; later errors come out of the iteration

    async def stop(self) -> None:
        """Send DONE and wait for IDLE to complete (safe to call twice)."""
        self._stop_nowait()
        if self._runner is not None:
            with contextlib.suppress(BaseException):
                await asyncio.shield(self._runner)
        if self._sub is not None:
            self._sub.close()

    aclose = stop

    def _stop_nowait(self) -> None:
        """Stop without waiting: DONE if idling, withdraw IDLE if queued;
        an IDLE not yet accepted gets its DONE when the "+" comes."""
        self._stopping = True
        runner, cmd = self._runner, self._cmd
        if runner is None:
            return
        if self._idling:
            self._send_done()
        elif cmd is not None and not self._engine.is_in_flight(cmd):
            runner.cancel()  # IDLE still queued: withdraw it

    async def __aenter__(self) -> Idle:
        self._managed = True
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def __aiter__(self) -> Idle:
        return self

    async def __anext__(self) -> UntaggedResponse:
        if self._runner is None:
            await self.start()
        assert self._sub is not None
        try:
            item = await self._sub.get()
        except asyncio.CancelledError:
            if not self._managed:
                self._stop_nowait()  # iterated without "async with": DONE now
            raise
        if item is None:
            if self._error is not None:
                raise self._error
            raise StopAsyncIteration
        return item

    @property
    def dropped(self) -> int:
        """Updates dropped because the buffer was full (resync needed)."""
        return self._sub.dropped if self._sub is not None else 0

    # --- the IDLE loop -----------------------------------------------------------

    async def _run(self) -> None:
        engine = self._engine
        try:
            while not self._stopping:
                self._idling = self._done_sent = self._done_wanted = False
                cmd = Command(
                    "IDLE",
                    on_continuation=self._on_continuation,
                    on_blocking=self._on_blocking,
                    untimed=True,
                )
                self._cmd = cmd
                self.rounds += 1
                response = await engine.execute(cmd)
                self._cancel_timer()
                self._idling = False
                engine.check_completion(cmd, response)
        except BaseException as e:
            if not isinstance(e, asyncio.CancelledError):
                self._error = e
            raise
        finally:
            self._cancel_timer()
            self._idling = False
            self._started.set()
            if self._sub is not None:
                self._sub.close()

    def _on_continuation(self, response: ContinuationRequest) -> None:
        if self._idling:
            return
        self._idling = True
        self._accepted = True
        self._started.set()
        if self._stopping or self._done_wanted:
            self._send_done()
        else:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(self.restart_after, self._send_done)

    def _on_blocking(self) -> None:
        """Another command waits: end this IDLE round now, or once accepted."""
        if self._idling:
            self._send_done()
        else:
            self._done_wanted = True

    def _send_done(self) -> None:
        if self._done_sent or not self._idling:
            return
        self._done_sent = True
        self._cancel_timer()
        self._engine.write_continuation_line(b"DONE\r\n")

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class IdleCommands(Engine):
    """The ``idle()`` method."""

    def idle(self, *, restart_after: float = DEFAULT_RESTART_AFTER, maxsize: int = DEFAULT_MAXSIZE) -> Idle:
        """IDLE: ``async with imap.idle() as updates: async for r in updates``."""
        return Idle(self, restart_after, maxsize)


def _consume(task: asyncio.Task[None]) -> None:
    """The runner's error is reported through the iteration, not the loop."""
    if not task.cancelled():
        task.exception()
