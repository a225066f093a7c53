"""Every command of the client against the real servers (pymap, Dovecot).

Extensions a server does not offer are skipped for that server only
(pymap: no SORT/THREAD/ESEARCH/CONDSTORE/QRESYNC/LIST-STATUS/NAMESPACE/
ENABLE/UNSELECT/COMPRESS); Dovecot offers them all.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest

from tests.interop.helpers import connect, message
from tests.servers.info import ServerInfo
from tuimail.imap import (
    IMAP,
    AppendUIDData,
    CopyUIDData,
    Envelope,
    ESearchResult,
    FetchData,
    InvalidStateError,
    NoResponseError,
    SearchResult,
    SequenceSet,
    VanishedData,
)


def _requires(imap: IMAP, capability: str) -> None:
    if not imap.has(capability):
        pytest.skip(f"{imap.host} does not offer {capability}")


def _flags(f: FetchData) -> set[str]:
    return set(f.flags or []) - {"\\Recent"}


@pytest.fixture
async def imap(imap_server: ServerInfo) -> AsyncIterator[IMAP]:
    client = await connect(imap_server)
    yield client
    await client._close_quietly()


async def _fill(imap: IMAP, subjects: list[str], mailbox: str = "INBOX") -> list[int]:
    uids = []
    for subject in subjects:
        result = await imap.append(mailbox, message(subject, body=f"body of {subject}"))
        assert isinstance(result, AppendUIDData)
        uids.extend(result.assigned_uids)
    return uids


# --- any state ------------------------------------------------------------------


async def test_capability_noop_check_and_logout(imap: IMAP) -> None:
    assert imap.greeting is not None and imap.greeting.name == "OK" and not imap.alerts
    caps = await imap.capability()
    assert "IMAP4REV1" in caps and caps == imap.capabilities
    await imap.noop()
    await imap.select("INBOX")
    await imap.check()
    await imap.logout()
    assert imap.closed


async def test_id_exchanges_identification(imap: IMAP, imap_server: ServerInfo) -> None:
    _requires(imap, "ID")
    result = await imap.id({"name": "tuimail", "version": "0.1"})
    if imap_server.name == "dovecot":
        assert result is not None and result.get("name") == "Dovecot"
    else:
        assert result is None or isinstance(result, dict)


async def test_namespace_lists_personal_namespace(imap: IMAP) -> None:
    _requires(imap, "NAMESPACE")
    namespaces = await imap.namespace()
    assert namespaces.personal and namespaces.personal[0].delim == "/"


async def test_enable_turns_on_condstore(imap: IMAP) -> None:
    _requires(imap, "ENABLE")
    _requires(imap, "CONDSTORE")
    assert await imap.enable("CONDSTORE") == ["CONDSTORE"]
    assert "CONDSTORE" in imap.enabled


# --- mailboxes ---------------------------------------------------------------------


async def test_create_list_rename_delete_with_hierarchy_and_non_ascii(imap: IMAP) -> None:
    await imap.create("Mail/sent-apr03")
    await imap.create("Entwürfe/Пример")
    names = {m.name for m in await imap.list()}
    assert {"INBOX", "Mail/sent-apr03", "Entwürfe/Пример"} <= names
    found = await imap.list("Mail/", "sent-apr03")
    assert [m.name for m in found] == ["Mail/sent-apr03"] and found[0].delim == "/"
    assert await imap.list("Mail/", "nothing-here") == []
    await imap.rename("Entwürfe/Пример", "Entwürfe/Ελληνικά")
    names = {m.name for m in await imap.list("", "Entwürfe/*")}
    assert names == {"Entwürfe/Ελληνικά"}
    await imap.delete("Entwürfe/Ελληνικά")
    assert await imap.list("", "Entwürfe/%") == []
    with pytest.raises(NoResponseError):
        await imap.delete("Does-not-exist")


async def test_subscribe_unsubscribe_and_lsub(imap: IMAP) -> None:
    await imap.create("Lists/python")
    await imap.subscribe("Lists/python")
    assert "Lists/python" in {m.name for m in await imap.lsub("", "*")}
    await imap.unsubscribe("Lists/python")
    assert "Lists/python" not in {m.name for m in await imap.lsub("", "*")}


async def test_list_with_subscribed_selection(imap: IMAP) -> None:
    _requires(imap, "LIST-EXTENDED")
    await imap.create("Sub1")
    await imap.create("NotSub")
    await imap.subscribe("Sub1")
    listed = await imap.list("", "*", selection=["SUBSCRIBED"])
    names = {m.name for m in listed}
    assert "Sub1" in names and "NotSub" not in names
    assert all("\\Subscribed" in m.attr for m in listed)


async def test_list_special_use_and_status_return_options(imap: IMAP) -> None:
    _requires(imap, "SPECIAL-USE")
    _requires(imap, "LIST-STATUS")
    await _fill(imap, ["one", "two"])
    listed = {m.name: m for m in await imap.list(special_use=True, status=["MESSAGES", "UNSEEN"])}
    assert "\\Sent" in listed["Sent"].attr and "\\Trash" in listed["Trash"].attr
    assert "\\Drafts" in listed["Drafts"].attr and "\\Archive" in listed["Archive"].attr
    assert listed["INBOX"].extended["STATUS"] == {"MESSAGES": 2, "UNSEEN": 2}
    assert listed["Sent"].extended["STATUS"]["MESSAGES"] == 0
    special = await imap.list(selection=["SPECIAL-USE"])
    assert {m.name for m in special} == {"Drafts", "Sent", "Trash", "Archive", "Junk"}


async def test_status_counts_messages(imap: IMAP) -> None:
    uids = await _fill(imap, ["a", "b", "c"])
    status = await imap.status("INBOX", ["MESSAGES", "UIDNEXT", "UNSEEN", "UIDVALIDITY"])
    assert status["MESSAGES"] == 3 and status["UNSEEN"] == 3
    assert status["UIDNEXT"] == max(uids) + 1 and isinstance(status["UIDVALIDITY"], int)


async def test_append_with_flags_and_date_returns_appenduid(imap: IMAP) -> None:
    when = datetime(2003, 4, 17, 10, 0, 0, tzinfo=UTC)
    result = await imap.append("INBOX", message("flagged"), ["\\Flagged", "\\Seen"], when)
    assert isinstance(result, AppendUIDData)
    state = await imap.examine("INBOX")
    assert result.uidvalidity == state.uidvalidity
    (uid,) = list(result.assigned_uids)
    (fetched,) = await imap.uid_fetch(uid, ["FLAGS", "INTERNALDATE"])
    assert _flags(fetched) == {"\\Flagged", "\\Seen"}
    assert fetched.attr["INTERNALDATE"] == when


async def test_append_of_bare_lf_message_stores_crlf(imap: IMAP) -> None:
    """EmailMessage.as_bytes() gives bare LF; strict servers refuse it
    (RFC 5322 §2.1), so the client sends CRLF, as imaplib does."""
    lf = message("bare newlines", body="line one\nline two\rline three").replace(b"\r\n", b"\n")
    assert b"\r\n" not in lf
    result = await imap.append("INBOX", lf)
    assert isinstance(result, AppendUIDData)
    await imap.examine("INBOX")
    (uid,) = list(result.assigned_uids)
    (fetched,) = await imap.uid_fetch(uid, "BODY.PEEK[]")
    stored = fetched.attr["BODY[]"]
    expected = lf.replace(b"\r", b"\r\n").replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n")
    assert stored == expected
    assert stored.count(b"\n") == stored.count(b"\r\n") == stored.count(b"\r") > 0


# --- selected state -----------------------------------------------------------------


WRITES_IN_EXAMINE = {
    "store": lambda imap, uid: imap.store(1, "+FLAGS", ["\\Deleted"]),
    "uid_store": lambda imap, uid: imap.uid_store(uid, "+FLAGS", ["\\Deleted"]),
    "expunge": lambda imap, uid: imap.expunge(),
    "uid_expunge": lambda imap, uid: imap.uid_expunge(uid),
    "move": lambda imap, uid: imap.move(1, "Trash"),
    "uid_move": lambda imap, uid: imap.uid_move(uid, "Trash"),
}


@pytest.mark.parametrize("method", sorted(WRITES_IN_EXAMINE))
async def test_writes_in_an_examined_mailbox_are_refused_before_sending(
    imap: IMAP, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The server would answer OK and change nothing (Dovecot: "Store
    ignored with read-only mailbox"): refused with nothing on the wire."""
    await imap.create("Trash")
    (uid,) = await _fill(imap, ["kept"])
    await imap.examine("INBOX")
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    caplog.clear()
    with pytest.raises(InvalidStateError, match="read-only"):
        await WRITES_IN_EXAMINE[method](imap, uid)
    sent = [r.getMessage() for r in caplog.records if r.name == "tuimail.imap.protocol"]
    assert not [m for m in sent if m.startswith("C:")], sent
    copied = await imap.uid_copy(uid, "Trash")  # COPY reads the source: legal in EXAMINE
    assert copied is None or isinstance(copied, CopyUIDData)
    await imap.select("INBOX")
    (fetched,) = await imap.uid_fetch(uid, "FLAGS")
    assert "\\Deleted" not in _flags(fetched)
    assert imap.selected is not None and imap.selected.exists == 1


