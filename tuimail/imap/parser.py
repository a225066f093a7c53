"""Placeholder: the response parser (being written)."""

from .errors import ParseError


def parse_response(data: bytes):  # type: ignore[no-untyped-def]
    raise ParseError("parser not written yet", data)
