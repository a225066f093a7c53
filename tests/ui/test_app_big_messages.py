"""Pilot tests of big messages over pymap: the raw source view fetches the start of the message
and says how much is left; saving shows its progress in the status bar."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.session.pilot_support import until
from tests.session.support import BASE
from tests.ui.support import app_on
from tuimail.session.message_bodies import RAW_SOURCE_BYTES
from tuimail.ui.screens import SaveAttachmentDialog
from tuimail.ui.widgets import StatusBar


def big(attachment: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Bob <bob@example.com>"
    msg["To"] = "tester@example.com"
    msg["Subject"] = "Figures attached"
    msg.set_content("Sixteen bytes.\n")
    msg.add_attachment(attachment, maintype="application", subtype="octet-stream", filename="figures.bin")
    return msg.as_bytes()


async def test_raw_source_of_a_big_message_shows_its_start_and_says_how_much_is_left() -> None:
    raw = big(os.urandom(3 * 1024 * 1024))
    async with app_on({"INBOX": [(raw, ["\\Seen"], BASE + timedelta(hours=1))]}) as (app, pilot, main):
        await pilot.press("enter")
        await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")
        assert main.viewer.rendered.body == "Sixteen bytes."
        assert [a.filename for a in main.viewer.rendered.attachments] == ["figures.bin"]
        await pilot.press("H")
        body = main.viewer.query_one("#viewer-body")
        await until(pilot, lambda: "more bytes not shown" in str(body.render()), what="raw source shown")
        shown = str(body.render())
        assert shown.startswith("From: Bob <bob@example.com>")
        left = re.search(r"\[… ([\d,]+) more bytes not shown \(the first ([\d,]+) of ([\d,]+)\)\]", shown)
        assert left is not None
        first, total = int(left.group(2).replace(",", "")), int(left.group(3).replace(",", ""))
        assert first == RAW_SOURCE_BYTES and total > 4_000_000
        assert int(left.group(1).replace(",", "")) == total - first
        await pilot.press("H")
        await until(pilot, lambda: not main.viewer.showing_raw, what="back to the message")


async def test_saving_shows_progress_in_the_status_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attachment = os.urandom(9 * 1024 * 1024)
    shown: list[str] = []
    update = StatusBar.update_status

    def recording(self: StatusBar, *args: object, **kwargs: object) -> None:
        update(self, *args, **kwargs)  # type: ignore[arg-type]
        shown.append(str(self.status_text()))

    monkeypatch.setattr(StatusBar, "update_status", recording)
    boxes = {"INBOX": [(big(attachment), ["\\Seen"], BASE + timedelta(hours=1))]}
    async with app_on(boxes, download_folder=tmp_path) as (app, pilot, main):
        await pilot.press("enter")
        await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")
        await pilot.press("s", "1")
        await until(pilot, lambda: isinstance(app.screen, SaveAttachmentDialog), what="save dialog")
        await pilot.press("enter")
        await until(pilot, lambda: (tmp_path / "figures.bin").exists() and main.transfer == "", what="saved")
        await until(pilot, lambda: any("Saved" in str(n.message) for n in app._notifications), what="said")
    assert (tmp_path / "figures.bin").read_bytes() == attachment
    progress = [re.search(r"saving figures\.bin: ([\d.]+) MB of ([\d.]+) MB \((\d+)%\)", s) for s in shown]
    steps = [int(p.group(3)) for p in progress if p]
    assert len(steps) >= 3 and steps == sorted(steps) and steps[-1] == 100, shown
    assert "saving" not in shown[-1]
