"""The one error of the query language."""

from __future__ import annotations

__all__ = ["QueryError"]


class QueryError(ValueError):
    """A malformed search query: ``message`` says what is wrong and
    ``position`` is the index of the offending character in the query text
    (the UI points at it)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position
