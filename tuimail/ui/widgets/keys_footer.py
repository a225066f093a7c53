"""The footer: the focused widget's keys on one line, ``? Help`` always first.

Textual's Footer is a container of one widget per key, composed again whenever the
bindings change (every focus change, every command line opened or closed): each time it
mounts a dozen widgets and lays the screen out again, 40-50 ms of the UI's time (issue 9:
the UI never stalls over 50 ms).  This footer is one widget drawing one line: when the
keys change it draws again, and when they are the same it does nothing.

It looks as Textual's Footer does (the same component styles, the same theme variables),
except that the help key comes first: on a narrow terminal the keys on the right are cut
off, and the way to every other key stays on screen.  The command palette's key is on the
right, as in Textual's.  A click on a key presses it.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["HELP_ACTIONS", "FooterKeyPlace", "KeysFooter"]

#: Actions whose footer key is the way to the help screen.
HELP_ACTIONS = frozenset({"help", "app.help"})

#: The left border of the command palette's key (Textual's ``vkey`` border).
_PALETTE_BORDER = "▏"


class FooterKeyPlace(NamedTuple):
    """One key as drawn: its binding's key and action, and the cells it takes (``start``..``end``)."""

    key: str
    key_display: str
    description: str
    action: str
    enabled: bool
    start: int = 0
    end: int = 0


class KeysFooter(Widget, can_focus=False):
    """The keys of the focused widget and the app, drawn on one line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
        "footer-key--palette-border",
    }
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .footer-key--palette-border {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: The keys shown, help first, the command palette's last (None: not known yet).
        self.keys: tuple[FooterKeyPlace, ...] | None = None
        #: Where each key was drawn at the last render (clicks and tests look here).
        self.places: tuple[FooterKeyPlace, ...] = ()
        self._hover: int | None = None

    # ------------------------------------------------------------ the keys

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        keys = self.active_keys()
        if keys != self.keys:
            self.keys = keys
            self.refresh()

    def active_keys(self) -> tuple[FooterKeyPlace, ...]:
        """The screen's shown bindings, one per action: help first, the palette's key last."""
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        helps: list[FooterKeyPlace] = []
        others: list[FooterKeyPlace] = []
        palette: list[FooterKeyPlace] = []
        actions: set[str] = set()
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if key == palette_key:
                palette.append(FooterKeyPlace(binding.key, app.get_key_display(binding),
                                              binding.description, binding.action, enabled))
                continue
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            place = FooterKeyPlace(binding.key, app.get_key_display(binding), binding.description,
                                   binding.action, enabled)
            (helps if binding.action in HELP_ACTIONS else others).append(place)
        return (*helps, *others, *palette[:1])

    # ------------------------------------------------------------ drawing

    def render(self) -> Text:
        if self.keys is None:
            self.keys = self.active_keys()
        width = self.size.width
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        hover_style = self.get_component_rich_style("footer-key--hover")
        last = self.keys[-1] if self.keys else None
        palette = last if last is not None and last.key == self.app.COMMAND_PALETTE_BINDING else None
        keys = self.keys[:-1] if palette is not None else self.keys
        places: list[FooterKeyPlace] = []
        line = Text(no_wrap=True, overflow="crop", end="")

        def draw(index: int, place: FooterKeyPlace, trailing: str) -> None:
            start = line.cell_len
            dim = Style(dim=not place.enabled)
            over = hover_style if index == self._hover else Style()
            line.append(f" {place.key_display} ", key_style + over + dim)
            if place.description:
                line.append(f"{place.description}{trailing}", description_style + over + dim)
            places.append(place._replace(start=start, end=line.cell_len))

        for index, place in enumerate(keys):
            draw(index, place, " ")
        if palette is not None:
            right = Text(no_wrap=True, end="")
            right.append(_PALETTE_BORDER, self.get_component_rich_style("footer-key--palette-border"))
            right.append(palette.key_display, key_style)  # compact, as Textual draws it
            right.append(f" {palette.description}", description_style)
            right.append(" ")
            room = max(0, width - right.cell_len)
            line.truncate(room, pad=True)
            start = line.cell_len
            line.append_text(right)
            places.append(palette._replace(start=start + 1, end=line.cell_len))
        line.truncate(width, pad=True)
        self.places = tuple(p for p in places if p.start < width)
        return line

    # ------------------------------------------------------------ the mouse

    def _place_at(self, x: int) -> int | None:
        for index, place in enumerate(self.places):
            if place.start <= x < place.end:
                return index
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._place_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._place_at(event.x)
        if index is None:
            return
        place = self.places[index]
        if place.enabled:
            self.app.simulate_key(place.key)
        else:
            self.app.bell()