async def test_select_and_examine_return_live_state(imap: IMAP) -> None:
    uids = await _fill(imap, ["one", "two"])
    state = await imap.select("INBOX")
    assert imap.selected is state and imap.state == "selected"
    assert state.exists == 2 and not state.read_only
    assert state.uidvalidity and state.uidnext == max(uids) + 1
    assert "\\Seen" in state.flags and "\\Deleted" in state.permanent_flags
    examined = await imap.examine("INBOX")
    assert examined.read_only and examined.exists == 2 and imap.selected is examined
    with pytest.raises(NoResponseError):
        await imap.select("No/Such/Mailbox")
    assert imap.selected is None


async def test_state_follows_exists_and_expunge_from_another_session(
    imap: IMAP, imap_server: ServerInfo
) -> None:
    await _fill(imap, ["one"])
    state = await imap.select("INBOX")
    other = await connect(imap_server)
    try:
        await other.append("INBOX", message("two"))
        await other.append("INBOX", message("three"))
        await imap.noop()
        assert state.exists == 3
        await other.select("INBOX")
        await other.store(1, "+FLAGS", ["\\Deleted"])
        await other.expunge()
        await imap.noop()
        assert state.exists == 2
    finally:
        await other.logout()


async def test_unselect_leaves_deleted_messages(imap: IMAP) -> None:
    _requires(imap, "UNSELECT")
    await _fill(imap, ["keep me"])
    await imap.select("INBOX")
    await imap.store(1, "+FLAGS", ["\\Deleted"])
    await imap.unselect()
    assert imap.selected is None and imap.state == "authenticated"
    assert (await imap.status("INBOX", ["MESSAGES"]))["MESSAGES"] == 1


