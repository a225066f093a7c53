"""The first paint before Textual (tuimail/ui/first_paint.py): the template's round trip, the
cached rows read without the cache's code, what is drawn, and every case where nothing is."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import sqlite3
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tuimail.mail.cache import CACHE_FILE_NAME, HeaderCache, default_cache_path
from tuimail.mail.cache import rows as cache_rows
from tuimail.mail.cache import schema as cache_schema
from tuimail.mail.summary import MessageSummary
from tuimail.ui import first_paint as fp
from tuimail.ui.start_screen import screen_cells
from tuimail.ui.widgets.row_format import Columns, row_spans

ACCOUNT_KEY = "tester@127.0.0.1:143"
WIDTH, HEIGHT = 60, 12
NOW = datetime(2024, 3, 5, 12, 0)


def summary(uid: int, subject: str, *, flags: frozenset[str] = frozenset({"\\Seen"})) -> MessageSummary:
    return MessageSummary(
        uid=uid,
        seqno=uid,
        flags=flags,
        date=datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
        from_="Alice",
        from_address="alice@example.com",
        to="Tester",
        subject=subject,
        size=2048,
        has_attachment=uid % 2 == 0,
    )


def fill_cache(path: Path, summaries: list[MessageSummary], *, mailbox: str = "INBOX") -> None:
    cache = HeaderCache.open(path, check=False)
    try:
        store = cache.mailbox(ACCOUNT_KEY, mailbox, 7)
        store.put(summaries)
        store.set_state(uidnext=max(s.uid for s in summaries) + 1)
        assert cache.flush(10)
    finally:
        cache.close()


def identity(**changes: Any) -> fp.StartIdentity:
    base = fp.StartIdentity(
        version="0.1.0",
        terminal="xterm-256color:",
        config="/c.toml:10:1",
        theme="",
        account="t",
        read_only=False,
        mailbox="INBOX",
    )
    return replace(base, **changes)


def template(**changes: Any) -> fp.StartScreen:
    """A screen of WIDTH x HEIGHT: a title line, rows from line 2 at x=10, a status line."""
    lines = ["\x1b[1;38;2;1;2;3mTitle\x1b[0m" + " " * (WIDTH - 5)]
    lines += ["\x1b[48;5;17m" + " " * 10 + "\x1b[0m" + " " * (WIDTH - 10)] * (HEIGHT - 2)
    lines += ["status".ljust(WIDTH)]
    styles = {"+".join(key): f"38;5;{n % 250}" for n, key in enumerate(fp.style_keys())}
    values: dict[str, Any] = dict(
        width=WIDTH,
        height=HEIGHT,
        identity=identity(),
        account_key=ACCOUNT_KEY,
        lines=tuple(lines),
        rows=fp.RowRegion(10, 2, WIDTH - 10, HEIGHT - 3),
        columns=widths(Columns.for_width(WIDTH - 10)),
        cursor="cursor",
        styles=styles,
    )
    values.update(changes)
    return fp.StartScreen(**values)


def widths(columns: Columns) -> tuple[int, ...]:
    return (columns.width, columns.flags, columns.date, columns.from_, columns.subject, columns.size)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any, int]]:
    """A pseudo-terminal of WIDTH x HEIGHT as the command's stdin and stderr: (stdin, stderr, master)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
    monkeypatch.setenv("COLUMNS", str(WIDTH))  # shutil.get_terminal_size, as Textual measures
    monkeypatch.setenv("LINES", str(HEIGHT))
    stdin = os.fdopen(os.dup(slave), "r")
    stderr = os.fdopen(os.dup(slave), "w")
    try:
        yield stdin, stderr, master
    finally:
        stdin.close()
        stderr.close()
        os.close(slave)
        os.close(master)


def written(master: int) -> str:
    os.set_blocking(master, False)
    out = b""
    try:
        while chunk := os.read(master, 65536):
            out += chunk
    except (BlockingIOError, OSError):
        pass
    return out.decode("utf-8", "replace")


