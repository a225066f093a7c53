"""MessageSummary.from_fetch: decoded, sanitised rows from FETCH data."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.imap.test_parser_fast_path import _q, recursive_descent_only
from tests.imap.test_parser_recorded import responses
from tuimail.imap import fetch_fast as fast
from tuimail.imap import parse_response
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
from tuimail.mail.addresses import MAX_ADDRESSES
from tuimail.mail.headers import MAX_DISPLAY_CHARS
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


# --- the message-list path: summaries from lazily parsed values ---------------
#
# The app builds a summary from every FETCH response of a listing; values
# the parser leaves unbuilt are read without building them (memoised by
# their text).  The result must be the summary of the fully built values:
# the reference is the recursive-descent parse (plain types, no lazy value)
# through the same from_fetch.


def _benchmark_stream(count: int) -> list[bytes]:
    spec = importlib.util.spec_from_file_location(
        "tuimail_bench_parse", Path(__file__).resolve().parents[2] / "benchmarks" / "parse.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    gen = module.Gen(1)
    return [gen.fetch(n) for n in range(1, count + 1)]


def _both_ways(line: bytes) -> tuple[MessageSummary, MessageSummary]:
    fast_fd = parse_response(line).data
    with recursive_descent_only():
        slow_fd = parse_response(line).data
    assert type(slow_fd.attr.get("ENVELOPE", Envelope)) in (Envelope, type), "reference must be plain"
    return MessageSummary.from_fetch(fast_fd), MessageSummary.from_fetch(slow_fd)


def test_lazy_values_are_read_without_being_built() -> None:
    line = (b'* 3 FETCH (UID 9 FLAGS (\\Seen) INTERNALDATE "01-Jun-2024 10:00:00 +0000" RFC822.SIZE 5 '
            b'ENVELOPE ("d" "=?utf-8?q?Gr=C3=BC=C3=9Fe?=" (("=?utf-8?q?Ren=C3=A9?=" NIL "r" "x.org")) '
            b'NIL NIL (("B" NIL "b" "y.org")("C" NIL "c" "y.org")) NIL NIL NIL "<i>") '
            b'BODYSTRUCTURE (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)("APPLICATION" "PDF" ("NAME" "a.pdf") '
            b'NIL NIL "BASE64" 9 NIL ("ATTACHMENT" ("FILENAME" "a.pdf")) NIL NIL) "MIXED"))\r\n')
    fd = parse_response(line).data
    env, body = fd.attr["ENVELOPE"], fd.attr["BODYSTRUCTURE"]
    s = MessageSummary.from_fetch(fd)
    assert (s.subject, s.from_, s.from_address, s.to, s.has_attachment) == (
        "Grüße", "René", "r@x.org", "B, C", True)
    assert isinstance(env, fast.LazyEnvelope) and isinstance(body, fast.LazyBodyTypeMultipart)
    # What a row does not show stays unbuilt: the body structure, and the
    # envelope's other fields.
    assert not any(_slot_is_set(env, f) for f in ("sender", "reply_to", "cc", "bcc", "message_id"))
    assert not _slot_is_set(body, "parts")
    assert s == _both_ways(line)[1]


def _slot_is_set(value: object, name: str) -> bool:
    descriptor = getattr(type(value), name)
    try:
        descriptor.__get__(value, type(value))
    except AttributeError:
        return False
    return True


def test_summaries_of_the_benchmark_stream_are_those_of_built_values() -> None:
    compared = 0
    for line in _benchmark_stream(3000):
        fast_summary, reference = _both_ways(line)
        assert fast_summary == reference, line
        compared += 1
    assert compared == 3000


def test_long_names_and_long_recipient_lists_are_cut_as_in_built_values() -> None:
    """The list's cut of a display name (MAX_DISPLAY_CHARS) and of a long
    recipient list (MAX_ADDRESSES, then "…") holds on the fast path too."""
    long_name = "N" * (MAX_DISPLAY_CHARS + 500)
    to = "".join(f'("R{i}" NIL "r{i}" "x.org")' for i in range(MAX_ADDRESSES + 20))
    line = (f'* 1 FETCH (UID 1 FLAGS () INTERNALDATE "01-Jun-2024 10:00:00 +0000" RFC822.SIZE 1 '
            f'ENVELOPE (NIL "s" (("{long_name}" NIL "a" "b")) NIL NIL ({to}) NIL NIL NIL NIL) '
            f'BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1))\r\n').encode()
    fast_summary, reference = _both_ways(line)
    assert fast_summary == reference
    assert len(fast_summary.from_) == MAX_DISPLAY_CHARS and fast_summary.from_.endswith("…")
    assert fast_summary.to.endswith(", …") and fast_summary.to.count(",") == MAX_ADDRESSES


@pytest.mark.parametrize("name", ["dovecot_session.bin", "pymap_session.bin"])
def test_summaries_of_recorded_fetches_are_those_of_built_values(name: str) -> None:
    compared = 0
    for line in responses(name):
        if b" FETCH (" not in line or b"ENVELOPE" not in line:
            continue
        fast_summary, reference = _both_ways(line)
        assert fast_summary == reference
        compared += 1
    assert compared >= 4


_name_text = st.sampled_from([
    "Ann", "  Ann  ", "", "Doe, Jane", "=?utf-8?q?Ren=C3=A9?=", "=?utf-8?b?SsO8cmdlbg==?= x",
    "=?bogus?q?x?=", "a\x1bb", "\u202eevil", "Zoë", "=?utf-8?q?=1B[2J?=", "x\r\n y"])
_subject_text = st.one_of(_name_text, st.text(max_size=12), st.sampled_from(
    ["Re: =?utf-8?q?=E4=B8=96?=", "=?utf-8?q?a?= =?utf-8?q?b?=", " plain ", "tab\there", "=?"]))
_media = st.sampled_from(['"TEXT" "PLAIN"', '"text" "html"', '"APPLICATION" "PDF"', '"image" "png"',
                          '"APPLICATION" "PKCS7-SIGNATURE"', '"application" "pgp-signature"'])
_key = st.sampled_from(["NAME", "name", "FILENAME", "filename*", "Name*0", "NAME*0*", "fılename", "CHARSET",
                        "X-NAME", "nameless", "ATTACHMENT"])
_dsp_type = st.sampled_from(["ATTACHMENT", "inline", "attachment; filename=x", "Inline; FILENAME=y",
                             "NAMED", " attachment", "attachmentx", ""])


def _nstr(draw: st.DrawFn, values: st.SearchStrategy[str]) -> str:
    value = draw(st.one_of(st.none(), values))
    if value is None:
        return draw(st.sampled_from(["NIL", "nil"]))
    if "\r" in value or "\n" in value or draw(st.booleans()):
        raw = value.encode()
        return f"{{{len(raw)}}}\r\n{value}"
    return _q(value)


def _params(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(_key, st.sampled_from(["", "a.pdf", "x (1).png", "utf-8"])), max_size=3))
    if not pairs:
        return draw(st.sampled_from(["NIL", "nil"]))
    return "(" + " ".join(f"{_q(k)} {_q(v)}" for k, v in pairs) + ")"


@st.composite
def _summary_body(draw: st.DrawFn, depth: int = 0) -> str:
    if depth < 3 and draw(st.integers(0, 2)) == 0:
        parts = "".join(draw(st.lists(_summary_body(depth + 1), min_size=1, max_size=3)))
        return f"({parts} {_q(draw(st.sampled_from(['MIXED', 'alternative', 'SIGNED'])))} {_params(draw)})"
    if draw(st.integers(0, 9)) == 0:  # an attached message: parsed eagerly
        return ('("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 10 (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL) '
                '("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) 2)')
    media = draw(_media)
    fields = f"{media} {_params(draw)} NIL NIL \"BASE64\" {draw(st.integers(0, 10**6))}"
    if media.upper().startswith('"TEXT"'):
        fields += f" {draw(st.integers(0, 99))}"
    if draw(st.booleans()):
        dsp = "NIL" if draw(st.integers(0, 3)) == 0 else f"({_q(draw(_dsp_type))} {_params(draw)})"
        fields += f" NIL {dsp}"
    return f"({fields})"


@st.composite
def _summary_addresses(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 3))
    if n == 0:
        return draw(st.sampled_from(["NIL", "nil"]))
    addresses = []
    for _ in range(n):
        kind = draw(st.integers(0, 9))
        if kind == 0:  # group start, then end
            addresses.append(f"(NIL NIL {_nstr(draw, _name_text)} NIL)(NIL NIL NIL NIL)")
            continue
        host = draw(st.sampled_from(['"x.org"', '"ex\\"ample.com"', "NIL", '""']))
        mailbox = draw(st.sampled_from(['"ann"', '"b\\\\b"', "NIL", '""']))
        addresses.append(f"({_nstr(draw, _name_text)} NIL {mailbox} {host})")
    return "(" + draw(st.sampled_from(["", " "])).join(addresses) + ")"


@given(st.data())
def test_summaries_of_generated_fetches_are_those_of_built_values(data: st.DataObject) -> None:
    draw = data.draw
    envelope = " ".join([_nstr(draw, st.sampled_from(["Tue, 3 Mar 2026 10:00:00 +0000", "bad date"])),
                         _nstr(draw, _subject_text)] + [draw(_summary_addresses()) for _ in range(6)]
                        + ["NIL", _nstr(draw, st.just("<i@x>"))])
    items = [f"ENVELOPE ({envelope})", f"BODYSTRUCTURE {draw(_summary_body())}"]
    if draw(st.booleans()):
        items.append('INTERNALDATE "17-Jul-1996 02:44:25 -0700"')
    items += [f"UID {draw(st.integers(1, 10**6))}", "FLAGS (\\Seen $x)", "RFC822.SIZE 77"]
    order = draw(st.permutations(items))
    line = ("* 5 FETCH (" + " ".join(order) + ")\r\n").encode()
    fast_summary, reference = _both_ways(line)
    assert fast_summary == reference


def test_memoised_text_does_not_keep_what_a_hostile_server_sends() -> None:
    """Summaries of messages with huge names, subjects and parameters keep
    no copy of them once the summaries are gone."""
    import gc
    import tracemalloc

    def line(n: int) -> bytes:
        big = f"{n}" + "x" * 100_000
        return (f'* {n} FETCH (UID {n} FLAGS () INTERNALDATE "01-Jun-2024 10:00:00 +0000" RFC822.SIZE 1 '
                f'ENVELOPE (NIL "=?utf-8?q?{big}?=" (("{big}" NIL "a" "b")) NIL NIL (("{big}" NIL "c" "d")) '
                f'NIL NIL NIL NIL) BODYSTRUCTURE ("APPLICATION" "PDF" ("NAME" "{big}") NIL NIL "BASE64" 1))'
                "\r\n").encode()

    lines = [line(n) for n in range(40)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        summaries = [MessageSummary.from_fetch(parse_response(x).data) for x in lines]
        assert all(s.has_attachment and len(s.subject) > 100_000 for s in summaries)
        del summaries
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 1_000_000  # 40 messages of 400 KB each went through
