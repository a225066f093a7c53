"""MessageSummary.from_fetch: decoded, sanitised rows from FETCH data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from tuimail.imap.types import (
    Address,
    BodyTypeBasic,
    BodyTypeMessage,
    BodyTypeMultipart,
    BodyTypeText,
    ContentDisposition,
    Envelope,
    FetchData,
)
from tuimail.mail.summary import SUMMARY_ITEMS, MessageSummary, has_attachment

TZ = timezone(timedelta(hours=2))


def envelope(
    subject: str | None = "Hello",
    from_: list[Address] | None = None,
    to: list[Address] | None = None,
    date: str | None = "Tue, 03 Mar 2026 10:00:00 +0000",
) -> Envelope:
    return Envelope(
        date=date,
        subject=subject,
        from_=from_ if from_ is not None else [Address("Alice Example", None, "alice", "example.com")],
        sender=None,
        reply_to=None,
        to=to if to is not None else [Address(None, None, "bob", "example.org")],
        cc=None,
        bcc=None,
        in_reply_to=None,
        message_id="<1@example.com>",
    )


def text_part(subtype: str = "PLAIN", **kw: object) -> BodyTypeText:
    return BodyTypeText("TEXT", subtype, {"CHARSET": "utf-8"}, None, None, "7BIT", 10, 1, **kw)  # type: ignore[arg-type]


def fetch(**attr: object) -> FetchData:
    base: dict[str, object] = {
        "UID": 42,
        "FLAGS": ["\\Seen"],
        "INTERNALDATE": datetime(2026, 3, 3, 12, 0, tzinfo=TZ),
        "RFC822.SIZE": 1234,
        "ENVELOPE": envelope(),
        "BODYSTRUCTURE": text_part(),
    }
    base.update({k.replace("_", "."): v for k, v in attr.items()})
    return FetchData(7, base)


def test_summary_items_name_the_fetch_attributes() -> None:
    assert SUMMARY_ITEMS == "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)"


def test_basic_fields_come_from_fetch_data() -> None:
    s = MessageSummary.from_fetch(fetch())
    assert (s.uid, s.seqno, s.size) == (42, 7, 1234)
    assert s.flags == frozenset({"\\Seen"})
    assert s.date == datetime(2026, 3, 3, 12, 0, tzinfo=TZ)
    assert s.from_ == "Alice Example"
    assert s.from_address == "alice@example.com"
    assert s.to == "bob@example.org"
    assert s.subject == "Hello"
    assert not s.has_attachment


def test_flag_properties() -> None:
    s = MessageSummary.from_fetch(fetch(FLAGS=["\\Flagged", "\\Answered", "\\Deleted"]))
    assert s.unread and s.flagged and s.answered and s.deleted
    read = MessageSummary.from_fetch(fetch(FLAGS=["\\seen"]))
    assert not read.unread and not read.flagged and not read.answered and not read.deleted


def test_subject_and_name_are_decoded_from_encoded_words() -> None:
    env = envelope(
        subject="=?utf-8?b?0J/RgNC40LLQtdGC?= =?utf-8?q?_=E4=B8=96=E7=95=8C?=",
        from_=[Address("=?iso-8859-1?q?Ren=E9?= Dupont", None, "rene", "example.fr")],
    )
    s = MessageSummary.from_fetch(fetch(ENVELOPE=env))
    assert s.subject == "Привет 世界"
    assert s.from_ == "René Dupont"


def test_hostile_subject_is_sanitised_but_markup_stays_literal() -> None:
    env = envelope(subject="[bold red]URGENT[/] \x1b[2J\x1b]0;pwned\x07 \u202eexe.pdf\r\nX-Injected: 1")
    s = MessageSummary.from_fetch(fetch(ENVELOPE=env))
    assert s.subject.startswith("[bold red]URGENT[/] ")
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in s.subject)
    assert "\u202e" not in s.subject and "<U+202E>" in s.subject


def test_hostile_display_name_is_sanitised() -> None:
    env = envelope(from_=[Address("[@click=app.quit]\x1b[8m", None, "x", "evil.example")])
    s = MessageSummary.from_fetch(fetch(ENVELOPE=env))
    assert s.from_ == "[@click=app.quit]\u241b[8m"


def test_from_falls_back_to_address_without_a_name() -> None:
    env = envelope(from_=[Address(None, None, "carol", "example.net")])
    assert MessageSummary.from_fetch(fetch(ENVELOPE=env)).from_ == "carol@example.net"


def test_to_lists_every_recipient_name() -> None:
    env = envelope(to=[Address("Bob", None, "bob", "x.org"), Address(None, None, "dan", "y.org")])
    assert MessageSummary.from_fetch(fetch(ENVELOPE=env)).to == "Bob, dan@y.org"


def test_date_falls_back_to_envelope_date_without_internaldate() -> None:
    fd = fetch()
    del fd.attr["INTERNALDATE"]
    s = MessageSummary.from_fetch(fd)
    assert s.date == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_unparseable_envelope_date_gives_none() -> None:
    fd = fetch(ENVELOPE=envelope(date="not a date"))
    del fd.attr["INTERNALDATE"]
    assert MessageSummary.from_fetch(fd).date is None


def test_missing_items_give_neutral_values() -> None:
    s = MessageSummary.from_fetch(FetchData(3, {}))
    assert (s.uid, s.seqno, s.size, s.subject, s.from_, s.to) == (0, 3, 0, "", "", "")
    assert s.unread and s.date is None and not s.has_attachment


def test_nil_envelope_fields_are_empty() -> None:
    env = Envelope(None, None, None, None, None, None, None, None, None, None)
    s = MessageSummary.from_fetch(fetch(ENVELOPE=env))
    assert (s.subject, s.from_, s.to) == ("", "", "")


def pdf(disposition: ContentDisposition | None = None, param: dict[str, str] | None = None) -> BodyTypeBasic:
    return BodyTypeBasic("APPLICATION", "PDF", param, None, None, "BASE64", 100, disposition=disposition)


def test_attachment_by_disposition() -> None:
    body = BodyTypeMultipart("MULTIPART", "MIXED", [text_part(), pdf(ContentDisposition("ATTACHMENT"))])
    assert has_attachment(body)
    assert MessageSummary.from_fetch(fetch(BODYSTRUCTURE=body)).has_attachment


def test_attachment_by_filename_or_name_parameter() -> None:
    inline = ContentDisposition("inline", {"FILENAME": "a.pdf"})
    assert has_attachment(BodyTypeMultipart("MULTIPART", "MIXED", [text_part(), pdf(inline)]))
    assert has_attachment(
        BodyTypeMultipart("MULTIPART", "MIXED", [text_part(), pdf(None, {"NAME": "b.pdf"})])
    )


def test_disposition_sent_as_one_string_is_understood() -> None:
    """pymap sends the whole header value as the disposition type."""
    quirky = ContentDisposition('ATTACHMENT; FILENAME="REPORT.PDF"')
    assert has_attachment(BodyTypeMultipart("MULTIPART", "MIXED", [text_part(), pdf(quirky)]))


def test_nested_attached_message_counts() -> None:
    msg = BodyTypeMessage("MESSAGE", "RFC822", None, None, None, "7BIT", 300, None, text_part(), 10)
    inner = BodyTypeMultipart("MULTIPART", "ALTERNATIVE", [text_part(), text_part("HTML")])
    assert has_attachment(BodyTypeMultipart("MULTIPART", "MIXED", [inner, msg]))


def test_alternative_without_files_has_no_attachment() -> None:
    body = BodyTypeMultipart("MULTIPART", "ALTERNATIVE", [text_part(), text_part("HTML")])
    assert not has_attachment(body)


def test_signature_part_is_not_an_attachment() -> None:
    sig = BodyTypeBasic(
        "APPLICATION",
        "PKCS7-SIGNATURE",
        {"NAME": "smime.p7s"},
        None,
        None,
        "BASE64",
        10,
        disposition=ContentDisposition("attachment", {"FILENAME": "smime.p7s"}),
    )
    assert not has_attachment(BodyTypeMultipart("MULTIPART", "SIGNED", [text_part(), sig]))


def test_odd_bodystructure_does_not_raise() -> None:
    s = MessageSummary.from_fetch(fetch(BODYSTRUCTURE=["garbage", 1]))
    assert not s.has_attachment


def test_odd_value_types_do_not_raise() -> None:
    odd = Envelope("x", 42, ["not an address"], None, None, "nope", None, None, None, None)  # type: ignore[arg-type]
    s = MessageSummary.from_fetch(fetch(FLAGS=7, ENVELOPE=odd, UID="9", RFC822_SIZE=None))
    assert (s.uid, s.size, s.flags, s.from_) == (0, 0, frozenset(), "")
    assert s.subject == "42"


def test_naive_internaldate_is_taken_as_utc() -> None:
    fd = fetch(INTERNALDATE=datetime(2026, 1, 1, 8, 0), ENVELOPE=envelope(date=None))
    s = MessageSummary.from_fetch(fd)
    assert s.date == datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def test_date_is_the_date_header_then_internaldate_as_in_the_viewer() -> None:
    """Issue 11: the list's date and the viewer's agree (tuimail.mail.headers.message_date)."""
    env = envelope(date="Mon, 02 Mar 2026 09:00:00 -0500")
    assert MessageSummary.from_fetch(fetch(ENVELOPE=env)).date == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    odd = envelope(date="31 Foo 99999")
    assert MessageSummary.from_fetch(fetch(ENVELOPE=odd)).date == datetime(2026, 3, 3, 12, 0, tzinfo=TZ)
