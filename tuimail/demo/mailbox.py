"""The generated demo mailbox: deterministic, realistic, a little hostile.

:func:`demo_mailboxes` returns about 370 messages across INBOX, the
special-use folders (Sent, Drafts, Archive, Junk, Trash), a nested folder
(``Projects/tuimail``) and folders with non-ASCII names (``Réunions``,
``日本語``).  Everything is derived from :data:`SEED` and the fixed
:data:`DEMO_NOW`; nothing depends on the wall clock, the process or hash
randomisation, so two runs give byte-identical messages.

What is in it: reply threads (In-Reply-To/References, RFC 5322 §3.6.4)
whose replies from the demo user sit in Sent; HTML-only newsletters with
links and remote images (never loaded); multipart/alternative
notifications; attachments (tiny valid PNG and PDF files, CSV, iCalendar,
a patch, a forwarded message/rfc822); names and subjects in Latin with
accents, Cyrillic, Greek, CJK, Hangul and Arabic as RFC 2047
encoded-words; bodies in UTF-8, ISO-8859-1, KOI8-R and ISO-2022-JP, some
``format=flowed``; and hostile messages: markup-like subjects
(``[bold red]URGENT[/]``, ``[@click=app.quit]``), raw and encoded escape
sequences and C1 controls, bidi overrides, zero-width characters,
path-traversal attachment names, a broken charset and broken base64.

Messages are built with the standard ``email`` package and serialised
with CRLF line endings (``policy.SMTP``).  Each folder's list is oldest
first, so UIDs grow with date.
"""

from __future__ import annotations

import functools
import random
import struct
import textwrap
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    # Imported where messages are built: ``tuimail --demo`` reads DEMO_NOW from here without them.
    from email.message import EmailMessage

__all__ = [
    "BASE_DATE",
    "DEMO_ADDRESS",
    "DEMO_NOW",
    "FOLDERS",
    "SEED",
    "SPECIAL_USE",
    "DemoMessage",
    "demo_mailboxes",
]

#: The seed every choice derives from.
SEED = 20260302
#: The demo's fixed "now": the newest message is a little older than this.
DEMO_NOW = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
#: Alias kept for callers that look for a base date.
BASE_DATE = DEMO_NOW
#: The demo user.
DEMO_NAME = "Demo User"
DEMO_ADDRESS = "demo@tuimail.example"

#: Special-use attributes (RFC 6154 §2) of the demo folders.
SPECIAL_USE: dict[str, str] = {
    "Drafts": "\\Drafts",
    "Sent": "\\Sent",
    "Archive": "\\Archive",
    "Junk": "\\Junk",
    "Trash": "\\Trash",
}

#: Every folder, hierarchy delimiter "/".
FOLDERS: tuple[str, ...] = (
    "INBOX",
    "Drafts",
    "Sent",
    "Archive",
    "Junk",
    "Trash",
    "Projects",
    "Projects/tuimail",
    "Réunions",
    "日本語",
)


class DemoMessage(NamedTuple):
    """One stored message, as :class:`tuimail.demo.server.PymapServer` takes it."""

    raw: bytes
    flags: list[str]
    internaldate: datetime


# --- people ------------------------------------------------------------------------

Person = tuple[str, str]

ME: Person = (DEMO_NAME, DEMO_ADDRESS)

PEOPLE: list[Person] = [
    ("Alice Martin", "alice.martin@example.com"),
    ("Bob Lee", "bob@example.org"),
    ("Émilie Lefèvre", "emilie.lefevre@exemple.fr"),
    ("José Álvarez", "jose.alvarez@ejemplo.es"),
    ("Jürgen Groß", "juergen.gross@beispiel.de"),
    ("Дмитрий Иванов", "dmitry@primer.example"),
    ("Ελένη Παπαδοπούλου", "eleni@paradeigma.example"),
    ("田中 太郎", "taro.tanaka@rei.example"),
    ("王芳", "wang.fang@lizi.example"),
    ("김민준", "minjun.kim@yeje.example"),
    ("محمد العلي", "m.alali@mithal.example"),
    ("Zoë Ørsted", "zoe@eksempel.example"),
    ("Priya Raman", "priya@example.net"),
    ("Nguyễn Văn An", "an.nguyen@vidu.example"),
    ("Chloé Dubois", "chloe@exemple.fr"),
    ("Sam O'Neill", "sam.oneill@example.com"),
]

