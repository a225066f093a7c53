"""Read-only mode against Dovecot: browse everything, press every changing key, nothing changes.

The account is seeded through a second connection (APPEND into several folders
with several flags); the app then runs with ``read_only=True`` under Pilot,
opens every mailbox and messages in it, presses every key that would change
something, and a second connection checks that every message's flags and the
mailbox list (with subscriptions) are exactly as before.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from tests.servers.info import ServerInfo
from tests.session.pilot_support import FIXED_NOW, until, until_loaded
from tests.session.support import make_message, other_connection, snapshot_flags
from tuimail.config import Account
from tuimail.mail.mailbox_tree import iter_nodes as flatten
from tuimail.ui.app import TuimailApp
from tuimail.ui.screens import ErrorScreen

SEED: dict[str, list[tuple[int, list[str]]]] = {
    "INBOX": [(1, []), (2, ["\\Seen"]), (3, ["\\Flagged"]), (4, ["\\Seen", "\\Answered"]), (5, ["$Label1"])],
    "Archive": [(10, ["\\Seen"]), (11, [])],
    "Sent": [(20, ["\\Seen"])],
    "Trash": [(30, ["\\Seen", "\\Deleted"])],
    "Projects": [(40, [])],
    "Projects/tuimail": [(41, ["\\Flagged"]), (42, [])],
}
CHANGING_KEYS = ("r", "f", "d", "delete", "a", "m", "c", "u")


def seed(info: ServerInfo) -> None:
    client = other_connection(info.host, info.port, info.username, info.password)
    try:
        for folder, messages in SEED.items():
            if folder != "INBOX" and not client.folder_exists(folder):
                client.create_folder(folder)
            for n, flags in messages:
                client.append(folder, make_message(n), flags=flags)
        client.subscribe_folder("Projects/tuimail")
    finally:
        client.logout()


def state(info: ServerInfo) -> dict[str, Any]:
    """Mailboxes (LIST and LSUB) and every message's UID and flags, read via EXAMINE."""
    client = other_connection(info.host, info.port, info.username, info.password)
    try:
        folders = sorted((name, tuple(sorted(flags))) for flags, _d, name in client.list_folders())
        subscribed = sorted(name for _f, _d, name in client.list_sub_folders())
    finally:
        with contextlib.suppress(Exception):
            client.logout()
    messages = snapshot_flags(info.host, info.port, info.username, info.password)
    return {"folders": folders, "subscribed": subscribed, "messages": messages}


async def test_read_only_browsing_and_every_changing_key_change_nothing_on_dovecot(
    dovecot_server: ServerInfo,
) -> None:
    info = dovecot_server
    await asyncio.to_thread(seed, info)
    before = await asyncio.to_thread(state, info)
    assert len(before["messages"]["INBOX"]) == 5

    account = Account("dovecot", info.host, info.username, port=info.port, tls="none", password=info.password)
    app = TuimailApp(account, read_only=True, clock=lambda: FIXED_NOW, theme_dirs=[])
    app.NOTIFICATION_TIMEOUT = 600  # type: ignore[misc]  # notices stay while the test reads them
    async with app.run_test(size=(120, 40)) as pilot:
        main = await until_loaded(pilot, app)
        names = [n.name for n in flatten(main.mailboxes) if n.selectable]
        assert set(SEED) <= set(names)
        refusals = 0
        main.mailbox_tree.root.expand_all()
        await pilot.pause()
        for name in names:
            main.mailbox_tree.focus()
            main.mailbox_tree.select_mailbox(name)
            await pilot.press("enter")
            await until(pilot, lambda name=name: main.mailbox == name, what=f"{name} open")
            expected = len(SEED.get(name, []))
            await until(pilot, lambda expected=expected: main.total == expected, what=f"{name} count")
            if not expected:
                continue
            await until(pilot, lambda: main.message_list.summary_at(0) is not None, what=f"{name} rows")
            assert app.focused is main.message_list
            for row in range(expected):
                main.message_list.cursor_row = row
                await pilot.press("enter")
                await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")
                if row == 0 or row == expected - 1:
                    # in the viewer, then back in the list: every key that would change something
                    for key in CHANGING_KEYS:
                        await pilot.press(key)
                        refusals += 1
                    await pilot.press("escape")
                    for key in CHANGING_KEYS:
                        await pilot.press(key)
                        refusals += 1
                else:
                    await pilot.press("escape")
                await pilot.press("escape")  # close the message: the next one must really load
                assert main.viewer.rendered is None
            assert not isinstance(app.screen, ErrorScreen)
        await until(pilot, lambda: len(app._notifications) > 0, what="refusal notices")
        assert all("read-only" in n.message for n in app._notifications)
        assert refusals > 0
    after = await asyncio.to_thread(state, info)
    assert after == before
