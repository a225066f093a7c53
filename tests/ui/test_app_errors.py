"""An unexpected error never ends the app through a traceback (issue 10, item 10): it is shown
in the app, logged with its traceback (no locals) when there is a log file, and the app and the
widget it happened in carry on."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget

import tuimail.ui.app
from tests.session.pilot_support import FIXED_NOW, until, until_loaded
from tests.session.support import account_for, pymap_thread, seeded, tracing, until_sent
from tests.ui.support import SIZE, screen_text
from tuimail.log_file import start_logging
from tuimail.session import messages as sm
from tuimail.ui.app import TuimailApp
from tuimail.ui.screens.main import MainScreen
from tuimail.ui.unexpected import PLACEHOLDER
from tuimail.ui.widgets import MessageList

pytestmark = pytest.mark.unexpected_errors

#: A value only a local variable holds: Textual's crash output would print it.
SECRET = "hunter2-only-in-a-local-variable"


class Boom(Message):
    """A message whose handler (below) fails."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret


#: The app's stylesheet (a subclass defined elsewhere would look for it beside itself).
CSS_PATH = str(Path(tuimail.ui.app.__file__).with_name("app.tcss"))


class RaisingApp(TuimailApp):
    """The app with a handler, a timer and a worker that fail (injected for the test)."""

    CSS_PATH = CSS_PATH

    def on_boom(self, message: Boom) -> None:
        password = message.secret  # noqa: F841 - a local variable a crash report would show
        raise RuntimeError("the handler failed")

    def fail_later(self) -> None:
        def tick() -> None:
            raise ValueError("the timer failed")

        self.set_timer(0.01, tick)

    def fail_in_a_worker(self) -> None:
        async def work() -> None:
            raise LookupError("the worker failed")

        self.run_worker(work(), name="failing")


class Fragile(Widget):
    """A widget whose drawing fails while ``fail`` is set."""

    DEFAULT_CSS = "Fragile { height: 3; }"

    def __init__(self) -> None:
        super().__init__(id="fragile")
        self.fail = True

    def render(self) -> str:
        if self.fail:
            raise ZeroDivisionError("the drawing failed")
        return "fragile content, drawn again"


@pytest.fixture
def log_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "tuimail.log"
    with start_logging(path):
        yield path


@asynccontextmanager
async def running(**kwargs: Any) -> AsyncIterator[tuple[RaisingApp, Pilot[None], MainScreen]]:
    with pymap_thread(seeded(8)) as server:
        app = RaisingApp(account_for(server.port), clock=lambda: FIXED_NOW, theme_dirs=[], **kwargs)
        app.NOTIFICATION_TIMEOUT = 600  # type: ignore[misc]
        async with app.run_test(size=SIZE, notifications=True) as pilot:  # toasts drawn, as for a user
            yield app, pilot, await until_loaded(pilot, app)
        assert app._exit_renderables == [], "something would be printed on exit"
        assert app._exception is None and app.return_code in (None, 0)


