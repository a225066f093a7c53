"""Pilot tests of several accounts: each has its own session and screen, all stay connected."""

from __future__ import annotations

from tests.session.pilot_support import FIXED_NOW, until, until_loaded
from tests.session.support import PASSWORD, USER, seeded
from tests.ui.support import SIZE
from tuimail.config import Account
from tuimail.demo.server import PymapServer
from tuimail.ui.app import TuimailApp
from tuimail.ui.widgets import StatusBar


async def test_every_account_has_its_session_and_ctrl_n_or_the_command_switches() -> None:
    other = {"INBOX": seeded(2, unseen_every=1)["INBOX"]}
    server = PymapServer({USER: PASSWORD, "ann": "pw"}, {USER: seeded(4), "ann": other})
    server.start_in_thread()
    try:
        work = Account("work", "127.0.0.1", USER, port=server.port, tls="none", password=PASSWORD)
        home = Account("home", "127.0.0.1", "ann", port=server.port, tls="none", password="pw")
        app = TuimailApp(work, more_accounts=[home], clock=lambda: FIXED_NOW, theme_dirs=[])
        async with app.run_test(size=SIZE) as pilot:
            main = await until_loaded(pilot, app)
            assert main.account_name == "work" and main.total == 4
            # The other account is connected too: its unread count reaches this screen's status bar.
            await until(pilot, lambda: app.panes[1].inbox_unread == 2, what="home's count")
            main.refresh_status()
            assert "also: home 2" in str(main.query_one(StatusBar).status_text())
            await pilot.press("ctrl+n")
            home_screen = app.main_screen
            assert home_screen is not None and home_screen is not main and app.screen is home_screen
            await until(pilot, lambda: home_screen.total == 2, what="home's INBOX")
            assert home_screen.account_name == "home"
            await pilot.press("colon", *"account work", "enter")
            assert app.screen is main and app.account.name == "work"
            assert all(p.session is not None and p.session._client is not None for p in app.panes)
    finally:
        server.stop_thread()
