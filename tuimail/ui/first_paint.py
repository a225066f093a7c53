"""The first paint: the start screen drawn from the header cache before Textual is imported.

Importing Textual and building the screens takes the ``tuimail`` command about a second of CPU
before the app's first frame.  On a second start the newest rows are on disk already (the header
cache), so the command draws them at once, before anything heavy is imported:

* once the app has drawn its first screen, it saves a :class:`StartScreen` template next to the
  header cache (:data:`TEMPLATE_NAME`, written atomically, 0600): the terminal's size, what the
  screen depends on (:class:`StartIdentity`: the config file, theme, account, mailbox), every
  screen line as it was drawn (SGR colours and text only), where the message list's rows are,
  and the SGR codes of each row style (:data:`~tuimail.ui.widgets.row_format.StyleKey`);
* at the next start, :func:`paint_first_screen` checks that the template fits (same size,
  terminal and identity), reads the mailbox's newest rows from the cache with :mod:`sqlite3`,
  formats them with :func:`~tuimail.ui.widgets.row_format.row_spans` (the message list's own
  row code) and writes the template's lines with those rows over them, in the alternate screen
  with the cursor hidden.  The terminal is put in the mode Textual uses (no echo, no line
  editing, no signals), so what the user types meanwhile waits, unechoed, for the app;
* the app starts as usual: its driver changes the terminal's mode without flushing input
  (``TCSANOW``) and its first frame replaces the picture.  :meth:`FirstPaint.close` puts the
  terminal back as it was found once the app has ended (or if it never started).

Anything unusual means no first paint and nothing written: no template, another size, terminal,
config, theme or account, a damaged or foreign template or cache, no cached rows, input or
output not a terminal.  Mail text goes through :func:`~tuimail.mail.sanitize.sanitize`; the
template's lines are checked to hold nothing but SGR sequences and printable text.

This module imports neither Textual nor the IMAP library: it needs ``tuimail.mail.sanitize`` and
``tuimail.ui.widgets.row_format`` (standard library and ``rich.cells``), and the packages'
``__init__`` modules import their other modules only when a name of theirs is first used.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TextIO

from tuimail.mail.system_flags import SystemFlags

if TYPE_CHECKING:
    from tuimail.ui.widgets.row_format import Columns, RowFields, Span, StyleKey

__all__ = [
    "PAINT_START",
    "TEMPLATE_NAME",
    "CachedRow",
    "FirstPaint",
    "RowRegion",
    "StartIdentity",
    "StartScreen",
    "StartScreenRun",
    "TemplateError",
    "TemplateTarget",
    "cache_folder",
    "cache_holds",
    "column_widths",
    "columns_for",
    "draw",
    "listed_otherwise",
    "load_template",
    "paint_first_screen",
    "read_newest_rows",
    "render_first_screen",
    "row_format",
    "save_template",
    "start",
    "template_path",
]

#: The template's file, in the header cache's folder.
TEMPLATE_NAME = "start-screen.json"
#: The template's format; another number is not read.
TEMPLATE_VERSION = 1
#: A larger file is not read (a 300x100 screen of many colours is about 200 KB).
MAX_TEMPLATE_BYTES = 1024 * 1024
#: The largest screen drawn (cells each way).
MAX_CELLS = 1000
#: The header cache's file name and ``application_id`` (``tuimail.mail.cache``; a test compares).
CACHE_FILE_NAME = "headers.sqlite3"
CACHE_APPLICATION_ID = 0x746D6863
#: The cache's row value format and size bounds (``tuimail.mail.cache.rows``; a test compares).
ROW_FORMAT = 1
MAX_ROW_BYTES = 64 * 1024
MAX_FLAGS_BYTES = 16 * 1024
#: How long the read waits for a writer's lock before giving up (s).
CACHE_BUSY_TIMEOUT = 0.05
#: Environment: seconds the command waits after the first paint before starting the app (tests
#: use it to look at the first paint alone; unset, it does not wait).
HOLD_ENV = "TUIMAIL_FIRST_PAINT_HOLD"

#: What every paint writes first: the alternate screen, the cursor hidden, no line wrap, and the
#: start of a synchronised update (ended once the screen is written).
PAINT_START = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[?2026h"

_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_SGR_PARAMETERS = re.compile(r"[0-9;]{0,64}")
_STYLE_NAMES = frozenset(
    ("base", "cursor", "cursor_blurred", "selected", "unread", "deleted")
    + ("unread_marker", "flagged", "answered", "attachment", "muted", "selected_marker")
)


class TemplateError(ValueError):
    """The template file is not one this code wrote (damaged, foreign, another version)."""


def row_format() -> ModuleType:
    """The message list's pure row code (standard library and ``rich.cells``), on first use."""
    return importlib.import_module("tuimail.ui.widgets.row_format")


