"""What tuimail's widgets share: Textual's constructor arguments, and messages naming their widget."""

from __future__ import annotations

from typing import Generic, TypedDict, TypeVar

from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget

__all__ = ["ImmediateScroll", "WidgetArgs", "WidgetMessage"]

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


class ImmediateScroll(VerticalScroll):
    """A VerticalScroll whose scrolling actions are immediate (no animation): a reader
    pages through mail and help quickly.  Subclasses bind the keys (with ids)."""

    def action_scroll_down(self) -> None:
        self.scroll_relative(y=1, animate=False)

    def action_scroll_up(self) -> None:
        self.scroll_relative(y=-1, animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)
