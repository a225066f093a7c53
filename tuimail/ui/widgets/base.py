"""What tuimail's widgets share: Textual's constructor arguments, and messages naming their widget."""

from __future__ import annotations

from typing import Generic, TypedDict, TypeVar

from textual.message import Message
from textual.widget import Widget

__all__ = ["WidgetArgs", "WidgetMessage"]

W = TypeVar("W", bound=Widget)


class WidgetArgs(TypedDict, total=False):
    """Keyword arguments every Textual widget takes (``**widget: Unpack[WidgetArgs]``)."""

    name: str | None
    id: str | None
    classes: str | None
    disabled: bool


class WidgetMessage(Message, Generic[W]):
    """A message posted by ``widget``, which is its ``control`` (what ``@on(..., "#id")`` matches)."""

    def __init__(self, widget: W) -> None:
        super().__init__()
        self.widget = widget

    @property
    def control(self) -> W:
        return self.widget