def cache_folder() -> Path:
    """The header cache's folder (``tuimail.mail.cache.default_cache_path().parent``)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("tuimail"))


def template_path(cache_path: Path) -> Path:
    """The template beside the header cache file ``cache_path``."""
    return cache_path.with_name(TEMPLATE_NAME)


# ----------------------------------------------------------------------------- the template


@dataclass(frozen=True, slots=True)
class StartIdentity:
    """What the start screen depends on besides the terminal's size: a template saved under
    another identity is not drawn."""

    version: str  #: tuimail's version
    terminal: str  #: $TERM and $COLORTERM (the colours Textual writes depend on them)
    config: str  #: the config file's path, size and modification time ("" without one)
    theme: str  #: the theme the config asks for ("" for the default)
    account: str  #: the account's name
    read_only: bool
    mailbox: str  #: the mailbox shown first

    @classmethod
    def current(
        cls,
        *,
        config_path: Path | None,
        theme: str | None,
        account: str,
        read_only: bool,
        mailbox: str = "INBOX",
        environ: Mapping[str, str] = os.environ,
    ) -> StartIdentity:
        from tuimail import __version__

        config = ""
        if config_path is not None:
            try:
                info = config_path.stat()
                config = f"{config_path.resolve()}:{info.st_size}:{info.st_mtime_ns}"
            except OSError:
                config = str(config_path)
        terminal = f"{environ.get('TERM', '')}:{environ.get('COLORTERM', '')}"
        return cls(__version__, terminal, config, theme or "", account, read_only, mailbox)


@dataclass(frozen=True, slots=True)
class RowRegion:
    """Where the message list's rows are: the first row's cell (x, y), and width and height."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class StartScreen:
    """The app's start screen as a template (see the module's docstring)."""

    width: int
    height: int
    identity: StartIdentity
    #: The header cache's key of the account (``Session.account_key``).
    account_key: str
    #: Every screen line: SGR sequences and printable text, ``width`` cells each.
    lines: tuple[str, ...]
    rows: RowRegion
    #: The rows' column widths (:class:`~tuimail.ui.widgets.row_format.Columns`: width, flags,
    #: date, from, subject, size); the first paint draws only when its own are the same.
    columns: tuple[int, ...]
    #: The row base of the first row (the cursor's): ``cursor``, or ``cursor_blurred``.
    cursor: str
    #: SGR parameters of each row style, by ``"+".join(StyleKey)``.
    styles: Mapping[str, str]

    def to_json(self) -> str:
        data = asdict(self)
        data["lines"] = list(self.lines)
        data["columns"] = list(self.columns)
        data["styles"] = dict(self.styles)
        return json.dumps({"tuimail_start_screen": TEMPLATE_VERSION, **data}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> StartScreen:
        """Read and check a template; :class:`TemplateError` for anything this code did not write."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as e:
            raise TemplateError(f"not JSON: {e}") from None
        if not isinstance(data, dict) or data.get("tuimail_start_screen") != TEMPLATE_VERSION:
            raise TemplateError("not a start-screen template of this version")
        try:
            width, height = _size(data["width"]), _size(data["height"])
            identity = StartIdentity(**_typed(data["identity"], StartIdentity.__annotations__))
            rows = RowRegion(**{k: _number(v) for k, v in _mapping(data["rows"]).items()})
            account_key = _string(data["account_key"])
            columns = tuple(_number(n) for n in _sequence(data["columns"]))
            cursor = _string(data["cursor"])
            lines = tuple(_string(line) for line in _sequence(data["lines"]))
            styles = {_string(k): _string(v) for k, v in _mapping(data["styles"]).items()}
        except (KeyError, TypeError) as e:
            raise TemplateError(f"missing or mistyped field: {e}") from None
        screen = cls(width, height, identity, account_key, lines, rows, columns, cursor, styles)
        screen.check()
        return screen

    def check(self) -> None:
        """:class:`TemplateError` unless every part fits the screen and holds nothing that could
        drive the terminal but SGR sequences."""
        if len(self.lines) != self.height:
            raise TemplateError(f"{len(self.lines)} lines for a screen of {self.height}")
        from tuimail.mail.sanitize import sanitize

        cell_len = row_format().cell_len
        for number, line in enumerate(self.lines):
            text = _SGR.sub("", line)
            if sanitize(text) != text or "\x1b" in text:
                raise TemplateError(f"line {number} holds control characters")
            if cell_len(text) != self.width:
                raise TemplateError(f"line {number} is not {self.width} cells wide")
        rows = self.rows
        if not (0 <= rows.x and rows.x + rows.width <= self.width and 0 <= rows.y):
            raise TemplateError("the rows are outside the screen")
        if not (0 < rows.height and rows.y + rows.height <= self.height and rows.width > 0):
            raise TemplateError("the rows are outside the screen")
        if len(self.columns) != 6 or self.columns[0] != rows.width:
            raise TemplateError("the column widths are not the rows'")
        if self.cursor not in ("cursor", "cursor_blurred", "base"):
            raise TemplateError(f"unknown cursor style {self.cursor!r}")
        for key, sgr in self.styles.items():
            if not set(key.split("+")) <= _STYLE_NAMES or not _SGR_PARAMETERS.fullmatch(sgr):
                raise TemplateError(f"bad row style {key!r}")


def _size(value: Any) -> int:
    number = _number(value)
    if not 0 < number <= MAX_CELLS:
        raise TemplateError(f"size {number} out of range")
    return number


def _number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_CELLS:
        raise TypeError(f"not a small number: {value!r}")
    return value


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a string: {type(value).__name__}")
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"not an object: {type(value).__name__}")
    return value


def _sequence(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"not a list: {type(value).__name__}")
    return value


def _typed(value: Any, fields: Mapping[str, Any]) -> dict[str, Any]:
    data = _mapping(value)
    if set(data) != set(fields):
        raise TypeError("identity fields differ")
    for name, given in data.items():
        wanted = bool if fields[name] in (bool, "bool") else str
        if not isinstance(given, wanted):
            raise TypeError(f"identity field {name} is not a {wanted.__name__}")
    return data


@dataclass(frozen=True, slots=True)
class TemplateTarget:
    """Where the app saves its start screen, and under which identity (from the command)."""

    path: Path
    identity: StartIdentity


def save_template(path: Path, screen: StartScreen) -> None:
    """Write ``screen`` to ``path`` atomically (a file beside it, renamed over it), mode 0600."""
    import tempfile

    screen.check()
    data = screen.to_json().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def load_template(path: Path) -> StartScreen:
    """The template at ``path``; :class:`TemplateError` (or :class:`OSError`) if there is none
    that this code wrote."""
    with path.open("rb") as file:
        data = file.read(MAX_TEMPLATE_BYTES + 1)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError("template too large")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError("template not UTF-8") from None
    return StartScreen.from_json(text)


# ----------------------------------------------------------------------------- the cached rows


@dataclass(frozen=True, slots=True)
class CachedRow(SystemFlags):
    """What the message list shows of one cached message (the fields of
    :class:`~tuimail.mail.summary.MessageSummary` a row uses)."""

    uid: int
    flags: frozenset[str]
    date: datetime | None
    from_: str
    from_address: str
    subject: str
    size: int
    has_attachment: bool


def _decode_date(value: Any) -> datetime | None:
    """The row format's tagged datetime ``{"d": [local ISO time, UTC offset in µs or null]}``."""
    if value is None:
        return None
    if not isinstance(value, dict) or list(value) != ["d"]:
        raise ValueError("not a date")
    inner = value["d"]
    if not isinstance(inner, list) or len(inner) != 2 or not isinstance(inner[0], str):
        raise ValueError("not a date")
    when = datetime.fromisoformat(inner[0])
    micros = inner[1]
    if micros is None:
        return when
    if not isinstance(micros, int) or isinstance(micros, bool):
        raise ValueError("bad UTC offset")
    return when.replace(tzinfo=timezone(timedelta(microseconds=micros)))


_ROW_FIELDS = {"date", "from_", "from_address", "subject", "has_attachment"}


def _decode_row(names: tuple[str, ...], uid: Any, flags: Any, size: Any, summary: Any) -> CachedRow | None:
    if not isinstance(uid, int) or not isinstance(size, int) or isinstance(size, bool):
        return None
    if not isinstance(flags, bytes) or not isinstance(summary, bytes):
        return None
    try:
        values = json.loads(summary.decode("utf-8", "surrogatepass"))
        flag_list = json.loads(flags.decode("utf-8", "surrogatepass"))
        if not isinstance(values, list) or len(values) != len(names) or not isinstance(flag_list, list):
            return None
        if not all(isinstance(flag, str) for flag in flag_list):
            return None
        fields = {name: value for name, value in zip(names, values, strict=True) if name in _ROW_FIELDS}
        date = _decode_date(fields["date"])
        texts = [fields[name] for name in ("from_", "from_address", "subject")]
        attachment = fields["has_attachment"]
    except (ValueError, KeyError, RecursionError):
        return None
    if not all(isinstance(text, str) for text in texts) or not isinstance(attachment, bool):
        return None
    return CachedRow(uid, frozenset(flag_list), date, texts[0], texts[1], texts[2], size, attachment)


def _reading(cache_path: Path) -> sqlite3.Connection:
    """The header cache at ``cache_path``, opened to read (:class:`FileNotFoundError` without
    one, :class:`TemplateError` if it is another program's)."""
    if not cache_path.is_file():
        raise FileNotFoundError(cache_path)
    uri = "file:" + cache_path.resolve().as_posix().replace("?", "%3f").replace("#", "%23") + "?mode=rw"
    conn = sqlite3.connect(uri, uri=True, timeout=CACHE_BUSY_TIMEOUT, isolation_level=None)
    try:
        conn.execute("PRAGMA query_only = 1")
        (application_id,) = conn.execute("PRAGMA application_id").fetchone()
        if application_id != CACHE_APPLICATION_ID:
            raise TemplateError("not a tuimail header cache")
    except BaseException:
        conn.close()
        raise
    return conn


def cache_holds(cache_path: Path, account_key: str, mailbox: str) -> bool:
    """Whether the header cache at ``cache_path`` may hold rows of ``mailbox`` (True when that
    cannot be told: a file being written, or damaged; False without a cache file)."""
    try:
        conn = _reading(cache_path)
    except FileNotFoundError:
        return False
    except (OSError, ValueError, sqlite3.Error):
        return True
    try:
        found = conn.execute(
            "SELECT 1 FROM mailbox WHERE account = ? AND name = ?", (account_key, mailbox)
        ).fetchone()
    except sqlite3.Error:
        return True
    finally:
        conn.close()
    return found is not None


def read_newest_rows(cache_path: Path, account_key: str, mailbox: str, count: int) -> list[CachedRow]:
    """The ``count`` cached rows of ``mailbox`` with the highest UIDs, highest first, read with
    :mod:`sqlite3` alone (what ``MailboxCache.newest`` reads, without importing the cache).
    Raises :class:`sqlite3.Error` (or :class:`OSError`) when the file cannot be read, and
    :class:`TemplateError` when it is not a header cache."""
    conn = _reading(cache_path)
    try:
        layouts: dict[int, tuple[str, ...]] = {}
        for layout_id, row_format, fields_text in conn.execute("SELECT id, format, fields FROM row_layout"):
            if row_format != ROW_FORMAT or not isinstance(fields_text, str):
                continue
            try:
                names = json.loads(fields_text)
            except (ValueError, RecursionError):
                continue
            if isinstance(names, list) and all(isinstance(n, str) for n in names):
                if _ROW_FIELDS <= set(names):
                    layouts[layout_id] = tuple(names)
        rows = conn.execute(
            "SELECT uid, CASE WHEN length(flags) <= ? THEN flags END, size, layout,"
            " CASE WHEN length(summary) <= ? THEN summary END FROM message"
            " WHERE mailbox_id = (SELECT id FROM mailbox WHERE account = ? AND name = ?)"
            " ORDER BY uid DESC LIMIT ?",
            (MAX_FLAGS_BYTES, MAX_ROW_BYTES, account_key, mailbox, max(0, min(count, MAX_CELLS))),
        ).fetchall()
    finally:
        conn.close()
    out = []
    for uid, flags, size, layout, summary in rows:
        names = layouts.get(layout)
        row = _decode_row(names, uid, flags, size, summary) if names is not None else None
        if row is not None:
            out.append(row)
    return out


# ----------------------------------------------------------------------------- drawing


def columns_for(width: int) -> Columns:
    columns: Columns = row_format().Columns.for_width(width)
    return columns


def column_widths(columns: Columns) -> tuple[int, ...]:
    """What a template keeps of :class:`~tuimail.ui.widgets.row_format.Columns`."""
    return (columns.width, columns.flags, columns.date, columns.from_, columns.subject, columns.size)


def render_first_screen(screen: StartScreen, rows: Sequence[RowFields], now: datetime) -> str:
    """What the first paint writes: the alternate screen, the cursor hidden, the template's lines
    and, over its row region, ``rows`` as the message list draws them (the first under the
    cursor), blank rows below them.  :class:`TemplateError` if a row style is missing."""
    row_spans: Callable[..., list[Span]] = row_format().row_spans
    region = screen.rows
    columns = columns_for(region.width)
    if column_widths(columns) != screen.columns:
        raise TemplateError("the message list lays out its columns otherwise now")
    styles = screen.styles

    def styled(spans: list[Span]) -> str:
        parts = []
        for text, key in spans:
            sgr = styles.get("+".join(key))
            if sgr is None:
                raise TemplateError(f"no row style {'+'.join(key)!r}")
            parts.append(f"\x1b[{sgr}m{text}\x1b[0m" if sgr else text)
        return "".join(parts)

    out = [PAINT_START]
    for y, line in enumerate(screen.lines):
        out.append(f"\x1b[{y + 1};1H{line}")
    blank: list[Span] = [(" " * columns.width, ("base",))]
    for index in range(region.height):
        if index < len(rows):
            base = screen.cursor if index == 0 else "base"
            spans = row_spans(rows[index], columns, now, base=base)
        else:
            spans = blank
        out.append(f"\x1b[{region.y + index + 1};{region.x + 1}H{styled(spans)}")
    out.append("\x1b[?2026l")
    return "".join(out)


def style_keys() -> list[StyleKey]:
    """Every style a first paint's row can have (the template stores their SGR codes)."""
    keys: list[StyleKey] = []
    for base in ("base", "cursor", "cursor_blurred"):
        for unread in ((), ("unread",)):
            for deleted in ((), ("deleted",)):
                text: StyleKey = (base, *unread, *deleted)
                keys.append(text)
                keys += [(*text, part) for part in ("unread_marker", "flagged", "answered", "muted")]
        keys += [(base, "attachment"), (base, "muted")]
    return list(dict.fromkeys(keys))


# ----------------------------------------------------------------------------- the command's side


class FirstPaint:
    """A first paint on the terminal: :meth:`close` puts the terminal back as it was found."""

    def __init__(self, fd: int, out: TextIO, attributes: list[Any] | None) -> None:
        self._fd = fd
        self._out = out
        self._attributes = attributes
        self.closed = False

    def close(self, *, app_drew: bool) -> None:
        """The app has ended: restore the terminal's mode; unless the app drew (it then left the
        alternate screen itself), leave the alternate screen and show the cursor."""
        if self.closed:
            return
        self.closed = True
        if not app_drew:
            try:
                self._out.write("\x1b[?2026l\x1b[?7h\x1b[?25h\x1b[?1049l")
                self._out.flush()
            except (OSError, ValueError):
                pass
        if self._attributes is not None:
            import termios

            try:
                termios.tcsetattr(self._fd, termios.TCSANOW, self._attributes)
            except termios.error:
                pass


@dataclass
class StartScreenRun:
    """One start of the command in a terminal: its first paint (None: nothing was drawn), where
    the app saves its start screen for the next one, and whether the app's driver has started
    (it draws over the first paint and leaves the alternate screen itself).

    A paint may come from another thread while the app is being built (:mod:`.cold_paint`):
    :meth:`paint_unless_started` and :meth:`app_starts` take turns, so that nothing is drawn
    once the app's driver has started."""

    target: TemplateTarget
    paint: FirstPaint | None = None
    app_started: bool = False
    #: The mailbox is listed in a remembered sort or in threads: the app, not a paint of the
    #: newest rows, shows it first (keys typed meanwhile would act on other rows than shown).
    listed_otherwise: bool = False
    _turns: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def paint_unless_started(self, draw: Callable[[], FirstPaint | None]) -> bool:
        """Run ``draw`` and keep its paint, unless the app's driver has started or something is
        painted already; whether it painted."""
        with self._turns:
            if self.app_started or self.paint is not None:
                return False
            self.paint = draw()
            return self.paint is not None

    def app_starts(self) -> bool:
        """The app's driver starts (it waits for a paint being drawn): nothing is painted from
        now on.  Whether a paint is on the screen."""
        with self._turns:
            self.app_started = True
            return self.paint is not None

    def close(self) -> None:
        """The command is ending: the terminal as it was found."""
        if self.paint is not None:
            self.paint.close(app_drew=self.app_started)


def start(
    config_path: Path | None, theme: str | None, account: str, read_only: bool
) -> StartScreenRun | None:
    """The command's first step in a terminal: draw the first paint if the saved start screen
    fits (:func:`paint_first_screen`); None when input or output is not a terminal (nothing
    drawn, nothing saved).  Never raises."""
    try:
        if not (sys.__stdin__ and sys.__stdin__.isatty() and sys.__stderr__ and sys.__stderr__.isatty()):
            return None
        identity = StartIdentity.current(
            config_path=config_path, theme=theme, account=account, read_only=read_only
        )
        cache = cache_folder() / CACHE_FILE_NAME
    except (OSError, ValueError, ImportError):
        return None
    run = StartScreenRun(TemplateTarget(template_path(cache), identity))
    try:
        run.listed_otherwise = listed_otherwise(account, identity.mailbox)
        if not run.listed_otherwise:
            run.paint = paint_first_screen(identity, cache_path=cache)
    except Exception:  # noqa: BLE001 - a first paint is a help, never a reason not to start
        run.paint = None
    if run.paint is not None:
        hold_for_tests()
    return run


def listed_otherwise(account: str, mailbox: str, memory: Path | None = None) -> bool:
    """Whether the app lists ``mailbox`` of ``account`` in a remembered sort or in threads
    (:mod:`tuimail.ui.view_memory`, at ``memory`` or its default path), not newest first."""
    from tuimail.ui.view_memory import ViewMemory, default_memory_path

    remembered = ViewMemory(memory if memory is not None else default_memory_path()).get(account, mailbox)
    return bool(remembered.get("sort") or remembered.get("threads"))


def _raw_like_textual(fd: int) -> list[Any] | None:
    """Put the terminal in Textual's mode (``textual.drivers.linux_driver``: no echo, no line
    editing, no signals, no flow control or CR translation, reads of one byte); keys typed
    from now on wait for the app.  The mode before, or None if it cannot be set."""
    import termios
    import tty

    try:
        before = termios.tcgetattr(fd)
        mode = termios.tcgetattr(fd)
        mode[tty.LFLAG] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN | termios.ISIG)
        mode[tty.IFLAG] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
        mode[tty.CC][termios.VMIN] = 1
        termios.tcsetattr(fd, termios.TCSANOW, mode)
    except termios.error:
        return None
    return before


