"""The account info screen (palette: "Account info"): server strings shown literally and
sanitised, never as markup; Escape and q close it (issue 10, "Seeing what happened")."""

from __future__ import annotations

import io

from rich.console import Console
from textual.command import CommandPalette

from tests.servers.rewriting_proxy import rewriting_proxy
from tests.session.pilot_support import until, until_loaded
from tests.session.support import pymap_thread, seeded
from tests.ui.support import SIZE, make_app, screen_text
from tuimail.ui.screens.account_info import AccountInfoScreen

#: A greeting with markup, an OSC 8 hyperlink and a bidi override.
HOSTILE_GREETING = (
    b"* OK Welcome to [b]Evil[/b] \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \xe2\x80\xaeready\r\n"
)


def content_text(screen: AccountInfoScreen) -> str:
    console = Console(width=110, file=io.StringIO(), record=True, color_system=None)
    console.print(screen.facts())
    console.print(screen.capabilities())
    return console.export_text()


async def test_palette_opens_account_info_with_server_text_shown_literally_and_keys_close_it() -> None:
    with pymap_thread(seeded(3)) as server:
        async with rewriting_proxy(server.port, greeting=HOSTILE_GREETING) as proxy:
            app = make_app(proxy.port)
            async with app.run_test(size=SIZE) as pilot:
                await until_loaded(pilot, app)
                for close in ("escape", "q"):
                    await pilot.press("ctrl+p")
                    assert isinstance(app.screen, CommandPalette)
                    await pilot.press(*"Account info")
                    await pilot.pause(0.3)
                    await pilot.press("enter")
                    await until(pilot, lambda: isinstance(app.screen, AccountInfoScreen), what="the screen")
                    screen = app.screen
                    assert isinstance(screen, AccountInfoScreen)
                    await until(pilot, lambda: "Account info" in screen_text(app), what="drawn")
                    drawn = screen_text(app)
                    assert "[b]Evil[/b]" in drawn
                    text = content_text(screen)
                    assert "\x1b" not in drawn + text and "\u202e" not in drawn + text
                    assert "OK Welcome to [b]Evil[/b] ␛]8;;https://evil.example" in text
                    assert "<U+202E>ready" in text
                    assert "none: plaintext" in text and "not in use" in text
                    assert "the server answered ID with NIL" in text
                    assert any(
                        line.split()[:4] == ["MOVE", "yes", "yes", "moving"] for line in text.splitlines()
                    )
                    await pilot.press(close)
                    await until(pilot, lambda: not isinstance(app.screen, AccountInfoScreen), what="closed")
                    assert app.screen is app.main_screen
