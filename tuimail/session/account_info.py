"""What the server is and offers, and how tuimail talks to it: the account info screen's facts.

:func:`gather` reads them from the connection (:class:`~.client.SessionClient`)
and answers :meth:`Session.account_info` with an
:class:`~.messages.AccountInfo`:

* the server's greeting (RFC 9051 §7.1) and its ID (RFC 2971: tuimail sends
  its own name and version, only if the server offers ID, once per
  connection);
* every capability offered (RFC 9051 §7.2.2) beside the extensions tuimail
  knows, each with whether tuimail uses it on this connection and what for
  (:data:`KNOWN`);
* the TLS version, cipher and the SHA-256 fingerprint of the server's
  certificate, or none (plaintext); whether the connection is compressed;
* the header cache's size, or that there is none in use.

Every string from the server is kept as the server sent it (bounded): the
screen sanitises it.
"""

from __future__ import annotations

import hashlib
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from tuimail import __version__
from tuimail.config import Account
from tuimail.imap.types import ResponseText

from . import messages as m
from .client import SessionClient

if TYPE_CHECKING:
    from tuimail.mail.cache.header_cache import HeaderCache

__all__ = ["KNOWN", "CapabilityUse", "HeaderCacheInfo", "TlsInfo", "gather", "tuimail_id"]

#: Characters kept of the greeting's text (it is a line of server text).
MAX_GREETING = 1000

Use = Literal["yes", "when needed", "no", "not offered"]

#: When tuimail uses an extension it knows, and what for.  The rules:
#: ``offered``: whenever the server offers it (or IMAP4rev2, which includes it);
#: ``literal``: only when a command carries a literal;
#: ``enabled``: when turned on with ENABLE on this connection;
#: ``enable``: when anything was turned on with ENABLE;
#: ``compressed``: when the connection is compressed;
#: ``id``: when ID was sent on this connection;
#: ``sasl``: when logging in with a SASL mechanism;
#: ``starttls``: when the account uses STARTTLS;
#: ``never``: tuimail does not use it (yet).
KNOWN: tuple[tuple[str, str, str], ...] = (
    ("IMAP4REV2", "enabled", "IMAP4rev2 (RFC 9051)"),
    ("IDLE", "offered", "new mail at once, without polling (RFC 2177)"),
    ("MOVE", "offered", "moving messages with UID MOVE (RFC 6851)"),
    ("UIDPLUS", "offered", "UID EXPUNGE of just the chosen messages; COPYUID for undo (RFC 4315)"),
    ("ESEARCH", "offered", "UID lists as ranges: SEARCH RETURN (ALL) (RFC 4731)"),
    ("LIST-STATUS", "offered", "every mailbox's counts in one LIST (RFC 5819)"),
    ("SPECIAL-USE", "offered", "finding Trash, Archive, Sent... (RFC 6154)"),
    ("COMPRESS=DEFLATE", "compressed", "a compressed connection (RFC 4978)"),
    ("LITERAL+", "literal", "literals sent without waiting (RFC 7888)"),
    ("LITERAL-", "literal", "small literals sent without waiting (RFC 7888)"),
    ("SASL-IR", "sasl", "the first SASL message sent with AUTHENTICATE (RFC 4959)"),
    ("STARTTLS", "starttls", "TLS on the plaintext port (RFC 9051 §6.2.1)"),
    ("ID", "id", "telling client and server names (RFC 2971)"),
    ("ENABLE", "enable", "turning extensions on (RFC 5161)"),
    ("CONDSTORE", "enabled", "mod-sequences (RFC 7162)"),
    ("QRESYNC", "enabled", "quick resynchronisation (RFC 7162)"),
    ("UTF8=ACCEPT", "enabled", "UTF-8 mailbox names and headers (RFC 6855)"),
    ("SORT", "never", "sorting on the server (RFC 5256)"),
    ("THREAD=REFERENCES", "never", "threads on the server (RFC 5256)"),
    ("NAMESPACE", "never", "personal and shared namespaces (RFC 2342)"),
)
#: Extensions IMAP4rev2 includes (RFC 9051 Appendix E): offered when it is.
IN_IMAP4REV2 = frozenset({"IDLE", "MOVE", "UIDPLUS", "ESEARCH", "LIST-STATUS", "SPECIAL-USE", "LITERAL-"})


@dataclass(frozen=True)
class CapabilityUse:
    """One capability: offered by the server?  Used by tuimail on this connection, and what for."""

    name: str
    offered: bool
    used: Use
    what: str = ""
    #: Offered as part of IMAP4rev2, not listed on its own.
    via_imap4rev2: bool = False


@dataclass(frozen=True)
class TlsInfo:
    """The connection's TLS session and the server's certificate."""

    version: str
    cipher: str
    bits: int | None
    #: SHA-256 of the certificate (DER), as ``AB:CD:...``.
    fingerprint: str
    subject: str = ""
    issuer: str = ""
    not_after: str = ""


@dataclass(frozen=True)
class HeaderCacheInfo:
    """The header cache on disk (:class:`~tuimail.mail.cache.header_cache.HeaderCache`)."""

    path: str
    size_bytes: int
    available: bool
    problem: str | None = None


def tuimail_id() -> dict[str, str]:
    """What tuimail says about itself with ID (RFC 2971 §3.3): its name and version, nothing else."""
    return {"name": "tuimail", "version": __version__}