TEAM: list[Person] = [PEOPLE[0], PEOPLE[1], PEOPLE[12], PEOPLE[15], PEOPLE[4]]

ZONES = [timezone(timedelta(hours=h)) for h in (0, 1, 2, -5, -8, 3, 9, 8, 5)]

# --- text ---------------------------------------------------------------------------

SENTENCES = [
    "Thanks for sending this over so quickly.",
    "I had a look at the numbers and they mostly add up.",
    "Could you double-check the figures in the second table?",
    "Let's discuss the details when we meet on Thursday.",
    "I have attached the latest version for your review.",
    "The deadline moved to the end of next week, which gives us some room.",
    "Nothing urgent, but I wanted to keep you in the loop.",
    "The build is green again after the last fix.",
    "We should probably ask the design team before changing the layout.",
    "I will be out of the office on Friday, back on Monday.",
    "Happy to help if you need another pair of eyes.",
    "The customer confirmed the order this morning.",
    "Please find my comments inline below.",
    "I think the second option is simpler and good enough for now.",
]

LOCAL_TEXTS = [
    "Bonjour,\n\nVoici le compte rendu de la réunion de mardi. Les décisions sont en bas.\n\nBien à vous,",
    "Hallo,\n\nanbei die überarbeitete Fassung. Größere Änderungen gibt es nur im dritten Abschnitt."
    "\n\nGrüße,",
    "Hola,\n\n¿Podemos mover la llamada al miércoles? El lunes estoy de viaje.\n\nUn saludo,",
    "Привет!\n\nПосмотрел документ, в целом всё хорошо. Пара замечаний по второму разделу.\n\nСпасибо,",
    "Γεια σου,\n\nΣου στέλνω τις σημειώσεις από τη συνάντηση. Τα τα λέμε την Παρασκευή.\n\nΦιλικά,",
    "こんにちは。\n\n来週の打ち合わせの資料をお送りします。ご確認ください。\n\nよろしくお願いします。",
    "你好，\n\n附件是本季度的报告，请查收。如有问题请随时联系我。\n\n谢谢，",
    "안녕하세요,\n\n다음 주 회의 일정을 확인해 주세요. 감사합니다.\n\n",
    "مرحباً،\n\nأرسل لك جدول الأعمال لاجتماع الأسبوع القادم. شكراً لك.\n\nمع التحية،",
    "Chào bạn,\n\nMình gửi lại bản cập nhật mới nhất. Bạn xem giúp mình nhé.\n\nCảm ơn,",
]

TOPICS = [
    "Quarterly report draft",
    "Lunch on Friday?",
    "Budget 2026: first numbers",
    "Server maintenance window",
    "Trip to Zürich — hotel options",
    "Code review: parser speed-ups",
    "Invoice #2026-0042",
    "Welcome aboard, Priya!",
    "Holiday schedule",
    "Design mock-ups v3",
    "Question about the API",
    "Re-org of the shared drive",
]

#: A person's own language: index into LOCAL_TEXTS and a subject in it.
LOCAL: dict[str, tuple[int, str]] = {
    "emilie.lefevre@exemple.fr": (0, "Réunion de lancement — ordre du jour"),
    "chloe@exemple.fr": (0, "Café & croissants pour l'équipe ☕"),
    "juergen.gross@beispiel.de": (1, "Größenänderung der Tabellen"),
    "jose.alvarez@ejemplo.es": (2, "Cambio de fecha: llamada del lunes"),
    "dmitry@primer.example": (3, "Отчёт за февраль"),
    "eleni@paradeigma.example": (4, "Συνάντηση την Τρίτη"),
    "taro.tanaka@rei.example": (5, "来週の打ち合わせについて"),
    "wang.fang@lizi.example": (6, "关于项目进度的更新"),
    "minjun.kim@yeje.example": (7, "다음 주 회의 일정"),
    "m.alali@mithal.example": (8, "جدول أعمال الاجتماع"),
    "an.nguyen@vidu.example": (9, "Dự án mới tháng Ba"),
}

