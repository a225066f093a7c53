"""row_format.row_spans: one message-list row as spans, the message list's and the first paint's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from tuimail.mail.summary import MessageSummary
from tuimail.ui.widgets.row_format import ROW_BASES, Columns, row_spans

NOW = datetime(2024, 3, 5, 12, 0)
ROW = MessageSummary(
    uid=1, seqno=1, flags=frozenset(), date=datetime(2024, 3, 1, 9, 0, tzinfo=UTC), from_="Alice",
    from_address="alice@example.com", to="", subject="Hello", size=1234, has_attachment=True,
)


@given(
    width=st.integers(0, 220),
    subject=st.text(max_size=80),
    sender=st.text(max_size=40),
    flags=st.sets(st.sampled_from(["\\Seen", "\\Flagged", "\\Answered", "\\Deleted"])),
    base=st.sampled_from(ROW_BASES),
    marked=st.booleans(),
    depth=st.integers(0, 20),
    held=st.integers(1, 3),
)
def test_a_row_is_exactly_as_wide_as_its_columns_and_its_text_is_sanitised(
    width: int, subject: str, sender: str, flags: set[str], base: str, marked: bool, depth: int, held: int
) -> None:
    row = replace(ROW, subject=subject, from_=sender, flags=frozenset(flags))
    spans = row_spans(row, Columns.for_width(width), NOW, base=base, marked=marked, depth=depth, held=held)
    assert sum(cell_len(text) for text, _ in spans) == width
    assert all(key[0] == base for _, key in spans)
    text = "".join(text for text, _ in spans)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or 0x202A <= ord(c) <= 0x202E for c in text)


def test_the_parts_of_a_row_name_their_styles() -> None:
    row = replace(ROW, flags=frozenset({"\\Flagged", "\\Answered"}))
    spans = row_spans(row, Columns.for_width(100), NOW, base="cursor", marked=True)
    styles = {text.strip(): key for text, key in spans if text.strip()}
    assert styles["▌"] == ("cursor", "selected", "selected_marker")
    assert styles["●"] == ("cursor", "selected", "unread", "unread_marker")  # no \\Seen: unread
    assert styles["★"] == ("cursor", "selected", "unread", "flagged")
    assert styles["Hello"] == ("cursor", "selected", "unread", "flagged")  # a flagged subject
    assert styles["Mar 01"] == ("cursor", "selected", "unread", "muted")
    assert styles["1.2K"] == ("cursor", "selected", "muted")
    leaving = row_spans(replace(ROW, flags=frozenset({"\\Seen"})), Columns.for_width(100), NOW, leaving=True)
    assert ("Hello" in leaving[-4][0]) and leaving[-4][1] == ("base", "deleted")
