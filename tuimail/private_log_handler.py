"""The log file's handler: a rotating file created with mode 0600 (imported only when there is a
log file: :mod:`logging.handlers` is not needed by a start without one)."""

from __future__ import annotations

import os
from io import TextIOWrapper
from logging import LogRecord
from logging.handlers import RotatingFileHandler

__all__ = ["PrivateFileHandler"]


class PrivateFileHandler(RotatingFileHandler):
    """A rotating file handler whose files are created with mode 0600 (and made so if they exist)."""

    def _open(self) -> TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.fchmod(fd, 0o600)
        except OSError:
            os.close(fd)
            raise
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors="backslashreplace")

    def handleError(self, record: LogRecord) -> None:
        """A record that cannot be written (disk full) is dropped: never a traceback on the terminal."""
