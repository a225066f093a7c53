"""Set-up shared by the Pilot tests of the whole app over a real pymap server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from tests.session.pilot_support import FIXED_NOW, until_loaded
from tests.session.support import BASE, account_for, make_message, pymap_thread
from tuimail.ui.app import TuimailApp
from tuimail.ui.screens.main import MainScreen

SIZE = (120, 40)

Mailboxes = dict[str, list[tuple[bytes, list[str], datetime]]]
Running = tuple[TuimailApp, Pilot[None], MainScreen]


def make_app(port: int, **kwargs: Any) -> TuimailApp:
    """The app on the test server's account, with a fixed clock and only the bundled themes."""
    kwargs = {"clock": lambda: FIXED_NOW, "theme_dirs": [], **kwargs}
    app = TuimailApp(account_for(port), **kwargs)
    app.NOTIFICATION_TIMEOUT = 600  # type: ignore[misc]  # notices stay while the test reads them
    return app


@asynccontextmanager
async def app_on(mailboxes: Mailboxes, **kwargs: Any) -> AsyncIterator[Running]:
    """A pymap server holding ``mailboxes`` and the app on it, INBOX open and its first rows loaded.

    The server's port is ``app.account.port``.
    """
    with pymap_thread(mailboxes) as server:
        app = make_app(server.port, **kwargs)
        async with app.run_test(size=SIZE) as pilot:
            yield app, pilot, await until_loaded(pilot, app)


def one_message(subject: str) -> Mailboxes:
    """An INBOX holding one unread message with this subject."""
    return {"INBOX": [(make_message(1, subject), [], BASE + timedelta(hours=1))]}


def screen_text(app: App[Any]) -> str:
    """What the app's screen shows now, as text lines (raises if any part of it cannot be drawn)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
