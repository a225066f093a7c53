"""Round trips of opening and reading a message, pinned from the protocol trace (issue 9's
"count round trips"), against Dovecot and pymap.

- A first open of a row the list fetched sends one ``UID FETCH`` (the BODYSTRUCTURE came with
  the list's FETCH): the header, the text part and the attachment's MIME header.
- ``v`` (the other part of a multipart/alternative) fetches that part alone.
- Opening again a message shown before (either part) sends nothing: not even the DONE of IDLE.
- A row drawn from the header cache has no BODYSTRUCTURE: it comes with the header, then the
  text parts follow.
"""

from __future__ import annotations

import asyncio
import re
from email.message import EmailMessage
from pathlib import Path

from tests.servers.info import ServerInfo
from tuimail.config import Account
from tuimail.mail.cache import HeaderCache
from tuimail.mail.render import render_message
from tuimail.session import messages as m
from tuimail.session.session import Session

from .support import Collector, TraceLines, account_for, other_connection, started

PLAIN = "The plain words.\n"
HTML = "<html><body><p>The <b>HTML</b> words.</p></body></html>\n"


def alternative_with_attachment(n: int = 1) -> bytes:
    """multipart/mixed: 1 multipart/alternative (1.1 text/plain, 1.2 text/html), 2 a PDF."""
    msg = EmailMessage()
    msg["From"] = "Alice <alice@example.com>"
    msg["To"] = "Tester <tester@example.com>"
    msg["Subject"] = f"Both kinds {n}"
    msg["Date"] = f"Tue, 0{n} Dec 2026 10:00:00 +0000"
    msg["Message-ID"] = f"<both{n}@example.com>"
    msg.set_content(PLAIN)
    msg.add_alternative(HTML, subtype="html")
    msg.add_attachment(b"%PDF-1.4 not really\n" * 50, maintype="application", subtype="pdf", filename="r.pdf")
    return msg.as_bytes()


async def append(info: ServerInfo, *raws: bytes, seen: bool = False) -> None:
    def run() -> None:
        client = other_connection(info.host, info.port, info.username, info.password)
        try:
            for raw in raws:
                client.append("INBOX", raw, flags=["\\Seen"] if seen else [])
        finally:
            client.logout()

    await asyncio.to_thread(run)


def account(info: ServerInfo) -> Account:
    return account_for(info.port, username=info.username, password=info.password)


async def loaded(session: Session, got: Collector, count: int) -> None:
    await got.wait_for(m.MailboxOpened)
    await got.until(lambda: got.view is not None and got.view.exists == count, what=f"{count} rows")
    got.want_all(session)
    await got.until(lambda: None not in got.subjects(), what="every row")


async def only_message(session: Session, got: Collector) -> int:
    """The UID of the mailbox's one message, once its row is loaded."""
    await loaded(session, got, 1)
    assert got.view is not None
    uid = got.view.uid_at_row(0)
    assert uid is not None
    return uid


async def idling(trace: TraceLines, since: int = 0) -> None:
    """Until the client's last command (after line ``since``) is an IDLE the server accepted."""
    for _ in range(500):
        lines = trace.lines[since:]
        sent = [i for i, line in enumerate(lines) if line.startswith("C:")]
        last = sent[-1] if sent else None
        if last is not None and lines[last].endswith(" IDLE") and any(
            line.startswith("S: +") for line in lines[last:]
        ):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the session never went IDLE")


def sent_but_idle(trace: TraceLines, since: int) -> list[str]:
    """The commands sent after line ``since`` (tags dropped), IDLE itself left out."""
    return [line.split(" ", 2)[2] if len(line.split()) > 2 else line[3:]
            for line in trace.sent(since) if not line.endswith(" IDLE")]  # fmt: skip


async def opened(got: Collector, uid: int, kind: str = "plain") -> m.MessageLoaded:
    loaded: m.MessageLoaded = await got.wait_for(
        m.MessageLoaded, lambda x: x.uid == uid and x.rendered.shown_alternative == kind
    )
    return loaded


FIRST_OPEN = (
    r"UID FETCH {uid} \(UID BODY\[HEADER\]<0\.1048576> BODY\.PEEK\[1\.1\.MIME\]<0\.65536> "
    r"BODY\.PEEK\[1\.1\]<0\.\d+> BODY\.PEEK\[2\.MIME\]<0\.8192>\)"
)


