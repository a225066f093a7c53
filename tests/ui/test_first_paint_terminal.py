"""The first paint end to end: the ``tuimail`` command in tmux (120x40) against pymap.

A first start saves the start screen; the second draws it from the header cache before Textual is
imported (``TUIMAIL_FIRST_PAINT_HOLD`` keeps the command waiting after the first paint, so the
test can look at it alone), then the app's own frame replaces it: the rows must be the same,
colours included, and a key typed during the first paint must be acted on by the app.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.session.support import BASE, PASSWORD, USER, make_message, pymap_thread, seeded
from tuimail.ui import cold_paint
from tuimail.ui import first_paint as fp

WIDTH, HEIGHT = 120, 40
HOSTILE = "Hi \x1b[2J\x1b[31m \u202eevil"

if shutil.which("tmux") is None:
    if os.environ.get("TUIMAIL_REQUIRE_TMUX"):
        pytest.fail("tmux is required (TUIMAIL_REQUIRE_TMUX is set)", pytrace=False)
    pytest.skip("tmux is not installed", allow_module_level=True)


_SGR_OR_CHAR = re.compile(r"\x1b\[([0-9;]*)m|(.)", re.DOTALL)


def tmux_cells(line: str) -> list[tuple[str, tuple[object, ...]]]:
    """One line of ``capture-pane -e`` as cells: (character, (foreground, background, attributes));
    tmux writes only the SGR changes from one cell to the next, so they are accumulated."""
    fg: object = None
    bg: object = None
    attrs: set[int] = set()
    cells: list[tuple[str, tuple[object, ...]]] = []
    for match in _SGR_OR_CHAR.finditer(line):
        params, char = match.groups()
        if char is not None:
            cells.append((char, (fg, bg, frozenset(attrs))))
            if cell_len(char) == 2:
                cells.append(("", (fg, bg, frozenset(attrs))))
            continue
        numbers = [int(n) if n else 0 for n in params.split(";")]
        i = 0
        while i < len(numbers):
            n = numbers[i]
            if n == 0:
                fg, bg, attrs = None, None, set()
            elif n in (38, 48):
                size = 3 if numbers[i + 1] == 5 else 5
                colour = tuple(numbers[i + 1 : i + size])
                fg, bg = (colour, bg) if n == 38 else (fg, colour)
                i += size - 1
            elif n == 39:
                fg = None
            elif n == 49:
                bg = None
            elif 30 <= n <= 37 or 90 <= n <= 97:
                fg = n
            elif 40 <= n <= 47 or 100 <= n <= 107:
                bg = n
            elif 1 <= n <= 9:
                attrs.add(n)
            elif 21 <= n <= 29:
                attrs.discard(n - 20)
                if n == 22:
                    attrs.discard(2)
            i += 1
    return cells


class Tmux:
    """A private tmux server; each program in a detached session of WIDTH x HEIGHT."""

    def __init__(self) -> None:
        self.socket = f"tuimail-test-{os.getpid()}-{id(self)}"
        self.run("-f", "/dev/null", "new-session", "-d", "-s", "keeper", "-x", str(WIDTH), "-y", str(HEIGHT),
                 "sleep 100000")
        self.run("set-option", "-g", "remain-on-exit", "on")
        self.count = 0

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, argv: list[str], env: dict[str, str], *, record: Path | None = None) -> str:
        """Start ``argv``; with ``record``, everything it writes to the terminal goes to that file
        too (the program starts a moment later, once the recording runs)."""
        self.count += 1
        name = f"p{self.count}"
        program = " ".join(argv)
        if record is not None:
            program = f"sh -c 'sleep 0.5; exec {program}'"
        command = " ".join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), program])
        self.run("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT), command)
        if record is not None:
            self.run("pipe-pane", "-o", "-t", name, f"cat >> {record}")
        return name

    def screen(self, name: str, *, colours: bool = False) -> list[str]:
        args = ["capture-pane", "-p", "-t", name] + (["-e"] if colours else [])
        return self.run(*args).split("\n")[:HEIGHT]

    def dead(self, name: str) -> bool:
        return self.run("display-message", "-p", "-t", name, "#{pane_dead}").strip() == "1"

    def wait(self, name: str, condition: Callable[[str], bool], what: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = "\n".join(self.screen(name))
            if condition(text):
                return text
            assert not self.dead(name), f"exited before {what}:\n{text}"
            assert time.monotonic() < deadline, f"no {what} within {timeout} s:\n{text}"
            time.sleep(0.02)

    def quit(self, name: str) -> None:
        self.run("send-keys", "-t", name, "q")
        deadline = time.monotonic() + 20
        while not self.dead(name) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.dead(name), "did not quit on q"
        self.run("kill-session", "-t", name)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def command(tmp_path: Path) -> Iterator[tuple[list[str], dict[str, str], Path]]:
    """The command (its argv and environment) against a seeded pymap, and the template's path."""
    mailboxes = seeded(60)
    mailboxes["INBOX"].append((make_message(61, HOSTILE), [], BASE + timedelta(hours=61)))
    with pymap_thread(mailboxes) as server:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[accounts.t]\nhost = "127.0.0.1"\nport = {server.port}\nusername = "{USER}"\ntls = "none"\n'
            f'password_command = "echo {PASSWORD}"\n'
        )
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "TERM": "tmux-256color",
            "LANG": "C.UTF-8",
        }
        argv = [sys.executable, "-m", "tuimail", "--config", str(config)]
        yield argv, env, tmp_path / "cache" / "tuimail" / fp.TEMPLATE_NAME


