"""ListedStructures: the list's BODYSTRUCTUREs kept for opening, within a budget of bytes."""

from __future__ import annotations

from tuimail.imap.parser import parse_response
from tuimail.imap.types import FetchData
from tuimail.mail.message_parts import message_parts
from tuimail.session.listed_structures import MAX_ENTRY, ListedStructures, weight

TEXT = b'("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" %d 1 NIL NIL NIL NIL)'


def listed(uid: int, body: bytes = TEXT % 100) -> FetchData:
    line = (
        b'* %d FETCH (UID %d FLAGS () INTERNALDATE "01-Mar-2024 09:00:00 +0000" RFC822.SIZE 10 '
        b'ENVELOPE (NIL "S" NIL NIL NIL NIL NIL NIL NIL NIL) BODYSTRUCTURE %s)\r\n' % (uid, uid, body)
    )
    data = parse_response(line).data
    assert isinstance(data, FetchData)
    return data


def test_the_structure_kept_is_the_one_listed() -> None:
    kept = ListedStructures()
    kept.keep([listed(7, TEXT % 1234)])
    body = kept.get(7)
    assert body is not None and [p.size for p in message_parts(body).bodies] == [1234]
    assert kept.get(8) is None


def test_twenty_thousand_rows_keep_the_newest_within_the_budget() -> None:
    kept = ListedStructures(budget=64 * 1024)
    for start in range(1, 20_001, 200):
        kept.keep([listed(uid) for uid in range(start, start + 200)])
    assert kept.size <= 64 * 1024
    assert 100 < len(kept) < 1000
    assert kept.get(20_000) is not None and kept.get(1) is None  # the rows fetched last are kept
    newest = [uid for uid in range(20_000 - len(kept) + 1, 20_001)]
    assert all(kept.get(uid) is not None for uid in newest)


def test_fetching_a_row_again_replaces_it_and_is_counted_once() -> None:
    kept = ListedStructures()
    kept.keep([listed(1)])
    again = listed(1, TEXT % 5)
    kept.keep([again])
    assert kept.size == weight(again.attr["BODYSTRUCTURE"]) and len(kept) == 1
    assert message_parts(kept.get(1)).bodies[0].size == 5


def test_a_huge_structure_is_not_kept_and_a_built_one_is_weighed_by_its_parts() -> None:
    # A message/rfc822 part is off the lazy path: the parser builds the value.
    inner = b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 10 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) %s 1)'
    small = b"(" + TEXT % 1 + inner % (TEXT % 1) + b' "MIXED")'
    many = b"(" + (TEXT % 1) * 400 + inner % (TEXT % 1) + b' "MIXED")'
    kept = ListedStructures()
    kept.keep([listed(1, small), listed(2, many)])
    assert kept.get(1) is not None and kept.get(2) is None
    assert weight(listed(2, many).attr["BODYSTRUCTURE"]) > MAX_ENTRY
    kept.clear()
    assert len(kept) == 0 and kept.size == 0 and kept.get(1) is None
