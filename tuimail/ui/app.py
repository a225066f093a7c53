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
from tuimail.session.session import Session
from tuimail.ui.binding_catalogue import Area
from tuimail.ui.bindings import APP_BINDINGS
from tuimail.ui.commands import TuimailCommands
from tuimail.ui.screens import ErrorScreen, FolderPicker, HelpScreen, MainScreen, SaveAttachmentDialog
from tuimail.ui.screens.dialogs import FolderField, FolderList
from tuimail.ui.screens.error import ChoiceButton
from tuimail.ui.screens.help import HelpBody
from tuimail.ui.widgets import EnvelopeViewer, MailboxTree, MessageList

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
    ) -> None:
        super().__init__()
        self.bulk_threshold = bulk_threshold
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

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(binding_areas(), self.keymap))

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
    ]
