"""Connection-level commands: CAPABILITY, NOOP, LOGOUT (RFC 9051 §6.1),
STARTTLS, LOGIN, AUTHENTICATE (§6.2), ID (RFC 2971), ENABLE (RFC 5161),
NAMESPACE (RFC 2342), COMPRESS (RFC 4978)."""

from __future__ import annotations

import base64
import binascii
import ssl
from typing import TYPE_CHECKING, Any

from .. import trace
from ..command import Command
from ..connection import default_ssl_context
from ..encoder import Atom, Raw, String
from ..errors import AuthenticationError, IMAPError, ResponseError, SecurityError
from ..types import ContinuationRequest, TaggedResponse
from .base import CommandsBase

if TYPE_CHECKING:
    from .. import sasl
    from ..extension_types import Namespaces


class SessionCommands(CommandsBase):
    """Commands valid in any state, and authentication."""

    #: Turn on COMPRESS=DEFLATE after login when the server offers it.
    auto_compress: bool = True
    _ssl_context: ssl.SSLContext | None = None
    _server_hostname: str | None = None

    async def capability(self) -> frozenset[str]:
        """CAPABILITY (RFC 9051 §6.1.1): ask again and return the set."""
        await self._run("CAPABILITY", collect=("CAPABILITY",))
        return self.capabilities

    async def noop(self) -> None:
        """NOOP (RFC 9051 §6.1.2): lets pending updates arrive."""
        await self._run("NOOP")

    async def logout(self) -> None:
        """LOGOUT (RFC 9051 §6.1.3): say goodbye and close the connection.

        Does nothing when the connection is already closed.
        """
        if self.closed:
            return

        def sent() -> None:
            self._logging_out = True

        try:
            await self._run("LOGOUT", on_sent=sent)
        finally:
            if self._conn is not None:
                self._conn.close()
            if not self.closed:
                self._close(IMAPError("logged out"))

    async def id(self, parameters: dict[str, str] | None = None) -> dict[str, str] | None:
        """ID (RFC 2971 §3.1): send our identification, return the server's."""
        arg: Any = None
        if parameters:
            arg = [String(x) for kv in parameters.items() for x in kv]
        cmd = await self._run("ID", arg, collect=("ID",))
        found = self._data(cmd.responses, "ID")
        return found[-1] if found else None

    async def enable(self, *capabilities: str) -> list[str]:
        """ENABLE (RFC 5161 §3.1): turn on extensions (CONDSTORE, QRESYNC,
        UTF8=ACCEPT...); returns those the server enabled."""
        cmd = await self._run("ENABLE", *(Atom(c) for c in capabilities), collect=("ENABLED",))
        return [str(c).upper() for data in self._data(cmd.responses, "ENABLED") for c in data]

    async def namespace(self) -> Namespaces:
        """NAMESPACE (RFC 2342 §5, RFC 9051 §6.3.10)."""
        from ..extension_types import Namespaces  # imported when first used (never at the start)

        cmd = await self._run("NAMESPACE", collect=("NAMESPACE",))
        found = self._data(cmd.responses, "NAMESPACE")
        if not found:
            return Namespaces([], [], [])
        result: Namespaces = found[-1]
        return result

    # --- TLS ---------------------------------------------------------------

    async def starttls(
        self, ssl_context: ssl.SSLContext | None = None, server_hostname: str | None = None
    ) -> None:
        """STARTTLS (RFC 9051 §6.2.1): upgrade to TLS, never falling back.

        Refused (SecurityError) when not offered or not answered OK.  Bytes
        received before the handshake are discarded and the capabilities
        are asked again over TLS (a CAPABILITY code on the reply is ignored).
        """
        if self.tls:
            raise SecurityError("TLS is already active")
        if not self.has("STARTTLS"):
            raise SecurityError(f"{self.host} does not offer STARTTLS; refusing to continue in plaintext")
        ctx = ssl_context or self._ssl_context or default_ssl_context()

        def on_tagged(response: TaggedResponse) -> None:
            if response.name == "OK":
                self._discard = True  # nothing after the OK may be read as IMAP
                if self._conn is not None:
                    self._conn.pause_reading()

        try:
            await self._run("STARTTLS", on_tagged=on_tagged)
        except ResponseError as e:
            raise SecurityError(f"STARTTLS refused by {self.host}: {e.text}") from e
        assert self._conn is not None
        self._caps = None
        dropped = self._reader.clear()
        if dropped:
            trace.note(f"discarded {dropped} buffered bytes received before the TLS handshake", self.trace_id)
        await self._conn.start_tls(ctx, server_hostname or self._server_hostname or self.host, self.timeout)
        self._discard = False
        trace.note("TLS established", self.trace_id)
        await self.capability()

    # --- authentication ----------------------------------------------------------

    async def login(self, username: str, password: str) -> None:
        """LOGIN (RFC 9051 §6.2.3); refused before sending when the server
        advertises LOGINDISABLED.  Arguments are redacted from the trace."""
        if self.has("LOGINDISABLED"):
            raise SecurityError(f"{self.host} advertises LOGINDISABLED; not sending the password")
        cmd = await self._run(
            "LOGIN", String(username), String(password), redact="login", no_error=AuthenticationError
        )
        await self._after_login(cmd)

    async def authenticate(self, mechanism: str | sasl.Mechanism, *args: Any, **kwargs: Any) -> None:
        """AUTHENTICATE (RFC 9051 §6.2.2) with a SASL mechanism.

        ``mechanism`` is a name (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER,
        SCRAM-SHA-1, SCRAM-SHA-256, EXTERNAL, ANONYMOUS, CRAM-MD5) whose
        arguments follow, or a :class:`~tuimail.imap.sasl.Mechanism`.
        The initial response goes with the command when SASL-IR (RFC 4959)
        is offered.  Every SASL message is redacted from the trace.
        """
        from .. import sasl  # the mechanisms are imported when first used (LOGIN needs none)

        mech = (
            mechanism
            if isinstance(mechanism, sasl.Mechanism)
            else sasl.authenticator(mechanism, *args, **kwargs)
        )
        cmd_args: list[Any] = [Atom(mech.name)]
        initial_sent = False
        if mech.client_first and self.has("SASL-IR"):
            initial = mech.initial_response() or b""
            cmd_args.append(Raw(base64.b64encode(initial).decode("ascii") if initial else "="))
            initial_sent = True
        cmd: Command | None = None

        def on_continuation(response: ContinuationRequest) -> None:
            nonlocal initial_sent
            assert cmd is not None
            if cmd.error is not None:
                return
            try:
                text = response.data.text.strip()
                try:
                    challenge = base64.b64decode(text, validate=True)
                except (binascii.Error, ValueError):
                    raise AuthenticationError(f"{mech.name}: the server's challenge is not base64") from None
                if mech.client_first and not initial_sent:
                    initial_sent = True
                    answer = mech.initial_response() or b""
                else:
                    answer = mech.process(challenge)
            except (IMAPError, ValueError) as e:
                cmd.error = e if isinstance(e, IMAPError) else AuthenticationError(str(e))
                self.write_continuation_line(b"*\r\n")  # RFC 9051 §6.2.2: cancel the exchange
                return
            self.write_continuation_line(base64.b64encode(answer) + b"\r\n", redact=True)

        cmd = Command(
            "AUTHENTICATE",
            tuple(cmd_args),
            redact="authenticate",
            on_continuation=on_continuation,
        )
        response = await self.execute(cmd)
        self.check_completion(cmd, response, AuthenticationError)
        try:
            mech.verify_success(None)
        except SecurityError:
            self._fail(SecurityError(f"{mech.name}: the server did not prove its identity"))
            raise
        await self._after_login(cmd)

    async def _after_login(self, cmd: Command) -> None:
        """RFC 9051 §6.2.2-3: capabilities may change after authentication."""
        self.state = "authenticated"
        code = cmd.result.data.code if cmd.result is not None else None
        if code is None or code.name != "CAPABILITY":
            await self.capability()
        if self.auto_compress and self.has("COMPRESS=DEFLATE") and not self.compressed:
            await self.compress()

    # --- compression -------------------------------------------------------------

    async def compress(self) -> None:
        """COMPRESS DEFLATE (RFC 4978 §3): compress both directions from here."""
        if self.compressed:
            return

        def sent() -> None:
            self._switching_compression = True

        def on_tagged(response: TaggedResponse) -> None:
            self._switching_compression = False
            if response.name == "OK" and self._conn is not None:
                self._conn.start_compression()
                trace.note("COMPRESS=DEFLATE active", self.trace_id)

        await self._run("COMPRESS", Atom("DEFLATE"), on_sent=sent, on_tagged=on_tagged)
