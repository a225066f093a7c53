"""The app's side of the first paint: the start screen it saves (its rows drawn again from the
template equal its own), keys typed during a first paint, and the driver started over one."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual import events
from textual.drivers.linux_driver import LinuxDriver

import tuimail.ui.app as app_module
from tests.session.pilot_support import until, until_loaded
from tests.session.support import pymap_thread, seeded
from tests.ui.support import SIZE, make_app
from tuimail.ui import first_paint as fp
from tuimail.ui.painted_driver import ALTERNATE_SCREEN, over_first_paint
from tuimail.ui.start_screen import capture_start_screen, screen_cells

IDENTITY = fp.StartIdentity("0.1.0", "xterm-256color:", "", "", "test", False, "INBOX")


def run_for(tmp_path: Path, *, painted: bool) -> fp.StartScreenRun:
    """What the command gives the app: where to save, and (``painted``) a first paint on screen."""
    run = fp.StartScreenRun(fp.TemplateTarget(tmp_path / fp.TEMPLATE_NAME, IDENTITY))
    if painted:
        null = open(os.devnull, "w")  # noqa: SIM115 - closed with the paint's file below
        run.paint = fp.FirstPaint(-1, null, None)
    return run


async def test_the_app_saves_its_start_screen_a_moment_after_its_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "SAVE_START_SCREEN_AFTER", 0.05)
    run = run_for(tmp_path, painted=False)
    with pymap_thread(seeded(40)) as server:
        app = make_app(server.port, start_screen=run)
        async with app.run_test(size=SIZE) as pilot:
            await until_loaded(pilot, app)
            assert run.app_started
            await until(pilot, lambda: run.target.path.exists(), what="the start screen saved")
    saved = fp.load_template(run.target.path)
    assert (saved.width, saved.height) == SIZE and saved.identity == IDENTITY
    assert saved.account_key == f"tester@127.0.0.1:{server.port}"
    assert saved.cursor == "cursor"  # the list has the focus


async def test_the_start_screen_is_the_frame_and_draws_the_rows_as_the_app_drew_them() -> None:
    with pymap_thread(seeded(40)) as server:
        app = make_app(server.port)
        async with app.run_test(size=SIZE) as pilot:
            main = await until_loaded(pilot, app)
            await until(pilot, lambda: main.message_list.summary_at(20) is not None, what="the rows")
            saved = capture_start_screen(app, IDENTITY, "key")
            frame = app.screen._compositor.render_strips()
            rows = [main.message_list.summary_at(i) for i in range(40)]
            now = main.message_list.now()
    assert saved is not None
    drawn = screen_cells("".join(f"\x1b[{y + 1};1H{line}" for y, line in enumerate(saved.lines)), *SIZE)
    assert ["".join(c for c, _ in line) for line in drawn] == [strip.text for strip in frame]
    # The rows drawn from the template over it are the frame's rows, cell by cell, colours too.
    painted = screen_cells(fp.render_first_screen(saved, rows, now), *SIZE)  # type: ignore[arg-type]
    region = saved.rows
    assert region.height > 10
    for y in range(region.y, region.y + region.height):
        assert painted[y][region.x : region.x + region.width] == drawn[y][region.x : region.x + region.width]
    assert "Message number 40" in "".join(c for c, _ in painted[region.y])
    # and not the same as the rows in another order (the comparison sees a difference)
    moved = screen_cells(fp.render_first_screen(saved, rows[1:], now), *SIZE)  # type: ignore[arg-type]
    assert moved[region.y] != drawn[region.y]


async def test_no_start_screen_is_saved_once_the_user_moved_away_from_it(tmp_path: Path) -> None:
    with pymap_thread(seeded(40)) as server:
        app = make_app(server.port)
        async with app.run_test(size=SIZE) as pilot:
            main = await until_loaded(pilot, app)
            assert capture_start_screen(app, IDENTITY, "k") is not None
            await pilot.press("j")
            assert capture_start_screen(app, IDENTITY, "k") is None  # the cursor moved
            await pilot.press("k", "?")
            await until(pilot, lambda: app.screen is not main, what="help")
            assert capture_start_screen(app, IDENTITY, "k") is None  # another screen on top
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is main, what="the list again")
            assert capture_start_screen(app, IDENTITY, "k") is not None
            archive = fp.StartIdentity("0.1.0", "xterm-256color:", "", "", "test", False, "Archive")
            assert capture_start_screen(app, archive, "k") is None  # not the mailbox shown


@contextlib.asynccontextmanager
async def gate(upstream: int) -> AsyncIterator[tuple[int, asyncio.Event]]:
    """A proxy to ``upstream`` that lets nothing through until its event is set: (port, event)."""
    opened = asyncio.Event()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await opened.wait()
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], opened
    finally:
        server.close()


async def test_a_key_typed_during_the_first_paint_waits_for_the_mailbox(tmp_path: Path) -> None:
    """The key arrives while the server has not answered yet (no cache: nothing to show); it is
    acted on once the mailbox's rows are on the screen."""
    run = run_for(tmp_path, painted=True)
    with pymap_thread(seeded(40)) as server:
        async with gate(server.port) as (port, opened):
            app = make_app(port, start_screen=run)
            async with app.run_test(size=SIZE) as pilot:
                main = app.main_screen
                assert main is not None and main.mailbox is None
                app.post_message(events.Key("G", "G"))  # the last (oldest) message
                await asyncio.sleep(0.3)
                assert main.message_list.count == 0  # still nothing to act on
                opened.set()
                await until_loaded(pilot, app)
                await until(pilot, lambda: main.message_list.cursor_row == 39, what="the jump")
    assert run.paint is not None
    run.paint._out.close()


