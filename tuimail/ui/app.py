"""The tuimail App: thin; it starts the session and shows the main screen."""

from __future__ import annotations

import gc
import logging
import ssl
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen

from tuimail import collector
from tuimail.collector import PACER
from tuimail.config import Account, default_download_folder
from tuimail.glibc_malloc import give_back_free_memory
from tuimail.session.login import CONNECT_TIMEOUT
from tuimail.session.session import Session
from tuimail.ui.accounts import AccountPane, OpenAccounts, open_accounts
from tuimail.ui.bindings import APP_BINDINGS
from tuimail.ui.commands import TuimailCommands
from tuimail.ui.early_keys import EarlyKeys
from tuimail.ui.fair_pumps import let_loop_run_between_messages
from tuimail.ui.screens.main import MainScreen
from tuimail.ui.unexpected import UnexpectedErrors, guard_message_handlers
from tuimail.ui.view_memory import ViewMemory, default_memory_path

if TYPE_CHECKING:
    from tuimail.ui.binding_catalogue import Area, BindingRow
    from tuimail.ui.first_paint import StartScreenRun

_log = logging.getLogger(__name__)

DEFAULT_THEME = "tuimail-dark"


#: How long a thread may hold the GIL while another waits for it (s; Python's default is 0.005).
#: The UI's event loop lets the GIL go at every turn (each ``select``), and while a session's
#: thread parses a whole mailbox, each turn waited up to the full interval to get it back: a
#: redraw of some dozens of turns stalled for hundreds of milliseconds.  At 1 ms the loop's
#: median wait fell from 7-9 ms to 1.5-2.5 ms and its 99th percentile from 60-75 ms to 31-36 ms
#: during a client-side thread build of 100,000 messages (``benchmarks/ui_stall.py``).
SWITCH_INTERVAL = 0.001

#: Seconds after the first frame when the memory the start freed is given back to the system.
GIVE_BACK_AFTER = 1.0
#: Seconds after the first frame when the start screen is saved for the next start's first paint
#: (the mailbox's rows and counts are in by then).
SAVE_START_SCREEN_AFTER = 1.0


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
        connect_timeout: float = CONNECT_TIMEOUT,
        warnings: list[str] | None = None,
        bulk_threshold: int = 20,
        cache_path: Path | None = None,
        more_accounts: list[Account] | None = None,
        link_opener: str | None = None,
        accounts: OpenAccounts | None = None,
        start_screen: StartScreenRun | None = None,
    ) -> None:
        """``accounts``: the sessions already opened (and perhaps started) for ``account`` and
        ``more_accounts`` (:func:`~tuimail.ui.accounts.open_accounts`, as the command does so
        that they connect while the UI is built); without it they are opened here.
        ``start_screen``: the command's first paint, and where to save the start screen for the
        next one (:mod:`tuimail.ui.first_paint`; in a terminal, never for the demo)."""
        super().__init__()
        self._start_screen = start_screen
        #: After a first paint, keys typed before the mailbox is on the app's screen wait for it.
        #: (A first paint may still come while the app is built: :mod:`tuimail.ui.cold_paint`.)
        self._early_keys: EarlyKeys | None = None
        if start_screen is not None:
            from tuimail.ui.painted_driver import over_first_paint

            self._early_keys = EarlyKeys(self, lambda: start_screen.paint is not None)
            self.driver_class = over_first_paint(self.driver_class, start_screen)
        self._switch_interval = sys.getswitchinterval()  # restored when the app ends
        #: The config's command for opening links (None: the platform's opener).
        self.link_opener = link_opener
        self.bulk_threshold = bulk_threshold
        if accounts is None:
            accounts = open_accounts(
                account,
                more_accounts or [],
                read_only=read_only,
                password=password,
                ssl_context=ssl_context,
                connect_timeout=connect_timeout,
                cache_path=cache_path,
            )
        #: The header cache (rows kept between runs), when a path is given.
        self.cache = accounts.cache
        self.queue = accounts.queue
        #: Each mailbox's last sort or threads (in the state folder when there is a cache path).
        self.memory = ViewMemory(default_memory_path() if cache_path is not None else None)
        self.keymap = dict(keymap or {})
        self.clock = clock
        self._wanted_theme = theme or DEFAULT_THEME
        # None: the bundled themes and the user's; a list (tests): bundled plus those only.
        self._theme_dirs = theme_dirs
        self._read_only = read_only
        self._download_folder = download_folder
        #: Every account, each with its own session (and screen, once mounted); the first is shown first.
        self.panes: list[AccountPane] = accounts.panes
        self.current = 0
        self._warnings = list(warnings or [])
        # The theme is chosen before the stylesheet is first parsed: choosing it once running
        # parses the whole stylesheet again (0.1 s of the first screen).
        self._theme_problems: list[str] = []
        self._load_themes()

    # The account on screen (what most of the app, and the tests, look at).

    @property
    def account(self) -> Account:
        return self.panes[self.current].account

    @property
    def session(self) -> Session:
        session = self.panes[self.current].session
        assert session is not None
        return session

    @property
    def read_only(self) -> bool:
        return self.panes[self.current].read_only

    @property
    def main_screen(self) -> MainScreen | None:
        return self.panes[self.current].screen

    def on_load(self) -> None:
        """Before anything is mounted: a handler's error is reported instead of ending its widget;
        and connect and log in while the UI is still being built (messages wait for the screens)."""
        guard_message_handlers()
        let_loop_run_between_messages()
        sys.setswitchinterval(SWITCH_INTERVAL)
        for pane in self.panes:
            pane.start()  # every account stays connected: its counts stay current (once only)

    async def on_event(self, event: events.Event) -> None:
        if self._early_keys is not None and self._early_keys.hold(event):
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        if self._start_screen is not None:
            self._start_screen.app_starts()  # the driver drew over the first paint, if any
        for problem in self._theme_problems:
            self.notify(problem, title="Themes", severity="warning", markup=False)
        if self.keymap:
            self.set_keymap(self.keymap)
            self._check_keymap()
        for index, pane in enumerate(self.panes):
            assert pane.session is not None
            pane.screen = MainScreen(
                pane.session,
                account_name=pane.account.name,
                read_only=pane.read_only,
                download_folder=(
                    pane.account.download_folder or self._download_folder or default_download_folder()
                ),
                clock=self.clock,
                bulk_threshold=self.bulk_threshold,
                accounts=self._others,
                memory=self.memory,
            )
            self.install_screen(pane.screen, name=f"account-{index}")
        self.push_screen("account-0")
        self._titles()
        # The screens are built: none of it is garbage, and no collector pass need walk it again;
        # then collection goes on (the command paused it while the app started).
        self.call_after_refresh(self._collect_from_now_on)
        for warning in self._warnings:
            self.notify(warning, title="Configuration", severity="warning", timeout=15, markup=False)

    def _check_keymap(self) -> None:
        """An id in [keymap] that no binding has is said, with the closest id."""
        import difflib

        from tuimail.ui.binding_catalogue import all_binding_rows

        known = {row.binding_id for row in all_binding_rows(binding_areas())}
        for binding_id in self.keymap:
            if binding_id not in known:
                close = difflib.get_close_matches(binding_id, sorted(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else " (? lists every id)"
                text = f"[keymap]: no binding has the id {binding_id!r}{hint}"
                self.notify(text, title="Configuration", severity="warning", timeout=15, markup=False)

    def _titles(self) -> None:
        pane = self.panes[self.current]
        self.sub_title = pane.account.name + (" (read-only)" if pane.read_only else "")

    def _others(self) -> str:
        """The other accounts' unread mail, for the status bar: "home 3, lists 12"."""
        parts = [
            f"{pane.account.name} {pane.inbox_unread:,}" if pane.inbox_unread else pane.account.name
            for i, pane in enumerate(self.panes)
            if i != self.current
        ]
        return ", ".join(parts)

    def switch_account(self, name: str) -> bool:
        """Show account ``name``; False if there is none."""
        for index, pane in enumerate(self.panes):
            if pane.account.name == name:
                self._show(index)
                return True
        return False

    async def action_clear_cache(self) -> None:
        """Forget every row the header cache holds (the next start fetches them again)."""
        import asyncio

        cache = self.cache
        if cache is None or not cache.available:
            self.notify("No header cache is in use", severity="warning", markup=False)
            return
        before = await asyncio.to_thread(cache.size_bytes)
        await asyncio.to_thread(cache.clear)
        after = await asyncio.to_thread(cache.size_bytes)
        freed = max(0, before - after)
        self.notify(f"Header cache cleared ({freed / 1e6:.1f} MB freed)", markup=False)

    def action_redraw(self) -> None:
        """Ctrl+L: draw the whole screen again (after another program scribbled on the terminal)."""
        self.refresh(repaint=True, layout=True)
        self.screen.refresh(repaint=True, layout=True)

    def action_next_account(self) -> None:
        if len(self.panes) > 1:
            self._show((self.current + 1) % len(self.panes))
        else:
            self.notify("There is one account: add more in config.toml", severity="warning", markup=False)

    def _show(self, index: int) -> None:
        if index == self.current:
            return
        self.current = index
        self.switch_screen(f"account-{index}")
        self._titles()
        screen = self.panes[index].screen
        if screen is not None and screen.is_mounted:
            screen.refresh_status()

    def _load_themes(self) -> None:
        """Register the bundled and the user's themes and choose the configured one; what went
        wrong is said once the app runs (``_theme_problems``)."""
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
        self._theme_problems.extend(str(error) for error in errors)
        if self._wanted_theme in self.available_themes:
            self._choose_theme_before_running(self._wanted_theme)
        else:
            self._theme_problems.append(f"Unknown theme {self._wanted_theme!r}")

    def _choose_theme_before_running(self, name: str) -> None:
        """``self.theme = name`` before anything is parsed or styled, without Textual's watcher:
        it does the same and then, once the app runs, parses the whole stylesheet again
        (``refresh_css``, for a theme changed while running)."""
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        classes = {old: False for old in self.classes if old.startswith("-theme-")}
        classes |= {f"-theme-{theme.name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark}
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    async def on_unmount(self) -> None:
        import asyncio

        sessions = [p.session for p in self.panes if p.session is not None]
        await asyncio.gather(*(asyncio.to_thread(session.stop) for session in sessions))
        if self.cache is not None:
            await asyncio.to_thread(self.cache.close)
        sys.setswitchinterval(self._switch_interval)

    def _collect_from_now_on(self) -> None:
        PACER.freeze_now(collect=False)
        collector.resume()
        self.set_timer(GIVE_BACK_AFTER, self._give_back_start_memory)
        if self._start_screen is not None:
            self.set_timer(SAVE_START_SCREEN_AFTER, self._save_start_screen)

    async def _save_start_screen(self, tries: int = 5) -> None:
        """Save the start screen for the next start's first paint (:mod:`tuimail.ui.start_screen`);
        while it is not the plain start screen, or a redraw is under way, again a little later."""
        from tuimail.ui.start_screen import save_start_screen

        if self._start_screen is None or self.current != 0:
            return
        saved = await save_start_screen(self, self._start_screen.target, self.session.account_key)
        if not saved and tries > 1:
            self.set_timer(SAVE_START_SCREEN_AFTER / 2, partial(self._save_start_screen, tries - 1))

    def _give_back_start_memory(self) -> None:
        """What starting freed goes back to the system (the start's cycles collected first).  The
        trim walks the C heap (tens of milliseconds when it is large): in a thread of its own
        (ctypes lets the GIL go), not in the UI's."""
        gc.collect()  # only what is younger than the freeze: a few milliseconds
        threading.Thread(target=give_back_free_memory, name="tuimail-trim", daemon=True).start()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's palette commands, without its "Keys" panel: "Help: keys" lists
        every key with its id (one help, one quit)."""
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command

    async def action_quit(self) -> None:
        """Quit; with actions waiting for the connection, ask first (they wait for the next start)."""
        from tuimail.ui.screens.confirm import ConfirmDialog

        waiting = sum(p.screen.waiting for p in self.panes if p.screen is not None)
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
        from tuimail.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(binding_areas(), self.keymap, command_rows()))

    def action_reconnect(self) -> None:
        self.session.reconnect()

    # ---------------------------------------------- unexpected errors (issue 10, item 10)

    @property
    def unexpected_errors(self) -> UnexpectedErrors:
        """This app's unexpected errors: shown, logged, counted (:mod:`tuimail.ui.unexpected`)."""
        errors = getattr(self, "_unexpected_errors", None)
        if errors is None:
            errors = self._unexpected_errors = UnexpectedErrors(self)
        return errors

    def _handle_exception(self, error: Exception) -> None:
        """Textual's funnel for errors nobody caught (timers, workers, rendering, compose...) would
        print a traceback with local variables and exit: here the error is shown, logged, and the
        app carries on."""
        self.unexpected_errors.report(error)


def binding_areas() -> list[Area]:
    """Each place with bindings, as the help screen names it, and its class."""
    from tuimail.ui.screens.account_info import AccountInfoBody, AccountInfoScreen
    from tuimail.ui.screens.confirm import ConfirmDialog
    from tuimail.ui.screens.dialogs import (
        FolderField,
        FolderList,
        FolderPicker,
        PickerField,
        SaveAttachmentDialog,
    )
    from tuimail.ui.screens.error import ChoiceButton, ErrorScreen
    from tuimail.ui.screens.help import HelpBody, HelpScreen
    from tuimail.ui.widgets import EnvelopeViewer, MailboxTree, MessageList
    from tuimail.ui.widgets.command_line import LineInput

    return [
        ("App", TuimailApp),
        ("Main", MainScreen),
        ("Message list", MessageList),
        ("Mailboxes", MailboxTree),
        ("Message", EnvelopeViewer),
        ("Help", HelpScreen),
        ("Help", HelpBody),
        ("Error", ErrorScreen),
        ("Account info", AccountInfoScreen),
        ("Account info", AccountInfoBody),
        ("Dialogs", FolderPicker),
        ("Dialogs", SaveAttachmentDialog),
        ("Dialogs", ConfirmDialog),
        ("Folder list", FolderList),
        ("Text field", FolderField),
        ("Folder filter", PickerField),
        ("Buttons", ChoiceButton),
        ("Command line", LineInput),
    ]


def command_rows() -> list[BindingRow]:
    """The ``:`` commands, as help-screen rows."""
    from tuimail.ui.binding_catalogue import BindingRow
    from tuimail.ui.line_commands import COMMANDS

    return [
        BindingRow("Commands", f":{c.name} {c.usage}".rstrip(), c.help, c.binding_id)
        for c in COMMANDS.values()
    ]
