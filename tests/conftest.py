"""Shared fixtures: real IMAP servers for the tests.

- ``pymap_server``: a fresh in-process pymap per test (127.0.0.1, random port;
  STARTTLS offered, no implicit-TLS port; SASL PLAIN, LOGIN, CRAM-MD5).
- ``dovecot_server``: one Dovecot process per session, a fresh user per test;
  skipped without a dovecot binary unless TUIMAIL_REQUIRE_DOVECOT=1, which
  turns the skip into a failure.  Plaintext port with STARTTLS, plus an
  implicit-TLS port; SASL PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1/-256.
  Both servers' certificate is for "localhost" only:
  connect to host "localhost" (or pass server_hostname="localhost") when
  verifying TLS; 127.0.0.1 must fail verification.
- ``imap_server``: parametrised over both (ids "pymap", "dovecot").
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from hypothesis import settings as _hypothesis_settings

from tests.servers.dovecot import DovecotServer, running_dovecot
from tests.servers.info import ServerInfo
from tests.servers.pymap import running_pymap

_hypothesis_settings.register_profile("default", deadline=1000)
_hypothesis_settings.register_profile("long", max_examples=20_000, deadline=1000)
_hypothesis_settings.load_profile(os.environ.get("TUIMAIL_HYPOTHESIS_PROFILE", "default"))

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


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """The session's Dovecot process (see tests/servers/dovecot.py)."""
    with running_dovecot() as server:
        yield server


@pytest.fixture
def dovecot_server(dovecot: DovecotServer) -> ServerInfo:
    """A fresh user (empty INBOX) on the session's Dovecot."""
    return dovecot.server_info()
