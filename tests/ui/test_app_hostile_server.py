"""The app against a hostile server (scripted): numbers it states and dates it sends never
crash it or make it allocate what they say; it stays running and says what is wrong."""

from __future__ import annotations

from tests.imap.scripted_server import Peer, scripted_server
from tests.session.pilot_support import main_screen, until
from tests.session.test_session_faults import FETCH_LINE, one_inbox_server
from tests.ui.support import SIZE, make_app


async def test_a_server_stating_four_billion_messages_is_said_and_nothing_is_allocated() -> None:
    async def huge_select(peer: Peer, tag: bytes, rest: bytes) -> None:
        peer.send(
            b"* 4000000000 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n" + tag + b" OK [READ-WRITE] selected\r\n"
        )

    async with scripted_server(one_inbox_server(lambda n: {b"SELECT": huge_select})) as server:
        app = make_app(server.port)
        async with app.run_test(size=SIZE) as pilot:
            await until(
                pilot, lambda: any("4,000,000,000" in n.message for n in app._notifications), what="said"
            )
            assert app.is_running
            assert main_screen(app).message_list.count == 0


async def test_a_date_at_the_end_of_time_is_shown_not_a_crash() -> None:
    line = FETCH_LINE.replace(b'"01-Mar-2024 09:00:00 +0000"', b'"31-Dec-9999 23:59:59 -1400"')

    async def far_fetch(peer: Peer, tag: bytes, rest: bytes) -> None:
        peer.send(line + tag + b" OK FETCH done\r\n")

    async with scripted_server(one_inbox_server(lambda n: {b"FETCH": far_fetch})) as server:
        app = make_app(server.port)
        async with app.run_test(size=SIZE) as pilot:
            main = main_screen(app)
            await until(pilot, lambda: main.message_list.summary_at(0) is not None, what="the row")
            await pilot.pause()
            text = "".join(strip.text for strip in app.screen._compositor.render_strips())
            assert "Hello" in text and app.is_running


async def test_a_search_answering_every_uid_there_is_is_not_expanded() -> None:
    async def everything(peer: Peer, tag: bytes, rest: bytes) -> None:
        peer.send(b'* ESEARCH (TAG "' + tag + b'") UID ALL 1:4294967295\r\n' + tag + b" OK done\r\n")

    script = one_inbox_server(
        lambda n: {b"UID SEARCH": everything}, capabilities=b"IMAP4rev1 IDLE UIDPLUS ESEARCH"
    )
    async with scripted_server(script) as server:
        app = make_app(server.port)
        async with app.run_test(size=SIZE) as pilot:
            main = main_screen(app)
            await until(pilot, lambda: main.message_list.summary_at(0) is not None, what="the row")
            await pilot.pause(0.5)
            assert app.is_running and main.total == 1 and main.unread is None  # unknown, not 4 billion
