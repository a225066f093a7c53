"""Opening big messages: only what the viewer shows is fetched; attachments are streamed to disk.

Against the real servers (pymap in-process, Dovecot): the protocol trace of opening a message
with an attachment (no attachment byte asked for), a message over the 64 MiB response limit,
saving in partial fetches with bounded memory, and a save cut off midway (Dovecot behind a
proxy that drops the connection)."""

from __future__ import annotations

import asyncio
import os
import re
import tracemalloc
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.servers.capability_proxy import hiding
from tests.servers.info import ServerInfo
from tuimail.imap.limits import Limits
from tuimail.session import messages as m
from tuimail.session.message_bodies import RAW_SOURCE_BYTES, SAVE_CHUNK_BYTES
from tuimail.session.session import Session

from .support import Collector, TraceLines, account_for, other_connection, started

TEXT = "Sixteen bytes.\r\n"  # the text part, as in the 41 MB message of issue 9


def with_attachment(attachment: bytes, name: str = "report.pdf", text: str = TEXT) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Alice <alice@example.com>"
    msg["To"] = "Tester <tester@example.com>"
    msg["Subject"] = "Big attachment"
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    msg.set_content(text, cte="7bit")
    msg.add_attachment(attachment, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes()


async def append(info: ServerInfo, raw: bytes, flags: tuple[str, ...] = ()) -> None:
    def run() -> None:
        client = other_connection(info.host, info.port, info.username, info.password)
        try:
            client.append("INBOX", raw, flags=list(flags))
        finally:
            client.logout()

    await asyncio.to_thread(run)


def flags_of(info: ServerInfo) -> list[tuple[bytes, ...]]:
    client = other_connection(info.host, info.port, info.username, info.password)
    try:
        client.select_folder("INBOX", readonly=True)
        return [d[b"FLAGS"] for d in client.fetch(client.search("ALL"), ["FLAGS"]).values()]
    finally:
        client.logout()


async def opened_inbox(session: Session, got: Collector) -> int:
    """The newest message's UID, once the INBOX is open and its rows loaded."""
    await got.wait_for(m.MailboxOpened)
    got.want_all(session)
    await got.until(lambda: got.subjects() and None not in got.subjects(), what="rows")
    assert got.view is not None
    return got.view.uid_at_row(0)


def account(info: ServerInfo, port: int | None = None) -> object:
    return account_for(port or info.port, username=info.username, password=info.password)


def received_bytes(trace: TraceLines, since: int) -> int:
    """Bytes of the server's responses after line ``since`` (the trace gives long ones' size)."""
    total = 0
    for line in trace.lines[since:]:
        if line.startswith("S:"):
            size = re.search(r"\.\.\.\[(\d+) bytes\]$", line)
            total += int(size.group(1)) if size else len(line)
    return total


async def test_opening_fetches_header_and_text_only_and_lists_the_attachment(
    imap_server: ServerInfo, trace: TraceLines
) -> None:
    info = imap_server
    attachment = os.urandom(3 * 1024 * 1024)
    await append(info, with_attachment(attachment))
    async with started(account(info)) as (session, got):  # type: ignore[arg-type]
        uid = await opened_inbox(session, got)
        since = trace.mark()
        session.open_message(uid)
        loaded = await got.wait_for(m.MessageLoaded)
        await got.until(lambda: not got.view.summary(uid).unread, what="marked read")  # type: ignore[union-attr]
        again_since = trace.mark()
        session.open_message(uid)
        again = await got.wait_for(m.MessageLoaded)
    assert again.rendered == loaded.rendered
    assert not [line for line in trace.sent(again_since) if "FETCH" in line]  # shown again, not fetched
    assert loaded.rendered.body == "Sixteen bytes."
    (listed,) = loaded.rendered.attachments
    assert (listed.index, listed.filename, listed.content_type) == (1, "report.pdf", "application/pdf")
    assert abs(listed.size - len(attachment)) < len(attachment) // 50  # from the BODYSTRUCTURE's size
    fetches = [line.split(" ", 2)[2] for line in trace.sent(since) if " UID FETCH " in line]
    # One command: the BODYSTRUCTURE came with the list's FETCH.  The text part's size as the
    # server states it (pymap counts more than the 16 bytes), and 1 KiB and an eighth more.
    assert len(fetches) == 1, fetches
    assert re.fullmatch(
        rf"UID FETCH {uid} \(UID BODY\[HEADER\]<0\.1048576> BODY\.PEEK\[1\.MIME\]<0\.65536> "
        r"BODY\.PEEK\[1\]<0\.\d{4}> BODY\.PEEK\[2\.MIME\]<0\.8192>\)",
        fetches[0],
    ), fetches
    assert "UID STORE" not in trace.commands(since)  # BODY[HEADER] set \Seen (RFC 9051 §6.4.5)
    assert received_bytes(trace, since) < 20_000  # the 4 MB attachment (as sent) stayed on the server
    # The name comes from the part's MIME header (pymap's BODYSTRUCTURE upper-cases it).
    assert [b"\\Seen" in f for f in await asyncio.to_thread(flags_of, info)] == [True]


async def test_saving_streams_in_partial_fetches_and_the_file_equals_the_attachment(
    imap_server: ServerInfo, trace: TraceLines, tmp_path: Path
) -> None:
    info = imap_server
    attachment = os.urandom(7 * 1024 * 1024)
    await append(info, with_attachment(attachment, "data.bin"), ("\\Seen",))
    async with started(account(info)) as (session, got):  # type: ignore[arg-type]
        uid = await opened_inbox(session, got)
        since = trace.mark()
        session.save_attachment(uid, 1, tmp_path)
        saved = await got.wait_for(m.AttachmentSaved, timeout=120)
    assert saved.path == tmp_path / "data.bin" and saved.path.read_bytes() == attachment
    progress = [x for x in got.seen if isinstance(x, m.SaveProgress)]
    assert len(progress) >= 3 and [p.done for p in progress] == sorted(p.done for p in progress)
    assert progress[-1].done == progress[-1].total > 9_000_000
    pieces = [re.search(r"BODY\.PEEK\[2\]<(\d+)\.(\d+)>", line) for line in trace.sent(since)]
    offsets = [(int(p.group(1)), int(p.group(2))) for p in pieces if p]
    assert offsets == [(n * SAVE_CHUNK_BYTES, SAVE_CHUNK_BYTES) for n in range(len(offsets))]
    assert not any(re.search(r"BODY(\.PEEK)?\[\]", line) for line in trace.sent(since))


async def test_saving_a_big_attachment_holds_one_piece_in_memory(
    dovecot_server: ServerInfo, tmp_path: Path
) -> None:
    info = dovecot_server
    attachment = os.urandom(40 * 1024 * 1024)
    await append(info, with_attachment(attachment, "big.bin"), ("\\Seen",))
    async with started(account(info)) as (session, got):  # type: ignore[arg-type]
        uid = await opened_inbox(session, got)
        tracemalloc.start()
        try:
            session.save_attachment(uid, 1, tmp_path)
            saved = await got.wait_for(m.AttachmentSaved, timeout=120)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert saved.path.stat().st_size == len(attachment)
    assert saved.path.read_bytes() == attachment
    # The message is 54 MB as sent, the attachment 40 MiB: a save holds a few 4 MiB pieces at
    # most (the piece as read, parsed, and decoded; measured 22 MiB).
    assert peak < 8 * SAVE_CHUNK_BYTES, f"peak {peak / 2**20:.1f} MiB"


async def test_a_message_over_the_response_limit_opens_and_shows_its_source_start(
    dovecot_server: ServerInfo,
) -> None:
    info = dovecot_server
    raw = with_attachment(os.urandom(50 * 1024 * 1024), "huge.bin")
    assert len(raw) > Limits().max_response_size
    await append(info, raw, ("\\Seen",))
    async with started(account(info)) as (session, got):  # type: ignore[arg-type]
        uid = await opened_inbox(session, got)
        session.open_message(uid)
        loaded = await got.wait_for(m.MessageLoaded, timeout=60)
        session.raw_source(uid)
        source = await got.wait_for(m.RawSourceLoaded, timeout=60)
    assert loaded.rendered.body == "Sixteen bytes."
    assert [a.filename for a in loaded.rendered.attachments] == ["huge.bin"]
    assert source.data == raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")[:RAW_SOURCE_BYTES]
    assert source.size == len(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    assert not [x for x in got.seen if isinstance(x, m.ActionFailed | m.Notice)]


async def test_a_huge_text_part_is_fetched_in_part_and_the_viewer_says_how_much_is_left(
    imap_server: ServerInfo, trace: TraceLines
) -> None:
    info = imap_server
    line = "All work and no play makes Jack a dull boy.\r\n"
    text = line * (10 * 1024 * 1024 // len(line))
    await append(info, with_attachment(b"x", text=text), ("\\Seen",))
    async with started(account(info)) as (session, got):  # type: ignore[arg-type]
        uid = await opened_inbox(session, got)
        since = trace.mark()
        session.open_message(uid)
        loaded = await got.wait_for(m.MessageLoaded, timeout=60)
    assert "BODY.PEEK[1]<0.8388608>" in " ".join(trace.sent(since))
    body = loaded.rendered.body
    assert body.startswith(line.strip())
    assert re.search(
        r"\[… [\d.,]+ MB of this message's text not shown: only the first 8\.0 MB were fetched", body
    )


async def test_a_connection_cut_mid_save_fails_visibly_and_leaves_no_partial_file(
    dovecot_server: ServerInfo, tmp_path: Path
) -> None:
    info = dovecot_server
    attachment = os.urandom(10 * 1024 * 1024)
    await append(info, with_attachment(attachment, "cut.bin"), ("\\Seen",))
    async with hiding(info.host, info.port) as proxy:
        async with started(account(info, proxy.port)) as (session, got):  # type: ignore[arg-type]
            uid = await opened_inbox(session, got)
            proxy.cut_on = re.compile(rb"BODY\.PEEK\[2\]<%d\." % SAVE_CHUNK_BYTES)
            session.save_attachment(uid, 1, tmp_path)
            failed = await got.wait_for(m.ActionFailed, timeout=60)
            await got.until(lambda: any(isinstance(x, m.Notice) and "removed" in x.text for x in got.seen))
    assert failed.text.startswith("Could not save the attachment: lost the connection")
    notice = next(x for x in got.seen if isinstance(x, m.Notice) and "removed" in x.text)
    assert re.fullmatch(
        r"Saving cut\.bin stopped after 4\.0 MB of 13\.\d MB: the incomplete file was removed", notice.text
    )
    assert list(tmp_path.iterdir()) == []
    assert not any(isinstance(x, m.AttachmentSaved) for x in got.seen)
    ends = [x for x in got.seen if isinstance(x, m.SaveProgress)]
    assert ends and ends[-1].failed


@pytest.mark.parametrize("index", [0, 2])
async def test_saving_an_attachment_that_is_not_there_says_so(
    pymap_server: ServerInfo, tmp_path: Path, index: int
) -> None:
    await append(pymap_server, with_attachment(b"abc"))
    async with started(account(pymap_server)) as (session, got):  # type: ignore[arg-type]
        uid = await opened_inbox(session, got)
        session.save_attachment(uid, index, tmp_path)
        failed = await got.wait_for(m.ActionFailed)
    assert failed.text == f"Could not save: the message has no attachment {index}"
    assert list(tmp_path.iterdir()) == []


def with_html_images_and_attachment() -> bytes:
    """plain/HTML pair whose HTML part has an inline image (multipart/related), and a PDF."""
    msg = EmailMessage()
    msg["From"] = "Alice <alice@example.com>"
    msg["To"] = "Tester <tester@example.com>"
    msg["Subject"] = "Newsletter with a report"
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    msg.set_content("Plain words.\n")
    msg.add_alternative('<p>HTML words <img src="cid:logo@x"></p>', subtype="html")
    html = msg.get_payload()[1]
    html.add_related(b"PNG-logo-bytes", maintype="image", subtype="png", cid="<logo@x>", filename="logo.png")
    msg.add_attachment(b"%PDF-report-bytes", maintype="application", subtype="pdf", filename="report.pdf")
    return msg.as_bytes()


@pytest.mark.parametrize("prefer", ["plain", "html"])
async def test_a_save_takes_the_attachment_numbered_as_listed_with_the_part_shown(
    dovecot_server: ServerInfo, tmp_path: Path, prefer: str
) -> None:
    """Attachment N is the N-th one the viewer lists with that part shown: with the HTML part
    shown, the image related to it is listed before the PDF; with the plain part, only the PDF."""
    info = dovecot_server
    await append(info, with_html_images_and_attachment(), ("\\Seen",))
    async with started(account(info)) as (session, got):  # type: ignore[arg-type]
        uid = await opened_inbox(session, got)
        listed: dict[str, list[str]] = {}
        for kind in ("plain", "html"):
            session.open_message(uid, prefer=kind)
            loaded = await got.wait_for(m.MessageLoaded)
            listed[kind] = [a.filename for a in loaded.rendered.attachments]
        assert listed["plain"] != listed["html"] and "report.pdf" in listed["html"], listed
        last = len(listed[prefer])
        session.save_attachment(uid, last, tmp_path, prefer=prefer)
        saved = await got.wait_for(m.AttachmentSaved)
    assert saved.path.name == listed[prefer][-1]
    expected = {"report.pdf": b"%PDF-report-bytes", "logo.png": b"PNG-logo-bytes"}
    assert saved.path.read_bytes() == expected[saved.path.name]
