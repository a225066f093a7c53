"""An [ALERT] in the greeting reaches the user as a warning, sanitised (RFC 9051 §7.1; issue 10, item 8)."""

from __future__ import annotations

from tests.servers.rewriting_proxy import rewriting_proxy
from tests.session.pilot_support import until, until_loaded
from tests.session.support import pymap_thread, seeded
from tests.ui.support import SIZE, make_app

GREETING = b"* OK [ALERT] [b]Password expires[/b] in 3 days \x1b[2J\xe2\x80\xae!\r\n"


async def test_a_greeting_alert_is_a_warning_shown_literally_and_sanitised() -> None:
    with pymap_thread(seeded(2)) as server:
        async with rewriting_proxy(server.port, greeting=GREETING) as proxy:
            app = make_app(proxy.port)
            async with app.run_test(size=SIZE) as pilot:
                await until_loaded(pilot, app)
                await until(
                    pilot, lambda: any("Server alert" in n.message for n in app._notifications), what="shown"
                )
                (note,) = [n for n in app._notifications if "Server alert" in n.message]
                assert note.severity == "warning" and not note.markup
                assert note.message == "Server alert: [b]Password expires[/b] in 3 days ␛[2J<U+202E>!"
