"""Small dialogs: pick a folder (move/copy), save an attachment."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuimail.mail.sanitize import sanitize
from tuimail.ui.bindings import DIALOG_BINDINGS, with_ids


class FolderList(OptionList, inherit_bindings=False):
    """An OptionList whose keys have ids (``folder_list.<action>``)."""

    BINDINGS: ClassVar[list[BindingType]] = with_ids(OptionList, "folder_list")


class FolderField(Input, inherit_bindings=False):
    """An Input whose editing keys have ids (``text_field.<action>``)."""

    BINDINGS: ClassVar[list[BindingType]] = with_ids(Input, "text_field")


class FolderPicker(ModalScreen[str | None], inherit_bindings=False):
    """Choose a mailbox; dismisses with its server name, or None on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = DIALOG_BINDINGS

    def __init__(self, title: str, names: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            yield FolderList(*[Option(Text(sanitize(n)), id=str(i)) for i, n in enumerate(self.names)])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.names[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)


class SaveAttachmentDialog(ModalScreen[Path | None], inherit_bindings=False):
    """Ask where to save an attachment; dismisses with the folder, or None."""

    BINDINGS: ClassVar[list[BindingType]] = DIALOG_BINDINGS

    def __init__(self, filename: str, folder: Path) -> None:
        super().__init__()
        self.filename = filename
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            title = Text(f"Save {sanitize(self.filename)} to folder:", style="bold")
            yield Static(title, classes="dialog-title")
            field = FolderField(str(self.folder), id="save-folder")
            field.cursor_blink = False
            yield field

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(Path(value).expanduser() if value else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
