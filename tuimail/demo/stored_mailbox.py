"""The generated demo mailbox kept on disk, so that ``tuimail --demo`` starts
without building 362 messages (about 1-1.8 s of CPU here).

The file is JSON in the user's cache folder, named by a digest of the
generator's source: a new tuimail version builds its own.  A file that is
missing, unreadable or not what this module wrote is ignored (and written
again); nothing in it is ever executed.

The package also ships the generator's output (:data:`SHIPPED`, gzipped, with
the digest of the source it came from), so that even the first demo does not
build it: it is used only while that digest is the generator's, else the
mailbox is built as before.  ``python scripts/ship_demo_mailbox.py`` writes it
again; a test checks that it is what the generator builds.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["SHIPPED", "load_or_build", "ship"]

FORMAT = 1
#: The generator's output as shipped with the package.
SHIPPED = Path(__file__).with_name("demo-mailbox.json.gz")


class _Message(NamedTuple):
    raw: bytes
    flags: list[str]
    internaldate: datetime


Boxes = dict[str, list[Any]]


def _digest(source: Path) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()[:16]


def _path(folder: Path, source: Path) -> Path:
    return folder / f"demo-mailbox-{_digest(source)}.json"


def _read(
    path: Path, make: Callable[[bytes, list[str], datetime], Any], *, source: str | None = None
) -> Boxes | None:
    """The boxes in ``path`` (gzipped if its name ends so), or None; with ``source``, only if the
    file says it was built from a source of that digest."""
    try:
        stored = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        data = json.loads(stored.decode("utf-8"))
        if data.get("format") != FORMAT or (source is not None and data.get("source") != source):
            return None
        return {
            str(name): [
                make(raw.encode("latin-1"), [str(f) for f in flags], datetime.fromisoformat(when))
                for raw, flags, when in messages
            ]
            for name, messages in data["boxes"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError, UnicodeError, EOFError, zlib.error):
        return None


def _json(boxes: Boxes, source: str) -> str:
    data = {
        "format": FORMAT,
        "source": source,
        "boxes": {
            name: [[m.raw.decode("latin-1"), list(m.flags), m.internaldate.isoformat()] for m in messages]
            for name, messages in boxes.items()
        },
    }
    return json.dumps(data)


def _write(path: Path, boxes: Boxes, source: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".demo-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_json(boxes, source))
        os.replace(temporary, path)  # whole or not at all, even with two demos starting at once
    except OSError:
        pass  # a read-only cache folder: the demo is built each time, as before


def load_or_build(
    folder: Path, source: Path, build: Callable[[], Boxes], make: Callable[[bytes, list[str], datetime], Any]
) -> Boxes:
    """The boxes stored in ``folder`` for this ``source``, else those shipped if built from this
    source, else ``build()``; stored in ``folder`` when they were not there."""
    path = _path(folder, source)
    stored = _read(path, make)
    if stored is not None:
        return stored
    digest = _digest(source)
    boxes = _read(SHIPPED, make, source=digest) or build()
    _write(path, boxes, digest)
    return boxes


def ship(source: Path, boxes: Boxes, to: Path = SHIPPED) -> None:
    """Write ``boxes`` (the generator's output) as the package ships them."""
    to.write_bytes(gzip.compress(_json(boxes, _digest(source)).encode("utf-8"), 9, mtime=0))