async def gather(client: SessionClient, account: Account, cache: HeaderCache | None = None) -> m.AccountInfo:
    """Everything the account info screen shows; sends ID the first time on a connection."""
    server_id = await client.server_id(tuimail_id())
    security = {"implicit": "implicit TLS", "starttls": "STARTTLS"}.get(account.tls, "none: plaintext")
    return m.AccountInfo(
        account=account.name,
        server=f"{account.host}:{account.effective_port}",
        username=account.username,
        security=security,
        greeting=greeting_text(client),
        server_id=server_id,
        capabilities=capability_uses(client, account),
        tls=tls_info(client.tls()),
        compressed=client.compressed,
        header_cache=header_cache_info(cache),
    )


def greeting_text(client: SessionClient) -> str:
    """``OK [CODE] text`` of the greeting (a code's data is left out: it is shown elsewhere)."""
    greeting = client.greeting
    if greeting is None:
        return ""
    data = greeting.data
    if not isinstance(data, ResponseText):
        return greeting.name
    code = f" [{data.code.name}{' …' if data.code.data not in (None, '', []) else ''}]" if data.code else ""
    return f"{greeting.name}{code} {data.text}"[:MAX_GREETING].rstrip()


def capability_uses(client: SessionClient, account: Account) -> tuple[CapabilityUse, ...]:
    """The extensions tuimail knows, then every other capability offered (alphabetically)."""
    offered = client.capabilities
    rev2 = "IMAP4REV2" in offered
    enabled = client.enabled
    sasl = account.auth != "login"
    facts = {
        "offered": True,
        "enable": bool(enabled),
        "compressed": client.compressed,
        "id": client.has("ID"),
        "sasl": sasl,
        "starttls": account.tls == "starttls",
        "never": False,
    }
    out: list[CapabilityUse] = []
    for name, rule, what in KNOWN:
        implied = rev2 and name in IN_IMAP4REV2 and name not in offered
        # STARTTLS is offered before TLS only (RFC 9051 §6.2.1): the upgrade says it was.
        upgraded = name == "STARTTLS" and account.tls == "starttls" and client.tls() is not None
        is_offered = name in offered or implied or upgraded
        if not is_offered:
            used: Use = "not offered"
        elif rule == "enabled":
            used = "yes" if name in enabled else "no"
        elif rule == "literal":
            used = "when needed"
        else:
            used = "yes" if facts[rule] else "no"
        out.append(CapabilityUse(name, is_offered, used, what, via_imap4rev2=implied))
    known = {name for name, _, _ in KNOWN}
    mechanism = f"AUTH={account.auth.upper()}"
    if sasl and mechanism not in offered:  # servers list AUTH= before login only
        out.append(CapabilityUse(mechanism, True, "yes", "logging in (SASL; offered before login)"))
    for name in sorted(offered - known):
        if name.startswith("AUTH="):
            used = "yes" if sasl and name == mechanism else "no"
            out.append(CapabilityUse(name, True, used, "logging in (SASL)" if used == "yes" else ""))
        elif name == "IMAP4REV1":
            out.append(CapabilityUse(name, True, "yes", "IMAP4rev1 (RFC 3501)"))
        else:
            out.append(CapabilityUse(name, True, "no"))
    return tuple(out)


def tls_info(tls: ssl.SSLObject | None) -> TlsInfo | None:
    """Version, cipher and certificate of a TLS session (None: plaintext)."""
    if tls is None:
        return None
    cipher = tls.cipher()
    der = tls.getpeercert(binary_form=True)
    fingerprint = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest()) if der else ""
    cert = tls.getpeercert() or {}  # empty when the certificate was not verified
    return TlsInfo(
        version=tls.version() or "",
        cipher=cipher[0] if cipher else "",
        bits=cipher[2] if cipher else None,
        fingerprint=fingerprint,
        subject=_name(cert.get("subject", ())) or _dns_names(cert.get("subjectAltName", ())),
        issuer=_name(cert.get("issuer", ()), ("commonName", "organizationName")),
        not_after=str(cert.get("notAfter", "")),
    )


def _dns_names(alt_names: object, limit: int = 5) -> str:
    """The DNS names of a certificate's subjectAltName (the first ``limit``)."""
    names = [str(v) for k, v in alt_names if k == "DNS"] if isinstance(alt_names, tuple) else []
    return ", ".join(names[:limit]) + (", …" if len(names) > limit else "")


def _name(rdns: object, keys: tuple[str, ...] = ("commonName",)) -> str:
    """``commonName`` of a certificate name as ``getpeercert()`` gives it."""
    values: dict[str, str] = {}
    if isinstance(rdns, tuple):
        for rdn in rdns:
            for pair in rdn if isinstance(rdn, tuple) else ():
                if isinstance(pair, tuple) and len(pair) == 2:
                    values.setdefault(str(pair[0]), str(pair[1]))
    return ", ".join(values[k] for k in keys if k in values)


def header_cache_info(cache: HeaderCache | None) -> HeaderCacheInfo | None:
    """The cache's file and size on disk, or None when the session has no cache."""
    if cache is None:
        return None
    return HeaderCacheInfo(str(cache.path), cache.size_bytes(), cache.available, cache.problem)
