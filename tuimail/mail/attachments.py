"""Saving attachments: safe file names, never outside the folder, never overwriting.

A file name from a message is attacker-chosen (RFC 2183 §2.3 asks
receivers to treat it as a suggestion only).  :func:`safe_filename` keeps
the last path component only, drops control, format and bidi characters
(so ``invoice\u202egnp.exe`` cannot pretend to be a PNG), refuses names
that hide (leading dots) or that Windows reserves, and caps the length.
:func:`write_new_file` creates the file with ``O_CREAT | O_EXCL`` (no
overwrite, no following a planted symlink), adding `` (1)``, `` (2)``...
before the extension when the name is taken.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import BinaryIO

from .sanitize import _UNSAFE

__all__ = ["MAX_NAME_BYTES", "open_new_file", "safe_filename", "write_new_file"]

#: Longest file name written, in UTF-8 bytes (most file systems allow 255).
MAX_NAME_BYTES = 200

_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
_BAD_CHARS = re.compile(r'[<>:"/\\|?*]')


def _split_ext(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16 or " " in ext:
        return name, ""
    return stem, "." + ext


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def safe_filename(name: str | None, fallback: str = "attachment") -> str:
    """A file name safe to create in a chosen folder.

    * only the part after the last ``/`` or ``\\`` is kept (no traversal, no
      absolute paths, no drive letters);
    * control, format, bidi and other invisible characters are removed;
      characters Windows forbids become ``_``; Unicode is NFC-normalised;
    * leading dots and spaces are removed (no hidden files, no ``..``),
      as are trailing dots and spaces;
    * Windows device names (``CON``, ``NUL.txt``...) get a ``_`` prefix;
    * the name is cut to :data:`MAX_NAME_BYTES`, keeping the extension;
    * an empty result becomes ``fallback`` (itself made safe).
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE.sub("", text)
    text = _BAD_CHARS.sub("_", text)
    text = text.strip().lstrip(". ").rstrip(". ")
    if _WINDOWS_RESERVED.match(text):
        text = "_" + text
    if not text:
        return "attachment" if fallback == "attachment" else safe_filename(fallback)
    stem, ext = _split_ext(text)
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        ext = _truncate_utf8(ext, 20)
        stem = _truncate_utf8(stem, MAX_NAME_BYTES - len(ext.encode("utf-8")))
        text = (stem.rstrip(". ") or "attachment") + ext
    return text


def write_new_file(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a new file ``folder/name`` and return its path.

    ``name`` must already be safe (see :func:`safe_filename`).  The folder is
    created if missing.  An existing file (or symlink) of that name is
    never touched: `` (1)``, `` (2)``... is added before the extension.
    The file is created readable by its owner only.
    """
    path, fh = open_new_file(folder, name)
    with fh:
        fh.write(data)
    return path


def open_new_file(folder: Path, name: str) -> tuple[Path, BinaryIO]:
    """Create a new file ``folder/name`` as :func:`write_new_file` does (never overwriting, owner
    only) and return its path and the file open for writing, to be written piece by piece."""
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    base = folder.resolve()
    stem, ext = _split_ext(name)
    for n in range(10_000):
        candidate_name = name if n == 0 else f"{stem} ({n}){ext}"
        path = base / candidate_name
        if path.parent != base:  # defensive: a name that is not one component
            raise ValueError(f"unsafe attachment name: {name!r}")
        flags = (
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
        )
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            continue
        return path, os.fdopen(fd, "wb")
    raise FileExistsError(f"no free file name for {name!r} in {base}")
