"""Pilot tests of the app's actions over pymap: move with the folder picker, saving an attachment,
and what the list and viewer show after the open message is deleted, archived or moved."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.session.pilot_support import until
from tests.session.support import BASE, other_connection, seeded
from tests.ui.support import app_on
from tuimail.ui.app import TuimailApp
from tuimail.ui.screens import FolderPicker, SaveAttachmentDialog


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


async def test_deleting_the_open_message_from_the_viewer_moves_the_cursor_to_the_next_of_it() -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        ml = main.message_list
        await open_row(pilot, app)
        await pilot.press("escape", "j", "j", "j", "tab")  # cursor elsewhere, back in the viewer
        assert ml.cursor_row == 3 and main._within(main.viewer)
        await pilot.press("d")
        assert main.viewer.rendered is None and ml.cursor_row == 0
        await until(pilot, lambda: main.total == 4, what="INBOX shrank")
        await until(pilot, lambda: ml.summary_at(0) is not None, what="rows reloaded")
        assert ml.cursor_row == 0 and ml.summary_at(0).subject == "Message number 4"


async def test_deleting_another_message_keeps_the_open_one_in_the_viewer() -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        await open_row(pilot, app)
        await pilot.press("escape", "j", "d")
        await until(pilot, lambda: main.total == 4, what="INBOX shrank")
        assert main.viewer.rendered is not None
        assert main.viewer.rendered.subject == "Message number 5"


async def test_read_only_delete_of_the_open_message_keeps_it_in_the_viewer() -> None:
    async with app_on(seeded(5), read_only=True) as (app, pilot, main):
        await open_row(pilot, app)
        await pilot.press("d")
        await until(pilot, lambda: app._notifications, what="refusal shown")
        assert main.viewer.rendered is not None and main._within(main.viewer)
        assert main.total == 5