def _newest_shown(text: str) -> bool:
    return "Message number 60" in text


def _whole_paint(saved: fp.StartScreen) -> Callable[[str], bool]:
    """The screen shows the newest rows and the template's last line: the first paint is
    written whole (a capture can come while its lines are still being written)."""
    last = re.sub(r"\x1b\[[0-9;]*m", "", saved.lines[-1]).rstrip()[-12:]
    assert last.strip(), "the template's last line is blank"

    def shown(text: str) -> bool:
        return _newest_shown(text) and last in text.split("\n")[HEIGHT - 1]

    return shown


def first_start(tmux: Tmux, argv: list[str], env: dict[str, str], template: Path) -> fp.StartScreen:
    """Start cold, until the start screen is saved; quit."""
    name = tmux.start(argv, env)
    tmux.wait(name, _newest_shown, "the newest rows")
    deadline = time.monotonic() + 30
    while not template.exists():
        assert time.monotonic() < deadline, "no start screen saved"
        time.sleep(0.05)
    tmux.quit(name)
    return fp.load_template(template)


def test_the_first_paint_shows_the_rows_the_app_then_draws(
    tmux: Tmux, command: tuple[list[str], dict[str, str], Path], tmp_path: Path
) -> None:
    argv, env, template = command
    saved = first_start(tmux, argv, env, template)
    assert (saved.width, saved.height) == (WIDTH, HEIGHT)
    before = template.stat().st_mtime_ns
    output = tmp_path / "output.bin"
    name = tmux.start(argv, {**env, fp.HOLD_ENV: "4"}, record=output)
    started = time.monotonic()
    tmux.wait(name, _whole_paint(saved), "the first paint")
    painted_text, painted = tmux.screen(name), tmux.screen(name, colours=True)
    assert time.monotonic() - started < 4, "not the first paint: the hold is over"
    assert template.stat().st_mtime_ns == before
    # The app draws, and saves its start screen again a second after its first frame.
    deadline = time.monotonic() + 60
    while template.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, "the app never saved its start screen"
        time.sleep(0.05)
    app = tmux.screen(name, colours=True)
    region = saved.rows
    ys, xs = range(region.y, region.y + region.height), slice(region.x, region.x + region.width)
    painted_rows = [tmux_cells(painted[y])[xs] for y in ys]
    app_rows = [tmux_cells(app[y])[xs] for y in ys]
    text = ["".join(c for c, _ in row) for row in painted_rows]
    assert text == ["".join(c for c, _ in row) for row in app_rows]
    assert painted_rows == app_rows  # colours too
    assert len({style for row in app_rows for _, style in row}) > 3  # unread, muted, cursor...
    assert "Message number 48" in painted_text[saved.rows.y + 13]
    # Mail text is sanitised in the first paint as in the app.
    newest = painted_text[saved.rows.y]
    assert "\u241b[2J\u241b[31m <U+202E>evil" in newest, newest
    tmux.quit(name)
    # One switch to the alternate screen (the first paint's; Textual's driver leaves its own out:
    # xterm would clear the rows) and one back, by Textual.
    written = output.read_bytes()
    assert written.count(b"\x1b[?1049h") == 1 and written.startswith(b"\x1b[?1049h\x1b[?25l")
    assert written.count(b"\x1b[?1049l") == 1