async def test_first_open_is_one_uid_fetch_and_v_fetches_only_the_other_part(
    imap_server: ServerInfo, trace: TraceLines
) -> None:
    await first_open_then_v(imap_server, trace)


async def first_open_then_v(info: ServerInfo, trace: TraceLines) -> None:
    await append(info, alternative_with_attachment())
    async with started(account(info)) as (session, got):
        uid = await only_message(session, got)
        await idling(trace)
        mark = trace.mark()
        session.open_message(uid)
        plain = await opened(got, uid)
        await got.until(lambda: not got.view.summary(uid).unread, what="marked read")  # type: ignore[union-attr]
        await idling(trace, mark)
        first = sent_but_idle(trace, mark)
        assert first[0] == "DONE" and len(first) == 2, first
        assert re.fullmatch(FIRST_OPEN.format(uid=uid), first[1]), first
        assert plain.rendered.body == PLAIN.strip()
        assert [a.filename for a in plain.rendered.attachments] == ["r.pdf"]

        mark = trace.mark()
        session.open_message(uid, prefer="html")
        html = await opened(got, uid, "html")
        await idling(trace, mark)
        other = sent_but_idle(trace, mark)
        # The header and the attachment's MIME header came with the first open: only the part.
        assert len(other) == 2 and other[0] == "DONE", other
        assert re.fullmatch(
            rf"UID FETCH {uid} \(UID BODY\.PEEK\[1\.2\.MIME\]<0\.65536> BODY\.PEEK\[1\.2\]<0\.\d+>\)",
            other[1],
        ), other
        assert html.rendered.body == "The HTML words."
        assert (html.rendered.subject, html.rendered.from_) == (plain.rendered.subject, plain.rendered.from_)
        assert html.rendered.attachments == plain.rendered.attachments