def prepared(tmp_path: Path, screen: fp.StartScreen | None = None, count: int = 5) -> Path:
    cache = tmp_path / CACHE_FILE_NAME
    fill_cache(cache, [summary(uid, f"Message {uid}") for uid in range(1, count + 1)])
    fp.save_template(fp.template_path(cache), screen or template())
    return cache


# ------------------------------------------------------------------ the template


def test_the_template_round_trips_through_its_file_which_is_private(tmp_path: Path) -> None:
    screen = template()
    path = tmp_path / "sub" / fp.TEMPLATE_NAME
    fp.save_template(path, screen)
    assert fp.load_template(path) == screen
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == [fp.TEMPLATE_NAME]  # no temporary left


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: "not json",
        lambda text: json.dumps({"something": "else"}),  # a foreign JSON file
        lambda text: text.replace('"tuimail_start_screen": 1', '"tuimail_start_screen": 99'),
        lambda text: text.replace("Title", "\\u001b]52;c;ZXZpbA==\\u0007Title"),  # an escape: OSC 52
        lambda text: text.replace("Title", "Ti\\u202etle"),  # a bidi override
        lambda text: text.replace("Title", "Title!"),  # a line wider than the screen
        lambda text: text.replace('"cursor": "cursor"', '"cursor": "blink"'),
        lambda text: text.replace('"38;5;0"', '"38;5;0m\\u001b[2J"'),  # a style that is not SGR
        lambda text: text.replace('"height": 12', '"height": 11'),
        lambda text: text.replace('"read_only": false', '"read_only": "no"'),
    ],
)
def test_a_damaged_or_foreign_template_is_refused(tmp_path: Path, damage: Any) -> None:
    path = tmp_path / fp.TEMPLATE_NAME
    fp.save_template(path, template())
    path.write_text(damage(path.read_text()))
    with pytest.raises(fp.TemplateError):
        fp.load_template(path)


def test_a_template_with_rows_outside_the_screen_is_not_saved(tmp_path: Path) -> None:
    with pytest.raises(fp.TemplateError):
        fp.save_template(tmp_path / fp.TEMPLATE_NAME, template(rows=fp.RowRegion(10, 2, WIDTH, 5)))
    assert not (tmp_path / fp.TEMPLATE_NAME).exists()


def test_columns_laid_out_otherwise_than_the_template_s_draw_nothing() -> None:
    """The message list's column code changed since the template was saved: no first paint."""
    columns = widths(Columns.for_width(WIDTH - 10))
    other = template(columns=(columns[0], columns[1], columns[2], columns[3] + 1, columns[4] - 1, columns[5]))
    other.check()  # a sound template...
    with pytest.raises(fp.TemplateError):  # ...that this code does not draw
        fp.render_first_screen(other, [summary(1, "Message 1")], NOW)


# ------------------------------------------------------------------ the cached rows


def test_the_rows_read_without_the_cache_s_code_are_the_cache_s_newest(tmp_path: Path) -> None:
    cache = tmp_path / CACHE_FILE_NAME
    flags = [frozenset(), frozenset({"\\SEEN", "\\flagged"}), frozenset({"\\Answered", "\\Deleted", "$x"})]
    summaries = [summary(uid, f"Subject {uid} ✓", flags=flags[uid % 3]) for uid in range(1, 40)]
    summaries.append(replace(summary(40, "No date"), date=None))
    fill_cache(cache, summaries)
    fill_cache(cache, [summary(1, "Another mailbox")], mailbox="Archive")
    read = fp.read_newest_rows(cache, ACCOUNT_KEY, "INBOX", 12)
    with HeaderCache.open(cache, check=False) as opened:
        expected = opened.mailbox(ACCOUNT_KEY, "INBOX", 7).newest(12)
    assert [r.uid for r in read] == [s.uid for s in expected] == list(range(40, 28, -1))
    for row, known in zip(read, expected, strict=True):
        for name in ("flags", "date", "from_", "from_address", "subject", "size", "has_attachment"):
            assert getattr(row, name) == getattr(known, name), name
        for flag in ("unread", "flagged", "answered", "deleted"):
            assert getattr(row, flag) == getattr(known, flag), flag
    assert fp.read_newest_rows(cache, ACCOUNT_KEY, "Nowhere", 12) == []
    assert fp.read_newest_rows(cache, "other@host:143", "INBOX", 12) == []


