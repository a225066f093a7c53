"""The main screen: mailbox tree, message list, envelope viewer, status bar.

It receives the session's messages (posted to this screen, thread-safely)
and forwards the widgets' requests to the session; it never waits on the
network.  The open mailbox's rows are the message list's
:class:`~tuimail.mail.mailbox_view.MailboxView`, the UI's replica, changed
only by the session's :class:`~tuimail.session.messages.ViewChanged`.

An action acts on the message the user is looking at, by UID: the one in the
viewer while the viewer has the focus, else the one under the list's cursor.
While a message is shown, moving the list's cursor shows the message under it
after a short pause, so what is on screen is what an action acts on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.types import NoActiveAppError
from textual.widget import Widget

from tuimail.mail.listed_rows import ListedRows
from tuimail.mail.mailbox_tree import iter_nodes
from tuimail.mail.sanitize import sanitize
from tuimail.mail.view_changes import Added
from tuimail.session import messages as sm
from tuimail.ui.bindings import MAIN_BINDINGS
from tuimail.ui.view_memory import ViewMemory
from tuimail.ui.widgets import EnvelopeViewer, MailboxTree, MessageList, StatusBar
from tuimail.ui.widgets.command_line import CommandLine
from tuimail.ui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from tuimail.mail.mailbox_tree import MailboxNode
    from tuimail.mail.mailbox_view import MailboxView
    from tuimail.mail.render import RenderedMessage
    from tuimail.mail.summary import MessageSummary
    from tuimail.session.session import Session

    from .dialogs import SaveChoice
    from .thread_layout import ThreadLayout, ThreadsLaidOut

# The dialogs, the other screens, the ``:`` command line's parser and the thread layout are
# imported when first used: the first screen needs none of them.

#: Pause after the cursor stops before the viewer shows the message under it (seconds).
FOLLOW_DELAY = 0.15


class MainScreen(Screen[None], inherit_bindings=False):
    """Three panes and a status bar over one session."""

    BINDINGS: ClassVar[list[BindingType]] = MAIN_BINDINGS
    #: Size classes that app.tcss lays the panes out by (the mailbox tree narrows, then hides).
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (50, "-narrow"), (70, "-medium"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (23, "-tall")]
    #: The list has the focus from the start (not the tree first, then the list: each change of
    #: focus restyles both).
    AUTO_FOCUS = "#messages"
    #: Textual's Screen repaints itself whole at every change of focus (its reactive's
    #: default), 15-20 ms of the UI's time; the widgets that gain and lose the focus restyle
    #: and redraw themselves (their ``:focus`` styles), and nothing else changes.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(
        self,
        session: Session,
        *,
        account_name: str,
        read_only: bool,
        download_folder: Path,
        clock: Callable[[], datetime] | None = None,
        bulk_threshold: int = 20,
        accounts: Callable[[], str] | None = None,
        memory: ViewMemory | None = None,
    ) -> None:
        super().__init__()
        self._add_size_classes()
        #: How each mailbox was last listed (its sort, or threads).
        self.memory = memory if memory is not None else ViewMemory()
        #: The other accounts and their unread mail, for the status bar.
        self.other_accounts = accounts or (lambda: "")
        self.session: Session = session
        self.account_name = account_name
        self.read_only = read_only
        self.download_folder = download_folder
        #: Actions on more messages than this ask first.
        self.bulk_threshold = bulk_threshold
        self.clock = clock
        self.mailbox: str | None = None
        self.generation = -1
        self.total: int | None = None
        self.unread: int | None = None
        self.connection = "starting"
        self.connection_detail = ""
        self.retry_at: float | None = None
        self.mailboxes: list[MailboxNode] = []
        #: UID of the message the viewer shows (or is fetching), and its rendering.
        self.opened_uid: int | None = None
        self.opened_rendered: RenderedMessage | None = None
        self.failure: sm.SessionFailed | None = None
        self._follow: Timer | None = None
        self._ticker: Timer | None = None
        self._restore: int | None = None
        #: The listing shown (None: the mailbox's own order): its kind, title, sort keys, threads.
        self.listing: sm.Listed | None = None
        self._collapsed: set[int] = set()
        #: The threads listing shown, laid out (None: none yet); the layout started last.
        self._threads: ThreadLayout | None = None
        self._layout_token = 0
        #: The last search's results, for n/N in the mailbox's own order.
        self._found: list[int] = []
        self._relist: Timer | None = None
        self._pending_query: str | None = None
        #: Actions waiting for the connection (the offline queue).
        self.waiting = 0
        #: What is being saved, and how far (shown in the status bar); "" when nothing is.
        self.transfer = ""
        #: Whether the session was told that the first screen is drawn.
        self._first_screen_told = False

    # ---------------------------------------------------------------- layout

    def _add_size_classes(self) -> None:
        """The breakpoint classes of the terminal's size, before anything is styled: the first
        Resize then changes no class, and the screen is not styled again before its first frame
        (chosen by Textual's own ``_get_breakpoint_classes``)."""
        try:
            width, height = self.app.size
        except NoActiveAppError:  # built outside an app: the first Resize adds them
            return
        sizes = ((width, self.HORIZONTAL_BREAKPOINTS), (height, self.VERTICAL_BREAKPOINTS))
        for dimension, breakpoints in sizes:
            for name in self._get_breakpoint_classes(dimension, breakpoints):
                self.add_class(name, update=False)

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            tree = MailboxTree("Mailboxes", id="mailboxes")
            tree.auto_expand = False  # Enter opens a mailbox; Space folds its children
            yield tree
            with Vertical(id="right"):
                message_list = MessageList(id="messages")
                viewer = EnvelopeViewer(id="viewer")
                if self.clock is not None:
                    message_list.now = self.clock  # type: ignore[assignment]
                    viewer.now = self.clock  # type: ignore[assignment]  # the same zone as the list's dates
                yield message_list
                yield viewer
        yield StatusBar(id="status")
        yield KeysFooter()

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

    @property
    def view(self) -> MailboxView:
        """The open mailbox's rows (the UI's replica)."""
        return self.message_list.view

    @property
    def opened(self) -> MessageSummary | None:
        """The summary of the message the viewer shows."""
        return self.view.summary(self.opened_uid) if self.opened_uid is not None else None

    @property
    def highlighted(self) -> MessageSummary | None:
        """The summary under the list's cursor."""
        return self.message_list.summary_at(self.message_list.cursor_row)

    def _update_status(self) -> None:
        detail = self.connection_detail if self.connection in ("waiting", "offline", "reconnecting") else ""
        if self.retry_at is not None and self.connection == "offline":
            detail += f"; next try in {max(0, round(self.retry_at - time.time()))} s"
        self.query_one(StatusBar).update_status(
            self.account_name,
            self.mailbox,
            self.total,
            self.unread,
            self.connection,
            self.read_only,
            detail,
            selected=len(self.message_list.selected),
            listing=self._listing_label(),
            waiting=self.waiting,
            others=self.other_accounts(),
            transfer=self.transfer,
        )

    def refresh_status(self) -> None:
        """Redraw the status bar (another account's counts changed, or this one is shown again)."""
        self._update_status()

    def _listing_label(self) -> str:
        listing = self.listing
        if listing is None:
            return "searching…" if self._pending_query else ""
        if listing.kind == "search":
            shown = self.message_list.count
            order = f", sorted by {_sort_words(listing.sort)}" if listing.sort else ""
            return f"search: {listing.title} ({shown:,} found{order})"
        if listing.kind == "sort":
            return f"sorted by {_sort_words(listing.sort)}"
        return "threads"

    def say(self, text: str, *, title: str = "", severity: str = "information") -> None:
        """A notification whose text may hold server or mail text: sanitised, never markup."""
        level = severity if severity in ("information", "warning", "error") else "information"
        self.notify(sanitize(text), title=sanitize(title), severity=level, markup=False)  # type: ignore[arg-type]

    # ------------------------------------------------------- session messages

    def on_connection_changed(self, message: sm.ConnectionChanged) -> None:
        self.connection = message.state
        self.connection_detail = message.detail
        self.retry_at = message.retry_at
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        if message.retry_at is not None:
            self._ticker = self.set_interval(1.0, self._update_status)
        self._update_status()

    def on_session_failed(self, message: sm.SessionFailed) -> None:
        if self.failure is not None:
            return  # an error screen is already up
        self.failure = message
        where = f"{self.account_name}: {self.session.account.host}:{self.session.account.effective_port}"

        def done(choice: str | None) -> None:
            self.failure = None
            if choice == "retry":
                self.session.retry()
            else:
                self.app.exit(return_code=1, message=f"tuimail: {message.title}: {message.detail}")

        from .error import ErrorScreen

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
        view = message.view
        reopened = view.name == self.mailbox
        cursor_uid = self.message_list.cursor_uid if reopened else None
        opened_uid = self.opened_uid if reopened else None
        self.mailbox = view.name
        self.generation = view.generation
        self.total = view.exists
        self.unread = None
        self.message_list.show(view)
        self._layout_token += 1  # a layout over the replica before is void
        self._threads = None
        if not reopened:
            self.listing = None
            self._collapsed.clear()
            self._found = []
        if self._pending_query is not None:  # opened by a search: show nothing else meanwhile
            self.message_list.show_rows(ListedRows(view, [], title="searching…"))
        elif self.listing is not None:
            self._relist_now()
        else:
            remembered = self.memory.get(self.account_name, view.name)
            sort = remembered.get("sort")
            if isinstance(sort, list) and sort and all(isinstance(k, str) for k in sort):
                self.session.sort(sort)
            elif remembered.get("threads") is True:
                self.session.threads()
        if opened_uid is None:
            self._close_message()
        self._restore = cursor_uid  # once its row is known again (reconnection)
        self.mailbox_tree.select_mailbox(view.name)
        self._update_status()
        self._tell_first_screen()

    def _tell_first_screen(self) -> None:
        """Once the newest row (or an empty mailbox) is drawn, the session's follow-ups (the
        UID order, counts, the oldest page) go on: they waited so as not to slow this frame."""
        if self._first_screen_told:
            return
        if self.view.exists == 0 or self.message_list.summary_at(0) is not None:
            self._first_screen_told = True
            self.call_after_refresh(self.session.first_screen_shown)

    def on_view_changed(self, message: sm.ViewChanged) -> None:
        if message.generation != self.generation:
            return
        self.message_list.apply_changes(message.changes)
        if self.listing is not None and any(isinstance(c, Added) for c in message.changes):
            self._relist_soon()  # new mail belongs in the listing too
        view = self.view
        self.total = view.exists
        if self._restore is not None and self.message_list.move_to_uid(self._restore):
            self._restore = None
        opened = self.opened_uid
        if opened is not None and opened not in view:
            if opened in message.ours:
                self._close_message()
            else:
                self.viewer.set_banner("This message was removed by another client.")
        self._update_status()
        self._tell_first_screen()

    def on_rows_failed(self, message: sm.RowsFailed) -> None:
        if message.generation == self.generation:
            self.message_list.rows_failed(message.seqnos, message.reason)

    def on_message_loaded(self, message: sm.MessageLoaded) -> None:
        if message.mailbox != self.mailbox or self.opened_uid != message.uid:
            return
        self.opened_rendered = message.rendered
        opened = self.opened
        received = opened.date if opened is not None else None
        self.viewer.show_message(message.rendered, received=received)

    def on_raw_source_loaded(self, message: sm.RawSourceLoaded) -> None:
        if message.mailbox != self.mailbox or self.opened_uid != message.uid or not self.viewer.showing_raw:
            return
        self.viewer.show_raw(message.data, message.size)

    def on_save_progress(self, message: sm.SaveProgress) -> None:
        """The status bar shows how far a save is (until it is done or failed)."""
        if message.failed:
            self.transfer = ""
        else:
            share = f" ({message.done * 100 // message.total}%)" if message.total else ""
            self.transfer = f"saving {message.name}: {_mb(message.done)} of {_mb(message.total)}{share}"
        self._update_status()

    def on_message_gone(self, message: sm.MessageGone) -> None:
        if message.mailbox == self.mailbox and self.opened_uid == message.uid:
            self.opened_rendered = None
            self.viewer.show_note("This message no longer exists: another client removed it.")

    def on_action_done(self, message: sm.ActionDone) -> None:
        self.say(message.text)

    def on_action_failed(self, message: sm.ActionFailed) -> None:
        read_only = message.text.endswith("read-only")
        rolled_back = self.message_list.drop_pending(message.uids or None)
        text = message.text + (" (shown as it was)" if rolled_back else "")
        self.say(text, title="Read-only" if read_only else "", severity="warning")

    def on_queue_changed(self, message: sm.QueueChanged) -> None:
        self.waiting = message.count
        if message.text:
            self.say(message.text, severity="warning")
        self._update_status()

    def on_notice(self, message: sm.Notice) -> None:
        self.say(message.text, severity=message.severity)

    def on_attachment_saved(self, message: sm.AttachmentSaved) -> None:
        self.transfer = ""
        self._update_status()
        self.say(f"Saved {message.path}", title="Attachment")

    def on_account_info(self, message: sm.AccountInfo) -> None:
        from .account_info import AccountInfoScreen

        if not isinstance(self.app.screen, AccountInfoScreen):
            self.app.push_screen(AccountInfoScreen(message))

    # --------------------------------------------------------- widget messages

    @on(MessageList.RowsWanted)
    def _rows_wanted(self, message: MessageList.RowsWanted) -> None:
        if message.uids:
            self.session.want_summaries(message.generation, message.uids)
        else:
            self.session.want_rows(message.generation, message.removals, message.seqnos)

    @on(MessageList.SelectionChanged)
    def _selection_changed(self, message: MessageList.SelectionChanged) -> None:
        self._update_status()

    @on(MessageList.Highlighted)
    def _highlighted(self, message: MessageList.Highlighted) -> None:
        """While a message is shown, the viewer follows the cursor (after a short pause)."""
        if self.opened_uid is None or message.summary is None or message.summary.uid == self.opened_uid:
            return
        if self._follow is not None:
            self._follow.stop()
        uid = message.summary.uid
        self._follow = self.set_timer(FOLLOW_DELAY, lambda: self._open(uid))

    @on(MessageList.Opened)
    def _opened(self, message: MessageList.Opened) -> None:
        self._open(message.summary.uid)
        self.viewer.focus()

    def _open(self, uid: int) -> None:
        if self.opened_uid == uid and self.opened_rendered is not None:
            return
        self.opened_uid = uid
        self.opened_rendered = None
        summary = self.view.summary(uid)
        self.viewer.show_note(f"Fetching {sanitize(summary.subject) if summary else 'the message'}…")
        self.session.open_message(uid, generation=self.generation)

    @on(EnvelopeViewer.Step)
    def _step(self, message: EnvelopeViewer.Step) -> None:
        """J/K in the viewer: the next or previous message at once; the list follows."""
        ml = self.message_list
        row = ml.cursor_row + message.by
        if not 0 <= row < ml.count:
            self.say("No more messages that way", severity="warning")
            return
        ml.cursor_row = row
        summary = ml.summary_at(row)
        if summary is not None:
            if self._follow is not None:
                self._follow.stop()
            self._open(summary.uid)

    @on(MailboxTree.MailboxChosen)
    def _mailbox_chosen(self, message: MailboxTree.MailboxChosen) -> None:
        if message.name != self.mailbox:
            self.session.open_mailbox(message.name)
        self.message_list.focus()

    @on(EnvelopeViewer.RawWanted)
    def _raw_wanted(self, message: EnvelopeViewer.RawWanted) -> None:
        if self.opened_uid is not None:
            self.session.raw_source(self.opened_uid, generation=self.generation)

    @on(EnvelopeViewer.SaveAttachment)
    def _save_attachment(self, message: EnvelopeViewer.SaveAttachment) -> None:
        uid, rendered, generation = self.opened_uid, self.opened_rendered, self.generation
        if uid is None or rendered is None:
            return
        names = {a.index: a.filename for a in rendered.attachments}
        if message.index not in names:
            self.say(f"No attachment {message.index}", severity="warning")
            return

        from .dialogs import SaveAttachmentDialog

        def chosen(choice: SaveChoice | None) -> None:
            if choice is not None:
                self.session.save_attachment(
                    uid,
                    choice.index,
                    choice.folder,
                    choice.filename,
                    generation=generation,
                    prefer=rendered.shown_alternative or "plain",
                )

        dialog = SaveAttachmentDialog(rendered.attachments, self.download_folder, index=message.index)
        self.app.push_screen(dialog, chosen)

    @on(EnvelopeViewer.OtherPart)
    def _other_part(self, message: EnvelopeViewer.OtherPart) -> None:
        if self.opened_uid is not None:
            self.session.open_message(self.opened_uid, prefer=message.kind, generation=self.generation)
            self.say("Showing the HTML part" if message.kind == "html" else "Showing the plain text part")

    @on(EnvelopeViewer.OpenLink)
    def _open_link(self, message: EnvelopeViewer.OpenLink) -> None:
        """Hand link N to the user's opener (only http, https, mailto; asked for, never automatic)."""
        from tuimail.ui.link_opener import LinkRefused, open_link

        try:
            process = open_link(message.url, getattr(self.app, "link_opener", None))
        except LinkRefused as refused:
            self.say(str(refused), severity="warning")
            return
        self.say(f"Opening link {message.number}: {sanitize(message.url)[:200]}")
        # reap the opener when it ends (xdg-open returns once the browser has it)
        threading.Thread(target=process.wait, name="tuimail-link-opener", daemon=True).start()

    def _close_message(self) -> None:
        if self._follow is not None:
            self._follow.stop()
            self._follow = None
        self.opened_uid = None
        self.opened_rendered = None
        self.viewer.clear()

    # ----------------------------------------------------------------- actions

    def _panes(self) -> list[Widget]:
        return [pane for pane in (self.mailbox_tree, self.message_list, self.viewer) if pane.display]

    def action_toggle_sidebar(self) -> None:
        self.mailbox_tree.toggle_shown()

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
        """Esc: from the message back to the list; then clear the selection; then close the
        message; then leave a search (or sort, or threads) for the mailbox's own order."""
        if self._within(self.viewer):
            self.message_list.focus()
        elif self.message_list.clear_selection():
            return
        elif self.focused is self.message_list and self.opened_uid is not None:
            self._close_message()
        elif self.listing is not None or self._pending_query is not None:
            self.leave_listing()
        else:
            self.message_list.focus()

    # ---------------------------------------------------------- command line

    async def _command_line(self) -> CommandLine:
        """The command line, mounted when first opened (the first screen does without it, and
        without parsing the styles of Textual's Input); open, it takes the status bar's row."""
        found = self.query(CommandLine)
        if found:
            return found.first()
        status = self.query_one(StatusBar)
        line = CommandLine(id="command-line", covers=status)
        await self.mount(line, before=status)
        return line

    async def action_command_line(self, text: str = "") -> None:
        line = await self._command_line()
        line.completer = self._complete
        line.open(":", text)

    async def action_search(self) -> None:
        line = await self._command_line()
        line.completer = None
        current = self.listing.title if self.listing is not None and self.listing.kind == "search" else ""
        line.open("/", current)

    def _complete(self, before: str) -> list[str]:
        from tuimail.ui.line_commands import complete

        def candidates(kind: str) -> list[str]:
            if kind == "mailbox":
                return [n.name for n in iter_nodes(self.mailboxes) if n.selectable]
            if kind == "theme":
                return sorted(self.app.available_themes)
            if kind == "account":
                return [p.account.name for p in getattr(self.app, "panes", [])] or [self.account_name]
            return []

        return complete(before, candidates)

    @on(CommandLine.Run)
    def _line_run(self, message: CommandLine.Run) -> None:
        self.message_list.focus()
        # Run once the closed line is drawn: a command that starts work in the session
        # (a sort, a search) would otherwise share the interpreter with that redraw.
        self.call_after_refresh(self._run_line, message)

    def _run_line(self, message: CommandLine.Run) -> None:
        text = message.text.strip()
        if message.mode == "/":
            self.search(text)
            return
        if not text:
            return
        from tuimail.ui.line_commands import LineError, parse

        try:
            command, args = parse(text)
        except LineError as exc:
            self.say(str(exc), severity="warning")
            return
        command.run(self, args)

    @on(CommandLine.Closed)
    def _line_closed(self, message: CommandLine.Closed) -> None:
        self.message_list.focus()

    # ------------------------------------------------ search, sort, threads

    def search(self, text: str) -> None:
        """Show only the messages ``text`` finds (an empty query shows the mailbox again)."""
        if not text:
            self.leave_listing()
            return
        sort = self.listing.sort if self.listing is not None else ()
        self.session.search(text, sort)

    def open_mailbox(self, name: str, query: str = "") -> None:
        """Open ``name``; with ``query``, show only what it finds, fetching nothing else."""
        self._pending_query = query or None
        self.session.open_mailbox(name, query)
        self._update_status()

    def sort_by(self, words: list[str]) -> None:
        """``["-r", "date"]`` -> the list in that order (the search's results, if one is shown)."""
        keys: list[str] = []
        for word in words:
            if word in ("-r", "reverse"):
                keys.append("REVERSE")
            elif word.lower() in ("arrival", "date", "from", "subject", "size", "to", "cc"):
                keys.append(word.upper())
            else:
                self.say(
                    f"Cannot sort by {word!r}: arrival, date, from, subject, size, to or cc",
                    severity="warning",
                )
                return
        if not keys or keys[-1] == "REVERSE":
            self.say("Sort by what? e.g. :sort -r date", severity="warning")
            return
        if self.listing is not None and self.listing.kind == "search":
            self.session.search(self.listing.title, keys)
        elif keys == ["REVERSE", "ARRIVAL"]:
            self.leave_listing()  # the mailbox's own order
        else:
            self.session.sort(keys)

    def action_sort_menu(self) -> None:
        choices = {
            "date, newest first": ["-r", "date"],
            "date, oldest first": ["date"],
            "arrival, newest first": ["-r", "arrival"],
            "from": ["from"],
            "subject": ["subject"],
            "size, largest first": ["-r", "size"],
        }

        def chosen(name: str | None) -> None:
            if name:
                self.sort_by(choices[name])

        from .dialogs import FolderPicker

        self.app.push_screen(FolderPicker("Sort by", list(choices)), chosen)

    def action_toggle_threads(self) -> None:
        if self.listing is not None and self.listing.kind == "threads":
            self.leave_listing()
        else:
            self.session.threads()

    def action_toggle_thread_fold(self) -> None:
        """Collapse the thread under the cursor to one row (with its count), or open it again."""
        listing = self.listing
        rows = self.message_list.rows
        if listing is None or listing.kind != "threads" or not isinstance(rows, ListedRows):
            return
        uid = self.message_list.cursor_uid
        laid = self._threads
        root = laid.threads.root_of(uid) if uid is not None and laid is not None else None
        if root is None:
            return
        self._collapsed.symmetric_difference_update({root})
        self._show_threads(listing, cursor_uid=root)

    def action_next_found(self) -> None:
        self._jump_found(+1)

    def action_previous_found(self) -> None:
        self._jump_found(-1)

    def _jump_found(self, step: int) -> None:
        """n/N: the next (previous) message the last search found, in the mailbox's own order."""
        ml = self.message_list
        if self.listing is not None:
            ml.cursor_row = ml.cursor_row + step
            return
        found = set(self._found)
        if not found:
            self.say("No search yet: / searches", severity="warning")
            return
        row = ml.cursor_row + step
        while 0 <= row < ml.count:
            if ml.rows.uid_at_row(row) in found:
                ml.cursor_row = row
                return
            row += step
        self.say("No more found in that direction", severity="warning")

    def leave_listing(self) -> None:
        if self.mailbox is not None and self.listing is not None and self.listing.kind != "search":
            self.memory.set(self.account_name, self.mailbox, None)  # back to the mailbox's own order
        self.listing = None
        self._pending_query = None
        self._layout_token += 1
        self._threads = None
        self._collapsed.clear()
        self.message_list.show_rows(None, cursor_uid=self.message_list.cursor_uid)
        self._update_status()

    def on_listed(self, message: sm.Listed) -> None:
        if message.generation != self.generation:
            return
        self._pending_query = None
        self._layout_token += 1  # a threads layout still running is not shown
        cursor = self.message_list.cursor_uid
        if message.kind == "threads":
            self._show_threads(message, cursor_uid=cursor)  # taken once laid out
            return
        self._threads = None
        self._take_listing(message)
        if message.kind == "search":
            self._found = list(message.uids)
        listed = ListedRows(self.view, message.uids, title=message.title)
        self.message_list.show_rows(listed, cursor_uid=cursor)
        self._update_status()

    def _take_listing(self, message: sm.Listed) -> None:
        self.listing = message
        if self.mailbox is not None and message.kind == "sort":
            self.memory.set(self.account_name, self.mailbox, {"sort": list(message.sort)})
        elif self.mailbox is not None and message.kind == "threads":
            self.memory.set(self.account_name, self.mailbox, {"threads": True})

    def _show_threads(self, listing: sm.Listed, *, cursor_uid: int | None) -> None:
        """Lay the threads out in a worker thread; shown by :meth:`on_threads_laid_out`
        unless another listing (or mailbox) came first."""
        self._layout_token += 1
        token = self._layout_token
        view, collapsed = self.view, frozenset(self._collapsed)
        shown = self._threads
        known = shown.threads if shown is not None and shown.listing is listing else None

        from .thread_layout import ThreadsLaidOut, lay_out_threads

        def work() -> None:
            laid = lay_out_threads(view, listing, collapsed, known)
            self.post_message(ThreadsLaidOut(token, laid, cursor_uid))

        self.run_worker(work, name="lay out threads", group="threads", thread=True, exit_on_error=False)

    def on_threads_laid_out(self, message: ThreadsLaidOut) -> None:
        laid = message.layout
        if message.token != self._layout_token or laid.listing.generation != self.generation:
            return
        self._threads = laid
        self._take_listing(laid.listing)
        self.message_list.show_rows(laid.rows, cursor_uid=message.cursor_uid)
        self._update_status()

    async def on_search_failed(self, message: sm.SearchFailed) -> None:
        self._pending_query = None
        self.say(
            f"{message.reason} (at character {message.position + 1} of {message.text!r})", severity="warning"
        )
        (await self._command_line()).open("/", message.text)
        self._update_status()

    def _relist_soon(self) -> None:
        if self._relist is not None:
            self._relist.stop()
        self._relist = self.set_timer(0.5, self._relist_now)

    def _relist_now(self) -> None:
        listing = self.listing
        if listing is None:
            return
        if listing.kind == "search":
            self.session.search(listing.title, listing.sort)
        elif listing.kind == "sort":
            self.session.sort(listing.sort)
        else:
            self.session.threads()

    def _target(self) -> MessageSummary | None:
        """The message an action is for: the viewer's while it has the focus, else the cursor's."""
        if self._within(self.viewer) and self.opened_uid is not None:
            summary = self.opened
            if summary is None:
                self.say("This message no longer exists", severity="warning")
            return summary
        if self._within(self.mailbox_tree):
            self.say("The mailbox list has the focus: Tab moves to the messages", severity="warning")
            return None
        summary = self.highlighted
        if summary is None:
            self.say("No message selected", severity="warning")
        return summary

    def _held(self, summary: MessageSummary) -> list[MessageSummary]:
        """A collapsed thread's row stands for the whole thread."""
        rows = self.message_list.rows
        row = rows.row_of_uid(summary.uid)
        if row is None:
            return [summary]
        held = [s for uid in rows.held_at_row(row) if (s := self.view.summary(uid)) is not None]
        return held or [summary]

    def _targets(self) -> list[MessageSummary]:
        """The selection (when there is one and the list, not the viewer, has the focus), else the
        one message the user is looking at."""
        selected = self.message_list.selected
        if selected and not self._within(self.viewer) and not self._within(self.mailbox_tree):
            view = self.view
            return [s for uid in sorted(selected) if (s := view.summary(uid)) is not None]
        target = self._target()
        if target is None:
            return []
        return self._held(target) if not self._within(self.viewer) else [target]

    def _confirmed(
        self, count: int, sentence: str, then: Callable[[], None], *, always: bool = False
    ) -> None:
        """Run ``then`` at once, or, for more than the bulk threshold (or ``always``), once the user
        has confirmed ``sentence``; Escape changes nothing."""
        if (count <= self.bulk_threshold and not always) or self.read_only:
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        from .confirm import ConfirmDialog

        self.app.push_screen(ConfirmDialog(sentence, destructive=always), answered)

    def action_toggle_read(self) -> None:
        targets = self._targets()
        if targets:
            unread = any(s.unread for s in targets)  # mixed: mark them all read
            self._optimistic_flag(targets, "\\Seen", unread)
            self.session.set_flag([s.uid for s in targets], "\\Seen", unread, generation=self.generation)

    def action_toggle_flag(self) -> None:
        targets = self._targets()
        if targets:
            on = not all(s.flagged for s in targets)
            self._optimistic_flag(targets, "\\Flagged", on)
            self.session.set_flag([s.uid for s in targets], "\\Flagged", on, generation=self.generation)

    def _optimistic_flag(self, targets: list[MessageSummary], flag: str, on: bool) -> None:
        """Show the change at once; the session's answer confirms it (or it is rolled back)."""
        if self.read_only:
            return
        self.message_list.show_pending_flags(
            {s.uid: (s.flags | {flag}) if on else (s.flags - {flag}) for s in targets}
        )

    def action_delete(self) -> None:
        targets = self._targets()
        if not targets:
            return
        in_trash = self.mailbox is not None and self.mailbox == self.session.actions.trash
        count = len(targets)
        what = f"{count:,} message{'s' if count != 1 else ''}"
        if in_trash:
            sentence = f"{what} will be deleted for good: this cannot be undone"
        else:
            sentence = f"{what} will move to {self.session.actions.trash}"
        delete = partial(self.session.delete, generation=self.generation)
        self._confirmed(count, sentence, lambda: self._remove(targets, delete), always=in_trash)

    def action_archive(self) -> None:
        targets = self._targets()
        if targets:
            count = len(targets)
            sentence = f"{count:,} messages will move to {self.session.actions.archive}"
            archive = partial(self.session.archive, generation=self.generation)
            self._confirmed(count, sentence, lambda: self._remove(targets, archive))

    def _remove(self, targets: list[MessageSummary], request: Callable[[list[int]], None]) -> None:
        uids = [s.uid for s in targets]
        for summary in targets:
            self._leaving(summary)
        if not self.read_only:
            self.message_list.show_leaving(uids)
            self.message_list.clear_selection()
        request(uids)

    def action_undo(self) -> None:
        self.session.undo()

    def action_account_info(self) -> None:
        self.session.account_info()

    def _leaving(self, summary: MessageSummary) -> None:
        """``summary`` is being deleted, archived or moved away: if it is the open message,
        close it (the viewer clears, the list takes the focus) and put the cursor on its row.

        Rows are newest first, so once the server has removed it the next (older)
        message takes that row: the cursor lands on it, as in mutt and aerc.  In
        read-only mode the session refuses the action and nothing changes here.
        """
        if self.read_only or self.opened_uid != summary.uid:
            return
        self.message_list.move_to_uid(summary.uid)
        self._close_message()
        self.message_list.focus()

    def move_to(self, name: str) -> None:
        self._to_folder("move", name)

    def copy_to(self, name: str) -> None:
        self._to_folder("copy", name)

    def _to_folder(self, verb: str, name: str) -> None:
        targets = self._targets()
        if not targets:
            return
        if name not in {n.name for n in iter_nodes(self.mailboxes)}:
            self.say(f"No mailbox {name!r}", severity="warning")
            return
        uids = [s.uid for s in targets]
        count = len(targets)
        generation = self.generation  # the view the UIDs were taken from, whatever comes before "yes"
        if verb == "move":
            sentence = f"{count:,} messages will move to {name}"
            move = partial(self.session.move, target=name, generation=generation)
            self._confirmed(count, sentence, lambda: self._remove(targets, move))
        else:
            sentence = f"{count:,} messages will be copied to {name}"
            self._confirmed(count, sentence, lambda: self.session.copy(uids, name, generation=generation))

    def delete_mailbox(self, name: str) -> None:
        sentence = f"The mailbox {name} and every message in it will be deleted: this cannot be undone"
        self._confirmed(1, sentence, lambda: self.session.delete_mailbox(name), always=True)

    def switch_theme(self, name: str) -> None:
        if name in self.app.available_themes:
            self.app.theme = name
        else:
            self.say(f"No theme {name!r}", severity="warning")

    def switch_account(self, name: str) -> None:
        switch = getattr(self.app, "switch_account", None)
        if name != self.account_name and (switch is None or not switch(name)):
            self.say(f"No account {name!r} in the configuration", severity="warning")

    def action_move(self) -> None:
        self._pick_folder("Move to", "move")

    def action_copy(self) -> None:
        self._pick_folder("Copy to", "copy")

    def _pick_folder(self, title: str, verb: str) -> None:
        targets = self._targets()
        if not targets:
            return
        uids = [s.uid for s in targets]
        if self.read_only:
            # Let the session refuse (it says why) without asking for a folder first.
            getattr(self.session, verb)(uids, "")
            return
        folders = [n for n in iter_nodes(self.mailboxes) if n.selectable and n.name != self.mailbox]

        def chosen(name: str | None) -> None:
            if name:
                self._to_folder(verb, name)

        from .dialogs import FolderPicker

        self.app.push_screen(FolderPicker(title, folders), chosen)


def _mb(n: int) -> str:
    return f"{n / 1_048_576:,.1f} MB"


def _sort_words(keys: tuple[str, ...]) -> str:
    """("REVERSE", "DATE") -> "date, newest first"."""
    words: list[str] = []
    reverse = False
    for key in keys:
        if key == "REVERSE":
            reverse = True
            continue
        words.append(key.lower() + (" (reversed)" if reverse else ""))
        reverse = False
    return ", ".join(words)