NEWSLETTERS: list[tuple[Person, str]] = [
    (("Python Weekly Digest", "digest@news.pyweekly.example"), "This week in Python: {n} new releases"),
    (("Le Journal du Dev", "lettre@journal-dev.example"), "La lettre du développeur — numéro {n}"),
    (("Книжный клуб", "club@knigi.example"), "Новинки месяца: выпуск {n}"),
    (("Terminal Times", "news@terminal-times.example"), "Terminal Times #{n}: TUIs are back"),
    (("Open Source Monthly", "hello@osm.example"), "Open Source Monthly — issue {n}"),
]

NOTIFIERS: list[tuple[Person, str]] = [
    (("CI Bot", "ci@builds.tuimail.example"), "[tuimail] Build #{n} {state} on main"),
    (("Issue Tracker", "tracker@issues.tuimail.example"), "[tuimail] Issue #{n}: {title}"),
    (("Calendar", "calendar@cal.example"), "Reminder: {title} at {time}"),
    (("Shop.example", "orders@shop.example"), "Your order #{n} has shipped"),
]

ISSUE_TITLES = [
    "Message list flickers on resize",
    "Support for IMAP NOTIFY",
    "Crash with empty subject",
    "Dark theme contrast",
    "UTF-7 folder names shown raw",
    "Add mark-all-read",
]

# --- generated attachments ------------------------------------------------------------


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid, tiny, solid-colour PNG (RFC 2083)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


def _attach_file(m: EmailMessage, data: bytes, subtype: str, filename: str) -> None:
    """An ``application/<subtype>`` attachment (base64, RFC 2183 filename)."""
    m.add_attachment(data, maintype="application", subtype=subtype, filename=filename)


