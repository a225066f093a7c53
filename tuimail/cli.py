"""The ``tuimail`` command.

    tuimail [--config PATH] [--account NAME] [--read-only] [--demo] [--log FILE] [--version]

A bad configuration prints one line naming the file, key and problem and
exits with status 2 (never a traceback).  ``--log FILE`` (or ``log_file`` in
the config) records the protocol trace and tuimail's errors for a bug report
(:mod:`tuimail.log_file`); without it nothing is written anywhere.  Whatever
fails, the program ends with one line on the terminal, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuimail import __version__
from tuimail.config import Account, Config, ConfigError, load_config
from tuimail.demo.server_process import DEMO_PASSWORD, DEMO_USER
from tuimail.log_file import LogFileError, active_log_path, start_logging

if TYPE_CHECKING:
    from tuimail.demo.server_process import DemoServerProcess
    from tuimail.session.head_start import HeadStart
    from tuimail.ui.cold_paint import ColdPaint
    from tuimail.ui.first_paint import StartScreenRun

_log = logging.getLogger("tuimail.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuimail", description="A keyboard-driven terminal mail browser (IMAP)."
    )
    parser.add_argument("--config", metavar="PATH", type=Path, help="configuration file (TOML)")
    parser.add_argument("--account", metavar="NAME", help="account to open (default: default_account)")
    parser.add_argument(
        "--read-only", action="store_true", help="never change anything on the server (EXAMINE, BODY.PEEK)"
    )
    parser.add_argument(
        "--demo", action="store_true", help="run on an embedded demo server with a generated mailbox"
    )
    parser.add_argument(
        "--log",
        metavar="FILE",
        type=Path,
        help="write a log for bug reports: protocol trace (passwords redacted) and errors",
    )
    parser.add_argument("--version", action="version", version=f"tuimail {__version__}")
    return parser


def demo_clock() -> Callable[[], datetime] | None:
    """The demo mailbox's fixed "now", so dates render the same on any day."""
    try:
        from tuimail.demo import mailbox
    except ImportError:
        return None
    for name in ("DEMO_NOW", "NOW", "BASE_DATE"):
        value = getattr(mailbox, name, None)
        if isinstance(value, datetime):
            return lambda: value
    return None


def start_demo_server() -> Any:
    """Start the pymap demo server in this process, on its own thread; returns it (tests, screenshots)."""
    from tuimail.demo.serving import default_cache_folder, demo_server

    server = demo_server(default_cache_folder())
    server.start_in_thread()
    return server


def start_demo_process() -> DemoServerProcess:
    """Start the demo server in a child process (``tuimail --demo``): it loads the mailbox on
    another CPU while this process imports and draws the UI."""
    from tuimail.demo.server_process import DemoServerProcess

    return DemoServerProcess()


def demo_account(port: int) -> Account:
    return Account(
        name="demo",
        host="127.0.0.1",
        port=port,
        username=DEMO_USER,
        tls="none",
        password=DEMO_PASSWORD,
    )


def _load(args: argparse.Namespace) -> Config:
    if args.config is not None:
        return load_config(args.config)
    return load_config(None)


MINIMAL_CONFIG = """\
[accounts.mail]
host = "imap.example.com"
username = "you@example.com"
password_command = "pass show mail"
"""


def _no_account_message() -> str:
    from tuimail.config import default_config_path

    return (
        f"tuimail: no account is configured: {default_config_path()} does not exist or has none.\n"
        f"Write one like this (or try the demo: tuimail --demo):\n\n{MINIMAL_CONFIG}"
    )


