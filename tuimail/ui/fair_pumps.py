"""Message pumps that let the event loop run between the messages of a burst.

Textual's message pump takes its next message without awaiting anything while
its queue is not empty, so a burst of messages (the session's changes of
10,000 flags, a page of rows, ...) is handled back to back and no other task,
timer or key press gets a turn until the queue is empty: the loop stalls for
the whole burst.  :func:`let_loop_run_between_messages` wraps
``MessagePump._dispatch_message`` (once per process): after a message, if the
pump's queue still holds more and the pump has been handling messages for
:data:`YIELD_AFTER` without a break, it awaits ``asyncio.sleep(0)`` once.
Messages keep their order; a burst holds the loop for about one message's
handling at a time.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable

from textual.message import Message
from textual.message_pump import MessagePump

__all__ = ["YIELD_AFTER", "let_loop_run_between_messages"]

#: How long a pump handles queued messages before it lets the loop run once (s).
YIELD_AFTER = 0.010

_MARK = "_tuimail_fair"

Dispatch = Callable[[MessagePump, Message], Awaitable[None]]


def let_loop_run_between_messages() -> None:
    """Install the yield between a busy pump's messages (idempotent)."""
    original: Dispatch = MessagePump._dispatch_message
    if getattr(original, _MARK, False):
        return
    bursts: weakref.WeakKeyDictionary[MessagePump, float] = weakref.WeakKeyDictionary()

    async def dispatch(pump: MessagePump, message: Message) -> None:
        started = time.monotonic()
        try:
            await original(pump, message)
        finally:
            if pump.message_queue_size == 0:
                bursts.pop(pump, None)
            else:
                burst = bursts.get(pump, started)
                if time.monotonic() - burst >= YIELD_AFTER:
                    await asyncio.sleep(0)
                    burst = time.monotonic()
                bursts[pump] = burst

    setattr(dispatch, _MARK, True)
    MessagePump._dispatch_message = dispatch  # type: ignore[method-assign,assignment]
