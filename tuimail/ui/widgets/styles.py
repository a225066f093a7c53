"""Resolving a widget's component-class styles into Rich styles for its own line rendering."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget

__all__ = ["component_style"]


def component_style(widget: Widget, name: str) -> Style:
    """The attributes the CSS sets for component class ``name``, with colours resolved.

    ``get_component_rich_style(partial=True)`` keeps only what the CSS sets (so the
    style can be laid over any row background) but cannot resolve ``auto`` colours
    such as ``$text-muted`` (``auto 60%``) without a background; the full style
    resolves them against the widget's background.  This takes the set attributes
    from the first and the colours from the second.
    """
    partial = widget.get_component_rich_style(name, partial=True)
    if partial.color is None and partial.bgcolor is None:
        return partial
    full = widget.get_component_rich_style(name)
    return partial + Style(
        color=full.color if partial.color is not None else None,
        bgcolor=full.bgcolor if partial.bgcolor is not None else None,
    )