def _first_account(config: Config, name: str | None) -> Account:
    """The account shown first: --account NAME, else default_account, else the first in the file."""
    if name is None and config.default_account is None and len(config.accounts) > 1:
        return next(iter(config.accounts.values()))
    return config.account(name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tuimail`` console script."""
    from tuimail import collector
    from tuimail.glibc_malloc import limit_arenas

    limit_arenas()  # before any thread starts
    collector.pause_while_starting()  # until the first screen is drawn (the app resumes it)
    try:
        return _main(argv)
    finally:
        collector.resume()


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if not args.demo:
        return _configured(args, None)
    # The demo's server starts first, so that it loads while the rest is imported.
    try:
        demo = start_demo_process()
    except OSError as exc:
        print(f"tuimail: error: cannot start the demo server: {exc}", file=sys.stderr)
        return 1
    try:
        return _configured(args, demo)
    finally:
        demo.stop()  # done already when the app ran to its end (stopping twice is nothing)


def _configured(args: argparse.Namespace, demo: DemoServerProcess | None) -> int:
    try:
        config = _load(args)
        if not args.demo and not config.accounts:
            print(_no_account_message(), file=sys.stderr)
            return 2
        account = None if args.demo else _first_account(config, args.account)
    except ConfigError as exc:
        print(f"tuimail: error: {exc}", file=sys.stderr)
        return 2
    for warning in config.warnings:
        print(f"tuimail: warning: {warning}", file=sys.stderr)
    try:
        log = start_logging(args.log or config.log_file)
    except LogFileError as exc:
        print(f"tuimail: error: {exc}", file=sys.stderr)
        return 2
    with log:
        for warning in config.warnings:
            _log.warning("configuration: %s", warning)
        return _run(args, config, account, demo)


def _run(
    args: argparse.Namespace, config: Config, account: Account | None, demo: DemoServerProcess | None
) -> int:
    """Run the app; an error that escapes it is logged and said in one line (exit status 1)."""
    try:
        return _run_app(args, config, account, demo)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback (with its locals) on the terminal
        _log.error("tuimail stopped on an unexpected error", exc_info=exc)
        path = active_log_path()
        details = f"the details are in {path}" if path else "run with --log FILE to record the details"
        what = type(exc).__name__
        print(f"tuimail: error: stopped on an unexpected error ({what}); {details}", file=sys.stderr)
        return 1


def _demo_failed(why: str) -> int:
    print(f"tuimail: error: cannot run the demo: {why}", file=sys.stderr)
    return 1


def _run_app(
    args: argparse.Namespace, config: Config, account: Account | None, demo: DemoServerProcess | None
) -> int:
    first = head = cold = None
    if demo is None and account is not None:
        # Before anything heavy: the last start screen with the newest cached rows (a second start).
        from tuimail.ui import first_paint

        read_only = args.read_only or config.read_only
        first = first_paint.start(config.path, config.theme, account.name, read_only)
        # Then the connection: opened and logged in on the session's thread while the session's
        # modules, Textual and the screens are imported below; with nothing cached for the
        # mailbox shown first, the head start opens it too, as the session would.
        from tuimail.session.head_start import HeadStart

        cache = first_paint.cache_folder() / first_paint.CACHE_FILE_NAME
        painted = first is not None and first.paint is not None
        select = None if painted or first_paint.cache_holds(cache, account.cache_key, "INBOX") else "INBOX"
        if first is not None and not painted:
            # No first paint: the newest rows are drawn as soon as they are known, from the head
            # start's first page or from what the session says, if that is before the app's frame.
            from tuimail.ui.cold_paint import ColdPaint

            cold = ColdPaint.begin(first)
        on_page = cold.see_page if cold is not None else None
        read_only = read_only or account.read_only
        head = HeadStart.begin(account, select=select, read_only=read_only, on_page=on_page)
    try:
        return _run_the_app(args, config, account, demo, first, head, cold)
    finally:
        if head is not None:
            head.close()  # logged out if no session took it (nothing if one did)
        if first is not None:
            first.close()  # the terminal as it was found, whatever happened


def _run_the_app(
    args: argparse.Namespace,
    config: Config,
    account: Account | None,
    demo: DemoServerProcess | None,
    first: StartScreenRun | None,
    head: HeadStart | None,
    cold: ColdPaint | None,
) -> int:
    from tuimail.mail.cache import default_cache_path
    from tuimail.ui.accounts import open_accounts

    clock = None
    if demo is not None:
        if (why := demo.failure()) is not None:
            return _demo_failed(why)
        account = demo_account(demo.port)
        clock = demo_clock()
    assert account is not None
    others = [] if args.demo else [a for a in config.accounts.values() if a is not account]
    read_only = args.read_only or config.read_only
    accounts = open_accounts(
        account,
        others,
        read_only=read_only,
        cache_path=None if args.demo else default_cache_path(),
        head_start=head,
        watch=cold.see if cold is not None else None,
    )
    # The sessions connect, log in and open the mailbox (or draw it from the header cache) on their
    # own threads while Textual and the screens are imported and built below.
    accounts.start()
    if cold is not None:
        from tuimail.ui.first_paint import hold_for_tests

        hold_for_tests(cold.painted)
    try:
        from tuimail.ui.app import TuimailApp

        app = TuimailApp(
            account,
            more_accounts=others,
            read_only=read_only,
            theme=config.theme,
            keymap=config.keymap,
            download_folder=config.download_folder,
            clock=clock,
            warnings=config.warnings,
            bulk_threshold=config.bulk_threshold,
            link_opener=config.link_opener,
            cache_path=None if args.demo else default_cache_path(),
            accounts=accounts,
            start_screen=first,
        )
        if demo is not None:
            # A demo without its server is over: the app ends, and says why below.
            demo.on_failure(lambda why: app.exit(return_code=1))
        app.run()
    finally:
        accounts.stop()  # done already when the app ran to its end (stopping twice is nothing)
    if demo is not None and (why := demo.failure()) is not None:
        return _demo_failed(why)
    return app.return_code or 0
