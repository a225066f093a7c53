"""Pilot tests of the whole app over a real pymap server: navigation, opening, help, errors."""

from __future__ import annotations

import asyncio
import socket

from tests.session.pilot_support import main_screen, until, until_loaded
from tests.session.support import account_for, make_message, pymap_thread, seeded
from tests.ui.support import SIZE, app_on, make_app, one_message
from tuimail.ui.app import TuimailApp
from tuimail.ui.bindings import APP_BINDINGS, MAIN_BINDINGS
from tuimail.ui.screens import ErrorScreen, HelpScreen
from tuimail.ui.widgets import MessageList, StatusBar


async def test_inbox_opens_newest_first_with_counts() -> None:
    async with app_on(seeded(30, unseen_every=3)) as (app, pilot, main):
        assert main.message_list.count == 30
        assert main.message_list.summary_at(0).subject == "Message number 30"
        await until(pilot, lambda: main.unread == 10, what="unread count")
        assert main.total == 30


async def test_navigation_keys_move_the_cursor() -> None:
    async with app_on(seeded(60)) as (app, pilot, main):
        ml = main.message_list
        assert app.focused is ml
        await pilot.press("j", "j", "down")
        assert ml.cursor_row == 3
        await pilot.press("k", "up")
        assert ml.cursor_row == 1
        await pilot.press("G")
        assert ml.cursor_row == 59
        await pilot.press("g")
        assert ml.cursor_row == 0
        await pilot.press("end")
        assert ml.cursor_row == 59
        await pilot.press("home", "pagedown")
        assert ml.cursor_row > 1
        await pilot.press("pageup")
        assert ml.cursor_row == 0
        await pilot.press("G")
        await until(pilot, lambda: ml.summary_at(59) is not None, what="last rows fetched lazily")
        assert ml.summary_at(59).subject == "Message number 1"


async def test_enter_opens_message_and_escape_goes_back() -> None:
    async with app_on(seeded(10)) as (app, pilot, main):
        await pilot.press("j", "enter")
        await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")
        assert main.viewer.rendered.subject == "Message number 9"
        assert "Body of message 9." in main.viewer.rendered.body
        assert main._within(main.viewer)
        await pilot.press("escape")
        assert app.focused is main.message_list
        await until(pilot, lambda: not main.message_list.summary_at(1).unread, what="marked read")


async def test_tab_moves_between_panes() -> None:
    async with app_on(seeded(3)) as (app, pilot, main):
        await pilot.press("tab")
        assert main._within(main.viewer)
        await pilot.press("tab")
        assert app.focused is main.mailbox_tree
        await pilot.press("tab")
        assert app.focused is main.message_list
        await pilot.press("shift+tab")
        assert app.focused is main.mailbox_tree


async def test_a_change_of_focus_redraws_the_panes_it_concerns_not_the_whole_screen() -> None:
    """Textual's Screen repaints itself whole at every change of focus; MainScreen does not
    (issue 9), and the panes still show which has the focus (the list's cursor row)."""
    async with app_on(seeded(3)) as (app, pilot, main):
        await pilot.pause()
        compositor = app.screen._compositor
        whole = 0
        render_full_update = compositor.render_full_update

        def counting(*args: object, **kwargs: object) -> object:
            nonlocal whole
            whole += 1
            return render_full_update(*args, **kwargs)  # type: ignore[arg-type]

        compositor.render_full_update = counting  # type: ignore[method-assign]
        row = main.message_list.region.y + 1  # the cursor row, below the header
        focused_row = compositor.render_strips()[row]
        await pilot.press("tab", "tab")
        await until(pilot, lambda: app.focused is main.mailbox_tree, what="the tree focused")
        await pilot.pause()
        assert compositor.render_strips()[row] != focused_row  # the cursor row without the focus
        await pilot.press("tab")
        await pilot.pause()
        assert compositor.render_strips()[row] == focused_row
        assert whole == 0


async def test_choosing_a_mailbox_in_the_tree_opens_it() -> None:
    async with app_on(seeded(5)) as (app, pilot, main):
        main.mailbox_tree.focus()
        main.mailbox_tree.select_mailbox("Archive")
        await pilot.press("enter")
        await until(pilot, lambda: main.mailbox == "Archive", what="Archive open")
        await until(pilot, lambda: main.message_list.summary_at(0) is not None, what="Archive rows")
        assert main.message_list.count == 3
        assert app.focused is main.message_list


