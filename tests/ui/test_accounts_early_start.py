"""The sessions start before the UI exists: what the command opens first (tuimail.ui.accounts)
connects, logs in and opens the mailbox without Textual's App or the screens being imported,
and the screen gets what was said before it existed."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

from tests.session.pilot_support import until_loaded
from tests.session.support import account_for, pymap_thread, seeded
from tests.ui.support import SIZE, make_app
from tuimail.session import messages as m
from tuimail.ui.accounts import open_accounts


def test_the_session_opens_the_mailbox_before_the_ui_is_imported() -> None:
    script = textwrap.dedent(
        """
        import sys, time
        from tests.session.support import account_for, pymap_thread, seeded
        from tuimail.session import messages as m
        from tuimail.ui.accounts import open_accounts

        with pymap_thread(seeded(3)) as server:
            opened = open_accounts(account_for(server.port))
            opened.start()
            pane = opened.panes[0]
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                early = list(pane._early)
                if any(isinstance(x, m.ViewChanged) for x in early):
                    break
                time.sleep(0.02)
            kinds = {type(x).__name__ for x in early}
            ui_modules = ("textual.app", "tuimail.ui.app", "tuimail.ui.screens")
            ui = sorted(n for n in sys.modules if n in ui_modules)
            opened.stop()
        print(sorted(kinds & {"MailboxOpened", "ViewChanged", "MailboxesLoaded"}), ui)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[0] == "['MailboxOpened', 'MailboxesLoaded', 'ViewChanged'] []", done.stdout


def test_the_head_start_logs_in_before_the_session_or_textual_is_imported() -> None:
    """The command's head start (tuimail.session.head_start) connects, logs in and opens the
    mailbox with the IMAP library alone: neither Textual nor the session's messages are imported
    by then."""
    script = textwrap.dedent(
        """
        import sys
        import time
        from tuimail.config import Account
        from tuimail.demo.server import PymapServer
        from datetime import datetime, timezone
        from tuimail.session.head_start import HeadStart

        mail = b"From: a@example.com\\r\\nSubject: one\\r\\n\\r\\nbody\\r\\n"
        when = datetime(2024, 3, 1, tzinfo=timezone.utc)
        server = PymapServer({"u": "p"}, {"u": {"INBOX": [(mail, [], when)] * 3}})
        server.start_in_thread()
        try:
            where = dict(host="127.0.0.1", port=server.port, tls="none")
            head = HeadStart.begin(Account(name="t", username="u", password="p", **where), select="INBOX")
            _imap, early = head._opening.result(20)  # logged in (the error of a failed login would be raised)
            for _ in range(1000):  # the SELECT and the FETCH of the newest page answered
                if early.page.data.done():
                    break
                time.sleep(0.01)
            assert [fd.seqno for fd in early.page.data.result()] == [1, 2, 3]
            later = ("textual", "tuimail.session.messages", "tuimail.session.session")
            print(sorted(n for n in later if n in sys.modules))
            head.close()
        finally:
            server.stop_thread()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[0] == "[]", done.stdout


async def test_an_app_given_started_accounts_shows_what_they_said_before_it_ran() -> None:
    with pymap_thread(seeded(4)) as server:
        accounts = open_accounts(account_for(server.port))
        accounts.start()
        pane = accounts.panes[0]
        for _ in range(400):  # the mailbox is open before the app exists
            if any(isinstance(x, m.ViewChanged) for x in list(pane._early)):
                break
            await asyncio.sleep(0.02)
        app = make_app(server.port, accounts=accounts)
        async with app.run_test(size=SIZE) as pilot:
            await until_loaded(pilot, app)
            assert app.panes is accounts.panes and app.session is pane.session
            assert app.main_screen is not None and app.main_screen.message_list.count == 4
            assert app.main_screen.message_list.summary_at(0).subject == "Message number 4"
