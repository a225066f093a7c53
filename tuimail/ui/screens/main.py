"""The main screen: mailbox tree, message list, envelope viewer, status bar.

It receives the session's messages (the session posts them to this screen,
thread-safely) and forwards the widgets' requests to the session; it never
waits on the network.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from tuimail.mail.sanitize import sanitize
from tuimail.session import messages as sm
from tuimail.ui.bindings import MAIN_BINDINGS
from tuimail.ui.widgets import EnvelopeViewer, MailboxTree, MessageList, StatusBar

from .dialogs import FolderPicker, SaveAttachmentDialog
from .error import ErrorScreen

if TYPE_CHECKING:
    from tuimail.mail.mailbox_tree import MailboxNode
    from tuimail.mail.summary import MessageSummary
    from tuimail.session.session import Session


def flatten(nodes: list[MailboxNode]) -> list[MailboxNode]:
    """Every node of the tree, depth first."""
    out: list[MailboxNode] = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out


class MainScreen(Screen[None], inherit_bindings=False):
    """Three panes and a status bar over one session."""

    BINDINGS: ClassVar[list[BindingType]] = MAIN_BINDINGS

    def __init__(
        self,
        session: Session,
        *,
        account_name: str,
        read_only: bool,
        download_folder: Path,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.account_name = account_name
        self.read_only = read_only
        self.download_folder = download_folder
        self.clock = clock
        self.mailbox: str | None = None
        self.epoch = -1
        self.total: int | None = None
        self.unread: int | None = None
        self.connection = "starting"
        self.mailboxes: list[MailboxNode] = []
        self.highlighted: MessageSummary | None = None
        self.opened: MessageSummary | None = None
        self.opened_raw: bytes | None = None
        self.opened_rendered: Any = None
        self.failure: sm.SessionFailed | None = None

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            tree = MailboxTree("Mailboxes", id="mailboxes")
            tree.auto_expand = False  # Enter opens a mailbox; Space folds its children
            yield tree
            with Vertical(id="right"):
                message_list = MessageList(id="messages")
                if self.clock is not None:
                    message_list.now = self.clock  # type: ignore[assignment]
                yield message_list
                yield EnvelopeViewer(id="viewer")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(MessageList).focus()
        self._update_status()

    @property
    def message_list(self) -> MessageList:
        return self.query_one(MessageList)

    @property
    def mailbox_tree(self) -> MailboxTree:
        return self.query_one(MailboxTree)

    @property
    def viewer(self) -> EnvelopeViewer:
        return self.query_one(EnvelopeViewer)

    def _update_status(self) -> None:
        self.query_one(StatusBar).update_status(
            self.account_name, self.mailbox, self.total, self.unread, self.connection, self.read_only
        )

    def say(self, text: str, *, title: str = "", severity: str = "information") -> None:
        """A notification whose text may hold server or mail text: sanitised, never markup."""
        level = severity if severity in ("information", "warning", "error") else "information"
        self.notify(sanitize(text), title=sanitize(title), severity=level, markup=False)  # type: ignore[arg-type]

    # ------------------------------------------------------- session messages

    def on_connection_state(self, message: sm.ConnectionState) -> None:
        self.connection = message.state
        self._update_status()

    def on_session_failed(self, message: sm.SessionFailed) -> None:
        if not message.fatal:
            self.say(message.detail, title=message.title, severity="warning")
            return
        if self.failure is not None:
            return  # an error screen is already up
        self.failure = message
        where = f"{self.account_name}: {self.session.account.host}:{self.session.account.effective_port}"

        def done(choice: str | None) -> None:
            self.failure = None
            if choice == "retry":
                self.session.retry()
            else:
                self.app.exit()

        self.app.push_screen(ErrorScreen(message.title, message.detail, where=where), done)

    def on_mailboxes_loaded(self, message: sm.MailboxesLoaded) -> None:
        self.mailboxes = message.nodes
        self.mailbox_tree.set_mailboxes(message.nodes)
        if self.mailbox is not None:
            self.mailbox_tree.select_mailbox(self.mailbox)

    def on_mailbox_counts(self, message: sm.MailboxCounts) -> None:
        self.mailbox_tree.update_counts(message.name, message.unread, message.total)
        if message.name == self.mailbox:
            self.unread, self.total = message.unread, message.total
            self._update_status()

    def on_mailbox_opened(self, message: sm.MailboxOpened) -> None:
        self.mailbox = message.name
        self.epoch = message.epoch
        self.total = message.exists
        self.highlighted = None
        self._close_message()
        self.message_list.clear_rows()
        self.message_list.set_count(message.exists)
        self.mailbox_tree.select_mailbox(message.name)
        self._update_status()

    def on_mailbox_changed(self, message: sm.MailboxChanged) -> None:
        if message.name != self.mailbox:
            return
        grown = message.exists - (self.total or 0)
        self.epoch = message.epoch
        self.total = message.exists
        cursor = self.message_list.cursor_row
        self.message_list.clear_rows()
        self.message_list.set_count(message.exists)
        if grown > 0:  # new mail comes in at the top: stay on the same message
            self.message_list.cursor_row = cursor + grown
        self._update_status()

    def on_rows_loaded(self, message: sm.RowsLoaded) -> None:
        if message.epoch == self.epoch and message.mailbox == self.mailbox:
            self.message_list.set_rows(message.rows)
            cursor = self.message_list.cursor_row
            if cursor in message.rows:
                self.highlighted = message.rows[cursor]
            if self.opened is not None:
                for summary in message.rows.values():
                    if summary.uid == self.opened.uid:
                        self.opened = summary

    def on_message_loaded(self, message: sm.MessageLoaded) -> None:
        if message.mailbox != self.mailbox or self.opened is None or self.opened.uid != message.uid:
            return
        self.opened_raw = message.raw
        self.opened_rendered = message.rendered
        self.viewer.show_message(message.rendered, message.raw)

    def on_refused(self, message: sm.Refused) -> None:
        self.say(message.reason, title="Read-only", severity="warning")

    def on_notice(self, message: sm.Notice) -> None:
        self.say(message.text, severity=message.severity)

    def on_attachment_saved(self, message: sm.AttachmentSaved) -> None:
        self.say(f"Saved {message.path}", title="Attachment")

    # --------------------------------------------------------- widget messages

    @on(MessageList.RowsWanted)
    def _rows_wanted(self, message: MessageList.RowsWanted) -> None:
        self.session.want_rows(message.start, message.stop, self.epoch)

    @on(MessageList.Highlighted)
    def _highlighted(self, message: MessageList.Highlighted) -> None:
        self.highlighted = message.summary

    @on(MessageList.Opened)
    def _opened(self, message: MessageList.Opened) -> None:
        self.opened = message.summary
        self.highlighted = message.summary
        self.session.open_message(message.summary)
        self.viewer.focus()

    @on(MailboxTree.MailboxChosen)
    def _mailbox_chosen(self, message: MailboxTree.MailboxChosen) -> None:
        if message.name != self.mailbox:
            self.session.open_mailbox(message.name)
        self.message_list.focus()

    @on(EnvelopeViewer.SaveAttachment)
    def _save_attachment(self, message: EnvelopeViewer.SaveAttachment) -> None:
        opened, rendered = self.opened, self.opened_rendered
        if opened is None or rendered is None:
            return
        names = {a.index: a.filename for a in getattr(rendered, "attachments", [])}
        if message.index not in names:
            self.say(f"No attachment {message.index}", severity="warning")
            return

        def chosen(folder: Path | None) -> None:
            if folder is not None:
                self.session.save_attachment(opened.uid, message.index, folder)

        self.app.push_screen(SaveAttachmentDialog(names[message.index], self.download_folder), chosen)

    def _close_message(self) -> None:
        self.opened = None
        self.opened_raw = None
        self.opened_rendered = None
        self.viewer.clear()

    # ----------------------------------------------------------------- actions

    def _panes(self) -> list[Widget]:
        return [self.mailbox_tree, self.message_list, self.viewer]

    def action_focus_next_pane(self) -> None:
        self._cycle(+1)

    def action_focus_previous_pane(self) -> None:
        self._cycle(-1)

    def _cycle(self, step: int) -> None:
        panes = self._panes()
        index = next((i for i, pane in enumerate(panes) if self._within(pane)), 1)
        panes[(index + step) % len(panes)].focus()

    def _within(self, pane: Widget) -> bool:
        focused = self.focused
        return focused is not None and (focused is pane or pane in focused.ancestors)

    def action_back(self) -> None:
        """Esc: from the message back to the list; from the list, close the message."""
        if self._within(self.viewer):
            self.message_list.focus()
        elif self.focused is self.message_list and self.opened is not None:
            self._close_message()
        else:
            self.message_list.focus()

    def _target(self) -> MessageSummary | None:
        if self._within(self.viewer) and self.opened is not None:
            return self.opened
        summary = self.message_list.summary_at(self.message_list.cursor_row) or self.highlighted
        if summary is None:
            self.say("No message selected", severity="warning")
        return summary

    def action_toggle_read(self) -> None:
        if (summary := self._target()) is not None:
            self.session.toggle_seen(summary)

    def action_toggle_flag(self) -> None:
        if (summary := self._target()) is not None:
            self.session.toggle_flagged(summary)

    def action_delete(self) -> None:
        if (summary := self._target()) is not None:
            self._leaving(summary)
            self.session.delete(summary)

    def action_archive(self) -> None:
        if (summary := self._target()) is not None:
            self._leaving(summary)
            self.session.archive(summary)

    def _leaving(self, summary: MessageSummary) -> None:
        """``summary`` is being deleted, archived or moved away: if it is the open message,
        close it (the viewer clears, the list takes the focus) and put the cursor on its row.

        Rows are newest first, so once the server has removed it the next (older)
        message takes that row: the cursor lands on it, as in mutt and aerc.  In
        read-only mode the session refuses the action and nothing changes here.
        """
        if self.read_only or self.opened is None or self.opened.uid != summary.uid:
            return
        row = (self.total or 0) - summary.seqno
        loaded = self.message_list.summary_at(row)
        if loaded is not None and loaded.uid == summary.uid:
            self.message_list.cursor_row = row
        self._close_message()
        self.message_list.focus()

    def action_move(self) -> None:
        self._pick_folder("Move to", "move")

    def action_copy(self) -> None:
        self._pick_folder("Copy to", "copy")

    def _pick_folder(self, title: str, verb: str) -> None:
        summary = self._target()
        if summary is None:
            return
        if self.read_only:
            # Let the session refuse (it says why) without asking for a folder first.
            getattr(self.session, verb)(summary, "")
            return
        names = [n.name for n in flatten(self.mailboxes) if n.selectable and n.name != self.mailbox]

        def chosen(name: str | None) -> None:
            if name:
                if verb == "move":
                    self._leaving(summary)
                getattr(self.session, verb)(summary, name)

        self.app.push_screen(FolderPicker(title, names), chosen)
