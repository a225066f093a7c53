"""SaveAttachmentDialog: which attachment, the file name, the folder; a wrong entry is said (issue 11)."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from rich.table import Table
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.session.pilot_support import until
from tests.session.support import BASE
from tests.ui.dialog_harness import showing
from tests.ui.support import app_on
from tuimail.mail.render import AttachmentInfo
from tuimail.ui.bindings import active_bindings
from tuimail.ui.screens.dialogs import FolderField, SaveAttachmentDialog, SaveChoice

ATTACHMENTS = [
    AttachmentInfo(1, "report.pdf", "application/pdf", 120_000),
    AttachmentInfo(2, "../../.ssh/authorized_keys", "text/plain", 300),
    AttachmentInfo(3, "invoice\u202efdp.exe", "application/octet-stream", 2_000),
]


def field(dialog: SaveAttachmentDialog, name: str) -> Input:
    return dialog.query_one(f"#save-{name}", FolderField)


async def replace(pilot: Pilot[None], dialog: SaveAttachmentDialog, name: str, text: str) -> None:
    """Put the focus in field ``name`` and type ``text`` over what it holds."""
    target = field(dialog, name)
    target.focus()
    target.value = ""
    await pilot.pause()
    await pilot.press(*text)


async def test_the_number_prefilled_by_the_viewer_and_the_safe_name_save_on_enter(tmp_path: Path) -> None:
    dialog = SaveAttachmentDialog(ATTACHMENTS, tmp_path, index=2)
    async with showing(dialog) as (app, pilot):
        assert field(dialog, "number").value == "2"
        assert field(dialog, "name").value == "authorized_keys"  # no folder part from the mail
        assert app.focused is field(dialog, "name")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [SaveChoice(2, tmp_path.absolute(), "authorized_keys")]


async def test_typing_a_number_fills_the_name_and_the_user_can_edit_it(tmp_path: Path) -> None:
    dialog = SaveAttachmentDialog(ATTACHMENTS, tmp_path)
    async with showing(dialog) as (app, pilot):
        assert app.focused is field(dialog, "number")
        assert field(dialog, "number").value == "" and field(dialog, "name").value == ""
        await pilot.press("3")
        assert field(dialog, "name").value == "invoicefdp.exe"  # the bidi override is gone
        await pilot.press("backspace", "1")
        assert field(dialog, "name").value == "report.pdf"
        await pilot.press("tab", "end", "backspace", "backspace", "backspace", "t", "x", "t")
        assert field(dialog, "name").value == "report.txt"
        await pilot.press("shift+tab", "backspace", "3")  # an edited name no longer follows the number
        assert field(dialog, "name").value == "report.txt"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [SaveChoice(3, tmp_path.absolute(), "report.txt")]


async def test_a_single_attachment_asks_no_number(tmp_path: Path) -> None:
    dialog = SaveAttachmentDialog([AttachmentInfo(4, "notes.txt", "text/plain", 10)], tmp_path)
    async with showing(dialog) as (app, pilot):
        assert not dialog.query("#save-number")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [SaveChoice(4, tmp_path.absolute(), "notes.txt")]


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("", "Type the number of an attachment (1-3)."),
        ("7", "There is no attachment 7: the numbers are 1-3."),
    ],
)
async def test_a_wrong_number_is_said_and_the_dialog_stays(tmp_path: Path, number: str, said: str) -> None:
    dialog = SaveAttachmentDialog(ATTACHMENTS, tmp_path)
    async with showing(dialog) as (app, pilot):
        await pilot.press(*number, "tab", "tab", "enter")
        await pilot.pause()
        assert app.results == [] and app.screen is dialog
        assert dialog.error_text == said
        assert str(dialog.query_one("#save-error", Static).render()) == said
        assert app.focused is field(dialog, "number")


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("", "Type a file name."),
        ("   ", "Type a file name."),
        ("sub/report.pdf", "A file name cannot hold / or \\: the folder goes in the folder field."),
        ("..\\report.pdf", "A file name cannot hold / or \\: the folder goes in the folder field."),
        ("..", "“..” is not a file name."),
        ("CON", "“CON” cannot be used as a file name; “_CON” can."),
        ("a:b?.txt", "“a:b?.txt” cannot be used as a file name; “a_b_.txt” can."),
    ],
)
async def test_a_wrong_name_is_said_and_the_dialog_stays(tmp_path: Path, name: str, said: str) -> None:
    dialog = SaveAttachmentDialog(ATTACHMENTS, tmp_path, index=1)
    async with showing(dialog) as (app, pilot):
        await replace(pilot, dialog, "name", name)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [] and app.screen is dialog
        assert dialog.error_text == said
        assert app.focused is field(dialog, "name")
        await pilot.press("x")  # editing clears what was said
        assert dialog.error_text == ""


async def test_a_folder_that_does_not_exist_or_is_a_file_is_said_and_the_dialog_stays(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    dialog = SaveAttachmentDialog(ATTACHMENTS, tmp_path / "missing", index=1)
    async with showing(dialog) as (app, pilot):
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.error_text == f"There is no folder {tmp_path / 'missing'}."
        assert app.focused is field(dialog, "folder")
        assert not (tmp_path / "missing").exists()  # nothing made
        await replace(pilot, dialog, "folder", str(a_file))
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.error_text == f"{a_file} is a file, not a folder."
        await replace(pilot, dialog, "folder", "")
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.error_text == "Type a folder."
        assert app.results == [] and app.screen is dialog
        await replace(pilot, dialog, "folder", str(tmp_path))  # put right: it saves
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [SaveChoice(1, tmp_path, "report.pdf")]


async def test_a_folder_with_a_tilde_is_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Downloads").mkdir()
    dialog = SaveAttachmentDialog(ATTACHMENTS, Path("~/Downloads"), index=1)
    async with showing(dialog) as (app, pilot):
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [SaveChoice(1, tmp_path / "Downloads", "report.pdf")]


async def test_escape_cancels(tmp_path: Path) -> None:
    dialog = SaveAttachmentDialog(ATTACHMENTS, tmp_path, index=1)
    async with showing(dialog) as (app, pilot):
        await pilot.press("x", "escape")
        await pilot.pause()
        assert app.results == [None]


async def test_attachment_names_are_shown_sanitised_as_plain_text(tmp_path: Path) -> None:
    hostile = [AttachmentInfo(1, "[b]x[/b]\x1b[2J.pdf", "a/b", 1), AttachmentInfo(2, "y", "a/b", 1)]
    dialog = SaveAttachmentDialog(hostile, tmp_path, index=1)
    async with showing(dialog) as (app, pilot):
        table = dialog.query_one("#save-attachments", Static).content
        assert isinstance(table, Table)
        names = list(table.columns[1].cells)
        assert all(isinstance(cell, Text) for cell in names)  # a str would be read as markup
        assert "[b]x[/b]" in str(names[0]) and "\x1b" not in str(names[0])
        assert "\x1b" not in field(dialog, "name").value and "/" not in field(dialog, "name").value


async def test_the_dialog_fits_a_40x12_terminal(tmp_path: Path) -> None:
    dialog = SaveAttachmentDialog(ATTACHMENTS, tmp_path)
    async with showing(dialog, size=(40, 12)) as (app, pilot):
        for name in ("number", "name", "folder"):
            region = field(dialog, name).region
            assert region.height == 1 and region.width > 10 and region.right <= 40 and region.bottom <= 12
        await pilot.press("1", "enter")
        await pilot.pause()
        assert app.results == [SaveChoice(1, tmp_path.absolute(), "report.pdf")]


def test_every_key_of_the_dialog_has_an_id() -> None:
    for node_class in (SaveAttachmentDialog, FolderField):
        bindings = active_bindings(node_class)
        assert bindings and all(b.id for b in bindings)


def two_attachments() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Bob <bob@example.com>"
    msg["To"] = "tester@example.com"
    msg["Subject"] = "Two files"
    msg.set_content("See both.\n")
    msg.add_attachment(b"first\n", maintype="text", subtype="plain", filename="one.txt")
    msg.add_attachment(b"month,total\nMarch,3\n", maintype="text", subtype="csv", filename="../../report.csv")
    return msg.as_bytes()


async def test_in_the_app_the_chosen_name_and_folder_are_what_is_written(tmp_path: Path) -> None:
    """The whole path over pymap: s, 2 in the viewer, a new name and another folder, Enter."""
    downloads, elsewhere = tmp_path / "downloads", tmp_path / "elsewhere"
    downloads.mkdir()
    elsewhere.mkdir()
    boxes = {"INBOX": [(two_attachments(), [], BASE + timedelta(hours=1))]}
    async with app_on(boxes, download_folder=downloads) as (app, pilot, main):
        await pilot.press("enter")
        await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")
        await pilot.press("s", "2")
        await until(pilot, lambda: isinstance(app.screen, SaveAttachmentDialog), what="save dialog")
        dialog = app.screen
        assert isinstance(dialog, SaveAttachmentDialog)
        assert field(dialog, "name").value == "report.csv"
        await replace(pilot, dialog, "name", "march.csv")
        await replace(pilot, dialog, "folder", str(elsewhere))
        await pilot.press("enter")
        await until(pilot, lambda: any(elsewhere.iterdir()), what="file written")
    assert [p.name for p in elsewhere.iterdir()] == ["march.csv"]
    assert (elsewhere / "march.csv").read_bytes() == b"month,total\nMarch,3\n"
    assert list(downloads.iterdir()) == []
