"""The generated demo mailbox: size, variety, determinism, and that every
message goes through the mail layer (render, summaries, tree) cleanly."""

from __future__ import annotations

import asyncio
import email
import email.policy
import email.utils
import subprocess
import sys
from datetime import datetime
from email.message import Message

import pytest

from tuimail.demo.mailbox import (
    DEMO_ADDRESS,
    DEMO_NOW,
    FOLDERS,
    SPECIAL_USE,
    DemoMessage,
    _Generator,
    demo_mailboxes,
)
from tuimail.demo.server import PymapServer
from tuimail.imap import parse_response
from tuimail.imap.reader import ResponseReader
from tuimail.imap.types import Address, Envelope, FetchData, MailboxList, TaggedResponse, UntaggedResponse
from tuimail.mail.headers import decode_text
from tuimail.mail.mailbox_tree import build_tree, find_node
from tuimail.mail.render import render_message
from tuimail.mail.summary import SUMMARY_ITEMS, MessageSummary

BOXES = demo_mailboxes()
ALL = [(folder, m) for folder, messages in BOXES.items() for m in messages]
CONTROLS = {chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]}


def parsed(m: DemoMessage) -> Message:
    return email.message_from_bytes(m.raw, policy=email.policy.default)


def headers_raw(m: DemoMessage) -> Message:
    """Headers as an IMAP server keeps them: encoded-words not decoded."""
    return email.message_from_bytes(m.raw, policy=email.policy.compat32)


def test_at_least_300_messages_in_inbox_and_at_least_five_other_folders() -> None:
    assert sum(len(v) for v in BOXES.values()) >= 300
    assert len(BOXES["INBOX"]) >= 100
    assert len([f for f, v in BOXES.items() if f != "INBOX" and v]) >= 5
    assert set(BOXES) == set(FOLDERS)


def test_special_use_nested_and_non_ascii_folders_exist() -> None:
    for name in ("Sent", "Drafts", "Trash", "Archive"):
        assert name in SPECIAL_USE and BOXES[name]
    assert BOXES["Projects/tuimail"] and BOXES["Projects"]
    assert any(not f.isascii() for f in BOXES)


def test_messages_are_demo_message_tuples_that_fit_the_server() -> None:
    for _, m in ALL:
        raw, flags, when = m
        assert isinstance(raw, bytes) and isinstance(flags, list) and isinstance(when, datetime)
        assert when.tzinfo is not None
        assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_generation_is_deterministic_within_a_process() -> None:
    a = _Generator(1234)
    a.build()
    b = _Generator(1234)
    b.build()
    assert a.serialise() == b.serialise()
    assert demo_mailboxes() == demo_mailboxes()


