"""What the app sets for its process: while it runs, a thread waiting for the GIL gets it within
SWITCH_INTERVAL (the UI's loop lets the GIL go at every turn, and a session parsing a whole
mailbox must not hold each turn up for Python's default 5 ms; benchmarks/ui_stall.py measures
it); and once started, the memory the start freed goes back to the system."""

from __future__ import annotations

import asyncio
import sys

import pytest

import tuimail.ui.app as app_module
from tests.session.pilot_support import until_loaded
from tests.session.support import pymap_thread, seeded
from tests.ui.support import SIZE, make_app
from tuimail.ui.app import SWITCH_INTERVAL


async def test_the_app_shortens_the_switch_interval_while_it_runs_and_restores_it() -> None:
    before = sys.getswitchinterval()
    assert SWITCH_INTERVAL < before
    with pymap_thread(seeded(3)) as server:
        app = make_app(server.port)
        async with app.run_test(size=SIZE) as pilot:
            await until_loaded(pilot, app)
            assert sys.getswitchinterval() == SWITCH_INTERVAL
    assert sys.getswitchinterval() == before


async def test_the_start_s_freed_memory_is_given_back_once_after_the_first_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given: list[float] = []
    monkeypatch.setattr(app_module, "GIVE_BACK_AFTER", 0.2)
    monkeypatch.setattr(app_module, "give_back_free_memory", lambda: given.append(1) or True)
    with pymap_thread(seeded(3)) as server:
        app = make_app(server.port)
        async with app.run_test(size=SIZE) as pilot:
            await until_loaded(pilot, app)
            for _ in range(100):
                if given:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)
            assert given == [1]
