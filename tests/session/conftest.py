"""Fixtures of the session tests: the protocol trace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .support import TraceLines, tracing


@pytest.fixture
def trace() -> Iterator[TraceLines]:
    """The client's protocol trace during the test."""
    with tracing() as lines:
        yield lines