async def test_without_a_first_paint_keys_are_not_held(tmp_path: Path) -> None:
    run = run_for(tmp_path, painted=False)
    with pymap_thread(seeded(40)) as server:
        async with gate(server.port) as (port, opened):
            app = make_app(port, start_screen=run)
            async with app.run_test(size=SIZE) as pilot:
                main = app.main_screen
                assert main is not None and main.mailbox is None
                app.post_message(events.Key("G", "G"))
                await asyncio.sleep(0.3)
                assert app._early_keys is not None and not app._early_keys.holding
                opened.set()
                await until_loaded(pilot, app)
                await pilot.pause()
                assert main.message_list.cursor_row == 0  # the key came before the rows: nothing moved
    assert run.app_started and run.paint is None


def _started(driver_class: type, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What a driver of ``driver_class`` writes when it starts and switches to the alternate
    screen (Textual's own start left out: it needs a terminal)."""
    written: list[str] = []
    monkeypatch.setattr(LinuxDriver, "write", lambda self, data: written.append(data))
    monkeypatch.setattr(LinuxDriver, "start_application_mode", lambda self: self.write(ALTERNATE_SCREEN))
    driver = driver_class.__new__(driver_class)
    driver._in_alternate_screen = True  # as __init__ sets it
    driver.start_application_mode()
    return written


def test_a_driver_made_for_a_start_switches_to_the_alternate_screen_unless_it_was_painted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paint that may still come (a cold paint): the driver made for the start looks as it
    starts, and from then on nothing is painted."""
    bare = run_for(tmp_path, painted=False)
    assert _started(over_first_paint(LinuxDriver, bare), monkeypatch) == [ALTERNATE_SCREEN]
    drawn: list[str] = []
    assert not bare.paint_unless_started(lambda: drawn.append("paint"))  # type: ignore[func-returns-value]
    assert drawn == [] and bare.paint is None

    painted = run_for(tmp_path, painted=True)
    assert _started(over_first_paint(LinuxDriver, painted), monkeypatch) == []
    assert painted.app_started
    assert painted.paint is not None
    painted.paint._out.close()


def test_the_driver_over_a_first_paint_leaves_out_only_its_first_switch_to_the_alternate_screen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run = run_for(tmp_path, painted=True)
    painted = over_first_paint(LinuxDriver, run)
    assert painted is not LinuxDriver and issubclass(painted, LinuxDriver)
    written: list[str] = []
    monkeypatch.setattr(LinuxDriver, "write", lambda self, data: written.append(data))
    driver = painted.__new__(painted)
    driver._in_alternate_screen = True  # type: ignore[attr-defined]  # as __init__ sets it
    for data in ("\x1b[?1049h", "\x1b[?25l", "\x1b[?1049h"):
        driver.write(data)
    assert written == ["\x1b[?25l", ALTERNATE_SCREEN]  # a resume after Ctrl+Z switches again
    assert run.paint is not None
    run.paint._out.close()


async def test_a_key_typed_once_the_mailbox_is_shown_is_handled_at_once(tmp_path: Path) -> None:
    """After a first paint, the first key typed once the screen shows the mailbox is not held
    for the next look at the screen: it is handled as it comes."""
    run = run_for(tmp_path, painted=True)
    with pymap_thread(seeded(40)) as server:
        app = make_app(server.port, start_screen=run)
        async with app.run_test(size=SIZE) as pilot:
            main = await until_loaded(pilot, app)
            await until(pilot, lambda: main.message_list.has_focus, what="the list focused")
            assert app._early_keys is not None and app._early_keys.holding  # nothing typed yet
            held = app._early_keys.hold(events.Key("j", "j"))
            assert not held and not app._early_keys.holding
    assert run.paint is not None
    run.paint._out.close()
