"""Pilot tests of the app's actions over pymap: move with the folder picker, saving an attachment,
and what the list and viewer show after the open message is deleted, archived or moved."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient
from textual.pilot import Pilot

from tests.session.pilot_support import until, until_loaded
from tests.session.support import (
    BASE,
    PASSWORD,
    USER,
    as_other_client,
    make_message,
    other_connection,
    seeded,
    tracing,
)
from tests.ui.support import SIZE, app_on, make_app, screen_text
from tuimail.demo.server import PymapServer
from tuimail.ui.app import TuimailApp
from tuimail.ui.screens import FolderPicker, SaveAttachmentDialog
from tuimail.ui.widgets import StatusBar


def with_attachment() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Bob <bob@example.com>"
    msg["To"] = "tester@example.com"
    msg["Subject"] = "Report attached"
    msg.set_content("See the report.\n")
    msg.add_attachment(b"month,total\nMarch,3\n", maintype="text", subtype="csv", filename="../../report.csv")
    return msg.as_bytes()


async def move_to_archive(pilot: Pilot[None], app: TuimailApp) -> None:
    """m, then Archive in the folder picker."""
    await pilot.press("m")
    assert isinstance(app.screen, FolderPicker)
    assert "INBOX" not in app.screen.names and "Archive" in app.screen.names
    for _ in range(app.screen.names.index("Archive")):
        await pilot.press("down")
    await pilot.press("enter")


async def open_row(pilot: Pilot[None], app: TuimailApp, *keys: str) -> None:
    """Press ``keys`` (moving the cursor), then Enter; wait for the message to show."""
    main = app.main_screen
    assert main is not None
    await pilot.press(*keys, "enter")
    await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")


async def test_move_with_folder_picker_moves_the_message() -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        await move_to_archive(pilot, app)
        await until(pilot, lambda: main.total == 4, what="INBOX shrank")
        client = other_connection("127.0.0.1", app.account.port)
        try:
            assert client.folder_status("Archive", ["MESSAGES"])[b"MESSAGES"] == 4
        finally:
            client.logout()


async def test_saving_an_attachment_asks_for_a_folder_and_writes_a_safe_name(tmp_path: Path) -> None:
    boxes = {"INBOX": [(with_attachment(), [], BASE + timedelta(hours=1))]}
    async with app_on(boxes, download_folder=tmp_path) as (app, pilot, main):
        await open_row(pilot, app)
        index = main.viewer.rendered.attachments[0].index
        await pilot.press("s", str(index))
        await until(pilot, lambda: isinstance(app.screen, SaveAttachmentDialog), what="save dialog")
        await pilot.press("enter")
        await until(pilot, lambda: any(tmp_path.iterdir()), what="file written")
    saved = list(tmp_path.iterdir())
    assert [p.name for p in saved] == ["report.csv"]
    assert saved[0].read_bytes() == b"month,total\nMarch,3\n"


@pytest.mark.parametrize("key", ["d", "a", "m"], ids=["delete", "archive", "move"])
async def test_removing_the_open_message_clears_the_viewer_and_lands_on_the_next(key: str) -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        ml = main.message_list
        await open_row(pilot, app, "j")
        assert main.viewer.rendered.subject == "Message number 4" and main._within(main.viewer)
        if key == "m":
            await move_to_archive(pilot, app)
        else:
            await pilot.press(key)
        assert main.viewer.rendered is None and main.opened is None
        assert app.focused is ml
        await until(pilot, lambda: main.total == 4, what="INBOX shrank")
        await until(pilot, lambda: ml.summary_at(1) is not None, what="rows reloaded")
        assert ml.cursor_row == 1
        assert ml.summary_at(1).subject == "Message number 3"
        await until(pilot, lambda: main.highlighted is not None, what="highlighted")
        assert main.highlighted.subject == "Message number 3"
        assert main.viewer.rendered is None


async def test_the_viewer_follows_the_cursor_so_an_action_hits_the_message_on_screen() -> None:
    """Open A, Escape, j, d: the viewer shows B before d, and d deletes B, not A."""
    async with app_on(seeded(5)) as (app, pilot, main):
        ml = main.message_list
        await open_row(pilot, app)
        assert main.viewer.rendered.subject == "Message number 5"
        await pilot.press("escape", "j")
        assert app.focused is ml
        await until(
            pilot,
            lambda: main.viewer.rendered is not None and main.viewer.rendered.subject == "Message number 4",
            what="the viewer shows the message under the cursor",
        )
        await pilot.press("d")
        await until(pilot, lambda: main.total == 4, what="INBOX shrank")
        assert [ml.summary_at(r).subject for r in range(4)] == [f"Message number {n}" for n in (5, 3, 2, 1)]
        assert ml.cursor_row == 1 and main.viewer.rendered is None


async def test_with_the_mailbox_tree_focused_message_keys_act_on_nothing_and_say_why() -> None:
    async with app_on(seeded(3)) as (app, pilot, main):
        await pilot.press("shift+tab")
        assert main._within(main.mailbox_tree)
        await pilot.press("f", "d", "a")
        await pilot.pause(0.3)
        assert main.total == 3 and not any(main.message_list.summary_at(r).flagged for r in range(3))
        assert any("mailbox list has the focus" in n.message for n in app._notifications)


async def test_open_message_expunged_by_another_client_is_said_and_actions_are_not_done() -> None:
    async with app_on(seeded(4)) as (app, pilot, main):
        ml = main.message_list
        await open_row(pilot, app, "j")
        target = main.opened
        assert target is not None and target.subject == "Message number 3"

        def expunge(client: IMAPClient) -> None:
            client.select_folder("INBOX")
            client.delete_messages([target.uid])
            client.expunge()

        await as_other_client(app.account.port, expunge)
        await until(pilot, lambda: main.total == 3, what="the row went")
        assert [ml.summary_at(r).subject for r in range(3)] == [f"Message number {n}" for n in (4, 2, 1)]
        banner = main.viewer.query_one("#viewer-banner")
        assert "removed by another client" in str(banner.render())
        assert main._within(main.viewer)
        await pilot.press("f")  # the UI knows it is gone: nothing is sent, and it says so
        await until(
            pilot, lambda: any("no longer exists" in n.message for n in app._notifications), what="said"
        )
        count = len(app._notifications)
        await pilot.press("d")
        await until(pilot, lambda: len(app._notifications) > count, what="said again")
        assert not any((s := ml.summary_at(r)) is not None and s.flagged for r in range(3))
        assert not any("moved to Trash" in n.message for n in app._notifications)
        assert main.total == 3


async def test_new_mail_appears_at_the_top_without_any_loaded_row_going_back_to_loading() -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        ml = main.message_list
        await pilot.press("j", "j")
        on = ml.summary_at(2)
        loaded_when_changed: list[bool] = []
        apply = ml.apply_changes

        def watching(changes: object) -> None:
            apply(changes)  # type: ignore[arg-type]
            # after every change: each message that was loaded before still is
            loaded_when_changed.append(all(ml.view.summary(s.uid) is not None for s in before))

        before = [ml.summary_at(r) for r in range(5)]
        ml.apply_changes = watching  # type: ignore[method-assign]
        await as_other_client(app.account.port, lambda c: c.append("INBOX", make_message(50, "Brand new")))
        await until(
            pilot,
            lambda: ml.summary_at(0) is not None and ml.summary_at(0).subject == "Brand new",
            what="new mail on top",
        )
        assert loaded_when_changed and all(loaded_when_changed)
        assert ml.cursor_row == 3 and ml.summary_at(3) == on
        assert "loading" not in "".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_another_clients_expunge_removes_that_row_and_keeps_the_cursor_on_its_message() -> None:
    async with app_on(seeded(6)) as (app, pilot, main):
        ml = main.message_list
        await pilot.press("j", "j", "j")
        on = ml.summary_at(3)
        gone = ml.summary_at(1)

        def expunge(client: IMAPClient) -> None:
            client.select_folder("INBOX")
            client.delete_messages([gone.uid])
            client.expunge()

        await as_other_client(app.account.port, expunge)
        await until(pilot, lambda: main.total == 5, what="the row went")
        assert ml.cursor_row == 2 and ml.summary_at(2) == on
        assert [ml.summary_at(r).subject for r in range(5)] == [
            f"Message number {n}" for n in (6, 4, 3, 2, 1)
        ]


async def test_a_failed_save_says_why_and_leaves_the_connection_alone() -> None:
    boxes = {"INBOX": [(with_attachment(), [], BASE + timedelta(hours=1))]}
    # /proc is a folder the dialog accepts (it exists and, to root too, looks writable)
    # where no file can be created: the failure comes from the write itself.
    async with app_on(boxes, download_folder=Path("/proc")) as (app, pilot, main):
        generation = main.generation
        await open_row(pilot, app)
        index = main.viewer.rendered.attachments[0].index
        await pilot.press("s", str(index))
        await until(pilot, lambda: isinstance(app.screen, SaveAttachmentDialog), what="save dialog")
        await pilot.press("enter")
        await until(
            pilot, lambda: any("Could not save" in n.message for n in app._notifications), what="said"
        )
        note = next(n for n in app._notifications if "Could not save" in n.message)
        assert "Not a directory" in note.message or "No such file" in note.message
        await pilot.pause(0.5)
        assert main.connection == "connected" and main.generation == generation
        assert not any("connection" in n.message.lower() for n in app._notifications)
        await pilot.press("m")  # keys still go where they should: the move picker opens
        assert isinstance(app.screen, FolderPicker)


async def test_reconnect_on_a_healthy_session_replaces_the_connection_and_keeps_working() -> None:
    async with app_on(seeded(3, unseen_every=1)) as (app, pilot, main):
        generation = main.generation
        states: list[str] = []
        update = main._update_status

        def watching() -> None:
            update()
            states.append(main.connection)

        main._update_status = watching  # type: ignore[method-assign]
        await pilot.press("ctrl+r")
        await until(
            pilot, lambda: main.generation > generation and main.connection == "connected", what="again"
        )
        assert "reconnecting" in states
        await until(pilot, lambda: main.message_list.summary_at(0) is not None, what="rows")
        await pilot.press("f")
        await until(
            pilot, lambda: main.message_list.summary_at(0).flagged, what="the flag reached the server"
        )


async def test_what_cannot_wait_for_the_connection_is_refused_with_a_message() -> None:
    server = PymapServer({USER: PASSWORD}, {USER: seeded(2)})
    server.start_in_thread()
    try:
        app = make_app(server.port)
        async with app.run_test(size=SIZE) as pilot:
            main = await until_loaded(pilot, app)
            await asyncio.to_thread(server.stop_thread)  # and it does not come back
            await until(pilot, lambda: main.connection == "offline", what="offline")
            await pilot.press("enter")  # reading a message needs the server: it cannot wait in the queue
            await until(
                pilot, lambda: any("not connected" in n.message for n in app._notifications), what="said"
            )
            note = next(n for n in app._notifications if "not connected" in n.message)
            assert note.message == "Could not open the message: not connected (offline)"
            assert app.is_running
    finally:
        server.stop_thread()


async def test_read_only_delete_of_the_open_message_keeps_it_in_the_viewer() -> None:
    async with app_on(seeded(5), read_only=True) as (app, pilot, main):
        await open_row(pilot, app)
        await pilot.press("d")
        await until(pilot, lambda: app._notifications, what="refusal shown")
        assert main.viewer.rendered is not None and main._within(main.viewer)
        assert main.total == 5


async def test_a_server_that_stops_answering_is_waited_for_visibly_then_the_action_is_reported() -> None:
    from tests.imap.scripted_server import scripted_server
    from tests.session.test_session_faults import never_answer, one_inbox_server

    script = one_inbox_server(lambda n: {b"UID STORE": never_answer} if n == 1 else {})
    async with scripted_server(script) as server:
        app = make_app(server.port)
        async with app.run_test(size=SIZE) as pilot:
            main = await until_loaded(pilot, app)
            watchdog = app.session.watchdog
            assert watchdog is not None
            watchdog.stall_timeout = 3.0  # the real wait notice (2 s), a shorter give-up
            await pilot.press("f")
            await until(pilot, lambda: main.connection == "waiting", what="waiting shown", within=10)
            status = str(main.query_one(StatusBar).status_text())
            assert "waiting: Waiting for 127.0.0.1" in status
            await until(
                pilot, lambda: any("Could not flag" in n.message for n in app._notifications), what="said"
            )
            note = next(n for n in app._notifications if "Could not flag" in n.message)
            assert "stopped answering" in note.message
            await until(pilot, lambda: main.connection == "connected", what="reconnected")
            assert app.is_running


async def test_actions_waiting_for_the_connection_show_in_the_status_bar_and_quitting_asks() -> None:
    from tests.servers.capability_proxy import hiding
    from tests.session.support import pymap_thread
    from tuimail.ui.screens.confirm import ConfirmDialog

    with pymap_thread(seeded(2)) as server:
        async with hiding("127.0.0.1", server.port) as network:
            app = make_app(network.port)
            async with app.run_test(size=SIZE) as pilot:
                main = await until_loaded(pilot, app)
                network.cut_off()
                await until(pilot, lambda: main.connection == "offline", what="offline")
                await pilot.press("f")
                await until(pilot, lambda: main.waiting == 1, what="queued")
                assert "1 action waiting" in str(main.query_one(StatusBar).status_text())
                assert main.message_list.summary_at(0) is not None
                await pilot.press("q")
                assert isinstance(app.screen, ConfirmDialog)
                assert app.screen.text.startswith("1 action still wait")
                await pilot.press("n")
                assert app.is_running and app.screen is main
                network.restore()
                await until(pilot, lambda: main.waiting == 0, what="done once reconnected", within=60)
                await until(pilot, lambda: main.message_list.summary_at(0).flagged, what="flagged for real")


def html_with_links() -> bytes:
    msg = EmailMessage()
    msg["From"] = "News <news@example.com>"
    msg["To"] = "tester@example.com"
    msg["Subject"] = "Links inside"
    msg.set_content(
        "<p>Read <a href='https://example.com/one'>one</a>, <a href='javascript:alert(1)'>two</a> "
        "and <a href='https://example.com/three'>three</a>.</p>",
        subtype="html",
    )
    return msg.as_bytes()


async def test_l_and_a_number_open_that_link_with_the_configured_opener(tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    opener = tmp_path / "opener"
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> {opened}\n')
    opener.chmod(0o755)
    boxes = {"INBOX": [(html_with_links(), [], BASE + timedelta(hours=1))]}
    async with app_on(boxes, link_opener=str(opener)) as (app, pilot, main):
        await open_row(pilot, app)
        rendered = main.viewer.rendered
        assert rendered.links == ["https://example.com/one", "javascript:alert(1)", "https://example.com/three"]
        assert "one [1], two [2] and three [3]." in rendered.body
        assert not opened.exists()  # nothing opens by itself
        main.viewer.focus()
        await pilot.press("L", "3")
        await until(pilot, lambda: opened.exists() and opened.read_text() == "https://example.com/three\n",
                    what="the opener ran on link 3")
        await pilot.press("L", "2")
        refused = "Only http, https and mailto"
        notes = app._notifications
        await until(pilot, lambda: any(refused in n.message for n in notes), what="link 2 refused")
        await asyncio.sleep(0.2)
        assert opened.read_text() == "https://example.com/three\n"


def plain_and_html() -> bytes:
    msg = EmailMessage()
    msg["From"] = "News <news@example.com>"
    msg["To"] = "tester@example.com"
    msg["Subject"] = "Two versions"
    msg.set_content("The plain version.\n")
    html = "<p>The <b>HTML</b> version, <a href='https://example.com/x'>online</a>.</p>"
    msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


async def test_v_shows_the_other_part_of_a_plain_and_html_message_fetching_only_that_part() -> None:
    boxes = {"INBOX": [(plain_and_html(), [], BASE + timedelta(hours=1))]}
    with tracing() as trace:
        async with app_on(boxes) as (app, pilot, main):
            await open_row(pilot, app)
            assert "The plain version." in main.viewer.rendered.body
            assert "Part:" in screen_text(app) and "plain text (v: HTML)" in screen_text(app)
            main.viewer.focus()
            since = len(trace.lines)
            await pilot.press("v")
            await until(pilot, lambda: "The HTML version, online [1]." in main.viewer.rendered.body,
                        what="the HTML part")
            assert "HTML (v: plain text)" in screen_text(app)
            fetches = [line for line in trace.sent(since) if "FETCH" in line]
            assert len(fetches) == 1 and "BODY.PEEK[2]<0." in fetches[0] and "BODY.PEEK[1]<" not in fetches[0]
            since = len(trace.lines)
            await pilot.press("v")
            await until(pilot, lambda: "The plain version." in main.viewer.rendered.body, what="plain again")
            # the plain part is shown as first rendered: nothing is fetched again
            assert not [line for line in trace.sent(since) if "FETCH" in line]