async def test_help_screen_lists_every_binding_and_closes() -> None:
    async with app_on(seeded(3)) as (app, pilot, _main):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = {(row.binding_id, row.keys) for row in app.screen.rows}
        for binding in [*APP_BINDINGS, *MAIN_BINDINGS, *MessageList.BINDINGS]:
            assert any(binding_id == binding.id for binding_id, _ in shown)  # type: ignore[union-attr]
        assert ("message_list.cursor_down", "j, Down") in shown
        assert ("app.help", "?") in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_read_only_app_refuses_changes_and_says_why() -> None:
    async with app_on(seeded(5, unseen_every=1), read_only=True) as (app, pilot, main):
        await pilot.press("enter")
        await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")
        await pilot.press("escape")
        for key in ("r", "f", "d", "a", "m", "c", "u"):
            await pilot.press(key)
        await until(pilot, lambda: len(app._notifications) >= 6, what="six refusals")
        messages = [n.message for n in app._notifications]
        assert all("read-only" in text for text in messages)
        assert main.message_list.summary_at(0).unread  # opening did not mark it read
        assert main.message_list.count == 5


async def test_keymap_from_config_remaps_a_binding() -> None:
    async with app_on(seeded(3), keymap={"message.toggle_flag": "x"}) as (app, pilot, main):
        assert not main.message_list.summary_at(0).flagged
        await pilot.press("f")  # no longer bound
        await pilot.press("x")
        await until(pilot, lambda: main.message_list.summary_at(0).flagged, what="flagged with x")


async def test_control_characters_never_reach_the_screen() -> None:
    hostile = "[b]x[/b] \x1b]0;pwn\x07 \u202eevil\u202c"
    async with app_on(one_message(hostile)) as (app, pilot, main):
        await pilot.press("enter")
        await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")
        await pilot.pause()
        row = "".join(segment.text for y in range(3) for segment in main.message_list.render_line(y))
        assert "[b]x[/b]" in row
        screen = app.export_screenshot()
        assert "\x1b" not in screen and "\u202e" not in screen
        for text in [row, main.viewer.rendered.subject]:
            assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u202c" for c in text)


async def test_markup_like_subject_is_shown_literally() -> None:
    hostile = "[bold red]URGENT[/] [@click=app.quit]click[/]"
    async with app_on(one_message(hostile)) as (app, pilot, main):
        assert main.message_list.summary_at(0).subject == hostile
        await pilot.press("enter")
        await until(pilot, lambda: main.viewer.rendered is not None, what="message shown")
        assert main.viewer.rendered.subject == hostile
        assert app.is_running


async def test_wrong_password_shows_error_screen_with_retry_and_quit() -> None:
    with pymap_thread(seeded(1)) as server:
        app = TuimailApp(account_for(server.port, password="wrong"), theme_dirs=[])
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ErrorScreen), what="error screen")
            screen = app.screen
            assert isinstance(screen, ErrorScreen)
            assert "Login failed" in screen.title_text
            await pilot.press("r")
            await until(
                pilot, lambda: isinstance(app.screen, ErrorScreen) and app.screen is not screen, what="again"
            )
            await pilot.press("q")
            await until(pilot, lambda: not app.is_running, what="app quit")
    assert app.return_code == 1  # a failed login is not a clean exit


async def test_unreachable_host_says_so_and_when_it_tries_again() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = TuimailApp(account_for(port), theme_dirs=[])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: main_screen(app).connection == "offline", what="offline")
        status = str(main_screen(app).query_one(StatusBar).status_text())
        assert "offline: Cannot reach the server" in status and "next try in" in status
        await until(pilot, lambda: app._notifications, what="a notification")
        assert any("Trying again" in n.message for n in app._notifications)
        assert not isinstance(app.screen, ErrorScreen)  # nothing the user must answer


async def test_command_palette_opens_with_ctrl_p_and_switches_mailbox_and_theme() -> None:
    from textual.command import CommandList, CommandPalette

    async with app_on(seeded(3)) as (app, pilot, main):
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Open mailbox: Archive")
        await until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, what="hits")
        await pilot.press("enter")
        await until(pilot, lambda: main.mailbox == "Archive", what="Archive open")
        await until(pilot, lambda: app.screen is main, what="palette closed")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette on ctrl+p")
        await pilot.press(*"Theme: tuimail-light")
        await until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, what="hits")
        await pilot.press("enter")
        await until(pilot, lambda: app.theme == "tuimail-light", what="theme switched")