async def test_opening_again_sends_nothing_and_idle_stays_on(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    info = dovecot_server
    await append(info, alternative_with_attachment(1), alternative_with_attachment(2), seen=True)
    async with started(account(info)) as (session, got):
        await loaded(session, got, 2)
        assert got.view is not None
        newer, older = got.view.uid_at_row(0), got.view.uid_at_row(1)
        assert newer is not None and older is not None
        session.open_message(newer)
        first = await opened(got, newer)
        session.open_message(newer, prefer="html")
        html = await opened(got, newer, "html")
        session.open_message(older)
        await opened(got, older)
        await idling(trace)
        mark = trace.mark()
        session.open_message(newer)  # back to a message shown before
        again = await opened(got, newer)
        session.open_message(newer, prefer="html")  # and its other part, shown before too
        html_again = await opened(got, newer, "html")
        session.open_message(newer)  # and back to the plain part
        plain_again = await opened(got, newer)
        await asyncio.sleep(0.3)
        assert trace.sent(mark) == [], trace.sent(mark)  # no DONE, no FETCH: IDLE stays on
    assert again.rendered == first.rendered == plain_again.rendered
    assert html_again.rendered == html.rendered


async def test_reopening_a_message_marked_unread_marks_it_read_again(
    dovecot_server: ServerInfo, trace: TraceLines
) -> None:
    info = dovecot_server
    await append(info, alternative_with_attachment())
    async with started(account(info)) as (session, got):
        uid = await only_message(session, got)
        session.open_message(uid)
        await opened(got, uid)
        await got.until(lambda: not got.view.summary(uid).unread, what="marked read")  # type: ignore[union-attr]
        session.set_flag([uid], "\\Seen", False)
        await got.until(lambda: got.view.summary(uid).unread, what="marked unread")  # type: ignore[union-attr]
        await idling(trace)
        mark = trace.mark()
        session.open_message(uid)
        await opened(got, uid)
        await got.until(lambda: not got.view.summary(uid).unread, what="read again")  # type: ignore[union-attr]
        await idling(trace, mark)
        # Shown from memory; the one command is the flag's.
        assert [c.split(" (")[0] for c in sent_but_idle(trace, mark)] == ["DONE", f"UID STORE {uid} +FLAGS"]


async def test_a_row_from_the_header_cache_fetches_the_structure_with_the_header(
    dovecot_server: ServerInfo, tmp_path: Path, trace: TraceLines
) -> None:
    info = dovecot_server
    await append(info, alternative_with_attachment())
    cache = HeaderCache.open(tmp_path / "headers.sqlite3")
    try:
        async with started(account(info), cache=cache) as (session, got):
            await loaded(session, got, 1)
        await asyncio.to_thread(cache.flush)
        async with started(account(info), cache=cache) as (session, got):
            opening = await got.wait_for(m.MailboxOpened)
            uid = opening.view.uid_at_row(0)
            assert opening.view.summary(uid) is not None  # drawn from the cache
            await idling(trace)
            mark = trace.mark()
            session.open_message(uid)
            shown = await opened(got, uid)
            await idling(trace, mark)
            sent = sent_but_idle(trace, mark)
    finally:
        cache.close()
    assert not [line for line in trace.sent() if "ENVELOPE" in line][1:]  # the second start fetched no row
    assert shown.rendered.body == PLAIN.strip()
    # The BODYSTRUCTURE is not in the cache: it comes with the header (and \Seen), then the parts.
    assert sent[0] == "DONE" and len(sent) == 3, sent
    assert sent[1] == f"UID FETCH {uid} (UID BODYSTRUCTURE BODY[HEADER]<0.1048576>)", sent
    assert re.fullmatch(
        rf"UID FETCH {uid} \(UID BODY\.PEEK\[1\.1\.MIME\]<0\.65536> BODY\.PEEK\[1\.1\]<0\.\d+> "
        r"BODY\.PEEK\[2\.MIME\]<0\.8192>\)",
        sent[2],
    ), sent


def shapes() -> list[tuple[bytes, str]]:
    """Messages of the shapes the body rules tell apart, each with the part to prefer."""

    def base(subject: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = "Alice <alice@example.com>"
        msg["Subject"] = subject
        msg["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
        return msg

    out: list[tuple[bytes, str]] = []
    for prefer in ("plain", "html"):
        pair = base(f"pair, related HTML ({prefer})")  # alternative(plain, related(html, image))
        pair.set_content(PLAIN)
        pair.add_alternative(HTML, subtype="html")
        html_part = pair.get_payload()[1]
        html_part.add_related(b"\x89PNG not really", maintype="image", subtype="png", cid="<logo@x>")
        out.append((pair.as_bytes(), prefer))
    related = base("related, root named by start")  # the root is the second part
    related.set_content(HTML, subtype="html")
    related.add_related(b"GIF89a", maintype="image", subtype="gif", cid="<pic@x>")
    parts = related.get_payload()
    parts[0]["Content-ID"] = "<root@x>"
    related.set_param("start", "<root@x>")
    related.set_payload([parts[1], parts[0]])
    out.append((related.as_bytes(), "plain"))
    mixed = base("mixed: text, a named text part, a PDF")
    mixed.set_content(PLAIN)
    mixed.add_attachment("notes\n", filename="notes.txt", disposition="inline")
    mixed.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="r.pdf")
    out.append((mixed.as_bytes(), "plain"))
    html_only = base("HTML only")
    html_only.set_content(HTML, subtype="html")
    out.append((html_only.as_bytes(), "plain"))
    return out


async def test_the_parts_opened_are_those_the_whole_message_shows(
    imap_server: ServerInfo, trace: TraceLines
) -> None:
    """The body rules (tuimail/mail/body_choice.py) give the same body whether they read the
    server's BODYSTRUCTURE (what opening fetches) or the whole message (render_message)."""
    info = imap_server
    messages = shapes()
    await append(info, *(raw for raw, _ in messages), seen=True)
    async with started(account(info)) as (session, got):
        await loaded(session, got, len(messages))
        assert got.view is not None
        for n, (raw, prefer) in enumerate(messages):
            uid = got.view.uid_at_row(len(messages) - 1 - n)
            assert uid is not None
            session.open_message(uid, prefer=prefer)
            shown = await got.wait_for(m.MessageLoaded, lambda x: x.uid == uid)  # noqa: B023
            whole = render_message(raw.replace(b"\n", b"\r\n"), prefer=prefer)
            what = shown.rendered.subject
            assert shown.rendered.body == whole.body, what
            assert [a.filename for a in shown.rendered.attachments] == [
                a.filename for a in whole.attachments
            ], what
            assert (shown.rendered.alternatives, shown.rendered.shown_alternative) == (
                whole.alternatives, whole.shown_alternative
            ), what
    assert not [line for line in trace.sent() if "BODY.PEEK[]" in line or "BODY[]" in line]