def test_the_constants_copied_from_the_cache_are_the_cache_s() -> None:
    assert fp.cache_folder() / fp.CACHE_FILE_NAME == default_cache_path()
    assert fp.CACHE_APPLICATION_ID == cache_schema.APPLICATION_ID
    assert (fp.ROW_FORMAT, fp.MAX_ROW_BYTES, fp.MAX_FLAGS_BYTES) == (
        cache_rows.ROW_FORMAT,
        cache_rows.MAX_ROW_BYTES,
        cache_rows.MAX_FLAGS_BYTES,
    )


def test_a_foreign_database_or_a_file_that_is_not_one_gives_no_rows(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE message (x)")
    with pytest.raises(fp.TemplateError):
        fp.read_newest_rows(foreign, ACCOUNT_KEY, "INBOX", 5)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        fp.read_newest_rows(garbage, ACCOUNT_KEY, "INBOX", 5)
    with pytest.raises(FileNotFoundError):
        fp.read_newest_rows(tmp_path / "missing.sqlite3", ACCOUNT_KEY, "INBOX", 5)
    assert not (tmp_path / "missing.sqlite3").exists()  # reading never creates a file


# ------------------------------------------------------------------ what is drawn

_KNOWN_SEQUENCES = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\d+;\d+H|\x1b\[\?\d+[hl]")


def test_the_rows_drawn_are_the_message_list_s_rows_over_the_template(tmp_path: Path) -> None:
    screen = template()
    rows = [summary(uid, f"Message {uid}", flags=frozenset() if uid == 3 else frozenset({"\\Seen"}))
            for uid in (3, 2, 1)]
    output = fp.render_first_screen(screen, rows, NOW)
    assert output.startswith("\x1b[?1049h\x1b[?25l")  # the alternate screen, the cursor hidden
    cells = screen_cells(output, WIDTH, HEIGHT)
    columns = Columns.for_width(WIDTH - 10)
    for index, row in enumerate(rows):
        spans = row_spans(row, columns, NOW, base="cursor" if index == 0 else "base")
        expected = [(char, screen.styles["+".join(key)]) for text, key in spans for char in text]
        drawn = [cell for cell in cells[2 + index][10:] if cell[0] != ""]  # "": a wide glyph's second cell
        assert drawn == expected
    assert "".join(c for c, _ in cells[2][10:]).startswith(" ●")  # unread, under the cursor
    for blank in cells[5 : HEIGHT - 1]:  # below the rows: the base style, nothing stale
        assert blank[10:] == [(" ", screen.styles["base"])] * (WIDTH - 10)
    assert "".join(c for c, _ in cells[0][:5]) == "Title" and cells[0][0][1] == "1;38;2;1;2;3"
    assert "".join(c for c, _ in cells[HEIGHT - 1]).rstrip() == "status"


def test_mail_text_with_escapes_and_bidi_is_drawn_sanitised(tmp_path: Path, terminal: Any) -> None:
    stdin, stderr, master = terminal
    cache = tmp_path / CACHE_FILE_NAME
    fill_cache(
        cache,
        [
            replace(summary(9, "\x1b[2J\u202eab"), from_="\x1b[5m"),
            replace(summary(8, "\x9b1\u2066\r\n"), from_="\x1b]52;c;"),
        ],
    )
    fp.save_template(fp.template_path(cache), template())
    paint = fp.paint_first_screen(identity(), cache_path=cache, now=NOW, stdin=stdin, stderr=stderr)
    assert paint is not None
    out = written(master)
    paint.close(app_drew=False)
    text = _KNOWN_SEQUENCES.sub("", out)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), ascii(text)
    assert "\u241b[2J<U+202E>ab" in text and "<U+009B>1<U+2066>" in text
    assert "\u241b[5m" in text and "\u241b]52;c;" in text


# ------------------------------------------------------------------ painting, or not


def test_a_fitting_template_and_cache_are_painted_and_close_restores_the_terminal(
    tmp_path: Path, terminal: Any
) -> None:
    stdin, stderr, master = terminal
    cache = prepared(tmp_path)
    before = termios.tcgetattr(stdin.fileno())
    assert before[3] & termios.ECHO and before[3] & termios.ICANON
    paint = fp.paint_first_screen(identity(), cache_path=cache, now=NOW, stdin=stdin, stderr=stderr)
    assert paint is not None
    during = termios.tcgetattr(stdin.fileno())
    assert not during[3] & (termios.ECHO | termios.ICANON | termios.ISIG)  # keys wait, unechoed
    out = written(master)
    assert "Message 5" in out and "Message 1" in out and out.startswith("\x1b[?1049h")
    paint.close(app_drew=False)
    assert termios.tcgetattr(stdin.fileno()) == before
    assert written(master).endswith("\x1b[?1049l")  # the app never drew: the paint is taken away


def test_once_the_app_drew_closing_only_restores_the_mode(tmp_path: Path, terminal: Any) -> None:
    stdin, stderr, master = terminal
    cache = prepared(tmp_path)
    before = termios.tcgetattr(stdin.fileno())
    paint = fp.paint_first_screen(identity(), cache_path=cache, now=NOW, stdin=stdin, stderr=stderr)
    assert paint is not None
    written(master)
    paint.close(app_drew=True)
    assert termios.tcgetattr(stdin.fileno()) == before
    assert written(master) == ""


def _no_paint(tmp_path: Path, terminal: Any, cache: Path, wanted: fp.StartIdentity | None = None) -> None:
    stdin, stderr, master = terminal
    before = termios.tcgetattr(stdin.fileno())
    paint = fp.paint_first_screen(wanted or identity(), cache_path=cache, now=NOW, stdin=stdin, stderr=stderr)
    assert paint is None
    assert written(master) == ""  # nothing drawn
    assert termios.tcgetattr(stdin.fileno()) == before  # the terminal untouched


def test_no_template_no_paint(tmp_path: Path, terminal: Any) -> None:
    cache = prepared(tmp_path)
    fp.template_path(cache).unlink()
    _no_paint(tmp_path, terminal, cache)


def test_another_size_no_paint(tmp_path: Path, terminal: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = prepared(tmp_path)
    monkeypatch.setenv("COLUMNS", str(WIDTH + 1))
    _no_paint(tmp_path, terminal, cache)


@pytest.mark.parametrize(
    "changed",
    [
        {"theme": "tuimail-light"},
        {"account": "other"},
        {"read_only": True},
        {"config": "/c.toml:11:2"},
        {"terminal": "xterm:truecolor"},
        {"version": "0.2.0"},
    ],
)
def test_another_theme_account_config_or_terminal_no_paint(
    tmp_path: Path, terminal: Any, changed: dict[str, Any]
) -> None:
    cache = prepared(tmp_path)
    _no_paint(tmp_path, terminal, cache, identity(**changed))


def test_a_corrupt_template_no_paint(tmp_path: Path, terminal: Any) -> None:
    cache = prepared(tmp_path)
    fp.template_path(cache).write_bytes(b"\x00\xff{garbage")
    _no_paint(tmp_path, terminal, cache)


def test_no_cache_or_a_foreign_one_or_no_rows_no_paint(tmp_path: Path, terminal: Any) -> None:
    cache = prepared(tmp_path)
    for suffix in ("", "-wal", "-shm"):
        cache.with_name(cache.name + suffix).unlink(missing_ok=True)
    _no_paint(tmp_path, terminal, cache)  # missing
    assert not cache.exists()
    cache.write_bytes(b"SQLite format 3\x00" + b"\x13" * 2000)  # damaged
    _no_paint(tmp_path, terminal, cache)
    cache.unlink()
    with sqlite3.connect(cache) as conn:  # another program's database
        conn.execute("CREATE TABLE mailbox (id, account, name)")
    _no_paint(tmp_path, terminal, cache)
    cache.unlink()
    fill_cache(cache, [summary(1, "Elsewhere")], mailbox="Archive")  # nothing cached for INBOX
    _no_paint(tmp_path, terminal, cache)


def test_not_a_terminal_no_paint(tmp_path: Path) -> None:
    cache = prepared(tmp_path)
    out = tmp_path / "out.txt"
    with open(os.devnull) as stdin, out.open("w") as stderr:
        assert fp.paint_first_screen(identity(), cache_path=cache, stdin=stdin, stderr=stderr) is None
    assert out.read_text() == ""


# ------------------------------------------------------------------ what it imports


def test_painting_imports_neither_textual_nor_the_imap_library(tmp_path: Path) -> None:
    """In a fresh interpreter: import the module, read the cache and draw; then the modules it
    loaded alone are the ones the app imports later."""
    cache = prepared(tmp_path)
    script = f"""
import sys
from datetime import datetime
from pathlib import Path
from tuimail.ui import first_paint as fp
cache = Path({str(cache)!r})
screen = fp.load_template(fp.template_path(cache))
rows = fp.read_newest_rows(cache, screen.account_key, "INBOX", screen.rows.height)
out = fp.render_first_screen(screen, rows, datetime.now())
assert "Message 5" in out
named = ("tuimail.imap", "tuimail.mail.summary", "tuimail.mail.cache", "tuimail.session")
heavy = sorted(m for m in sys.modules if m.split(".")[0] == "textual" or m.startswith(named))
print("heavy:", heavy)
row_format = sys.modules["tuimail.ui.widgets.row_format"]
from tuimail.ui.widgets import message_list
assert message_list.row_spans is row_format.row_spans, "a second copy of row_format"
from tuimail.mail import sanitize
assert sanitize is sys.modules["tuimail.mail.sanitize"], "a second copy of sanitize"
print("same modules")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stdout and "same modules" in done.stdout


def test_whether_the_cache_holds_a_mailbox_is_read_without_the_caches_code(tmp_path: Path) -> None:
    """The command asks before the head start opens the mailbox shown first (only when nothing
    is cached for it); when that cannot be told, it is taken as held."""
    path = tmp_path / CACHE_FILE_NAME
    assert not fp.cache_holds(path, ACCOUNT_KEY, "INBOX")  # no cache yet
    fill_cache(path, [summary(1, "one")], mailbox="Archive")
    assert not fp.cache_holds(path, ACCOUNT_KEY, "INBOX")
    assert fp.cache_holds(path, ACCOUNT_KEY, "Archive")
    assert not fp.cache_holds(path, "someone@else:143", "Archive")
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE mailbox (account, name)")
    assert fp.cache_holds(foreign, ACCOUNT_KEY, "INBOX")  # another program's: cannot be told


def test_a_mailbox_listed_in_a_remembered_sort_or_in_threads_is_listed_otherwise(tmp_path: Path) -> None:
    from tuimail.ui.view_memory import ViewMemory

    path = tmp_path / "views.json"
    assert not fp.listed_otherwise("work", "INBOX", path)  # nothing remembered (no file)
    memory = ViewMemory(path)
    memory.set("work", "INBOX", {"sort": ["SUBJECT"]})
    memory.set("home", "INBOX", {"threads": True})
    memory.set("home", "Archive", {"sort": ["DATE"]})
    memory.set("home", "Archive", None)  # back to the mailbox's own order
    assert fp.listed_otherwise("work", "INBOX", path)
    assert fp.listed_otherwise("home", "INBOX", path)
    assert not fp.listed_otherwise("home", "Archive", path)
    assert not fp.listed_otherwise("work", "Sent", path)
