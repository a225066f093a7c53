"""Small dialogs: pick a folder (move/copy), save an attachment.

Mailbox and attachment names come from the server and the mail: they are
sanitised and shown as :class:`rich.text.Text`, never markup.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tuimail.mail.attachments import safe_filename
from tuimail.mail.mailbox_tree import MailboxNode
from tuimail.mail.sanitize import sanitize
from tuimail.ui.bindings import DIALOG_BINDINGS, with_ids
from tuimail.ui.widgets.row_format import format_size

from .fuzzy_match import MAX_QUERY_CHARS, fuzzy_filter

if TYPE_CHECKING:
    from tuimail.mail.render import AttachmentInfo

__all__ = [
    "FolderField",
    "FolderList",
    "MAX_SHOWN",
    "FolderPicker",
    "PickerField",
    "SHORT_BREAKPOINTS",
    "SaveAttachmentDialog",
    "SaveChoice",
]

#: How matched characters look in the folder list.
MATCH_STYLE = Style(bold=True, underline=True)

#: The folder picker lists at most this many matches (the best): filling an OptionList
#: costs about 0.3 ms an option, so thousands of mailboxes would stall every keystroke.
MAX_SHOWN = 100

#: A dialog on fewer rows than this has the class ``-short`` (app.tcss drops its blank lines).
SHORT_BREAKPOINTS: list[tuple[int, str]] = [(0, "-short"), (23, "-tall")]


class FolderField(Input, inherit_bindings=False):
    """An Input whose editing keys have ids (``text_field.<action>``)."""

    BINDINGS: ClassVar[list[BindingType]] = with_ids(Input, "text_field")


class FolderList(OptionList, inherit_bindings=False):
    """The folder picker's list; its keys have ids (``folder_list.<action>``).

    ``j``/``k`` move as the arrows do.  Any other printable key goes to the filter:
    typing while the list has the focus still filters.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *with_ids(OptionList, "folder_list"),
        # Priority: checked before the key reaches on_key below, which would take it for the filter.
        Binding("j", "cursor_down", "Next", show=False, priority=True, id="folder_list.next"),
        Binding("k", "cursor_up", "Previous", show=False, priority=True, id="folder_list.previous"),
    ]

    class TypedAhead(Message):
        """A printable key pressed in the list, for the filter."""

        def __init__(self, character: str) -> None:
            super().__init__()
            self.character = character

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character is not None:
            event.stop()
            event.prevent_default()
            self.post_message(self.TypedAhead(event.character))


class PickerField(FolderField):
    """The folder picker's filter.  While it is empty, ``j`` and ``k`` move the list's
    highlight (as in the mailbox list); once something is typed they are letters.
    The arrows, Ctrl+N and Ctrl+P always move (bindings of the picker)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: checked before the Input takes the key as text; skipped once text is typed.
        Binding(
            "j",
            "move_if_empty(1)",
            "Next (filter empty)",
            show=False,
            priority=True,
            id="folder_picker.next_if_empty",
        ),
        Binding(
            "k",
            "move_if_empty(-1)",
            "Previous (filter empty)",
            show=False,
            priority=True,
            id="folder_picker.previous_if_empty",
        ),
    ]

    class MoveWanted(Message):
        """Move the list's highlight by ``step``."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def action_move_if_empty(self, step: int) -> None:
        if self.value:
            raise SkipAction()  # the key is a letter of the filter
        self.post_message(self.MoveWanted(step))


@dataclass(frozen=True, slots=True)
class _Folder:
    name: str  # the server's name, what the picker returns
    shown: str  # sanitised, what is shown and matched
    icon: str


def _folders(items: Sequence[str | MailboxNode]) -> list[_Folder]:
    folders: list[_Folder] = []
    for item in items:
        if isinstance(item, MailboxNode):
            if item.selectable:
                folders.append(_Folder(item.name, sanitize(item.name), item.icon))
        else:
            folders.append(_Folder(item, sanitize(item), ""))
    return folders


