"""How each mailbox was last listed (a sort, or threads), remembered between runs.

A small JSON file in the platform's state folder (``views.json``), keyed by
account and mailbox; without a path (tests) it lives in memory only.  A file
that cannot be read or written is a warning, never a failure.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import platformdirs

__all__ = ["ViewMemory", "default_memory_path"]

_log = logging.getLogger(__name__)

#: Mailboxes remembered at most (the oldest go first).
MOST = 500


def default_memory_path() -> Path:
    return Path(platformdirs.user_state_dir("tuimail")) / "views.json"


class ViewMemory:
    """``{"account/mailbox": {"sort": ["REVERSE", "DATE"]} or {"threads": true}}``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._views: dict[str, dict[str, object]] = {}
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    self._views = {
                        k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, dict)
                    }
            except FileNotFoundError:
                pass
            except (OSError, ValueError) as exc:
                _log.warning("the remembered sorts in %s cannot be read (%s): starting afresh", path, exc)

    def get(self, account: str, mailbox: str) -> dict[str, object]:
        return dict(self._views.get(f"{account}/{mailbox}", {}))

    def set(self, account: str, mailbox: str, view: dict[str, object] | None) -> None:
        key = f"{account}/{mailbox}"
        self._views.pop(key, None)
        if view:
            self._views[key] = view
        while len(self._views) > MOST:
            self._views.pop(next(iter(self._views)))
        self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._views, indent=1), encoding="utf-8")
            tmp.replace(self.path)
        except OSError as exc:
            _log.warning("the sort of a mailbox cannot be remembered in %s (%s)", self.path, exc)
