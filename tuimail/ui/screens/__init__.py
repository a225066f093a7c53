"""The app's screens: main, help, error, and the small dialogs.

Only the main screen is imported with the package: the others are imported when first used
(a dialog, the help, the account info), which the first screen does without.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuimail.lazy_names import lazy_names

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


__getattr__ = lazy_names(__name__, _MODULE_OF)