async def test_close_expunges_deleted_messages(imap: IMAP) -> None:
    await _fill(imap, ["gone", "stays"])
    await imap.select("INBOX")
    await imap.store(1, "+FLAGS", ["\\Deleted"])
    await imap.close()
    assert imap.selected is None
    assert (await imap.status("INBOX", ["MESSAGES"]))["MESSAGES"] == 1


async def test_expunge_returns_expunged_sequence_numbers(imap: IMAP) -> None:
    await _fill(imap, ["a", "b", "c", "d"])
    state = await imap.select("INBOX")
    await imap.store([2, 4], "+FLAGS", ["\\Deleted"])
    expunged = await imap.expunge()
    assert isinstance(expunged, list) and sorted(expunged) in ([2, 3], [2, 4])  # 4 then 2, or 2 then 3
    assert state.exists == 2


async def test_uid_expunge_removes_only_the_chosen_messages(imap: IMAP) -> None:
    uids = await _fill(imap, ["a", "b", "c"])
    state = await imap.select("INBOX")
    await imap.uid_store(uids, "+FLAGS", ["\\Deleted"])
    await imap.uid_expunge(uids[1])
    assert state.exists == 2
    remaining = await imap.uid_search(["ALL"])
    assert remaining == [uids[0], uids[2]]


