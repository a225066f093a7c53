"""ListedRows finds a row by UID the same before and after it builds its index (the first few
look-ups scan the rows; later ones, and build_index, use an index)."""

from __future__ import annotations

from array import array

from tuimail.mail.listed_rows import INDEX_STEP, LINEAR_LOOKUPS, ListedRows
from tuimail.mail.mailbox_view import MailboxView

UIDS = [50, 10, 40, 20, 30]


def _listed() -> ListedRows:
    view = MailboxView("INBOX", 5, generation=1)
    return ListedRows(view, UIDS, title="sort")


def _answers(rows: ListedRows) -> list[int | None]:
    return [rows.row_of_uid(uid) for uid in [*UIDS, 0, 7, -1, 2**40]]


def test_scans_and_index_give_the_same_rows() -> None:
    expected = [0, 1, 2, 3, 4, None, None, None, None]
    scanning = _listed()
    assert _answers(scanning) == expected
    assert scanning._index is None  # nine look-ups: still scanning
    for _ in range(LINEAR_LOOKUPS):
        scanning.row_of_uid(30)
    assert scanning._index is not None
    assert _answers(scanning) == expected
    indexed = _listed()
    indexed.build_index()
    assert indexed._index is not None
    assert _answers(indexed) == expected
    assert 40 in indexed and 41 not in indexed


def test_after_a_drop_rows_are_found_again_from_the_new_order() -> None:
    rows = _listed()
    rows.build_index()
    assert rows.drop([10, 99]) == [1]
    assert rows.uids == array("I", [50, 40, 20, 30])
    assert [rows.row_of_uid(uid) for uid in (50, 10, 40, 30)] == [0, None, 1, 3]


def test_the_index_of_a_long_listing_is_built_in_slices_and_finds_every_row() -> None:
    count = INDEX_STEP * 2 + 5
    uids = [(n * 7919) % (count * 3) + 1 for n in range(count)]  # distinct, in no order
    rows = ListedRows(MailboxView("INBOX", 0, generation=1), uids)
    rows.build_index()
    assert [rows.row_of_uid(uid) for uid in uids] == list(range(count))
    assert rows.row_of_uid(count * 3 + 1) is None
