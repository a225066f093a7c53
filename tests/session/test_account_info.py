"""The account info (issue 10, "Seeing what happened"): greeting, ID (sent once, only if offered),
capabilities offered beside those tuimail uses, TLS and certificate, against pymap and Dovecot.
What the screen says tuimail uses is checked on the wire."""

from __future__ import annotations

import hashlib
import ssl

from tests.servers import tls
from tests.servers.info import ServerInfo
from tuimail import __version__
from tuimail.config import Account
from tuimail.session import messages as m
from tuimail.session.account_info import KNOWN, CapabilityUse

from .support import Collector, TraceLines, make_message, other_connection, started
from .test_session_dovecot import idling


def account(info: ServerInfo, **overrides: object) -> Account:
    values: dict[str, object] = dict(
        name="acct",
        host=info.host,
        username=info.username,
        port=info.port,
        tls="none",
        password=info.password,
    )
    values.update(overrides)
    return Account(**values)  # type: ignore[arg-type]


def by_name(info: m.AccountInfo) -> dict[str, CapabilityUse]:
    return {c.name: c for c in info.capabilities}


async def ask(session: object, got: Collector) -> m.AccountInfo:
    session.account_info()  # type: ignore[attr-defined]
    found: m.AccountInfo = await got.wait_for(m.AccountInfo)
    return found


def sent_ids(trace: TraceLines) -> list[str]:
    return [line for line in trace.sent() if line.split()[2:3] == ["ID"]]


async def test_pymap_plaintext_id_sent_once_and_the_capabilities_side_by_side(
    pymap_server: ServerInfo, trace: TraceLines
) -> None:
    async with started(account(pymap_server)) as (session, got):
        await got.wait_for(m.MailboxOpened)
        first = await ask(session, got)
        second = await ask(session, got)
    assert sent_ids(trace) == [
        f'C: {sent_ids(trace)[0].split()[1]} ID ("name" "tuimail" "version" "{__version__}")'
    ]
    assert first.server_id == second.server_id
    assert first.server_id.status == "nil"  # pymap answers ID with NIL
    assert first.security == "none: plaintext" and first.tls is None and not first.compressed
    assert first.greeting == "OK [CAPABILITY …] Server ready localhost"
    assert first.header_cache is None
    assert first.account == "acct" and first.server == f"{pymap_server.host}:{pymap_server.port}"
    caps = by_name(first)
    assert [c.name for c in first.capabilities[: len(KNOWN)]] == [name for name, _, _ in KNOWN]
    assert (caps["MOVE"].offered, caps["MOVE"].used) == (True, "yes")
    assert (caps["IDLE"].offered, caps["IDLE"].used) == (True, "yes")
    assert (caps["ESEARCH"].offered, caps["ESEARCH"].used) == (False, "not offered")
    assert (caps["COMPRESS=DEFLATE"].offered, caps["COMPRESS=DEFLATE"].used) == (False, "not offered")
    assert caps["LITERAL+"].used == "when needed"
    assert (caps["ID"].used, caps["STARTTLS"].used, caps["SASL-IR"].used) == ("yes", "no", "not offered")
    assert not [c for c in first.capabilities if c.name.startswith("AUTH=") and c.used == "yes"]
    assert caps["IMAP4REV1"].used == "yes"
    assert {"BINARY", "MULTIAPPEND"} <= {c.name for c in first.capabilities if c.used == "no"}


async def test_dovecot_implicit_tls_shows_the_session_and_the_certificate_fingerprint(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    info = dovecot_server
    assert info.tls_port is not None
    tls_account = account(info, host="localhost", port=info.tls_port, tls="implicit", auth="plain")
    async with started(tls_account, ssl_context=info.ssl_context) as (session, got):
        await got.wait_for(m.MailboxOpened)
        found = await ask(session, got)
    der = ssl.PEM_cert_to_DER_cert(tls.localhost_cert().cert_chain_pems[0].bytes().decode("ascii"))
    expected = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    assert found.tls is not None
    assert found.tls.fingerprint == expected
    assert found.tls.version in ("TLSv1.2", "TLSv1.3") and found.tls.cipher and found.tls.bits
    assert found.tls.subject == "localhost" and found.tls.issuer.startswith("trustme")
    assert found.tls.not_after
    assert found.security == "implicit TLS"
    assert found.server_id.status == "answered"
    assert dict(found.server_id.fields)["name"] == "Dovecot"
    assert len(sent_ids(trace)) == 1
    caps = by_name(found)
    assert found.compressed and caps["COMPRESS=DEFLATE"].used == "yes"
    assert caps["SASL-IR"].used == "yes" and caps["AUTH=PLAIN"].used == "yes"
    assert [c.name for c in found.capabilities if c.name.startswith("AUTH=")] == ["AUTH=PLAIN"]
    for offered_not_used in ("SORT", "THREAD=REFERENCES", "QRESYNC", "CONDSTORE", "ENABLE", "NAMESPACE"):
        assert (caps[offered_not_used].offered, caps[offered_not_used].used) == (True, "no"), offered_not_used


async def test_dovecot_starttls_says_so(dovecot_server: ServerInfo) -> None:
    info = dovecot_server
    starttls = account(info, host="localhost", tls="starttls")
    async with started(starttls, ssl_context=info.ssl_context) as (session, got):
        await got.wait_for(m.MailboxOpened)
        found = await ask(session, got)
    assert found.security == "STARTTLS" and found.tls is not None and found.tls.fingerprint
    assert by_name(found)["STARTTLS"].used == "yes"


async def test_what_the_screen_says_tuimail_uses_is_on_the_wire(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    """Every extension shown as used ("yes") on Dovecot is seen in the protocol trace."""
    info = dovecot_server
    client = other_connection(info.host, info.port, info.username, info.password)
    for n in range(1, 4):
        client.append("INBOX", make_message(n), flags=["\\Seen"])
    client.logout()
    async with started(account(info)) as (session, got):
        await got.wait_for(m.MailboxOpened)
        await got.until(lambda: None not in got.subjects() and len(got.subjects()) == 3, what="loaded")
        found = await ask(session, got)
        await idling(trace)
        session.delete([got.view.summary_at_row(0).uid])  # moved to Trash
        await got.wait_for(m.ActionDone)
        session.open_mailbox("Trash")
        await got.wait_for(m.MailboxOpened, lambda x: x.view.name == "Trash")
        await got.until(lambda: None not in got.subjects(), what="Trash loaded")
        session.delete([got.view.summary_at_row(0).uid])  # in the Trash: for good, UID EXPUNGE
        await got.wait_for(m.ActionDone)
    sent = "\n".join(trace.sent())
    evidence = {
        "IDLE": " IDLE",
        "MOVE": " UID MOVE ",
        "UIDPLUS": " UID EXPUNGE ",
        "ESEARCH": " RETURN (ALL)",
        "LIST-STATUS": " STATUS (MESSAGES UNSEEN))",
        "SPECIAL-USE": " RETURN (SPECIAL-USE",
        "COMPRESS=DEFLATE": " COMPRESS DEFLATE",
        "ID": ' ID ("name" "tuimail"',
        "IMAP4REV1": " SELECT ",
    }
    used = {c.name for c in found.capabilities if c.used == "yes"}
    assert used == set(evidence), used
    for name, words in evidence.items():
        assert words in sent, (name, words)