# --- search, fetch, store -------------------------------------------------------------


async def test_search_and_uid_search(imap: IMAP) -> None:
    uids = await _fill(imap, ["apple pie", "banana split", "apple crumble"])
    await imap.select("INBOX")
    assert await imap.search(["SUBJECT", "apple"]) == [1, 3]
    assert await imap.uid_search(["SUBJECT", "apple"]) == [uids[0], uids[2]]
    assert await imap.search(["BODY", "banana"]) == [2]
    assert await imap.search(["NOT", "SUBJECT", "apple"]) == [2]
    assert await imap.search(["OR", "SUBJECT", "banana", "SUBJECT", "crumble"]) == [2, 3]
    assert await imap.search(["SINCE", date(2000, 1, 1), "UNSEEN"]) == [1, 2, 3]
    assert await imap.search(["SUBJECT", "Ünïcode"]) == []
    assert await imap.search("ALL") == [1, 2, 3]
    assert await imap.search(["UID", uids[1]]) == [2]


async def test_fetch_items_and_set_forms(imap: IMAP) -> None:
    uids = await _fill(imap, ["first", "second", "third"])
    await imap.examine("INBOX")
    (envelope_data,) = await imap.fetch(1, "ENVELOPE")
    envelope = envelope_data.attr["ENVELOPE"]
    assert isinstance(envelope, Envelope) and envelope.subject == "first"
    assert envelope.from_ is not None and envelope.from_[0].name == "Ann Example"
    assert [f.seqno for f in await imap.fetch(range(1, 3), "UID")] == [1, 2]
    assert [f.seqno for f in await imap.fetch([1, 3], "UID")] == [1, 3]
    assert [f.seqno for f in await imap.fetch("2:*", "UID")] == [2, 3]
    assert [f.uid for f in await imap.fetch(SequenceSet("1:3"), "UID")] == uids
    items = [
        "UID",
        "FLAGS",
        "RFC822.SIZE",
        "INTERNALDATE",
        "BODYSTRUCTURE",
        "BODY.PEEK[HEADER.FIELDS (SUBJECT)]",
    ]
    (full,) = await imap.uid_fetch(uids[1], items)
    assert full.uid == uids[1] and full.attr["RFC822.SIZE"] > 0
    assert full.attr["BODYSTRUCTURE"].media_type == "TEXT"
    assert full.attr["BODY[HEADER.FIELDS (SUBJECT)]"].strip() == b"Subject: second"
    (body,) = await imap.uid_fetch(uids[2], "BODY.PEEK[TEXT]")
    assert body.attr["BODY[TEXT]"].strip() == b"body of third"


async def test_fetch_in_an_empty_mailbox_returns_nothing(imap: IMAP) -> None:
    await imap.select("INBOX")
    assert await imap.fetch("1:*", "UID") == []
    assert await imap.uid_fetch("1:*", "UID") == []


async def test_store_and_uid_store_change_flags(imap: IMAP) -> None:
    uids = await _fill(imap, ["a", "b"])
    await imap.select("INBOX")
    result = await imap.store(1, "+FLAGS", ["\\Flagged", "\\Answered"])
    assert [f.seqno for f in result] == [1] and {"\\Flagged", "\\Answered"} <= _flags(result[0])
    result = await imap.uid_store(uids[1], "FLAGS", "\\Seen")
    assert _flags(result[0]) == {"\\Seen"}
    assert await imap.store(1, "-FLAGS.SILENT", ["\\Flagged"]) == []
    (fetched,) = await imap.fetch(1, "FLAGS")
    assert "\\Flagged" not in _flags(fetched)


