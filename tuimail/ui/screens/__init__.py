"""The app's screens: main, help, error, and the small dialogs."""

from .dialogs import FolderPicker, SaveAttachmentDialog
from .error import ErrorScreen
from .help import HelpScreen
from .main import MainScreen

__all__ = ["ErrorScreen", "FolderPicker", "HelpScreen", "MainScreen", "SaveAttachmentDialog"]
