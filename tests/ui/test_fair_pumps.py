"""A burst of queued messages does not hold the event loop until the queue is empty: between two
messages, once a pump has been busy for YIELD_AFTER, other tasks get a turn; messages keep their
order (tuimail/ui/fair_pumps.py; benchmarks/ui_stall.py measures the stalls it removes)."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widget import Widget

import tuimail.ui.fair_pumps as fair_pumps
from tuimail.ui.fair_pumps import let_loop_run_between_messages

HANDLING = 0.004  # each message keeps the loop this long
BURST = 30


class Work(Message):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n


class Busy(Widget):
    def __init__(self) -> None:
        super().__init__()
        self.handled: list[int] = []
        self.queued_when_probed: list[int] = []

    def on_work(self, message: Work) -> None:
        end = time.monotonic() + HANDLING
        while time.monotonic() < end:  # work that does not await
            pass
        self.handled.append(message.n)


class BurstApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Busy()


async def _burst(app: BurstApp) -> Busy:
    busy = app.query_one(Busy)

    async def probe() -> None:
        while len(busy.handled) < BURST:
            busy.queued_when_probed.append(busy.message_queue_size)
            await asyncio.sleep(0)

    task = asyncio.create_task(probe())
    await asyncio.sleep(0)
    busy.queued_when_probed.clear()
    for n in range(BURST):
        busy.post_message(Work(n))
    await task
    return busy


async def test_other_tasks_run_while_a_pump_works_through_a_burst() -> None:
    let_loop_run_between_messages()
    app = BurstApp()
    async with app.run_test():
        busy = await _burst(app)
    assert busy.handled == list(range(BURST))  # every message, in order
    # The probe ran while messages were still queued, many times (not only once the queue was empty).
    during = [size for size in busy.queued_when_probed if size > 0]
    assert len(during) >= BURST * HANDLING / fair_pumps.YIELD_AFTER / 2


async def test_a_burst_of_quick_messages_is_not_broken_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below YIELD_AFTER of work the pump does not yield: no extra loop turns for quick messages."""
    let_loop_run_between_messages()
    monkeypatch.setattr(fair_pumps, "YIELD_AFTER", 60.0)
    app = BurstApp()
    async with app.run_test():
        busy = await _burst(app)
    assert busy.handled == list(range(BURST))
    assert [size for size in busy.queued_when_probed if size > 0] in ([], [BURST])
