"""The in-process pymap server as a ServerInfo (fresh server per test)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.servers import tls
from tests.servers.info import ServerInfo
from tuimail.demo.server import PymapServer


@asynccontextmanager
async def running_pymap() -> AsyncIterator[ServerInfo]:
    """Start pymap on 127.0.0.1 (random port) with one account; stop it after.

    STARTTLS is offered with the test CA's certificate for "localhost"; there
    is no implicit-TLS listener.
    """
    counter = itertools.count(1)

    def new_account() -> tuple[str, str]:
        n = next(counter)
        username, password = f"user{n:03d}", f"pass-{n:03d}"
        server.add_user(username, password)
        return username, password

    server = PymapServer({}, ssl_context=tls.server_context())
    username, password = new_account()
    await server.start()
    try:
        yield ServerInfo(
            name="pymap",
            host=server.host,
            port=server.port,
            tls_port=None,
            ssl_context=tls.client_context(),
            username=username,
            password=password,
            sasl_mechanisms=server.sasl_mechanisms,
            new_account=new_account,
        )
    finally:
        await server.stop()