def paint_first_screen(
    identity: StartIdentity,
    *,
    cache_path: Path | None = None,
    now: datetime | None = None,
    stdin: TextIO | None = None,
    stderr: TextIO | None = None,
) -> FirstPaint | None:
    """Draw the start screen from the template and the header cache, if everything fits; None
    (and nothing written, the terminal untouched) otherwise.  Never raises for the template's,
    the cache's or the terminal's sake."""
    stdin = stdin if stdin is not None else sys.__stdin__
    out = stderr if stderr is not None else sys.__stderr__  # where Textual draws
    try:
        if stdin is None or out is None or not stdin.isatty() or not out.isatty():
            return None
        cache = cache_path if cache_path is not None else cache_folder() / CACHE_FILE_NAME
        screen = load_template(template_path(cache))
        width, height = shutil.get_terminal_size((0, 0))  # as Textual's driver measures it
        if (screen.width, screen.height) != (width, height) or screen.identity != identity:
            return None
        rows = read_newest_rows(cache, screen.account_key, identity.mailbox, screen.rows.height)
        if not rows:
            return None
        text = render_first_screen(screen, rows, now or datetime.now())
    except (OSError, ValueError, sqlite3.Error, ImportError):  # TemplateError is a ValueError
        return None
    return draw(text, stdin, out)


def draw(text: str, stdin: TextIO, out: TextIO) -> FirstPaint | None:
    """Put the terminal in Textual's mode and write ``text`` (which switches to the alternate
    screen); None, and the terminal as it was, if it cannot be written."""
    try:
        fd = stdin.fileno()
    except (OSError, ValueError):
        return None
    attributes = _raw_like_textual(fd)
    try:
        out.write(text)
        out.flush()
    except (OSError, ValueError):
        paint = FirstPaint(fd, out, attributes)
        paint.close(app_drew=False)
        return None
    return FirstPaint(fd, out, attributes)


def hold_for_tests(painted: threading.Event | None = None) -> None:
    """Wait :data:`HOLD_ENV` seconds, if set (tests look at the first paint before the app);
    with ``painted``, first wait as long for that paint to be drawn."""
    value = os.environ.get(HOLD_ENV)
    if value:
        import time

        try:
            seconds = min(max(float(value), 0.0), 60.0)
        except ValueError:
            return
        if painted is not None:
            painted.wait(seconds)
        time.sleep(seconds)
