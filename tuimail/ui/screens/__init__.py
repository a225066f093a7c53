"""The app's screens: main, help, error, and the small dialogs.

Only the main screen is imported with the package: the others are imported when first used
(a dialog, the help, the account info), which the first screen does without.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .main import MainScreen

if TYPE_CHECKING:
    from .dialogs import FolderPicker, SaveAttachmentDialog
    from .error import ErrorScreen
    from .help import HelpScreen

__all__ = ["ErrorScreen", "FolderPicker", "HelpScreen", "MainScreen", "SaveAttachmentDialog"]

_MODULE_OF = {
    "ErrorScreen": "error",
    "FolderPicker": "dialogs",
    "HelpScreen": "help",
    "SaveAttachmentDialog": "dialogs",
}


def __getattr__(name: str) -> Any:
    if name in _MODULE_OF:
        return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
