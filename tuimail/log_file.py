"""The log file: what happened, for a bug report (``tuimail --log FILE``, or ``log_file`` in the config).

One file, created private (mode 0600: it holds mailbox names, addresses and
subjects), each line with a timestamp:

* the protocol trace, logger ``tuimail.imap.protocol`` (DEBUG): every line
  sent and received, with LOGIN's arguments and every SASL message already
  redacted by the library (:mod:`tuimail.imap.trace`);
* tuimail's own records (loggers under ``tuimail``, INFO and up): failures
  of the session, unexpected errors of the UI with their traceback;
* warnings and errors of ``asyncio`` (a task that failed unobserved).

Without a log file nothing is written anywhere: the loggers get a
:class:`logging.NullHandler`, so Python's last-resort handler does not print
tuimail's records to the terminal (where a traceback could show mail).

The file is bounded: past :data:`MAX_BYTES` it is moved to ``FILE.1`` (the one
before is dropped) and a new one is started.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from tuimail import __version__

__all__ = ["MAX_BYTES", "LogFile", "LogFileError", "active_log_path", "start_logging"]

#: Size at which the file is rotated (one older file is kept beside it).
MAX_BYTES = 20 * 1024 * 1024
BACKUPS = 1

#: Loggers the file is attached to (records of their children reach it too).
ROOTS = ("tuimail", "asyncio")
#: The level each logger is opened to while there is a file.
LEVELS = {"tuimail": logging.INFO, "tuimail.imap.protocol": logging.DEBUG, "asyncio": logging.WARNING}

_log = logging.getLogger("tuimail.log")


class LogFileError(Exception):
    """The log file cannot be created or written."""


class _Formatter(logging.Formatter):
    """``2026-05-01 12:00:00.123 DEBUG tuimail.imap.protocol [host#1] (thread) message``."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s.%(msecs)03d %(levelname)s %(name)s%(connection)s (%(threadName)s) %(message)s",
            datefmt="%Y-%m-%d %H:%M:%S",
        )

    def format(self, record: logging.LogRecord) -> str:
        conn = getattr(record, "imap_connection", "")
        record.connection = f" [{conn}]" if conn else ""
        return super().format(record)


@dataclass
class LogFile:
    """Where tuimail's log goes for this run (``path`` None: nowhere); :meth:`close` undoes it all."""

    path: Path | None
    _handler: logging.Handler
    _levels: dict[str, int] = field(default_factory=dict)

    def close(self) -> None:
        """Detach from the loggers (levels as they were) and close the file."""
        global _active
        for name in ROOTS:
            logging.getLogger(name).removeHandler(self._handler)
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
        self._levels.clear()
        self._handler.close()
        if _active is self:
            _active = None

    def __enter__(self) -> LogFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_active: LogFile | None = None


def active_log_path() -> Path | None:
    """The file this run logs to, or None (the UI says where the details of an error are)."""
    return _active.path if _active is not None else None


def start_logging(path: Path | None) -> LogFile:
    """Send tuimail's log to ``path`` (created 0600, its folder too), or nowhere when ``path`` is None.

    Raises :class:`LogFileError` when the file cannot be created."""
    global _active
    if _active is not None:
        _active.close()
    handler: logging.Handler
    if path is None:
        handler = logging.NullHandler()
    else:
        from tuimail.private_log_handler import PrivateFileHandler  # only with a log file

        path = path.expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handler = PrivateFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
        except OSError as exc:
            raise LogFileError(f"cannot write the log file {path}: {exc.strerror or exc}") from None
        handler.setFormatter(_Formatter())
        handler.setLevel(logging.DEBUG)
    for name in ROOTS:
        logging.getLogger(name).addHandler(handler)
    levels: dict[str, int] = {}
    if path is not None:
        for name, level in LEVELS.items():
            logger = logging.getLogger(name)
            levels[name] = logger.level
            logger.setLevel(level)
    _active = LogFile(path, handler, levels)
    if path is not None:
        import platform  # only with a log file

        _log.info(
            "tuimail %s (Textual %s), Python %s on %s",
            __version__,
            _version_of("textual"),
            platform.python_version(),
            platform.platform(terse=True),
        )
    return _active


def _version_of(package: str) -> str:
    import importlib.metadata  # only with a log file (it costs 0.05 s of every start)

    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"
