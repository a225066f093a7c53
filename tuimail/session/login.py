"""Opening a connection and logging in: TLS as configured (verified), the greeting, then LOGIN
or the configured SASL mechanism.

Nothing here posts to the UI or imports Textual: the first connection is opened by
:mod:`.head_start` before the UI is imported, and every later one by
:class:`~tuimail.session.connector.Connector`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl

from tuimail.config import Account, get_password
from tuimail.imap import IMAP

__all__ = ["COMMAND_TIMEOUT", "CONNECT_TIMEOUT", "log_in"]

#: Longest wait to connect (the TCP and TLS handshakes and the greeting), unless a caller says.
CONNECT_TIMEOUT = 20.0
#: Longest wait for one command's answer (a big message on a slow link takes long:
#: a server that sends nothing at all is caught sooner by the watchdog).
COMMAND_TIMEOUT = 120.0


async def log_in(
    account: Account,
    *,
    password: str | None,
    ssl_context: ssl.SSLContext | None,
    connect_timeout: float,
) -> IMAP:
    """A logged-in connection to ``account`` (its password from its source when ``password`` is
    None); a connection that fails to log in is logged out (bounded) before the error is raised."""
    if password is None:
        password = await asyncio.to_thread(get_password, account)
    context = ssl_context
    if context is None and account.tls != "none":
        context = ssl.create_default_context(cafile=str(account.ca_file) if account.ca_file else None)
    imap = await IMAP.connect(
        account.host,
        account.effective_port,
        tls=account.tls,  # type: ignore[arg-type]
        ssl_context=context if account.tls != "none" else None,
        timeout=connect_timeout,
        command_timeout=COMMAND_TIMEOUT,
    )
    try:
        if account.auth == "login":
            await imap.login(account.username, password)
        else:
            await imap.authenticate(account.auth.upper(), account.username, password)
    except BaseException:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(imap.logout(), 2.0)
        raise
    return imap
