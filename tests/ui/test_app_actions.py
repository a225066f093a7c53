"""Pilot tests of the app's actions over pymap: move with the folder picker, saving an attachment."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from tests.session.pilot_support import FIXED_NOW, until, until_loaded
from tests.session.support import BASE, account_for, other_connection, pymap_thread, seeded
from tuimail.ui.app import TuimailApp
from tuimail.ui.screens import FolderPicker, SaveAttachmentDialog

SIZE = (120, 40)


def with_attachment() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Bob <bob@example.com>"
    msg["To"] = "tester@example.com"
    msg["Subject"] = "Report attached"
    msg.set_content("See the report.\n")
    msg.add_attachment(b"month,total\nMarch,3\n", maintype="text", subtype="csv", filename="../../report.csv")
    return msg.as_bytes()


async def test_move_with_folder_picker_moves_the_message(tmp_path: Path) -> None:
    with pymap_thread(seeded(5)) as server:
        app = TuimailApp(account_for(server.port), clock=lambda: FIXED_NOW, theme_dirs=[])
        async with app.run_test(size=SIZE) as pilot:
            main = await until_loaded(pilot, app)
            await pilot.press("m")
            assert isinstance(app.screen, FolderPicker)
            assert "INBOX" not in app.screen.names and "Archive" in app.screen.names
            for _ in range(app.screen.names.index("Archive")):
                await pilot.press("down")
            await pilot.press("enter")
            await until(pilot, lambda: main.total == 4, what="INBOX shrank")
        client = other_connection("127.0.0.1", server.port)
        try:
            assert client.folder_status("Archive", ["MESSAGES"])[b"MESSAGES"] == 4
        finally:
            client.logout()


async def test_saving_an_attachment_asks_for_a_folder_and_writes_a_safe_name(tmp_path: Path) -> None:
    boxes = {"INBOX": [(with_attachment(), [], BASE + timedelta(hours=1))]}
    with pymap_thread(boxes) as server:
        app = TuimailApp(account_for(server.port), download_folder=tmp_path, theme_dirs=[])
        async with app.run_test(size=SIZE) as pilot:
            main = await until_loaded(pilot, app)
            await pilot.press("enter")
            await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")
            index = main.viewer.rendered.attachments[0].index
            await pilot.press("s", str(index))
            await until(pilot, lambda: isinstance(app.screen, SaveAttachmentDialog), what="save dialog")
            await pilot.press("enter")
            await until(pilot, lambda: any(tmp_path.iterdir()), what="file written")
        saved = list(tmp_path.iterdir())
        assert [p.name for p in saved] == ["report.csv"]
        assert saved[0].read_bytes() == b"month,total\nMarch,3\n"
