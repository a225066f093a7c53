"""render_message and save_attachment: decoded headers, body choice, attachments."""

from __future__ import annotations

import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuimail.mail.render import RenderedMessage, raw_source_text, render_message, save_attachment, unflow

CONTROL = {chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]}


def no_controls(r: RenderedMessage) -> bool:
    texts = [r.from_, r.to, r.cc, r.date, r.subject, r.body, *r.links, *(a.filename for a in r.attachments)]
    return not any(c in CONTROL or c in "\u202e\u2066" for t in texts for c in t)


def base(subject: str = "Hello") -> EmailMessage:
    m = EmailMessage()
    m["From"] = "René Dupont <rene@example.fr>"
    m["To"] = "Борис <boris@example.ru>, plain@example.org"
    m["Cc"] = "Ελένη <eleni@example.gr>"
    m["Date"] = "Tue, 03 Mar 2026 10:00:00 +0100"
    m["Subject"] = subject
    m["Message-ID"] = "<abc@example.fr>"
    return m


def test_headers_are_decoded() -> None:
    m = base("Réunion — 会議 — اجتماع")
    m.set_content("body")
    r = render_message(m.as_bytes())
    assert b"=?utf-8?" in m.as_bytes()  # really encoded on the wire
    assert r.from_ == "René Dupont <rene@example.fr>"
    assert r.to == "Борис <boris@example.ru>, plain@example.org"
    assert r.cc == "Ελένη <eleni@example.gr>"
    assert r.subject == "Réunion — 会議 — اجتماع"
    assert r.date == "Tue, 03 Mar 2026 10:00:00 +0100"
    assert r.date_parsed is not None and r.date_parsed.utcoffset() is not None
    assert r.message_id == "<abc@example.fr>"


def test_plain_text_is_preferred_in_alternative() -> None:
    m = base()
    m.set_content("the plain version\n")
    m.add_alternative("<p>the <b>html</b> version</p>", subtype="html")
    r = render_message(m.as_bytes())
    assert r.body == "the plain version"
    assert not r.is_html and r.attachments == []


def test_html_is_used_when_plain_alternative_is_empty() -> None:
    m = base()
    m.set_content("  \n")
    m.add_alternative("<p>only <a href='https://example.com/x'>here</a></p>", subtype="html")
    r = render_message(m.as_bytes())
    assert r.is_html and "only here" in r.body


def test_html_only_mail_is_rendered_with_links_listed_at_the_end() -> None:
    m = base()
    m.set_content(
        "<html><body><h1>News</h1><p>Read <a href='https://example.com/a'>this</a> and "
        "<a href='https://example.com/b'>that</a>.</p>"
        "<img src='https://t.example/p.gif' alt='pixel'></body></html>",
        subtype="html",
    )
    r = render_message(m.as_bytes())
    assert r.is_html
    assert r.links == ["https://example.com/a", "https://example.com/b"]
    assert "News" in r.body and "Read this [1] and that [2]." in r.body
    assert r.body.endswith("Links:\n[1] https://example.com/a\n[2] https://example.com/b")
    assert "<a" not in r.body


def test_related_html_root_is_body_and_inline_image_is_listed() -> None:
    m = base()
    m.set_content("<p>with image <img src='cid:img1' alt='chart'></p>", subtype="html")
    m.add_related(b"\x89PNG\r\n\x1a\n" + b"0" * 20, maintype="image", subtype="png", cid="<img1>")
    assert m.get_content_type() == "multipart/related"
    r = render_message(m.as_bytes())
    assert r.is_html and "with image [chart]" in r.body
    assert [(a.filename, a.content_type, a.size) for a in r.attachments] == [
        ("attachment-1.png", "image/png", 28)
    ]


def test_inline_image_of_the_unchosen_alternative_is_not_listed() -> None:
    m = base()
    m.set_content("plain")
    m.add_alternative("<p>html <img src='cid:img1'></p>", subtype="html")
    m.get_payload()[1].add_related(b"\x89PNG", maintype="image", subtype="png", cid="<img1>")
    r = render_message(m.as_bytes())
    assert r.body == "plain" and r.attachments == []


def test_attachments_are_listed_with_name_type_and_size() -> None:
    m = base()
    m.set_content("see attached")
    m.add_attachment(b"%PDF-1.4\n" + b"x" * 91, maintype="application", subtype="pdf", filename="report.pdf")
    m.add_attachment("données;€\n", subtype="csv", filename="données.csv")
    r = render_message(m.as_bytes())
    assert r.body == "see attached"
    assert [(a.index, a.filename, a.content_type) for a in r.attachments] == [
        (1, "report.pdf", "application/pdf"),
        (2, "données.csv", "text/csv"),
    ]
    assert r.attachments[0].size == 100


