"""The tuimail App: thin; it starts the session and shows the main screen."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import BindingType

from tuimail.config import Account, default_download_folder
from tuimail.mail.cache import HeaderCache
from tuimail.session.offline_queue import OfflineQueue
from tuimail.session.session import Session
from tuimail.ui.binding_catalogue import Area, BindingRow
from tuimail.ui.bindings import APP_BINDINGS
from tuimail.ui.commands import TuimailCommands
from tuimail.ui.line_commands import COMMANDS
from tuimail.ui.screens import ErrorScreen, FolderPicker, HelpScreen, MainScreen, SaveAttachmentDialog
from tuimail.ui.screens.confirm import ConfirmDialog
from tuimail.ui.screens.dialogs import FolderField, FolderList
from tuimail.ui.screens.error import ChoiceButton
from tuimail.ui.screens.help import HelpBody
from tuimail.ui.widgets import EnvelopeViewer, MailboxTree, MessageList
from tuimail.ui.widgets.command_line import LineInput

_log = logging.getLogger(__name__)

DEFAULT_THEME = "tuimail-dark"


class TuimailApp(App[None], inherit_bindings=False):
    """A keyboard-driven mail browser over one IMAP account."""

    CSS_PATH = "app.tcss"
    TITLE = "tuimail"
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS
    COMMANDS = App.COMMANDS | {TuimailCommands}
    CURSOR_BLINK = False

    def __init__(
        self,
        account: Account,
        *,
        read_only: bool = False,
        theme: str | None = None,
        keymap: dict[str, str] | None = None,
        download_folder: Path | None = None,
        password: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] | None = None,
        theme_dirs: list[Path] | None = None,
        connect_timeout: float = 20.0,
        warnings: list[str] | None = None,
        bulk_threshold: int = 20,
        cache_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.bulk_threshold = bulk_threshold
        #: The header cache (rows kept between runs), when a path is given.
        self.cache = HeaderCache.open(cache_path) if cache_path is not None else None
        queue_path = cache_path.parent / "offline-queue.sqlite3" if cache_path is not None else None
        self.account = account
        self.read_only = read_only or account.read_only
        self.keymap = dict(keymap or {})
        self.download_folder = download_folder or account.download_folder or default_download_folder()
        self.clock = clock
        self._wanted_theme = theme or DEFAULT_THEME
        # None: the bundled themes and the user's; a list (tests): bundled plus those only.
        self._theme_dirs = theme_dirs
        self.session = Session(
            account,
            self._post_to_main,
            read_only=self.read_only,
            password=password,
            ssl_context=ssl_context,
            connect_timeout=connect_timeout,
            cache=self.cache,
            queue=OfflineQueue(queue_path),
        )
        self.main_screen: MainScreen | None = None
        self._warnings = list(warnings or [])

    def _post_to_main(self, message: Any) -> None:
        # Called from the session thread; post_message is thread-safe.
        screen = self.main_screen
        if screen is not None:
            screen.post_message(message)

    def on_mount(self) -> None:
        self._load_themes()
        if self.keymap:
            self.set_keymap(self.keymap)
        self.main_screen = MainScreen(
            self.session,
            account_name=self.account.name,
            read_only=self.read_only,
            download_folder=self.download_folder,
            clock=self.clock,
            bulk_threshold=self.bulk_threshold,
        )
        self.push_screen(self.main_screen)
        self.sub_title = self.account.name + (" (read-only)" if self.read_only else "")
        for warning in self._warnings:
            self.notify(warning, title="Configuration", severity="warning", timeout=15, markup=False)
        self.session.start()

    def _load_themes(self) -> None:
        from tuimail.ui.themes import ThemeError, load_themes

        errors: list[ThemeError] = []
        try:
            themes = load_themes(
                self._theme_dirs or [], include_user_dir=self._theme_dirs is None, errors=errors
            )
        except Exception as exc:  # noqa: BLE001 - a bad theme must not stop the app
            themes, errors = [], [exc]  # type: ignore[list-item]
        for theme in themes:
            self.register_theme(theme)
        for error in errors:
            self.notify(str(error), title="Themes", severity="warning", markup=False)
        if self._wanted_theme in self.available_themes:
            self.theme = self._wanted_theme
        else:
            unknown = f"Unknown theme {self._wanted_theme!r}"
            self.notify(unknown, title="Themes", severity="warning", markup=False)

    async def on_unmount(self) -> None:
        import asyncio

        await asyncio.to_thread(self.session.stop)
        if self.cache is not None:
            await asyncio.to_thread(self.cache.close)

    async def action_quit(self) -> None:
        """Quit; with actions waiting for the connection, ask first (they wait for the next start)."""
        waiting = self.main_screen.waiting if self.main_screen is not None else 0
        if not waiting:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        sentence = (
            f"{waiting} action{'s' if waiting != 1 else ''} still wait for the connection: quit anyway? "
            "(they are kept and done at the next start)"
        )
        self.push_screen(ConfirmDialog(sentence), answered)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(binding_areas(), self.keymap, command_rows()))

    def action_reconnect(self) -> None:
        self.session.reconnect()


def binding_areas() -> list[Area]:
    """Each place with bindings, as the help screen names it, and its class."""
    return [
        ("App", TuimailApp),
        ("Main", MainScreen),
        ("Message list", MessageList),
        ("Mailboxes", MailboxTree),
        ("Message", EnvelopeViewer),
        ("Help", HelpScreen),
        ("Help", HelpBody),
        ("Error", ErrorScreen),
        ("Dialogs", FolderPicker),
        ("Dialogs", SaveAttachmentDialog),
        ("Folder list", FolderList),
        ("Text field", FolderField),
        ("Buttons", ChoiceButton),
        ("Command line", LineInput),
        ("Confirm", ConfirmDialog),
    ]


def command_rows() -> list[BindingRow]:
    """The ``:`` commands, as help-screen rows."""
    return [
        BindingRow("Commands", f":{c.name} {c.usage}".rstrip(), c.help, c.binding_id)
        for c in COMMANDS.values()
    ]