def _pdf(title: str) -> bytes:
    """A small valid one-page PDF showing ``title`` (ASCII)."""
    safe = "".join(c for c in title if 32 <= ord(c) < 127 and c not in "()\\")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _ics(summary: str, start: datetime) -> str:
    stamp = start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    end = (start + timedelta(hours=1)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tuimail demo//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{stamp}-demo@tuimail.example\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\nDTEND:{end}\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


CSV_TEXT = "month,revenue,costs\nJanuary,12400,9800\nFebruary,13150,10020\nMarch,14020,10400\n"

PATCH_TEXT = """diff --git a/tuimail/mail/sanitize.py b/tuimail/mail/sanitize.py
--- a/tuimail/mail/sanitize.py
+++ b/tuimail/mail/sanitize.py
@@ -1,3 +1,4 @@
 \"\"\"The one sanitiser for text that comes from mail or from the server.\"\"\"
+# Bidi controls are shown as <U+XXXX> tags.
 import re
"""


# --- the generator -------------------------------------------------------------------


class _Entry(NamedTuple):
    folder: str
    when: datetime
    message: EmailMessage
    flags: list[str]
    patches: tuple[tuple[bytes, bytes], ...]


class _Generator:
    """Builds the folders' messages from one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.entries: list[_Entry] = []
        self.counter = 0

    # -- helpers

    def msgid(self) -> str:
        self.counter += 1
        return f"<demo.{self.counter:05d}.{SEED}@tuimail.example>"

    def when(self, min_days: float, max_days: float) -> datetime:
        """A time between ``min_days`` and ``max_days`` before DEMO_NOW, denser recently."""
        span = max_days - min_days
        days = min_days + span * (self.rng.random() ** 1.7)
        moment = DEMO_NOW - timedelta(days=days)
        return moment.replace(microsecond=0)

    def body(self, sentences: int = 3) -> str:
        picked = self.rng.sample(SENTENCES, k=min(sentences, len(SENTENCES)))
        return textwrap.fill(" ".join(picked), width=72)

    def new(
        self,
        sender: Person,
        to: Sequence[Person],
        subject: str,
        when: datetime,
        *,
        cc: Sequence[Person] = (),
        zone: timezone | None = None,
        msgid: str | None = None,
    ) -> EmailMessage:
        from email.message import EmailMessage

        m = EmailMessage()
        m["From"] = formataddr(sender)
        if to:
            m["To"] = ", ".join(formataddr(p) for p in to)
        if cc:
            m["Cc"] = ", ".join(formataddr(p) for p in cc)
        m["Subject"] = subject
        m["Date"] = format_datetime(when.astimezone(zone or self.rng.choice(ZONES)))
        m["Message-ID"] = msgid or self.msgid()
        return m

    def add(
        self,
        folder: str,
        m: EmailMessage,
        when: datetime,
        flags: Sequence[str] = (),
        patches: tuple[tuple[bytes, bytes], ...] = (),
    ) -> None:
        self.entries.append(_Entry(folder, when, m, list(flags), patches))

    def inbox_flags(self, when: datetime) -> list[str]:
        """Older mail is mostly read; some is flagged."""
        age = (DEMO_NOW - when).days
        flags = []
        if age > 6 or self.rng.random() < 0.35:
            flags.append("\\Seen")
        if self.rng.random() < 0.08:
            flags.append("\\Flagged")
        return flags

    def received(self, when: datetime) -> datetime:
        return when + timedelta(seconds=self.rng.randint(2, 240))

    # -- kinds of message

    def thread(self, folder: str, topic: str, people: Sequence[Person], length: int, start: datetime) -> None:
        """A reply thread between the demo user and ``people``; the user's
        replies go to Sent, the others' messages to ``folder``."""
        when = start
        references: list[str] = []
        previous_text = ""
        previous_author: Person | None = None
        for i in range(length):
            author = ME if i % 2 == 1 else people[(i // 2) % len(people)]
            others = [p for p in people if p != author] if author != ME else list(people)
            recipients = [ME] if author != ME else others[:1]
            cc = others[1:] if author == ME else [p for p in people if p not in (author,)][:1]
            subject = topic if i == 0 else f"Re: {topic}"
            m = self.new(author, recipients, subject, when, cc=cc)
            if references:
                m["In-Reply-To"] = references[-1]
                m["References"] = " ".join(references[-8:])
            text = self.body(self.rng.randint(1, 4))
            if author[1] in LOCAL and self.rng.random() < 0.4:
                text = LOCAL_TEXTS[LOCAL[author[1]][0]] + "\n" + author[0].split()[0]
            if previous_text and previous_author is not None:
                quoted = "\n".join("> " + line if line else ">" for line in previous_text.splitlines())
                stamp = format_datetime(when - timedelta(hours=1))
                text += f"\n\nOn {stamp}, {previous_author[0]} wrote:\n{quoted}"
            m.set_content(text + "\n")
            references.append(str(m["Message-ID"]))
            if author == ME:
                self.add("Sent", m, when, ["\\Seen"])
            else:
                flags = self.inbox_flags(when)
                if i + 1 < length and "\\Seen" in flags:
                    flags.append("\\Answered")
                elif i + 1 < length:
                    flags = ["\\Seen", "\\Answered"]
                self.add(folder, m, self.received(when), flags)
            previous_text, previous_author = text, author
            when = when + timedelta(hours=self.rng.randint(1, 30), minutes=self.rng.randint(0, 59))
            if when > DEMO_NOW - timedelta(minutes=5):
                break

    def personal(self, folder: str, when: datetime, flags: list[str] | None = None) -> None:
        """One message from one person, in one of several languages, charsets and forms."""
        kind = self.rng.random()
        if kind < 0.45 or 0.76 <= kind < 0.86:  # English, plain or format=flowed
            sender = self.rng.choice(PEOPLE)
            m = self.new(sender, [ME], self.rng.choice(TOPICS), when)
            if kind < 0.45:
                m.set_content(self.body(self.rng.randint(2, 5)) + f"\n\n-- \n{sender[0]}\n")
            else:
                # format=flowed (RFC 3676): soft breaks are a space before the newline.
                words = " ".join(self.rng.sample(SENTENCES, k=5))
                flowed = " \n".join(textwrap.wrap(words, width=60)) + "\n\n-- \n" + sender[0] + "\n"
                m.set_content(flowed)
                m.set_param("format", "flowed")
        else:
            if kind < 0.6:  # French or German in ISO-8859-1, quoted-printable
                sender = self.rng.choice([PEOPLE[2], PEOPLE[4], PEOPLE[14]])
                charset, cte = "iso-8859-1", "quoted-printable"
            elif kind < 0.68:  # Russian in KOI8-R, 8bit
                sender, charset, cte = PEOPLE[5], "koi8-r", None
            elif kind < 0.76:  # Japanese in ISO-2022-JP (RFC 1468): 7bit with escape sequences
                sender, charset, cte = PEOPLE[7], "iso-2022-jp", None
            else:  # any language in UTF-8
                sender = self.rng.choice([p for p in PEOPLE if p[1] in LOCAL])
                charset, cte = "utf-8", None
            text_index, topic = LOCAL[sender[1]]
            m = self.new(sender, [ME], topic, when)
            m.set_content(LOCAL_TEXTS[text_index] + f"\n{sender[0]}\n", charset=charset, cte=cte)
        self.add(folder, m, self.received(when), flags if flags is not None else self.inbox_flags(when))

    def newsletter(self, folder: str, when: datetime, issue: int) -> None:
        sender, subject = self.rng.choice(NEWSLETTERS)
        m = self.new(sender, [ME], subject.format(n=issue), when, zone=UTC)
        m["List-Unsubscribe"] = f"<mailto:unsubscribe@{sender[1].split('@')[1]}>"
        items = self.rng.sample(SENTENCES, k=4)
        host = sender[1].split("@")[1]
        html = [
            "<!DOCTYPE html><html><head><meta charset='utf-8'>",
            "<style>body{font-family:sans-serif}</style></head>",
            f"<body><img src='https://{host}/track/{issue}.gif' width='1' height='1' alt=''>",
            f"<h1>{subject.format(n=issue)}</h1>",
            f"<p><img src='https://{host}/banner.png' alt='Banner'></p><ul>",
        ]
        for j, item in enumerate(items):
            html.append(f"<li><a href='https://{host}/articles/{issue}-{j}'>{item}</a></li>")
        html.append("</ul><table><tr><th>Topic</th><th>Votes</th></tr>")
        for j in range(3):
            html.append(f"<tr><td>Item {j + 1}</td><td>{self.rng.randint(5, 500)}</td></tr>")
        html.append(
            f"</table><p><small><a href='https://{host}/unsubscribe'>Unsubscribe</a></small></p></body></html>"
        )
        m.set_content("".join(html), subtype="html")
        flags = ["\\Seen"] if (DEMO_NOW - when).days > 3 or self.rng.random() < 0.5 else []
        self.add(folder, m, self.received(when), flags)

    def notification(self, folder: str, when: datetime, n: int) -> None:
        sender, pattern = self.rng.choice(NOTIFIERS)
        title = self.rng.choice(ISSUE_TITLES)
        state = self.rng.choice(["passed", "passed", "failed", "fixed"])
        subject = pattern.format(n=n, state=state, title=title, time=when.strftime("%H:%M"))
        m = self.new(sender, [ME], subject, when, zone=UTC)
        plain = f"{subject}\n\n{self.body(2)}\n\nView it online: https://tuimail.example/n/{n}\n"
        m.set_content(plain)
        m.add_alternative(
            f"<html><body><p><b>{subject}</b></p><p>{self.body(2)}</p>"
            f"<p><a href='https://tuimail.example/n/{n}'>View it online</a></p></body></html>",
            subtype="html",
        )
        flags = ["\\Seen"] if self.rng.random() < 0.7 or (DEMO_NOW - when).days > 10 else []
        self.add(folder, m, self.received(when), flags)

    def with_attachments(self, folder: str, when: datetime, n: int, flags: list[str] | None = None) -> None:
        sender = self.rng.choice(PEOPLE)
        kind = n % 6
        if kind == 0:
            m = self.new(sender, [ME], f"Report {2025 + n % 2}-Q{1 + n % 4}", when)
            m.set_content("Hi,\n\nthe report is attached as a PDF.\n\nBest,\n" + sender[0] + "\n")
            _attach_file(m, _pdf(f"Quarterly report {n}"), "pdf", f"report-{n}.pdf")
        elif kind == 1:
            m = self.new(sender, [ME], "Photos from the offsite 📷", when)
            m.set_content("A few pictures from last week.\n")
            m.add_alternative("<p>A few <i>pictures</i> from last week.</p>", subtype="html")
            for j in range(1 + n % 3):
                colour = (self.rng.randrange(256), self.rng.randrange(256), self.rng.randrange(256))
                m.add_attachment(
                    _png(32, 24, colour),
                    maintype="image",
                    subtype="png",
                    filename=f"IMG_{4000 + n * 10 + j}.png",
                )
        elif kind == 2:
            m = self.new(sender, [ME], "Données financières — février", when)
            m.set_content("Bonjour,\n\nci-joint le tableau (CSV).\n\nCordialement,\n" + sender[0] + "\n")
            m.add_attachment(CSV_TEXT, subtype="csv", filename="données-février.csv")
        elif kind == 3:
            m = self.new(sender, [ME], "Invitation: project sync", when)
            m.set_content("You are invited to the project sync.\n")
            m.add_attachment(
                _ics("Project sync", when + timedelta(days=2)), subtype="calendar", filename="invite.ics"
            )
        elif kind == 4:
            m = self.new(sender, [ME], "[PATCH] sanitize: show bidi controls", when)
            m.set_content("Small patch attached, applies on main.\n")
            m.add_attachment(PATCH_TEXT, subtype="x-diff", filename="0001-sanitize-bidi.patch")
        else:
            inner = self.new(
                self.rng.choice(PEOPLE), [sender], self.rng.choice(TOPICS), when - timedelta(days=3)
            )
            inner.set_content(self.body(3) + "\n")
            m = self.new(sender, [ME], "Fwd: " + str(inner["Subject"]), when)
            m.set_content("Forwarding this, see the attached message.\n")
            m.add_attachment(inner)
        self.add(folder, m, self.received(when), flags if flags is not None else self.inbox_flags(when))

    def hostile(self, folder: str) -> None:
        """Messages that try to drive the terminal or fool the reader."""
        evil: Person = ("[link=https://evil.example]IT Support[/link]", "support@evil.example")
        cases: list[tuple[Person, str, str, tuple[tuple[bytes, bytes], ...]]] = [
            (
                ("Security Team", "security@evil.example"),
                "[bold red]URGENT[/] Your account will be suspended",
                "plain",
                (),
            ),
            (
                ("Prize Desk", "prizes@evil.example"),
                "[@click=app.quit]Click here to claim your prize[/]",
                "html",
                (),
            ),
            (
                ("Billing", "billing@evil.example"),
                "Invoice ESC-RAW — pay now",
                "ansi",
                ((b"ESC-RAW", b"\x1b[31mOVERDUE\x1b[0m"),),
            ),
            (
                ("Meeting Bot", "bot@evil.example"),
                "Meeting notes OSC-TITLE",
                "plain",
                ((b"Meeting notes OSC-TITLE", b"=?utf-8?q?Meeting_notes_=1B]0;pwned=07_=C2=9B2J?="),),
            ),
            (("Scanner", "scanner@evil.example"), "Your scanned document \u202efdp.exe", "bidi", ()),
            (evil, "Password reset required", "plain", ()),
            (
                ("Pay\u200bPal Service", "service@pay-pal.evil.example"),
                "Pay\u200bPal: unusual sign-in activity",
                "plain",
                (),
            ),
            (("Helpdesk", "help@evil.example"), "Updated shell config", "traversal", ()),
            (("Legacy System", "legacy@old.example"), "Broken charset and base64", "broken", ()),
        ]
        for sender, subject, kind, patches in cases:
            when = self.when(0.2, 20)
            m = self.new(sender, [ME], subject, when)
            if kind == "html":
                m.set_content(
                    "<html><head><script>alert('x')</script></head><body><p>Congratulations!</p>"
                    "<p><a href='javascript:alert(1)'>[bold]Claim[/bold]</a> or "
                    "<a href='https://evil.example/claim?id=42'>claim here</a></p>"
                    "<img src='https://evil.example/pixel.gif' alt=''></body></html>",
                    subtype="html",
                )
            elif kind == "ansi":
                m.set_content(
                    "Dear customer,\n\n\x1b[2J\x1b[H\x1b[1;31mYOUR INVOICE IS OVERDUE\x1b[0m\n"
                    "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]8;;https://evil.example\x07pay here\x1b]8;;\x07\n"
                    "\x9b6n CR-HERE Overwritten line\n",
                    cte="quoted-printable",
                )
                patches = (*patches, (b" CR-HERE ", b"=0D"))
            elif kind == "bidi":
                m.set_content("Please open the attached document.\n")
                _attach_file(m, b"MZ\x90\x00not really a program", "octet-stream", "scan\u202efdp.exe")
            elif kind == "traversal":
                m.set_content("Two files attached.\n")
                m.add_attachment("alias ls='rm -rf ~'\n", filename="../../../.bashrc")
                _attach_file(m, b"MZ", "octet-stream", "C:\\Windows\\System32\\evil.dll")
            elif kind == "broken":
                m.set_content("placeholder\n")
                patches = (
                    (b'charset="utf-8"', b'charset="x-no-such-charset"'),
                    (b"Content-Transfer-Encoding: 7bit", b"Content-Transfer-Encoding: base64"),
                    (b"placeholder\r\n", b"Q2Fmw6kgY3LDqG1l!!broken===base64\r\n"),
                )
            else:
                m.set_content(
                    "Click the link below within 24 hours.\n\n[link=https://evil.example]Reset[/link]\n"
                )
            self.add(folder, m, self.received(when), [], patches)

    def long_subject(self, folder: str) -> None:
        when = self.when(1, 30)
        subject = "A very long subject line " + " ".join(f"word{i}" for i in range(60))
        m = self.new(PEOPLE[13], [ME], subject, when)
        m.set_content(self.body(2) + "\n")
        self.add(folder, m, self.received(when), ["\\Seen"])

    # -- the folders

    def build(self) -> None:
        rng = self.rng
        # INBOX: threads, personal mail, newsletters, notifications, attachments, hostile.
        for t in range(16):
            people = rng.sample(PEOPLE, k=rng.randint(1, 3))
            local = LOCAL.get(people[0][1])
            topic = local[1] if local is not None and t % 2 else TOPICS[t % len(TOPICS)]
            self.thread("INBOX", topic, people, rng.randint(2, 6), self.when(0.5, 120))
        for _ in range(60):
            self.personal("INBOX", self.when(0.05, 200))
        for i in range(22):
            self.newsletter("INBOX", self.when(0.1, 150), 100 + i)
        for i in range(36):
            self.notification("INBOX", self.when(0.02, 90), 500 + i)
        for i in range(18):
            self.with_attachments("INBOX", self.when(0.1, 120), i)
        self.hostile("INBOX")
        self.long_subject("INBOX")

        # Sent: the thread replies above, plus mail the user started.
        for i in range(14):
            when = self.when(0.3, 180)
            to = rng.choice(PEOPLE)
            m = self.new(ME, [to], rng.choice(TOPICS), when, zone=ZONES[1])
            m.set_content(self.body(rng.randint(1, 3)) + f"\n\n-- \n{DEMO_NAME}\n")
            if i % 4 == 0:
                _attach_file(m, _pdf(f"Sent document {i}"), "pdf", f"notes-{i}.pdf")
            self.add("Sent", m, when, ["\\Seen"])

        # Drafts: unfinished, some without recipients.
        for i in range(5):
            when = self.when(0.1, 40)
            recipients = [rng.choice(PEOPLE)] if i % 2 == 0 else []
            m = self.new(
                ME,
                recipients,
                ["Re: Budget 2026", "Ideas for the offsite", "", "Brouillon — à finir", "メモ"][i],
                when,
            )
            m.set_content("Draft: " + self.body(1) + "\n")
            self.add("Drafts", m, when, ["\\Seen", "\\Draft"])

        # Archive: older, all read, some flagged.
        for i in range(42):
            when = self.when(200, 700)
            if i % 5 == 0:
                self.with_attachments("Archive", when, i, ["\\Seen"])
            elif i % 7 == 0:
                self.thread("Archive", rng.choice(TOPICS), [rng.choice(PEOPLE)], 3, when)
            else:
                self.personal("Archive", when, ["\\Seen", "\\Flagged"] if i % 9 == 0 else ["\\Seen"])

        # Junk: spam, some of it hostile.
        for i in range(6):
            when = self.when(0.5, 30)
            m = self.new(
                ("Winner Notification", f"noreply{i}@lottery.evil.example"),
                [ME],
                [
                    "You have WON €1,000,000!!!",
                    "Cheap meds",
                    "Re: your invoice",
                    "Ваш выигрыш",
                    "[blink]Act now[/blink]",
                    "Crypto opportunity 🚀",
                ][i],
                when,
            )
            m.set_content("<p>Click <a href='https://evil.example/win'>here</a> now!</p>", subtype="html")
            self.add("Junk", m, self.received(when), [])
        self.hostile("Junk")

        # Trash: a mix of deleted mail.
        for i in range(15):
            when = self.when(1, 90)
            if i % 3 == 0:
                self.newsletter("Trash", when, 50 + i)
            else:
                self.personal("Trash", when, ["\\Seen"])

        # Projects and the nested Projects/tuimail.
        for _ in range(4):
            self.personal("Projects", self.when(10, 300), ["\\Seen"])
        for i in range(18):
            self.notification("Projects/tuimail", self.when(0.05, 60), 900 + i)
        for t in range(3):
            self.thread(
                "Projects/tuimail",
                ["Code review: parser speed-ups", "Release 0.2 checklist", "Snapshot tests flaky?"][t],
                TEAM[t : t + 2],
                4,
                self.when(1, 60),
            )
        self.with_attachments("Projects/tuimail", self.when(0.5, 20), 4)

        # Réunions (French meetings, with invitations).
        for i in range(12):
            when = self.when(0.5, 120)
            sender = rng.choice([PEOPLE[2], PEOPLE[14]])
            subject = [
                "Réunion d'équipe — compte rendu",
                "Réunion budgétaire",
                "Point hebdomadaire",
                "Séminaire de printemps : inscriptions",
            ][i % 4]
            m = self.new(sender, [ME], subject, when, zone=ZONES[1])
            m.set_content(LOCAL_TEXTS[0] + "\n" + sender[0] + "\n")
            if i % 3 == 0:
                m.add_attachment(
                    _ics(subject.encode("ascii", "replace").decode(), when + timedelta(days=3)),
                    subtype="calendar",
                    filename="réunion.ics",
                )
            self.add("Réunions", m, self.received(when), self.inbox_flags(when))

        # 日本語 (Japanese, ISO-2022-JP and UTF-8).
        for i in range(8):
            when = self.when(0.5, 200)
            m = self.new(
                PEOPLE[7],
                [ME],
                ["打ち合わせの件", "資料送付のお知らせ", "来週の予定", "お疲れ様です"][i % 4],
                when,
                zone=ZONES[6],
            )
            m.set_content(LOCAL_TEXTS[5] + "\n田中\n", charset="iso-2022-jp" if i % 2 else "utf-8")
            self.add("日本語", m, self.received(when), self.inbox_flags(when))

    def serialise(self) -> dict[str, list[DemoMessage]]:
        from email import policy

        boxes: dict[str, list[DemoMessage]] = {name: [] for name in FOLDERS}
        order = sorted(range(len(self.entries)), key=lambda i: (self.entries[i].when, i))
        boundary = 0
        for i in order:
            entry = self.entries[i]
            for part in entry.message.walk():
                if part.is_multipart():
                    boundary += 1
                    part.set_boundary(f"=_tuimail_demo_{boundary:05d}")
            raw = entry.message.as_bytes(policy=policy.SMTP)
            for old, new in entry.patches:
                raw = raw.replace(old, new)
            boxes[entry.folder].append(DemoMessage(raw, list(entry.flags), entry.when))
        return boxes


@functools.lru_cache(maxsize=1)
def _generate() -> dict[str, tuple[DemoMessage, ...]]:
    gen = _Generator(SEED)
    gen.build()
    return {name: tuple(messages) for name, messages in gen.serialise().items()}


def demo_mailboxes(stored_in: Path | None = None) -> dict[str, list[DemoMessage]]:
    """The demo folders (hierarchy delimiter ``/``) and their messages, oldest
    first.  Deterministic: the same bytes, flags and dates on every call.

    With ``stored_in`` (a cache folder) they are read from the copy built by an
    earlier run of this same generator, and stored there when there is none."""
    if stored_in is not None:
        from .stored_mailbox import load_or_build

        return load_or_build(stored_in, Path(__file__), demo_mailboxes, DemoMessage)
    return {
        name: [DemoMessage(m.raw, list(m.flags), m.internaldate) for m in messages]
        for name, messages in _generate().items()
    }