def _cold_paint_shown(text: str) -> bool:
    """The newest rows, down to the last the list shows, without the mailbox tree: the cold
    paint, written whole (a capture can come while its lines are still being written), not
    the app's frame."""
    return _newest_shown(text) and "Message number 48" in text and "INBOX" not in text


@pytest.mark.parametrize("second", [True, False], ids=["second start", "first start"])
def test_a_key_typed_during_the_first_paint_is_not_echoed_and_the_app_acts_on_it(
    tmux: Tmux, command: tuple[list[str], dict[str, str], Path], second: bool
) -> None:
    """A second start's first paint (from the saved start screen), or a first start's cold paint."""
    argv, env, template = command
    shown = _whole_paint(first_start(tmux, argv, env, template)) if second else _cold_paint_shown
    name = tmux.start(argv, {**env, fp.HOLD_ENV: "2"})
    painted = tmux.wait(name, shown, "the first paint")
    tmux.run("send-keys", "-t", name, "G")  # the last (oldest) message
    time.sleep(0.3)
    assert "\n".join(tmux.screen(name)) == painted  # not echoed: the first paint is as it was
    oldest = re.compile(r"Message number 1 ")
    text = tmux.wait(name, lambda t: bool(oldest.search(t)) and "Message number 60" not in t, "the jump")
    assert "G" not in text.split("\n")[0]
    tmux.quit(name)


def test_a_first_start_draws_the_newest_rows_where_the_app_then_draws_them(
    tmux: Tmux, command: tuple[list[str], dict[str, str], Path], tmp_path: Path
) -> None:
    """No start screen saved: the rows are drawn once the session has them, before the app."""
    argv, env, template = command
    output = tmp_path / "output.bin"
    name = tmux.start(argv, {**env, fp.HOLD_ENV: "4"}, record=output)
    tmux.wait(name, _cold_paint_shown, "the cold paint")
    painted = tmux.screen(name)
    deadline = time.monotonic() + 60
    while not template.exists():  # the app drew, and saved its start screen a second later
        assert time.monotonic() < deadline, "the app never saved its start screen"
        time.sleep(0.05)
    app = tmux.screen(name)
    assert "INBOX" in "\n".join(app)
    region = cold_paint.list_region(WIDTH, HEIGHT)
    assert region is not None
    ys, xs = range(region.y, region.y + region.height), slice(region.x, region.x + region.width)
    # (tmux leaves out the spaces that end a line in the terminal's own colours.)
    painted_rows = ["".join(c for c, _ in tmux_cells(painted[y])[xs]).rstrip() for y in ys]
    assert painted_rows == ["".join(c for c, _ in tmux_cells(app[y])[xs]).rstrip() for y in ys]
    assert "Message number 48" in painted_rows[13]
    assert "\u241b[2J\u241b[31m <U+202E>evil" in painted_rows[0], painted_rows[0]
    assert fp.load_template(template).rows == region
    tmux.quit(name)
    written = output.read_bytes()
    assert written.count(b"\x1b[?1049h") == 1 and written.startswith(fp.PAINT_START.encode())
    assert written.count(b"\x1b[?1049l") == 1


@pytest.mark.parametrize("second", [True, False], ids=["second start", "first start"])
def test_a_mailbox_listed_in_a_remembered_sort_is_shown_by_the_app_alone(
    tmux: Tmux, command: tuple[list[str], dict[str, str], Path], tmp_path: Path, second: bool
) -> None:
    """INBOX was last sorted by subject: neither paint draws the newest rows, which are not the
    app's first; the app shows the mailbox in that sort."""
    argv, env, template = command
    if second:
        first_start(tmux, argv, env, template)
    views = tmp_path / "state" / "tuimail" / "views.json"
    views.parent.mkdir(parents=True, exist_ok=True)
    views.write_text(json.dumps({"t/INBOX": {"sort": ["SUBJECT"]}}))
    output = tmp_path / "output.bin"
    name = tmux.start(argv, {**env, fp.HOLD_ENV: "3"}, record=output)
    text = tmux.wait(name, lambda t: "Message number 1 " in t.split("\n")[2], "the rows by subject")
    lines = text.split("\n")
    assert "Hi " in lines[1] and "Message number 10" in lines[3], lines[:4]
    tmux.quit(name)
    written = output.read_bytes()
    assert written.startswith(b"\x1b[?1049h") and not written.startswith(fp.PAINT_START.encode())
