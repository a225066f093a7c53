"""The BADCHARSET fallback: what to search when a server refuses UTF-8."""

from __future__ import annotations

from datetime import date

from tuimail.imap.errors import BadResponseError, NoResponseError
from tuimail.imap.parser import parse_response
from tuimail.mail.query import ascii_fold, badcharset_charsets, charset_fallback, compile_query

TODAY = date(2026, 11, 30)


def _no(line: bytes) -> NoResponseError:
    return NoResponseError("UID SEARCH failed", parse_response(line))


def test_badcharset_charsets_reads_the_response_code() -> None:
    assert badcharset_charsets(_no(b"A1 NO [BADCHARSET (US-ASCII ISO-8859-1)] Unsupported charset\r\n")) == [
        "US-ASCII",
        "ISO-8859-1",
    ]
    assert badcharset_charsets(_no(b"A1 NO [BADCHARSET] Unsupported charset\r\n")) == []
    assert badcharset_charsets(_no(b"A1 NO [TRYCREATE] no\r\n")) is None
    assert badcharset_charsets(_no(b"A1 NO search failed\r\n")) is None
    assert badcharset_charsets(BadResponseError("x", parse_response(b"A1 BAD [BADCHARSET] x\r\n"))) is None
    assert badcharset_charsets(ValueError("x")) is None


def test_ascii_fold() -> None:
    assert ascii_fold("Grüße aus Köln") == "Grusse aus Koln"
    assert ascii_fold("Ærøskøbing Łódź Þór") == "AEroskobing Lodz Thor"
    assert ascii_fold("“quoted” – dash\u00a0ﬁne") == '"quoted" - dash fine'
    assert ascii_fold("plain") == "plain"
    assert ascii_fold("日本") is None
    assert ascii_fold("\u0301") is None


def test_ascii_query_needs_no_fallback() -> None:
    assert charset_fallback(compile_query("from:ann", today=TODAY), ["ISO-8859-1"]) is None


def test_a_listed_charset_that_holds_the_text_is_used() -> None:
    query = compile_query("subject:Köln OR from:ann", today=TODAY)
    retry = charset_fallback(query, ["US-ASCII", "ISO-8859-1"])
    assert retry is not None
    assert retry.charset == "ISO-8859-1" and not retry.folded
    assert retry.criteria == ["OR", "SUBJECT", "Köln".encode("latin-1"), "FROM", "ann"]
    assert retry.text == query.text


def test_charsets_that_cannot_hold_the_text_or_are_unknown_are_skipped() -> None:
    query = compile_query("Łódź", today=TODAY)
    retry = charset_fallback(query, ["ISO-8859-1", "X-NONSENSE", "bad name!", "base64", "ISO-8859-2"])
    assert retry is not None and retry.charset == "ISO-8859-2"
    assert retry.criteria == ["TEXT", "Łódź".encode("iso-8859-2")]


def test_otherwise_values_are_folded_to_ascii_and_sent_without_charset() -> None:
    query = compile_query('subject:"Grüße" -from:bøb since:2026-11-01 has:attachment', today=TODAY)
    retry = charset_fallback(query, ["US-ASCII"])
    assert retry is not None
    assert retry.charset is None and retry.folded
    assert retry.criteria == ["SUBJECT", "Grusse", "NOT", "FROM", "bob", "SINCE", date(2026, 11, 1)]
    assert retry.text == "subject:Grusse -from:bob since:2026-11-01 has:attachment"
    assert charset_fallback(query) == retry


def test_text_ascii_cannot_hold_gives_no_retry() -> None:
    assert charset_fallback(compile_query("subject:日本 from:ann", today=TODAY)) is None