async def test_copy_and_uid_copy_return_copyuid(imap: IMAP) -> None:
    uids = await _fill(imap, ["a", "b", "c"])
    await imap.create("Archive2")
    await imap.select("INBOX")
    copied = await imap.copy("1:2", "Archive2")
    assert isinstance(copied, CopyUIDData) and list(copied.source_uids) == uids[:2]
    again = await imap.uid_copy(uids[2], "Archive2")
    assert again is not None and list(again.source_uids) == [uids[2]]
    assert set(copied.uid_mapping) == set(uids[:2])
    assert (await imap.status("Archive2", ["MESSAGES"]))["MESSAGES"] == 3
    assert imap.selected is not None and imap.selected.exists == 3


async def test_move_and_uid_move(imap: IMAP) -> None:
    uids = await _fill(imap, ["a", "b", "c"])
    await imap.create("Moved")
    state = await imap.select("INBOX")
    moved = await imap.move(1, "Moved")
    assert moved is not None and list(moved.source_uids) == [uids[0]]
    assert state.exists == 2
    moved = await imap.uid_move(uids[2], "Moved")
    assert moved is not None and list(moved.source_uids) == [uids[2]]
    assert state.exists == 1
    assert await imap.uid_search(["ALL"]) == [uids[1]]
    assert (await imap.status("Moved", ["MESSAGES"]))["MESSAGES"] == 2


async def test_move_fallback_without_move_expunges_only_the_moved(
    imap: IMAP, caplog: pytest.LogCaptureFixture
) -> None:
    uids = await _fill(imap, ["a", "b", "c"])
    await imap.create("Moved")
    state = await imap.select("INBOX")
    await imap.uid_store(uids[0], "+FLAGS", ["\\Deleted"])  # not ours to expunge
    imap._caps = imap.capabilities - {"MOVE", "IMAP4REV2"}
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    result = await imap.move(2, "Moved")
    assert result is not None and list(result.source_uids) == [uids[1]]
    sent = [r.getMessage() for r in caplog.records if r.getMessage().startswith("C:")]
    assert not any(" MOVE " in line for line in sent), sent
    assert any(" UID EXPUNGE " in line for line in sent), sent
    assert await imap.uid_search(["ALL"]) == [uids[0], uids[2]]
    assert state.exists == 2


async def test_move_fallback_refuses_without_uidplus(imap: IMAP) -> None:
    from tuimail.imap import InvalidStateError

    await _fill(imap, ["a"])
    await imap.select("INBOX")
    imap._caps = imap.capabilities - {"MOVE", "IMAP4REV2", "UIDPLUS"}
    with pytest.raises(InvalidStateError):
        await imap.uid_move(1, "Trash")


# --- extensions ---------------------------------------------------------------------------


async def test_sort_and_uid_sort(imap: IMAP) -> None:
    _requires(imap, "SORT")
    uids = await _fill(imap, ["charlie", "alpha", "bravo"])
    await imap.select("INBOX")
    assert await imap.sort(["SUBJECT"], ["ALL"]) == [2, 3, 1]
    assert await imap.uid_sort(["REVERSE", "SUBJECT"], ["ALL"]) == [uids[0], uids[2], uids[1]]


async def test_thread_and_uid_thread(imap: IMAP) -> None:
    _requires(imap, "THREAD=REFERENCES")
    await imap.append("INBOX", message("root", body="r"))
    await imap.append(
        "INBOX",
        message(
            "Re: root", body="reply", In_Reply_To="<root.1@example.com>", References="<root.1@example.com>"
        ),
    )
    await imap.append("INBOX", message("other", body="o"))
    await imap.select("INBOX")
    threads = await imap.thread("REFERENCES", ["ALL"])
    shapes = sorted((t.seqno, [c.seqno for c in t.children]) for t in threads)
    assert shapes == [(1, [2]), (3, [])]
    uid_threads = await imap.uid_thread("ORDEREDSUBJECT", ["ALL"])
    assert len(uid_threads) == 2