async def test_lost_connection_is_reported_and_the_app_reconnects() -> None:
    from tests.session.support import PASSWORD, USER
    from tuimail.demo.server import PymapServer

    boxes = seeded(4)
    first = PymapServer({USER: PASSWORD}, {USER: boxes})
    first.start_in_thread()
    second = None
    try:
        app = make_app(first.port)
        async with app.run_test(size=SIZE) as pilot:
            main = await until_loaded(pilot, app)
            generation = main.generation
            first.stop_thread()
            second = PymapServer({USER: PASSWORD}, {USER: boxes}, port=first.port)
            second.start_in_thread()
            await until(pilot, lambda: main.generation > generation, what="reconnected and reselected")
            assert main.connection == "connected" and main.mailbox == "INBOX"
            assert any("Lost the connection" in n.message for n in app._notifications)
            await until(pilot, lambda: main.message_list.summary_at(0) is not None, what="rows again")
            assert main.message_list.count == 4 and not isinstance(app.screen, ErrorScreen)
    finally:
        first.stop_thread()
        if second is not None:
            second.stop_thread()


async def test_server_text_in_notifications_is_never_markup() -> None:
    from tuimail.session import messages as sm

    async with app_on(seeded(1)) as (app, pilot, main):
        hostile = "NO [@click=app.quit]quit[/] \x1b[2J"
        main.post_message(sm.Notice(hostile, "error"))
        main.post_message(sm.ActionFailed("[b]t[/b]", hostile))
        await until(pilot, lambda: len(app._notifications) >= 2, what="two notifications")
        for note in app._notifications:
            assert note.markup is False
            assert "[@click=app.quit]quit[/]" in note.message and "\x1b" not in note.message
        assert app.is_running


async def test_new_mail_keeps_the_cursor_on_the_same_message_and_toggles_the_right_row() -> None:
    from tests.session.support import other_connection

    async with app_on(seeded(5, unseen_every=1)) as (app, pilot, main):
        await pilot.press("j")
        chosen = main.message_list.summary_at(1)
        assert chosen is not None and chosen.unread

        def append() -> None:
            client = other_connection("127.0.0.1", app.account.port)
            client.append("INBOX", make_message(50, "Brand new"))
            client.logout()

        await pilot.pause()
        await asyncio.to_thread(append)
        await until(pilot, lambda: main.total == 6, what="new mail counted")
        await until(pilot, lambda: main.message_list.summary_at(0) is not None, what="rows reloaded")
        await until(pilot, lambda: main.message_list.summary_at(2) is not None, what="rows reloaded")
        assert main.message_list.cursor_row == 2
        assert main.message_list.summary_at(2).uid == chosen.uid
        await pilot.press("r")
        await until(pilot, lambda: not main.message_list.summary_at(2).unread, what="row 2 read")
        assert main.message_list.summary_at(1).unread and main.message_list.summary_at(0).unread


async def test_j_and_k_in_the_viewer_read_the_next_and_previous_message_and_the_list_follows() -> None:
    async with app_on(seeded(4)) as (app, pilot, main):
        await pilot.press("enter")
        await until(pilot, lambda: main.viewer.rendered is not None, what="first message")
        assert main._within(main.viewer)
        await pilot.press("J")
        await until(
            pilot,
            lambda: main.viewer.rendered is not None and main.viewer.rendered.subject == "Message number 3",
            what="the next one",
        )
        assert main.message_list.cursor_row == 1 and main._within(main.viewer)
        await pilot.press("K")
        await until(
            pilot,
            lambda: main.viewer.rendered is not None and main.viewer.rendered.subject == "Message number 4",
            what="back",
        )
        assert main.message_list.cursor_row == 0


async def test_ctrl_d_and_ctrl_u_move_half_a_page_in_the_list() -> None:
    async with app_on(seeded(60)) as (app, pilot, main):
        ml = main.message_list
        half = max((ml.scrollable_content_region.height - 1) // 2, 1)
        await pilot.press("ctrl+d")
        assert ml.cursor_row == half
        await pilot.press("ctrl+u")
        assert ml.cursor_row == 0


async def test_an_unknown_binding_id_in_the_keymap_is_said_with_the_closest_one() -> None:
    async with app_on(seeded(1), keymap={"message.delte": "x"}) as (app, pilot, main):
        texts = [n.message for n in app._notifications]
        said = "no binding has the id 'message.delte'; did you mean 'message.delete'?"
        assert any(said in t for t in texts)