def test_text_part_with_a_filename_is_an_attachment_not_body() -> None:
    m = base()
    m.set_content("body text")
    m.add_attachment("notes\n", filename="notes.txt")
    r = render_message(m.as_bytes())
    assert r.body == "body text"
    assert [a.filename for a in r.attachments] == ["notes.txt"]


def test_attached_message_is_listed() -> None:
    inner = base("inner")
    inner.set_content("inner body")
    m = base()
    m.set_content("forwarding")
    m.add_attachment(inner)
    r = render_message(m.as_bytes())
    assert r.body == "forwarding"
    assert len(r.attachments) == 1 and r.attachments[0].content_type == "message/rfc822"
    assert r.attachments[0].filename == "message-1.eml"


def test_nameless_attachment_gets_a_generated_name() -> None:
    m = base()
    m.set_content("x")
    m.add_attachment(b"\x89PNG", maintype="image", subtype="png")
    assert render_message(m.as_bytes()).attachments[0].filename == "attachment-1.png"


def test_charsets_are_decoded() -> None:
    raw = (
        b"From: a@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset=koi8-r\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
    ) + "Привет".encode("koi8-r")
    assert render_message(raw).body == "Привет"


def test_unknown_charset_falls_back_to_utf8_then_latin1() -> None:
    raw = b"Subject: x\r\nContent-Type: text/plain; charset=x-no-such\r\n\r\ncaf\xc3\xa9"
    assert render_message(raw).body == "café"
    raw = b"Subject: x\r\nContent-Type: text/plain; charset=x-no-such\r\n\r\ncaf\xe9"
    assert render_message(raw).body == "café"


def test_wrong_declared_charset_does_not_raise() -> None:
    raw = b"Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbad \xff\xfe bytes"
    assert render_message(raw).body.startswith("bad ")


def test_html_meta_charset_is_honoured() -> None:
    raw = (
        b"Subject: x\r\nContent-Type: text/html\r\n\r\n"
        b"<html><head><meta charset='iso-8859-7'></head><body>"
        + "Καλημέρα".encode("iso-8859-7")
        + b"</body></html>"
    )
    assert render_message(raw).body == "Καλημέρα"


def test_quoted_printable_and_base64_are_decoded() -> None:
    raw = (
        b"Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"caf=C3=A9 soft=\r\nbreak\r\n"
        b'--B\r\nContent-Type: application/octet-stream; name="a.bin"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        b"AAECAw==\r\n--B--\r\n"
    )
    r = render_message(raw)
    assert r.body == "café softbreak"
    assert r.attachments[0].size == 4


def test_format_flowed_is_unwrapped() -> None:
    raw = (
        b"Subject: x\r\nContent-Type: text/plain; format=flowed\r\n\r\n"
        b"This is \r\none line.\r\n> quoted \r\n> too\r\n-- \r\nsig"
    )
    assert render_message(raw).body == "This is one line.\n> quoted too\n-- \nsig"


def test_unflow_with_delsp_and_space_stuffing() -> None:
    assert unflow("abc \ndef", delsp=True) == "abcdef"
    assert unflow(" From here\n  two") == "From here\n two"


def test_hostile_headers_and_body_are_sanitised_but_markup_stays_literal() -> None:
    raw = (
        b"From: =?utf-8?q?=5Bbold_red=5DBoss=5B/=5D_=1B=5B2J?= <boss@evil.example>\r\n"
        b"Subject: [@click=app.quit] =?utf-8?b?4oCuZXhlLnBkZg==?= \x1b]0;title\x07\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"[link=https://evil.example]click[/link]\r\n\x1b[31mred\x1b[0m \x9b2J\r\nline\rover\r\n"
    )
    r = render_message(raw)
    assert no_controls(r)
    assert r.from_.startswith("[bold red]Boss[/] \u241b[2J")
    assert r.subject.startswith("[@click=app.quit] <U+202E>exe.pdf")
    assert r.body.startswith("[link=https://evil.example]click[/link]\n\u241b[31mred\u241b[0m")
    assert "line\nover" in r.body


def test_hostile_attachment_name_is_sanitised_for_display() -> None:
    m = base()
    m.set_content("x")
    m.add_attachment(b"MZ", maintype="application", subtype="octet-stream", filename="invoice\u202egnp.exe")
    assert render_message(m.as_bytes()).attachments[0].filename == "invoice<U+202E>gnp.exe"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe",
        b"Subject: no body",
        b"Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nunfinished",
        b"Content-Type: multipart/alternative\r\n\r\nno boundary at all",
        b'Content-Type: text/plain; charset="\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!',
        b'From: <<<>>>@@@, "unterminated\r\nTo: ;;;:::\r\nDate: yesterday-ish\r\n\r\nbody',
        b"Content-Type: message/rfc822\r\n\r\nnot really a message",
        b"Content-Type: multipart/mixed; boundary=A\r\n\r\n"
        + b"--A\r\nContent-Type: multipart/mixed; boundary=A\r\n\r\n" * 200,
    ],
)
def test_malformed_mail_never_raises(raw: bytes) -> None:
    r = render_message(raw)
    assert isinstance(r, RenderedMessage) and no_controls(r)


