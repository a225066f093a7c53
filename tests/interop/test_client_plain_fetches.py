"""A connection parses its first FETCH responses by recursive descent alone (the whole-structure
patterns of tuimail/imap/fetch_fast.py take tens of milliseconds to compile, more than a first
screen's page of rows costs without them), and what it gets is what the patterns give."""

from __future__ import annotations

import pytest

from tests.interop.helpers import connect, message
from tests.servers.info import ServerInfo
from tuimail.imap import fetch_fast as fast

LISTING = ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE"]


async def test_the_first_fetches_are_plain_then_whole_structures_and_alike(
    imap_server: ServerInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tuimail.imap.engine.PLAIN_FETCHES", 3)
    imap = await connect(imap_server)
    try:
        for n in range(5):
            await imap.append("INBOX", message(f"Subject {n}", body=f"body {n}"))
        await imap.select("INBOX")
        first = await imap.fetch("1:5", LISTING)
        again = await imap.fetch("1:5", LISTING)
    finally:
        await imap._close_quietly()
    first.sort(key=lambda f: f.seqno)
    lazy = [isinstance(f.attr["ENVELOPE"], fast.LazyEnvelope) for f in first]
    assert lazy == [False, False, False, True, True]  # in the order the server answered
    assert all(isinstance(f.attr["ENVELOPE"], fast.LazyEnvelope) for f in again)
    assert not any(isinstance(f.attr["BODYSTRUCTURE"], fast.LazyBodyTypeText) for f in first[:3])
    by_seqno = {f.seqno: f for f in again}
    for f in first:
        other = by_seqno[f.seqno]
        assert f.attr["ENVELOPE"] == other.attr["ENVELOPE"]
        assert f.attr["BODYSTRUCTURE"] == other.attr["BODYSTRUCTURE"]
        assert repr(f.attr["ENVELOPE"]) == repr(other.attr["ENVELOPE"])
        assert f.attr["UID"] == other.attr["UID"] and f.attr["RFC822.SIZE"] == other.attr["RFC822.SIZE"]
