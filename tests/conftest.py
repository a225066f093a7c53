"""Shared fixtures: real IMAP servers for the tests.

- ``pymap_server``: a fresh in-process pymap per test (127.0.0.1, random port).
- ``dovecot_server``: one Dovecot process per session, a fresh user per test;
  skipped without a dovecot binary unless TUIMAIL_REQUIRE_DOVECOT=1, which
  turns the skip into a failure.
- ``imap_server``: parametrised over both (ids "pymap", "dovecot").
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.servers.info import ServerInfo
from tests.servers.pymap import running_pymap

__all__ = ["ServerInfo"]


@pytest.fixture
async def pymap_server() -> AsyncIterator[ServerInfo]:
    """A fresh in-process pymap server with one empty account."""
    async with running_pymap() as info:
        yield info


@pytest.fixture(params=["pymap", "dovecot"])
def imap_server(request: pytest.FixtureRequest) -> ServerInfo:
    """Each real server in turn: pymap, then Dovecot."""
    info: ServerInfo = request.getfixturevalue(f"{request.param}_server")
    return info


@pytest.fixture
def dovecot_server() -> ServerInfo:
    """Placeholder until the Dovecot fixture lands."""
    pytest.skip("Dovecot fixture not written yet")