async def test_esearch_return_options(imap: IMAP) -> None:
    _requires(imap, "ESEARCH")
    uids = await _fill(imap, ["x1", "y", "x2", "x3"])
    await imap.select("INBOX")
    result = await imap.search(["SUBJECT", "x"], return_=["MIN", "MAX", "COUNT", "ALL"])
    assert isinstance(result, ESearchResult)
    assert (result.min, result.max, result.count) == (1, 4, 3)
    assert result.all is not None and list(result.all) == [1, 3, 4]
    uid_result = await imap.uid_search(["SUBJECT", "x"], return_=["COUNT"])
    assert uid_result.uid and uid_result.count == 3
    assert await imap.uid_search(["SUBJECT", "x"]) == [uids[0], uids[2], uids[3]]


async def test_condstore_changedsince_unchangedsince_and_modseq_search(imap: IMAP) -> None:
    _requires(imap, "CONDSTORE")
    await _fill(imap, ["a", "b"])
    state = await imap.select("INBOX", condstore=True)
    assert state.highest_modseq is not None
    before = state.highest_modseq
    await imap.store(2, "+FLAGS", ["\\Flagged"])
    assert state.highest_modseq > before
    changed = await imap.fetch("1:*", ["FLAGS"], changedsince=before)
    assert [f.seqno for f in changed] == [2] and "MODSEQ" in changed[0].attr
    result = await imap.search(["MODSEQ", before + 1])
    assert isinstance(result, SearchResult) and result == [2] and result.modseq is not None
    stale = await imap.store("1:2", "+FLAGS", ["\\Seen"], unchangedsince=before)
    assert stale.modified is not None and 2 in stale.modified
    assert [f.seqno for f in stale] == [1]


async def test_qresync_select_reports_vanished_and_expunge_returns_vanished(imap: IMAP) -> None:
    _requires(imap, "QRESYNC")
    uids = await _fill(imap, ["a", "b", "c"])
    assert "QRESYNC" in await imap.enable("QRESYNC")
    state = await imap.select("INBOX")
    uidvalidity, modseq = state.uidvalidity, state.highest_modseq
    assert uidvalidity is not None and modseq is not None
    await imap.uid_store(uids[0], "+FLAGS", ["\\Deleted"])
    vanished = await imap.expunge()
    assert isinstance(vanished, VanishedData) and list(vanished.uids) == [uids[0]]
    await imap.unselect()
    updates = imap.updates()
    state = await imap.select("INBOX", qresync=(uidvalidity, modseq, SequenceSet(uids)))
    assert state.exists == 2
    seen = []
    while (response := updates.get_nowait()) is not None:
        seen.append(response)
    earlier = [r.data for r in seen if r.name == "VANISHED"]
    assert earlier and earlier[0].earlier and list(earlier[0].uids) == [uids[0]]


async def test_compress_deflate_when_offered(imap: IMAP, imap_server: ServerInfo) -> None:
    _requires(imap, "COMPRESS=DEFLATE")
    assert imap.compressed
    big = "x" * 200_000
    await imap.append("INBOX", message("big", body=big))
    await imap.examine("INBOX")
    (fetched,) = await imap.fetch(1, "BODY.PEEK[TEXT]")
    assert fetched.attr["BODY[TEXT]"].strip() == big.encode()
    plain = await connect(imap_server, compress=False)
    try:
        assert not plain.compressed
    finally:
        await plain.logout()


async def test_synchronising_literals_without_literal_plus(
    imap: IMAP, caplog: pytest.LogCaptureFixture
) -> None:
    """With LITERAL+ hidden, every literal waits for the server's "+"."""
    imap._caps = imap.capabilities - {"LITERAL+", "LITERAL-"}
    caplog.set_level(logging.DEBUG, logger="tuimail.imap.protocol")
    result = await imap.append("INBOX", message("Grüße aus Köln", body="line one\r\nline two"))
    assert result is not None
    await imap.select("INBOX")
    assert await imap.search(["SUBJECT", "Köln"]) == [1]  # 8-bit text goes as a literal
    assert await imap.search(["SUBJECT", "Kiel"]) == []
    lines = [r.getMessage() for r in caplog.records]
    assert sum(1 for line in lines if line.startswith("S: +")) == 2  # APPEND, SEARCH Köln
    assert not any("+}" in line for line in lines if line.startswith("C:"))
