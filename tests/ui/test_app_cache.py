"""The header cache in the app: used when the app is given a path, cleared from the palette."""

from __future__ import annotations

from pathlib import Path

from tests.session.pilot_support import until, until_loaded
from tests.session.support import pymap_thread, seeded
from tests.ui.support import SIZE, make_app


async def test_the_cache_fills_and_the_palette_command_clears_it(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "headers.sqlite3"
    with pymap_thread(seeded(5)) as server:
        app = make_app(server.port, cache_path=path)
        async with app.run_test(size=SIZE) as pilot:
            await until_loaded(pilot, app)
            assert app.cache is not None and app.cache.flush(5)
            state = app.cache.state(app.session.account_key, "INBOX")
            assert state is not None
            assert app.cache.mailbox(app.session.account_key, "INBOX", state.uidvalidity).count() == 5
            await app.run_action("app.clear_cache")
            await until(
                pilot,
                lambda: any("Header cache cleared" in n.message for n in app._notifications),
                what="said",
            )
            assert app.cache.state(app.session.account_key, "INBOX") is None
    assert (tmp_path / "cache" / "offline-queue.sqlite3").exists()