def _digest(hash_seed: str) -> str:
    code = (
        "import hashlib; from tuimail.demo.mailbox import demo_mailboxes\n"
        "h = hashlib.sha256()\n"
        "for name, msgs in demo_mailboxes().items():\n"
        "    h.update(name.encode())\n"
        "    for m in msgs: h.update(m.raw + repr(m.flags).encode() + m.internaldate.isoformat().encode())\n"
        "print(h.hexdigest())\n"
    )
    env = {"PYTHONHASHSEED": hash_seed, "TZ": "Asia/Tokyo" if hash_seed == "1" else "America/Denver"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip()


def test_generation_is_identical_across_processes_hash_seeds_and_time_zones() -> None:
    assert _digest("1") == _digest("2")


def test_dates_are_fixed_and_not_after_demo_now() -> None:
    assert all(m.internaldate <= DEMO_NOW for _, m in ALL)
    for messages in BOXES.values():
        dates = [m.internaldate for m in messages]
        assert dates == sorted(dates)  # oldest first: UIDs grow with date


def test_flags_mix_read_unread_flagged_answered_and_drafts() -> None:
    flags = [set(m.flags) for _, m in ALL]
    assert any("\\Seen" not in f for f in flags)
    assert sum("\\Seen" in f for f in flags) > len(flags) // 2
    assert any("\\Flagged" in f for f in flags)
    assert any("\\Answered" in f for f in flags)
    assert all("\\Draft" in m.flags for m in BOXES["Drafts"])


def test_reply_threads_reference_earlier_messages() -> None:
    ids = {str(parsed(m)["Message-ID"]) for _, m in ALL}
    replies = [parsed(m) for _, m in ALL if parsed(m)["In-Reply-To"]]
    assert len(replies) >= 20
    for msg in replies:
        assert str(msg["In-Reply-To"]) in ids
        refs = str(msg["References"]).split()
        assert refs[-1] == str(msg["In-Reply-To"]) and all(r in ids for r in refs)
    sent_replies = [m for m in BOXES["Sent"] if parsed(m)["In-Reply-To"]]
    assert sent_replies and all(DEMO_ADDRESS in str(parsed(m)["From"]) for m in sent_replies)


def _content_types(m: DemoMessage) -> list[str]:
    return [p.get_content_type() for p in parsed(m).walk()]


def test_html_only_alternative_and_attachments_are_present() -> None:
    types = [_content_types(m) for _, m in ALL]
    assert sum(t == ["text/html"] for t in types) >= 10
    assert sum("multipart/alternative" in t for t in types) >= 10
    assert any("image/png" in t for t in types)
    assert any("application/pdf" in t for t in types)
    assert any("message/rfc822" in t for t in types)
    assert any("text/calendar" in t for t in types)


def test_generated_png_and_pdf_files_are_well_formed() -> None:
    pngs, pdfs = [], []
    for _, m in ALL:
        for part in parsed(m).walk():
            if part.get_content_type() == "image/png":
                pngs.append(part.get_payload(decode=True))
            elif part.get_content_type() == "application/pdf":
                pdfs.append(part.get_payload(decode=True))
    assert pngs and all(p.startswith(b"\x89PNG\r\n\x1a\n") and p.endswith(b"IEND\xaeB`\x82") for p in pngs)
    assert pdfs and all(p.startswith(b"%PDF-1.4") and p.rstrip().endswith(b"%%EOF") for p in pdfs)


def test_subjects_and_names_use_encoded_words_in_several_scripts() -> None:
    raw_headers = [headers_raw(m) for _, m in ALL]
    encoded = [h for h in raw_headers if "=?utf-8?" in str(h["Subject"]) or "=?utf-8?" in str(h["From"])]
    assert len(encoded) >= 30
    text = " ".join(decode_text(str(h["Subject"])) + " " + decode_text(str(h["From"])) for h in raw_headers)
    for script in SCRIPTS:
        lo, hi = SCRIPTS[script]
        assert any(lo <= c <= hi for c in text), script


SCRIPTS = {
    "Latin accents": ("\u00c0", "\u024f"),
    "Cyrillic": ("\u0400", "\u04ff"),
    "Greek": ("\u0370", "\u03ff"),
    "Japanese kana": ("\u3040", "\u30ff"),
    "CJK ideographs": ("\u4e00", "\u9fff"),
    "Hangul": ("\uac00", "\ud7a3"),
    "Arabic": ("\u0600", "\u06ff"),
}


def test_hostile_subjects_are_present() -> None:
    subjects = [decode_text(str(headers_raw(m)["Subject"])) for m in BOXES["INBOX"]]
    assert any("[bold red]URGENT[/]" in s for s in subjects)
    assert any("[@click=app.quit]" in s for s in subjects)
    assert any("\x1b[" in s for s in subjects)
    assert any("\x1b]0;" in s for s in subjects)
    assert any("\u202e" in s for s in subjects)
    assert any("\u200b" in s for s in subjects)


def test_every_message_renders_without_control_characters() -> None:
    for folder, m in ALL:
        r = render_message(m.raw)
        texts = [r.from_, r.to, r.cc, r.date, r.subject, r.body, *(a.filename for a in r.attachments)]
        assert not any(c in CONTROLS or c == "\u202e" for t in texts for c in t), (folder, r.subject)
        assert r.body or r.attachments, (folder, r.subject)
        assert r.from_, (folder, r.subject)


def test_hostile_messages_render_literally() -> None:
    rendered = [render_message(m.raw) for m in BOXES["INBOX"]]
    by_subject = {r.subject: r for r in rendered}
    assert "[bold red]URGENT[/] Your account will be suspended" in by_subject
    assert "Invoice \u241b[31mOVERDUE\u241b[0m — pay now" in by_subject
    assert "Your scanned document <U+202E>fdp.exe" in by_subject
    scan = by_subject["Your scanned document <U+202E>fdp.exe"]
    assert [a.filename for a in scan.attachments] == ["scan<U+202E>fdp.exe"]
    ansi = by_subject["Invoice \u241b[31mOVERDUE\u241b[0m — pay now"]
    assert "\u241b[2J" in ansi.body and "<U+009B>6n" in ansi.body


def test_charsets_decode_to_the_intended_text() -> None:
    bodies = [render_message(m.raw).body for _, m in ALL]
    assert any("Привет" in b for b in bodies)  # KOI8-R
    assert any("こんにちは" in b for b in bodies)  # ISO-2022-JP
    assert any("überarbeitete" in b or "réunion" in b for b in bodies)  # ISO-8859-1 QP


def _envelope(msg: Message) -> Envelope:
    """The ENVELOPE an IMAP server would send (RFC 9051 §7.5.2), by hand."""

    def addresses(name: str) -> list[Address] | None:
        values = msg.get_all(name)
        if not values:
            return None
        out = []
        for display, addr in email.utils.getaddresses([str(v) for v in values]):
            mailbox, _, host = addr.partition("@")
            out.append(Address(display or None, None, mailbox, host))
        return out

    def text(name: str) -> str | None:
        value = msg.get(name)
        return None if value is None else str(value)

    return Envelope(
        text("Date"), text("Subject"), addresses("From"), addresses("Sender"), addresses("Reply-To"),
        addresses("To"), addresses("Cc"), addresses("Bcc"), text("In-Reply-To"), text("Message-ID"),
    )  # fmt: skip


def test_every_message_gives_a_sanitised_summary_from_hand_built_fetch_data() -> None:
    for i, (folder, m) in enumerate(ALL):
        fd = FetchData(
            i + 1,
            {
                "UID": i + 1,
                "FLAGS": m.flags,
                "INTERNALDATE": m.internaldate,
                "RFC822.SIZE": len(m.raw),
                "ENVELOPE": _envelope(headers_raw(m)),
            },
        )
        s = MessageSummary.from_fetch(fd)
        assert not any(c in CONTROLS or c == "\u202e" for c in s.subject + s.from_ + s.to), (
            folder,
            s.subject,
        )
        assert "=?" not in s.subject and "=?" not in s.from_
        date_header = _envelope(headers_raw(m)).date
        sent = email.utils.parsedate_to_datetime(date_header) if date_header else m.internaldate
        assert s.from_ and s.date == sent
        assert s.unread == ("\\Seen" not in m.flags)


# --- through the real server --------------------------------------------------------


class _Client:
    """Just enough IMAP to read the demo back, framed by ResponseReader and
    parsed by tuimail's parser."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.framer, self.tag = reader, writer, ResponseReader(), 0
        self.pending: list[bytes] = []

    async def response(self) -> bytes:
        while not self.pending:
            chunk = await self.reader.read(65536)
            assert chunk, "connection closed"
            self.pending.extend(self.framer.feed(chunk))
        return self.pending.pop(0)

    async def command(self, line: str) -> list[UntaggedResponse]:
        self.tag += 1
        tag = f"t{self.tag}"
        self.writer.write(f"{tag} {line}\r\n".encode())
        out: list[UntaggedResponse] = []
        while True:
            resp = parse_response(await self.response())
            if isinstance(resp, TaggedResponse) and resp.tag == tag:
                assert resp.name == "OK", resp
                return out
            if isinstance(resp, UntaggedResponse):
                out.append(resp)


@pytest.fixture(scope="module")
def served() -> tuple[list[MailboxList], dict[str, list[FetchData]]]:
    async def run() -> tuple[list[MailboxList], dict[str, list[FetchData]]]:
        boxes = {name: [tuple(m) for m in messages] for name, messages in demo_mailboxes().items()}
        async with PymapServer({"demo": "demo"}, {"demo": boxes}) as server:  # type: ignore[dict-item]
            reader, writer = await asyncio.open_connection(server.host, server.port)
            client = _Client(reader, writer)
            await client.response()  # greeting
            await client.command("LOGIN demo demo")
            lists = [r.data for r in await client.command('LIST "" "*"') if r.name == "LIST"]
            fetched: dict[str, list[FetchData]] = {}
            for folder in ("INBOX", "Sent", "Projects/tuimail"):
                await client.command(f'EXAMINE "{folder}"')
                fetched[folder] = [
                    r.data for r in await client.command(f"FETCH 1:* {SUMMARY_ITEMS}") if r.name == "FETCH"
                ]
            writer.close()
            return lists, fetched

    return asyncio.run(run())


def test_served_folders_build_the_expected_tree(
    served: tuple[list[MailboxList], dict[str, list[FetchData]]],
) -> None:
    lists, _ = served
    tree = build_tree(lists)
    assert [n.name for n in tree[:6]] == ["INBOX", "Drafts", "Sent", "Archive", "Junk", "Trash"]
    # each carries its own special-use attribute (RFC 6154), named as the folder
    assert [n.special_use for n in tree[:6]] == ["\\Inbox"] + ["\\" + n.name for n in tree[1:6]]
    projects = find_node(tree, "Projects")
    assert projects is not None and [c.display_name for c in projects.children] == ["tuimail"]
    assert find_node(tree, "Réunions") is not None and find_node(tree, "日本語") is not None


def test_served_messages_give_decoded_sanitised_summaries(
    served: tuple[list[MailboxList], dict[str, list[FetchData]]],
) -> None:
    _, fetched = served
    inbox = [MessageSummary.from_fetch(fd) for fd in fetched["INBOX"]]
    assert len(inbox) == len(BOXES["INBOX"])
    assert sum(s.has_attachment for s in inbox) >= 15
    assert any(s.unread for s in inbox) and any(s.flagged for s in inbox) and any(s.answered for s in inbox)
    subjects = {s.subject for s in inbox}
    assert "[bold red]URGENT[/] Your account will be suspended" in subjects
    assert "Your scanned document <U+202E>fdp.exe" in subjects
    for s in inbox:
        assert not any(c in CONTROLS or c == "\u202e" for c in s.subject + s.from_ + s.to)
        assert "=?" not in s.subject + s.from_
    sent = [MessageSummary.from_fetch(fd) for fd in fetched["Sent"]]
    assert all(s.from_address == DEMO_ADDRESS and s.to for s in sent)
    assert [s.uid for s in inbox] == sorted(s.uid for s in inbox)
