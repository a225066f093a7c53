"""Generate ``screenshots/*.svg``: the main screens on the demo mailbox, in several themes.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--theme NAME ...]

Starts the embedded demo server (as ``tuimail --demo`` does), drives the
real app headless with Textual's Pilot at 120x40, and saves one SVG per
screen and theme; in the first theme also the small terminals (the inbox at
80x24 with the move picker filtering, a message at 60x20).  Dates use the
demo's fixed clock, so the output does not depend on the day it is run.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from tuimail.cli import demo_account, demo_clock, start_demo_server
from tuimail.ui.app import TuimailApp
from tuimail.ui.screens.main import MainScreen

SIZE = (120, 40)
DEFAULT_THEMES = ["tuimail-dark", "tuimail-light", "tuimail-solarized"]


async def until(pilot: Pilot[None], condition: Callable[[], object], what: str, tries: int = 1500) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise SystemExit(f"screenshots: gave up waiting for {what}")


async def loaded(pilot: Pilot[None], app: TuimailApp) -> MainScreen:
    """Wait for INBOX, its counts and its visible rows."""
    await until(pilot, lambda: app.main_screen is not None, "the main screen")
    main = app.main_screen
    assert main is not None
    await until(pilot, lambda: main.mailbox == "INBOX" and main.mailboxes, "INBOX")
    await until(pilot, lambda: main.message_list.summary_at(0) is not None, "the first rows")
    await until(pilot, lambda: main.unread is not None, "the counts")
    visible = max(0, min(main.total or 0, main.message_list.size.height) - 1)
    await until(pilot, lambda: main.message_list.summary_at(visible) is not None, "the visible rows")
    await pilot.pause()
    return main


def saver(app: TuimailApp, theme: str, out: Path, saved: list[Path]) -> Callable[[str], None]:
    def save(name: str) -> None:
        path = out / f"{name}-{theme}.svg"
        app.save_screenshot(filename=path.name, path=str(out))
        saved.append(path)

    return save


async def shoot(port: int, theme: str, out: Path) -> list[Path]:
    saved: list[Path] = []
    app = TuimailApp(demo_account(port), theme=theme, clock=demo_clock(), theme_dirs=[])
    async with app.run_test(size=SIZE) as pilot:
        main = await loaded(pilot, app)
        save = saver(app, theme, out, saved)
        save("inbox")
        await pilot.press("j", "j", "enter")
        await until(pilot, lambda: main.viewer.rendered is not None, "the open message")
        await pilot.pause()
        save("message")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        save("help")
    return saved


async def shoot_small(port: int, theme: str, out: Path) -> list[Path]:
    saved: list[Path] = []
    app = TuimailApp(demo_account(port), theme=theme, clock=demo_clock(), theme_dirs=[])
    async with app.run_test(size=(80, 24)) as pilot:
        main = await loaded(pilot, app)
        save = saver(app, theme, out, saved)
        save("inbox-80x24")
        await pilot.press("m", "a", "r")
        await pilot.pause()
        save("move-picker-80x24")
        await pilot.press("escape")
        await pilot.resize_terminal(60, 20)
        await pilot.press("j", "j", "enter")
        await until(pilot, lambda: main.viewer.rendered is not None, "the open message")
        await pilot.pause()
        save("message-60x20")
    return saved


async def run(out: Path, themes: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    server = start_demo_server()
    try:
        for theme in themes:
            for path in await shoot(server.port, theme, out):
                print(path)
        for path in await shoot_small(server.port, themes[0], out):
            print(path)
    finally:
        server.stop_thread()


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "screenshots")
    parser.add_argument("--theme", action="append", dest="themes", help="theme name (repeatable)")
    args = parser.parse_args()
    asyncio.run(run(args.out, args.themes or DEFAULT_THEMES))


if __name__ == "__main__":
    main()