def test_malformed_mail_shows_what_it_can() -> None:
    raw = (
        b"Subject: ok\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n"
        b"--X\r\nContent-Type: text/plain\r\n\r\nstill readable"
    )
    r = render_message(raw)
    assert r.subject == "ok" and "still readable" in r.body


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_never_raise(raw: bytes) -> None:
    r = render_message(b"Content-Type: multipart/mixed; boundary=Z\r\n\r\n--Z\r\n" + raw)
    assert no_controls(r)


def test_save_attachment_writes_decoded_content_under_a_safe_name(tmp_path: Path) -> None:
    m = base()
    m.set_content("x")
    m.add_attachment(
        b"secret-data", maintype="application", subtype="octet-stream", filename="../../../.bashrc"
    )
    raw = m.as_bytes()
    path = save_attachment(raw, 1, tmp_path)
    assert path == tmp_path.resolve() / "bashrc"
    assert path.read_bytes() == b"secret-data"
    again = save_attachment(raw, 1, tmp_path)
    assert again.name == "bashrc (1)" and path.read_bytes() == b"secret-data"


def test_save_attachment_uses_generated_name_when_name_is_unusable(tmp_path: Path) -> None:
    m = base()
    m.set_content("x")
    m.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="\u202e..")
    assert save_attachment(m.as_bytes(), 1, tmp_path).name == "attachment-1.png"


def test_save_attached_message_writes_an_eml(tmp_path: Path) -> None:
    inner = base("inner")
    inner.set_content("inner body")
    m = base()
    m.set_content("fwd")
    m.add_attachment(inner)
    path = save_attachment(m.as_bytes(), 1, tmp_path)
    assert path.name == "message-1.eml" and b"inner body" in path.read_bytes()


def test_save_attachment_with_bad_index_raises_index_error(tmp_path: Path) -> None:
    m = base()
    m.set_content("x")
    with pytest.raises(IndexError):
        save_attachment(m.as_bytes(), 1, tmp_path)
    with pytest.raises(IndexError):
        save_attachment(m.as_bytes(), 0, tmp_path)


def test_raw_source_text_is_sanitised() -> None:
    assert raw_source_text(b"Subject: \x1b[31mx\r\n\r\nbody\xff") == "Subject: \u241b[31mx\n\nbody\u00ff"


def test_unexpected_failure_falls_back_to_the_sanitised_source(monkeypatch: pytest.MonkeyPatch) -> None:
    from tuimail.mail import render

    def boom(msg: object) -> None:
        raise RecursionError("too deep")

    monkeypatch.setattr(render, "_classify", boom)
    r = render_message(b"Subject: hi\r\n\r\nbody \x1b[31m")
    assert "could not be parsed" in r.body and "body \u241b[31m" in r.body


def test_bogus_charset_names_do_not_break_rendering() -> None:
    raw = b'Subject: x\r\nContent-Type: text/plain; charset="base64"\r\n\r\ncaf\xc3\xa9'
    assert render_message(raw).body == "café"


def test_text_input_with_lone_surrogates_is_rendered() -> None:
    r = render_message("Subject: \ud800x\r\n\r\nbody \udcff")  # type: ignore[arg-type]
    assert r.subject == "?x" and r.body.startswith("body")


def test_unflow_is_linear() -> None:
    """300,000 soft line breaks once took 94 s (each join copied the paragraph so far)."""
    start = time.process_time()
    assert unflow("ab \n" * 300_000 + "end") == "ab " * 300_000 + "end"
    assert time.process_time() - start < 1.0


def test_a_plain_and_html_alternative_shows_plain_and_offers_html_and_back() -> None:
    m = base()
    m.set_content("Plain words.\n")
    m.add_alternative("<p>Rich <a href='https://example.com/r'>words</a>.</p>", subtype="html")
    plain = render_message(m.as_bytes())
    assert (plain.alternatives, plain.shown_alternative) == (("plain", "html"), "plain")
    assert "Plain words." in plain.body and not plain.links
    rich = render_message(m.as_bytes(), prefer="html")
    assert (rich.alternatives, rich.shown_alternative) == (("plain", "html"), "html")
    assert "Rich words [1]." in rich.body and rich.links == ["https://example.com/r"]


def test_a_message_with_one_text_offers_no_other_part() -> None:
    m = base()
    m.set_content("Only plain.\n")
    for prefer in ("plain", "html"):
        r = render_message(m.as_bytes(), prefer=prefer)
        assert r.alternatives == () and "Only plain." in r.body
