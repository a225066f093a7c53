"""The first screen imports only what it needs (the app's CPU before its first frame is the demo's
whole start, issue 11): the message viewer's MIME and HTML rendering, the query language, client
sorting and threading, the header cache (none in the demo), SASL, the dialogs, the help and the
other screens are imported when first used, and then work."""

from __future__ import annotations

import subprocess
import sys
import textwrap

#: Imported on first use only; none of them before (or for) the first screen.
LAZY = [
    "tuimail.mail.cache.header_cache",
    "tuimail.mail.html_text",
    "tuimail.mail.message_parts",
    "tuimail.mail.query",
    "tuimail.mail.render",
    "tuimail.mail.sorting",
    "tuimail.mail.threads",
    "tuimail.imap.extension_types",
    "tuimail.imap.sasl",
    "tuimail.session.account_info",
    "tuimail.session.replies",
    "tuimail.ui.binding_catalogue",
    "tuimail.ui.line_commands",
    "tuimail.ui.screens.account_info",
    "tuimail.ui.screens.confirm",
    "tuimail.ui.screens.dialogs",
    "tuimail.ui.screens.error",
    "tuimail.ui.screens.help",
    "tuimail.ui.screens.thread_layout",
]


def run(script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_command_s_imports_leave_the_lazy_modules_unimported() -> None:
    out = run(
        f"""
        import sys
        import tuimail.cli, tuimail.mail.cache, tuimail.ui.accounts, tuimail.ui.app
        print([name for name in {LAZY!r} if name in sys.modules])
        """
    )
    assert out == "[]"


def test_the_first_screen_needs_none_of_them_and_each_works_once_asked_for() -> None:
    """The app over pymap, to its first rows; then the help, a dialog and a ``:`` command."""
    out = run(
        f"""
        import asyncio, re, sys
        from tests.session.pilot_support import until_loaded
        from tests.session.support import pymap_thread, seeded
        from tests.ui.support import SIZE, make_app
        from tuimail.imap import fetch_fast

        async def main():
            with pymap_thread(seeded(5)) as server:
                app = make_app(server.port)
                async with app.run_test(size=SIZE) as pilot:
                    await until_loaded(pilot, app)
                    before = [name for name in {LAZY!r} if name in sys.modules]
                    # the whole-structure patterns: a connection's first FETCHes do without them
                    before += [name for name, value in vars(fetch_fast).items()
                               if isinstance(value, re.Pattern) and len(value.pattern) > 400]
                    await pilot.press("question_mark")
                    await pilot.pause()
                    helped = type(app.screen).__name__
                    await pilot.press("escape", "m")
                    await pilot.pause()
                    picker = type(app.screen).__name__
                    await pilot.press("escape", "colon", *"sort date", "enter")
                    for _ in range(200):
                        await pilot.pause(0.02)
                        if app.screen.listing is not None:
                            break
                    print(before, helped, picker, app.screen.listing.kind)

        asyncio.run(main())
        """
    )
    assert out == "[] HelpScreen FolderPicker sort"