class FolderPicker(ModalScreen[str | None], inherit_bindings=False):
    """Choose a mailbox; dismisses with its server name, or None on Esc.

    ``names`` are mailbox names or :class:`MailboxNode` (which adds its icon; a
    non-selectable node is left out), in the order to show them: the tree's, special-use
    folders first.  Typing filters (a case-insensitive subsequence, best matches first,
    see :mod:`.fuzzy_match`).  The arrows, Ctrl+N/Ctrl+P, PgUp/PgDn move the highlight;
    ``j``/``k`` too while nothing is typed (so ``m j j Enter`` works as in the list,
    and a filter can still hold a ``j``: Shift+J types it as well), and always once Tab
    has put the focus in the list.  Enter chooses, Esc cancels.
    """

    VERTICAL_BREAKPOINTS = SHORT_BREAKPOINTS
    BINDINGS: ClassVar[list[BindingType]] = [
        *DIALOG_BINDINGS,
        Binding("down,ctrl+n", "move(1)", "Next", show=False, id="folder_picker.next"),
        Binding("up,ctrl+p", "move(-1)", "Previous", show=False, id="folder_picker.previous"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="folder_picker.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="folder_picker.page_up"),
    ]

    def __init__(self, title: str, names: Sequence[str | MailboxNode]) -> None:
        super().__init__()
        self.title_text = title
        self.folders = _folders(names)
        #: The folders shown, in order (the filter's matches).
        self.shown: list[_Folder] = list(self.folders)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="folder-dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            field = PickerField(
                placeholder="Type to filter", max_length=MAX_QUERY_CHARS, compact=True, id="folder-filter"
            )
            field.cursor_blink = False
            yield field
            yield FolderList(id="folder-list", compact=True)
            yield Static(id="folder-note", classes="dialog-note")
            yield Static(Text("Enter chooses · ↑↓ or j/k move · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._refilter("")
        self.query_one(PickerField).focus()

    @property
    def filter_text(self) -> str:
        return self.query_one(PickerField).value

    @property
    def highlighted_name(self) -> str | None:
        """The server name of the highlighted folder (what Enter would choose)."""
        index = self.query_one(FolderList).highlighted
        return self.shown[index].name if index is not None and 0 <= index < len(self.shown) else None

    @property
    def names(self) -> list[str]:
        """The server names of every folder offered, in the order given."""
        return [folder.name for folder in self.folders]

    @property
    def shown_names(self) -> list[str]:
        """The server names listed, in order."""
        return [folder.name for folder in self.shown]

    # ------------------------------------------------------------------ filter

    @on(Input.Changed, "#folder-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refilter(event.value)

    def _refilter(self, query: str) -> None:
        matches = fuzzy_filter(query, [folder.shown for folder in self.folders])
        more = max(0, len(matches) - MAX_SHOWN)
        matches = matches[:MAX_SHOWN]
        self.shown = [self.folders[m.index] for m in matches]
        options: list[Option] = []
        for m in matches:
            folder = self.folders[m.index]
            label = Text(no_wrap=True, overflow="ellipsis")
            if folder.icon:
                label.append(folder.icon + " ")
            start = len(label)
            label.append(folder.shown)
            for position in m.positions:
                label.stylize(MATCH_STYLE, start + position, start + position + 1)
            options.append(Option(label, id=str(m.index)))
        folder_list = self.query_one(FolderList)
        folder_list.clear_options()
        folder_list.add_options(options)
        if options:
            folder_list.highlighted = 0
        note = self.query_one("#folder-note", Static)
        if not self.folders:
            note.update(Text("There is no other mailbox."))
        elif not options:
            note.update(Text(f"No mailbox matches “{sanitize(query)}”."))
        elif more:
            note.update(Text(f"… and {more:,} more: type to narrow."))
        else:
            note.update("")
        note.set_class(not options or more > 0, "active")

    @on(FolderList.TypedAhead)
    def _typed_in_list(self, event: FolderList.TypedAhead) -> None:
        event.stop()
        field = self.query_one(PickerField)
        field.focus()
        field.insert_text_at_cursor(event.character)

    # ------------------------------------------------------------------ moving

    @on(PickerField.MoveWanted)
    def _move_wanted(self, event: PickerField.MoveWanted) -> None:
        event.stop()
        self.action_move(event.step)

    def action_move(self, step: int) -> None:
        folder_list = self.query_one(FolderList)
        if step > 0:
            folder_list.action_cursor_down()
        else:
            folder_list.action_cursor_up()

    def action_page(self, step: int) -> None:
        folder_list = self.query_one(FolderList)
        if step > 0:
            folder_list.action_page_down()  # type: ignore[no-untyped-call]
        else:
            folder_list.action_page_up()  # type: ignore[no-untyped-call]

    # ---------------------------------------------------------------- choosing

    @on(Input.Submitted, "#folder-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = self.highlighted_name
        if name is None:
            self.app.bell()
            return
        self.dismiss(name)

    @on(OptionList.OptionSelected, "#folder-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.folders[int(event.option.id or 0)].name)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------- saving


@dataclass(frozen=True, slots=True)
class SaveChoice:
    """What the user chose in :class:`SaveAttachmentDialog`: attachment ``index`` (from 1),
    an existing ``folder``, and ``filename``, one safe name (no folder part)."""

    index: int
    folder: Path
    filename: str


class SaveAttachmentDialog(ModalScreen[SaveChoice | None], inherit_bindings=False):
    """Ask which attachment, under what name and into which folder; dismisses with a
    :class:`SaveChoice`, or None on Esc.

    The number field is there when the message has several attachments (``index``
    prefills it).  The name is prefilled with the attachment's name made safe
    (:func:`~tuimail.mail.attachments.safe_filename`: no folder part, no hidden or
    reserved name), and follows the number until the user edits it.  Enter checks
    every field: a wrong entry is said under the fields, and the dialog stays open.
    """

    VERTICAL_BREAKPOINTS = SHORT_BREAKPOINTS
    BINDINGS: ClassVar[list[BindingType]] = DIALOG_BINDINGS

    def __init__(
        self, attachments: Sequence[AttachmentInfo], folder: Path, *, index: int | None = None
    ) -> None:
        super().__init__()
        if not attachments:
            raise ValueError("SaveAttachmentDialog needs at least one attachment")
        self.attachments = {info.index: info for info in attachments}
        self.folder = folder
        first = index if index in self.attachments else None
        self.index = first if first is not None else min(self.attachments)
        self._number_given = first is not None or len(self.attachments) == 1
        # The name follows the number until the user edits it; no number yet, no name.
        self._prefilled = self.default_name(self.index) if self._number_given else ""
        #: What the dialog says is wrong ("" while nothing is).
        self.error_text = ""

    def default_name(self, index: int) -> str:
        """The prefilled file name of attachment ``index``."""
        return safe_filename(self.attachments[index].filename, fallback=f"attachment-{index}")

    @property
    def several(self) -> bool:
        return len(self.attachments) > 1

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="save-dialog"):
            if self.several:
                yield Static(Text("Save an attachment", style="bold"), classes="dialog-title")
                yield Static(self._table(), id="save-attachments")
            else:
                info = self.attachments[self.index]
                title = Text.assemble(("Save ", "bold"), (sanitize(info.filename), "bold"))
                yield Static(title, classes="dialog-title")
            if self.several:
                with Horizontal(classes="field-row"):
                    yield Label("Number", classes="field-label")
                    number = str(self.index) if self._number_given else ""
                    yield self._field(number, "save-number", max_length=6, restrict=r"[0-9]*")
            with Horizontal(classes="field-row"):
                yield Label("Name", classes="field-label")
                yield self._field(self._prefilled, "save-name", max_length=255)
            with Horizontal(classes="field-row"):
                yield Label("Folder", classes="field-label")
                yield self._field(str(self.folder), "save-folder", max_length=4096)
            yield Static(id="save-error", classes="dialog-error")
            yield Static(Text("Enter saves · Tab next field · Esc cancels"), classes="dialog-hint")

    @staticmethod
    def _field(value: str, field_id: str, *, max_length: int, restrict: str | None = None) -> FolderField:
        field = FolderField(value, id=field_id, compact=True, max_length=max_length, restrict=restrict)
        field.cursor_blink = False
        return field

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", no_wrap=True)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right", no_wrap=True, style="dim")
        for info in self.attachments.values():
            table.add_row(Text(f"{info.index}"), Text(sanitize(info.filename)), Text(format_size(info.size)))
        return table

    def on_mount(self) -> None:
        first = "#save-number" if self.several and not self._number_given else "#save-name"
        self.query_one(first, FolderField).focus()

    # ------------------------------------------------------------------ fields

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", FolderField).value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._say("")
        if event.input.id != "save-number":
            return
        number = event.value.strip()
        if not number.isdigit() or int(number) not in self.attachments:
            return
        name_field = self.query_one("#save-name", FolderField)
        if name_field.value == self._prefilled:  # not edited by the user: follow the number
            self._prefilled = self.default_name(int(number))
            name_field.value = self._prefilled

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """Check every field; dismiss with the choice, or say what is wrong and stay."""
        index, problem = self._check_number()
        if problem is not None:
            self._refuse(problem, "save-number")
            return
        name = self._value("save-name").strip()
        if (problem := self._check_name(name)) is not None:
            self._refuse(problem, "save-name")
            return
        folder, problem = self._check_folder(self._value("save-folder").strip())
        if folder is None:
            self._refuse(problem or "", "save-folder")
            return
        self.dismiss(SaveChoice(index, folder, name))

    def _refuse(self, problem: str, field_id: str) -> None:
        self._say(problem)
        self.query_one(f"#{field_id}", FolderField).focus()

    def _check_number(self) -> tuple[int, str | None]:
        if not self.several:
            return self.index, None
        span = _numbers(sorted(self.attachments))
        text = self._value("save-number").strip()
        if not text:
            return 0, f"Type the number of an attachment ({span})."
        if not text.isdigit() or int(text) not in self.attachments:
            return 0, f"There is no attachment {sanitize(text)}: the numbers are {span}."
        return int(text), None

    @staticmethod
    def _check_name(name: str) -> str | None:
        if not name:
            return "Type a file name."
        if "/" in name or "\\" in name:
            return "A file name cannot hold / or \\: the folder goes in the folder field."
        if name in (".", ".."):
            return f"“{name}” is not a file name."
        safe = safe_filename(name)
        if safe != name:
            return f"“{sanitize(name)}” cannot be used as a file name; “{safe}” can."
        return None

    @staticmethod
    def _check_folder(text: str) -> tuple[Path | None, str | None]:
        if not text:
            return None, "Type a folder."
        if "\x00" in text:
            return None, "A folder name cannot hold a NUL character."
        folder = Path(text).expanduser().absolute()
        shown = sanitize(str(folder))
        try:
            if not folder.exists():
                return None, f"There is no folder {shown}."
            if not folder.is_dir():
                return None, f"{shown} is a file, not a folder."
        except OSError as exc:
            return None, f"{shown} cannot be read: {sanitize(exc.strerror or str(exc))}."
        if not os.access(folder, os.W_OK | os.X_OK):
            return None, f"You cannot write to {shown}."
        return folder, None

    def _say(self, problem: str) -> None:
        self.error_text = problem
        error = self.query_one("#save-error", Static)
        error.update(Text(problem))
        error.set_class(bool(problem), "active")

    def action_cancel(self) -> None:
        self.dismiss(None)


def _numbers(numbers: list[int]) -> str:
    """``1-3`` for a run, else ``1, 2, 5``."""
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
    return ", ".join(str(n) for n in numbers)
