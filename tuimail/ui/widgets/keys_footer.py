"""The footer: Textual's Footer, with the help key always in view.

Textual's Footer lists the focused widget's keys first and the App's last, so on
a narrow terminal the App's ``? Help`` is the first thing cut off.  Here the help
key gets the class ``-help`` and app.tcss docks it on the left, as the command
palette's key is docked on the right: however narrow the terminal, the way to
every other key stays on screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.widgets import Footer

__all__ = ["HELP_ACTIONS", "KeysFooter"]

#: Actions whose footer key is the way to the help screen.
HELP_ACTIONS = frozenset({"help", "app.help"})


class KeysFooter(Footer):
    """A Footer whose help key carries the class ``-help`` (docked left by app.tcss)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # A FooterKey (Textual does not export the class) names its binding's action.
            if getattr(widget, "action", None) in HELP_ACTIONS:
                widget.add_class("-help")
            compact = getattr(type(widget), "compact", None)
            bound = getattr(widget, "_reactive_connect", None) or {}  # what data_bind tied (Textual)
            if isinstance(compact, Reactive) and "compact" in bound:
                # Born as compact as the footer: binding it to Footer.compact then changes
                # nothing, where each key was restyled twice more as it was mounted.
                widget.set_reactive(compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget
