"""ConfirmDialog: says what a bulk or destructive action will do, with the count; asks (issue 8)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.session.support import seeded
from tests.ui.dialog_harness import showing
from tests.ui.support import app_on
from tuimail.ui.bindings import active_bindings
from tuimail.ui.screens.confirm import ConfirmButton, ConfirmDialog, copying, deleting_for_good, moving


def test_the_sentences_say_the_count_and_what_will_happen() -> None:
    assert moving(312, "Archive") == "312 messages will move to Archive"
    assert moving(1, "Archive/2026") == "1 message will move to Archive/2026"
    assert moving(1312, "Trash") == "1,312 messages will move to Trash"
    assert copying(2, "Projects") == "2 messages will be copied to Projects"
    assert deleting_for_good(3) == "3 messages will be deleted for good: this cannot be undone"
    assert deleting_for_good(1) == "1 message will be deleted for good: this cannot be undone"


def test_a_mailbox_name_in_a_sentence_is_sanitised() -> None:
    sentence = moving(2, "\x1b]0;owned\x07Arch\u202eive")
    assert "\x1b" not in sentence and "\x07" not in sentence and "\u202e" not in sentence
    assert sentence.startswith("2 messages will move to ")


def text_of(dialog: ConfirmDialog) -> str:
    return str(dialog.query_one("#confirm-text", Static).render())


@pytest.mark.parametrize("key", ["enter", "y"])
async def test_enter_or_y_confirms(key: str) -> None:
    dialog = ConfirmDialog(moving(312, "Archive"))
    async with showing(dialog) as (app, pilot):
        assert text_of(dialog) == "312 messages will move to Archive"
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [True]


@pytest.mark.parametrize("key", ["escape", "n"])
async def test_escape_or_n_cancels(key: str) -> None:
    dialog = ConfirmDialog(deleting_for_good(3), title="Delete for good?", destructive=True)
    async with showing(dialog) as (app, pilot):
        assert text_of(dialog) == "3 messages will be deleted for good: this cannot be undone"
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [False]


async def test_other_keys_do_nothing_and_the_question_stays() -> None:
    dialog = ConfirmDialog(moving(312, "Archive"))
    async with showing(dialog) as (app, pilot):
        await pilot.press("d", "a", "q", "space", "tab", "j")
        await pilot.pause()
        assert app.results == []
        assert app.screen is dialog
        await pilot.press("n")
        await pilot.pause()
        assert app.results == [False]


@pytest.mark.parametrize(("button", "answer"), [("#confirm-yes", True), ("#confirm-no", False)])
async def test_the_buttons_answer_with_the_mouse_and_never_take_the_focus(button: str, answer: bool) -> None:
    dialog = ConfirmDialog(moving(25, "Archive"))
    async with showing(dialog) as (app, pilot):
        assert app.focused is None  # so Enter is always "yes", whatever was clicked or tabbed
        await pilot.click(button)
        await pilot.pause()
        assert app.results == [answer]


async def test_the_dialog_fits_a_40x12_terminal_with_both_answers_visible() -> None:
    dialog = ConfirmDialog(deleting_for_good(3), title="Delete for good?", destructive=True)
    async with showing(dialog, size=(40, 12)) as (app, pilot):
        for button in dialog.query(ConfirmButton):
            assert button.region.width > 0 and button.region.right <= 40 and button.region.bottom <= 12
        assert "cannot be undone" in text_of(dialog)


def test_every_key_of_the_dialog_has_an_id() -> None:
    bindings = active_bindings(ConfirmDialog)
    assert {b.id for b in bindings} >= {"confirm.yes", "confirm.no"}
    assert all(b.id for b in bindings)
    assert active_bindings(ConfirmButton) == []


async def test_over_the_main_screen_the_apps_keys_do_not_reach_through_and_escape_changes_nothing() -> None:
    async with app_on(seeded(3)) as (app, pilot, main):
        answers: list[bool | None] = []
        app.push_screen(ConfirmDialog(moving(3, "Archive")), answers.append)
        await pilot.pause()
        await pilot.press("d", "a", "q", "question_mark", "colon")  # delete, archive, quit, help, palette
        await pilot.pause(0.3)
        assert app.is_running and isinstance(app.screen, ConfirmDialog) and answers == []
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert answers == [False] and app.screen is main
        assert main.total == 3 and all(main.message_list.summary_at(r) is not None for r in range(3))
        assert not any("Trash" in n.message or "Archive" in n.message for n in app._notifications)
