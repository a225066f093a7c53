"""The account info screen: the server's greeting and ID, the capabilities it offers beside those
tuimail uses, the TLS session and certificate, the header cache (issue 10, "Seeing what happened").

Everything the server sent (greeting, ID, capability names, certificate names) is sanitised and
shown as plain :class:`rich.text.Text`, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from tuimail.mail.sanitize import sanitize
from tuimail.session.messages import AccountInfo
from tuimail.ui.bindings import ACCOUNT_INFO_BINDINGS, reader_bindings
from tuimail.ui.widgets.base import ImmediateScroll

__all__ = ["AccountInfoBody", "AccountInfoScreen"]

_USED_STYLE = {"yes": "bold green", "when needed": "green", "no": "", "not offered": "dim"}


def plain(text: object) -> Text:
    """Server text as plain, sanitised Text."""
    return Text(sanitize(str(text)))


def size(count: int) -> str:
    """A byte count for a person: 1.2 MB."""
    value = float(count)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{count} bytes"


class AccountInfoBody(ImmediateScroll, inherit_bindings=False):
    """The scrolling body of the account info screen; its keys have ids (``account_info.<what>``)."""

    BINDINGS: ClassVar[list[BindingType]] = reader_bindings("account_info")


class AccountInfoScreen(ModalScreen[None], inherit_bindings=False):
    """What the server is and offers, and how tuimail talks to it; Escape or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = ACCOUNT_INFO_BINDINGS
    DEFAULT_CSS = """
    AccountInfoScreen { align: center middle; background: $background 60%; }
    #account-info-body {
        width: 110; max-height: 90%; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, info: AccountInfo) -> None:
        super().__init__()
        self.info = info

    def compose(self) -> ComposeResult:
        with AccountInfoBody(id="account-info-body"):
            yield Static(Group(self.facts(), Text(""), self.capabilities()), id="account-info")

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)

    # ------------------------------------------------------------- content

    def facts(self) -> Table:
        """Account, server, greeting, ID, TLS, compression, header cache: one row each."""
        info = self.info
        table = Table(title=Text("Account info"), box=None, show_header=False, expand=True)
        table.add_column("What", style="bold", no_wrap=True)
        table.add_column("Value", ratio=1, overflow="fold")
        table.add_row(Text("Account"), plain(f"{info.account}: {info.username} at {info.server}"))
        table.add_row(Text("Security"), plain(info.security))
        table.add_row(Text("Greeting"), plain(info.greeting or "(none)"))
        table.add_row(Text("Server ID"), self.server_id())
        table.add_row(Text("TLS"), self.tls())
        table.add_row(Text("Compression"), Text("COMPRESS=DEFLATE, on" if info.compressed else "off"))
        table.add_row(Text("Header cache"), self.header_cache())
        return table

    def server_id(self) -> Text:
        server_id = self.info.server_id
        if server_id.status == "answered":
            fields = "; ".join(f"{k}: {v}" for k, v in server_id.fields)
            return plain(fields or "(no fields)")
        if server_id.status == "refused":
            return plain(f"the server refused ID: {server_id.detail}")
        if server_id.status == "nil":
            return Text("the server answered ID with NIL (it tells nothing)")
        return Text("the server does not offer ID (RFC 2971)")

    def tls(self) -> Text:
        tls = self.info.tls
        if tls is None:
            return Text("none: plaintext")
        bits = f" ({tls.bits} bits)" if tls.bits else ""
        lines = [f"{tls.version}, {tls.cipher}{bits}", f"certificate SHA-256 {tls.fingerprint or '(none)'}"]
        if tls.subject or tls.issuer:
            lines.append(
                f"issued to {tls.subject or '?'} by {tls.issuer or '?'}, valid until {tls.not_after or '?'}"
            )
        return plain("\n".join(lines))

    def header_cache(self) -> Text:
        cache = self.info.header_cache
        if cache is None:
            return Text("not in use")
        state = "" if cache.available else f" (not storing: {cache.problem or 'unavailable'})"
        return plain(f"{size(cache.size_bytes)} at {cache.path}{state}")

    def capabilities(self) -> Table:
        """Every capability offered beside those tuimail knows: offered? used? what for."""
        table = Table(title=Text("Capabilities"), box=None, expand=True, header_style="bold")
        table.add_column("Capability", no_wrap=True)
        table.add_column("Offered", no_wrap=True)
        table.add_column("Used by tuimail", no_wrap=True)
        table.add_column("For", ratio=1, overflow="fold", style="dim")
        for cap in self.info.capabilities:
            offered = "in IMAP4rev2" if cap.via_imap4rev2 else ("yes" if cap.offered else "no")
            table.add_row(
                plain(cap.name),
                Text(offered, style="" if cap.offered else "dim"),
                Text(cap.used, style=_USED_STYLE.get(cap.used, "")),
                plain(cap.what),
            )
        return table
