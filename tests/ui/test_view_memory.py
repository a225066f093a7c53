"""Each mailbox's sort (or threads) is remembered, in the app and across runs."""

from __future__ import annotations

from pathlib import Path

from tests.session.pilot_support import until
from tests.session.support import seeded
from tests.ui.support import app_on
from tuimail.ui.view_memory import ViewMemory


def test_the_memory_file_keeps_each_mailboxs_view_and_survives_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "state" / "views.json"
    memory = ViewMemory(path)
    memory.set("work", "INBOX", {"sort": ["REVERSE", "SIZE"]})
    memory.set("work", "Lists", {"threads": True})
    assert ViewMemory(path).get("work", "INBOX") == {"sort": ["REVERSE", "SIZE"]}
    memory.set("work", "INBOX", None)
    assert ViewMemory(path).get("work", "INBOX") == {} and ViewMemory(path).get("work", "Lists")
    path.write_text("{not json")
    assert ViewMemory(path).get("work", "Lists") == {}  # a warning, never a failure


async def test_a_mailbox_opens_again_in_the_order_it_was_left_in() -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        await pilot.press("colon", *"sort -r size", "enter")
        await until(pilot, lambda: main.listing is not None and main.listing.kind == "sort", what="sorted")
        main.session.open_mailbox("Archive")
        await until(pilot, lambda: main.mailbox == "Archive", what="Archive")
        assert main.listing is None
        main.session.open_mailbox("INBOX")
        await until(
            pilot, lambda: main.mailbox == "INBOX" and main.listing is not None, what="INBOX sorted again"
        )
        assert main.listing.sort == ("REVERSE", "SIZE")
        await pilot.press("escape")
        assert main.memory.get(main.account_name, "INBOX") == {}