def unexpected(app: TuimailApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Unexpected error"]


async def test_a_handler_that_raises_is_shown_logged_and_the_app_goes_on(
    log_path: Path, reported_errors: list[BaseException]
) -> None:
    async with running() as (app, pilot, main):
        app.post_message(Boom(SECRET))
        await until(pilot, lambda: unexpected(app), what="the error shown")
        (shown,) = unexpected(app)
        assert shown.startswith("RuntimeError: the handler failed\ntuimail carries on.")
        assert f"The details are in the log file {log_path}." in shown
        app.post_message(Boom(SECRET))  # the app's own message loop still runs
        await until(pilot, lambda: len(reported_errors) == 2, what="the second error")
        assert len(unexpected(app)) == 1, "the same error is not shown twice in a row"
        assert app.is_running
    text = log_path.read_text()
    assert text.count("Traceback (most recent call last)") == 1
    assert "RuntimeError: the handler failed" in text and "in on_boom" in text
    assert SECRET not in text


async def test_a_screen_handler_that_raises_leaves_the_screen_working(log_path: Path) -> None:
    async with running() as (app, pilot, main):
        main.post_message(sm.MailboxOpened(None))  # type: ignore[arg-type] - its handler fails on it
        await until(pilot, lambda: any("AttributeError" in m for m in unexpected(app)), what="shown")
        main.post_message(sm.Notice("the main screen still listens"))
        await until(
            pilot,
            lambda: any(n.message == "the main screen still listens" for n in app._notifications),
            what="the main screen's next message handled",
        )
        assert main.is_attached and app.screen is main
        row = main.message_list.cursor_row
        await pilot.press("j")
        assert main.message_list.cursor_row == row + 1
        assert "Message number 8" in screen_text(app)
    assert "in on_mailbox_opened" in log_path.read_text()


async def test_a_render_that_raises_draws_a_placeholder_and_the_screen_still_updates(
    reported_errors: list[BaseException],
) -> None:
    with tracing() as trace:
        async with running() as (app, pilot, main):
            fragile = Fragile()
            await main.mount(fragile)
            # Waited for without pilot.pause(): that draws the screen in the test's own task (the
            # error would reach the test), where the running app draws it in its own loop.
            for _ in range(1000):
                if unexpected(app):
                    break
                await asyncio.sleep(0.01)
            assert unexpected(app), "the drawing error shown"
            assert unexpected(app)[0].startswith("ZeroDivisionError: the drawing failed")
            assert "Start tuimail with --log FILE" in unexpected(app)[0]
            await until(pilot, lambda: "Unexpected error" in screen_text(app), what="the error's toast drawn")
            # The session's own counts come before IDLE (its follow-ups done): none comes after these.
            await until_sent(trace, "IDLE")
            main.post_message(sm.MailboxCounts("INBOX", 5, 8))
            await until(pilot, lambda: "8 messages, 5 unread" in screen_text(app), what="the screen updates")
            text = screen_text(app)
            assert PLACEHOLDER[:20] in text and "Message number 8" in text  # (a toast may cover its end)
            assert app.is_running
            fragile.fail = False
            fragile.refresh()
            await until(pilot, lambda: "fragile content, drawn again" in screen_text(app), what="drawn again")
            assert PLACEHOLDER not in screen_text(app)
    assert all(isinstance(e, ZeroDivisionError) for e in reported_errors)


async def test_a_list_row_that_cannot_be_drawn_costs_only_that_row(monkeypatch: pytest.MonkeyPatch) -> None:
    render_row = MessageList._render_row

    def failing(self: MessageList, summary: Any, *args: Any, **kwargs: Any) -> Any:
        if summary.subject == "Message number 6":
            raise OverflowError("date value out of range")
        return render_row(self, summary, *args, **kwargs)

    monkeypatch.setattr(MessageList, "_render_row", failing)
    async with running() as (app, pilot, main):
        await until(pilot, lambda: unexpected(app), what="the row's error shown")
        await until(pilot, lambda: PLACEHOLDER in screen_text(app), what="the placeholder drawn")
        rows = [strip.text for strip in (main.message_list.render_line(y) for y in range(1, 9))]
        assert [PLACEHOLDER in row for row in rows] == [False, False, True, False, False, False, False, False]
        assert "Message number 8" in rows[0] and "Message number 5" in rows[3]


async def test_errors_in_a_timer_and_a_worker_are_shown_and_the_app_goes_on(log_path: Path) -> None:
    async with running() as (app, pilot, main):
        app.fail_later()
        app.fail_in_a_worker()
        await until(pilot, lambda: len(unexpected(app)) == 2, what="both shown")
        shown = sorted(unexpected(app))
        assert shown[0].startswith("LookupError: the worker failed")
        assert shown[1].startswith("ValueError: the timer failed")
        assert app.is_running
        await pilot.press("j")
        assert main.message_list.cursor_row == 1
    text = log_path.read_text()
    assert "ValueError: the timer failed" in text and "LookupError: the worker failed" in text


async def test_a_repeated_error_is_shown_once_and_logged_with_a_count(log_path: Path) -> None:
    async with running() as (app, pilot, main):
        for _ in range(12):
            app.post_message(Boom(SECRET))
        await until(pilot, lambda: app.unexpected_errors.total == 12, what="twelve errors")
        assert len(unexpected(app)) == 1
        assert list(app.unexpected_errors.counts.values()) == [12]
    text = log_path.read_text()
    assert text.count("Traceback (most recent call last)") == 1
    assert "again (2 times so far)" in text and "again (10 times so far)" in text
    assert "again (12 times" not in text


async def test_at_most_a_few_different_errors_are_shown_a_minute() -> None:
    async with running() as (app, pilot, main):
        errors = app.unexpected_errors
        for n in range(20):
            try:
                raise RuntimeError(f"error number {n}")
            except RuntimeError as error:
                errors.report(error)
        await pilot.pause()
        assert len(unexpected(app)) == 5 and errors.total == 20


def test_the_reporter_tells_errors_apart_by_type_message_and_place() -> None:
    from tuimail.ui.unexpected import signature

    def raise_(kind: type[Exception], text: str) -> Exception:
        try:
            raise kind(text)
        except Exception as error:  # noqa: BLE001
            return error

    a, b, c = raise_(ValueError, "x"), raise_(ValueError, "x"), raise_(ValueError, "y")
    assert signature(a) == signature(b) != signature(c)
    assert signature(raise_(KeyError, "x")) != signature(a)


# --------------------------------------------------- the real run, in a process

_PROGRAM = textwrap.dedent(
    """
    import sys
    from textual.app import App
    from textual.message import Message
    from tuimail.config import Account
    from tuimail.ui.app import TuimailApp

    class Boom(Message):
        def __init__(self, secret):
            super().__init__()
            self.secret = secret

    def boom(self, message):
        password = message.secret
        raise RuntimeError("the handler failed")

    def ready(self):
        self.post_message(Boom(sys.argv[2]))
        self.set_timer(1.0, self.exit)

    if sys.argv[1] == "tuimail":
        base, args = TuimailApp, (Account("t", "127.0.0.1", "u", port=9, tls="none", password="x"),)
    else:
        base, args = App, ()
    Raising = type("Raising", (base,), {"on_boom": boom, "on_ready": ready, "CSS_PATH": sys.argv[3]})
    app = Raising(*args)
    app.run(headless=True, size=(100, 30))
    print("exit status", app.return_code)
    """
)


@pytest.mark.parametrize("kind", ["tuimail", "plain textual"])
def test_the_real_run_prints_nothing_where_textual_prints_locals(kind: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, kind.split()[0], SECRET, CSS_PATH],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    output = done.stdout + done.stderr
    if kind == "tuimail":
        assert done.returncode == 0, output
        assert done.stdout.strip().endswith("exit status 0") and done.stderr == ""
        assert "Traceback" not in output and SECRET not in output
    else:  # the control: what Textual itself does with the same handler
        assert "Traceback" in output and SECRET in output and "exit status 1" in output


_BROKEN_INSTALL = textwrap.dedent(
    """
    import sys
    from tuimail.config import Account
    from tuimail.ui.app import TuimailApp

    class BrokenInstall(TuimailApp):
        CSS_PATH = sys.argv[1]  # the stylesheet is missing

    app = BrokenInstall(Account("t", "127.0.0.1", "u", port=9, tls="none", password="x"))
    app.run(headless=True, size=(100, 30))
    raise SystemExit(app.return_code)
    """
)


def test_an_app_that_cannot_start_says_so_in_one_line(tmp_path: Path) -> None:
    program = tmp_path / "broken_install.py"  # Textual reads a class's source file: not with -c
    program.write_text(_BROKEN_INSTALL)
    missing = str(tmp_path / "missing.tcss")
    done = subprocess.run(
        [sys.executable, str(program), missing], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(
        "tuimail: error: could not start: StylesheetError: unable to read CSS file "
    )
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
