"""Where the header cache lives: the platform's user cache folder (no SQLite needed to say so)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

__all__ = ["CACHE_FILE_NAME", "default_cache_path"]

CACHE_FILE_NAME = "headers.sqlite3"


def default_cache_path() -> Path:
    """Where the cache lives unless told otherwise: the platform's user cache folder."""
    return Path(platformdirs.user_cache_dir("tuimail")) / CACHE_FILE_NAME
