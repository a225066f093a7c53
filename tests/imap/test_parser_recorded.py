"""parse_response on whole sessions recorded from real servers.

tests/imap/data/*_session.bin hold the bytes Dovecot 2.3 (Debian) and
pymap 0.36 sent for one scripted session each: login, LIST (special-use,
LIST-STATUS, modified UTF-7 names), APPEND of four messages (multipart
with a PDF, raw 8-bit headers with quotes and backslashes, a forwarded
message/rfc822, an empty one), SELECT, FETCH of envelopes, body
structures, sections, BINARY, SEARCH/ESEARCH/SORT/THREAD, COPY/MOVE with
COPYUID, EXPUNGE with QRESYNC's VANISHED, errors and LOGOUT.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tuimail.imap import (
    BodyTypeBasic,
    BodyTypeMessage,
    BodyTypeMultipart,
    CopyUIDData,
    ESearchResult,
    FetchData,
    MailboxList,
    Response,
    SequenceSet,
    StatusData,
    TaggedResponse,
    ThreadMember,
    UntaggedResponse,
    VanishedData,
    parse_response,
)

DATA = Path(__file__).parent / "data"
_LITERAL = re.compile(rb"~?\{(\d+)\}\r\n")


def responses(name: str) -> list[bytes]:
    """Split a recorded stream into responses (line + literals)."""
    data = (DATA / name).read_bytes()
    out: list[bytes] = []
    pos = 0
    while pos < len(data):
        start = pos
        while True:
            end = data.index(b"\r\n", pos) + 2
            m = _LITERAL.search(data, pos, end)
            if m is not None and m.end() == end:
                pos = end + int(m.group(1))
                continue
            pos = end
            break
        out.append(data[start:pos])
    return out


def parsed(name: str) -> list[Response]:
    return [parse_response(r) for r in responses(name)]


def untagged(rs: list[Response], name: str) -> list[UntaggedResponse]:
    return [r for r in rs if isinstance(r, UntaggedResponse) and r.name == name]


def fetches(rs: list[Response]) -> list[FetchData]:
    return [r.data for r in untagged(rs, "FETCH")]


@pytest.mark.parametrize("name", ["dovecot_session.bin", "pymap_session.bin"])
def test_every_recorded_response_parses(name: str) -> None:
    rs = parsed(name)
    assert len(rs) > 100
    assert all(r.raw_data for r in rs)
    tagged = [r for r in rs if isinstance(r, TaggedResponse)]
    assert tagged[-1].name == "OK" and untagged(rs, "BYE")


@pytest.mark.parametrize("name", ["dovecot_session.bin", "pymap_session.bin"])
def test_recorded_list_names_are_decoded(name: str) -> None:
    names = {r.data.name for r in untagged(parsed(name), "LIST")}
    assert {"Entwürfe", "日本語", "with space", "Amp&Ersand", "Projects/2024", "INBOX"} <= names


def test_dovecot_special_use_and_list_status() -> None:
    rs = parsed("dovecot_session.bin")
    lists = [r.data for r in untagged(rs, "LIST")]
    assert MailboxList(["\\HasNoChildren", "\\Sent"], "/", "Sent") in lists
    statuses = {r.data.mailbox: r.data for r in untagged(rs, "STATUS")}
    assert statuses["日本語"] == StatusData("日本語", {"MESSAGES": 0, "UNSEEN": 0})
    inbox = [r.data.attr for r in untagged(rs, "STATUS") if r.data.mailbox == "INBOX"][-1]
    assert inbox["MESSAGES"] == 4 and inbox["SIZE"] == 2679 and inbox["HIGHESTMODSEQ"] == 6


def test_dovecot_fetch_of_envelopes_and_structures() -> None:
    rs = parsed("dovecot_session.bin")
    full = [f for f in fetches(rs) if "ENVELOPE" in f.attr]
    assert [f.uid for f in full] == [1, 2, 3, 4]
    first, raw8bit, fwd, empty = (f.attr for f in full)
    assert first["ENVELOPE"].from_[0].name == "Doe, Jane"
    assert first["ENVELOPE"].subject.startswith("=?utf-8?q?")  # encoded-words stay as sent
    mixed = first["BODYSTRUCTURE"]
    assert isinstance(mixed, BodyTypeMultipart) and mixed.subtype == "MIXED"
    pdf = mixed.parts[1]
    assert isinstance(pdf, BodyTypeBasic) and pdf.disposition is not None
    assert pdf.disposition.param == {"FILENAME": "Bericht Q2.pdf"}
    # Dovecot sends 8-bit and quote-holding strings as literals.
    assert raw8bit["ENVELOPE"].subject == 'Café ☕ raw 8-bit [brackets] (parens) "quotes"'
    assert raw8bit["ENVELOPE"].to[0].name == "back\\slash"
    assert isinstance(fwd["BODYSTRUCTURE"].parts[1], BodyTypeMessage)
    assert fwd["BODYSTRUCTURE"].parts[1].envelope.subject == "inner"
    assert empty["ENVELOPE"].subject == "" and empty["ENVELOPE"].from_ is None
    assert str(first["INTERNALDATE"]) == "01-Jun-2024 10:00:00 +0000"


def test_dovecot_sections_binary_and_codes() -> None:
    rs = parsed("dovecot_session.bin")
    attrs: dict[str, object] = {}
    for f in fetches(rs):
        attrs.update(f.attr)
    assert attrs["BODY[1]<0>"] == b"--========"
    assert isinstance(attrs["BINARY[2]"], bytes) and attrs["BINARY[2]"].startswith(b"%PDF")  # type: ignore[union-attr]
    assert attrs["BINARY.SIZE[2]"] == len(attrs["BINARY[2]"])  # type: ignore[arg-type]
    assert "Körper" in attrs["BODY[TEXT]"].decode()  # type: ignore[union-attr]
    codes = [r.data.code for r in rs if isinstance(r.data, object) and getattr(r.data, "code", None)]
    copyuids = [c.data for c in codes if c.name == "COPYUID"]
    assert copyuids and all(isinstance(c, CopyUIDData) for c in copyuids)
    assert any(c.name == "APPENDUID" for c in codes) and any(c.name == "HIGHESTMODSEQ" for c in codes)


def test_dovecot_search_sort_thread_vanished() -> None:
    rs = parsed("dovecot_session.bin")
    assert untagged(rs, "SEARCH")[0].data == [1, 2, 3, 4]
    assert any(r.data.modseq is not None for r in untagged(rs, "SEARCH"))
    es = untagged(rs, "ESEARCH")[0].data
    assert isinstance(es, ESearchResult) and (es.min, es.max, es.count) == (1, 4, 4)
    assert es.all == SequenceSet("1:4")
    assert untagged(rs, "SORT")[0].data == [1, 2, 4, 3]
    assert untagged(rs, "THREAD")[0].data[0] == ThreadMember(1, [ThreadMember(2, [ThreadMember(3, [])])])
    assert VanishedData(SequenceSet("3"), False) in [r.data for r in untagged(rs, "VANISHED")]


def test_pymap_objectid_and_quirks() -> None:
    rs = parsed("pymap_session.bin")
    ids = [f.attr["EMAILID"] for f in fetches(rs) if "EMAILID" in f.attr]
    assert len(ids) == 8 and all(i.startswith("M") for i in ids)
    envelopes = [f.attr["ENVELOPE"] for f in fetches(rs) if "ENVELOPE" in f.attr]
    assert envelopes[0].from_[0].name == ""  # pymap sends "" for a missing name
    assert envelopes[6].to == []  # and () for an empty group
