"""The generated demo mailbox kept on disk, so that a second ``tuimail --demo``
starts without building 362 messages again (about 1.7 s of CPU here).

The file is JSON in the user's cache folder, named by a digest of the
generator's source: a new tuimail version builds its own.  A file that is
missing, unreadable or not what this module wrote is ignored (and written
again); nothing in it is ever executed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["load_or_build"]

FORMAT = 1


class _Message(NamedTuple):
    raw: bytes
    flags: list[str]
    internaldate: datetime


Boxes = dict[str, list[Any]]


def _path(folder: Path, source: Path) -> Path:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    return folder / f"demo-mailbox-{digest}.json"


def _read(path: Path, make: Callable[[bytes, list[str], datetime], Any]) -> Boxes | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("format") != FORMAT:
            return None
        return {
            str(name): [
                make(raw.encode("latin-1"), [str(f) for f in flags], datetime.fromisoformat(when))
                for raw, flags, when in messages
            ]
            for name, messages in data["boxes"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError, UnicodeError):
        return None


def _write(path: Path, boxes: Boxes) -> None:
    data = {
        "format": FORMAT,
        "boxes": {
            name: [[m.raw.decode("latin-1"), list(m.flags), m.internaldate.isoformat()] for m in messages]
            for name, messages in boxes.items()
        },
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".demo-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temporary, path)  # whole or not at all, even with two demos starting at once
    except OSError:
        pass  # a read-only cache folder: the demo is built each time, as before


def load_or_build(
    folder: Path, source: Path, build: Callable[[], Boxes], make: Callable[[bytes, list[str], datetime], Any]
) -> Boxes:
    """The boxes stored in ``folder`` for this ``source``, else ``build()`` (then stored)."""
    path = _path(folder, source)
    stored = _read(path, make)
    if stored is not None:
        return stored
    boxes = build()
    _write(path, boxes)
    return boxes
