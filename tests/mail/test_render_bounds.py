"""Hostile mail renders in bounded memory and time, and shows what it can (issue 10 item 1).

Before, ``render_message`` parsed with ``email.policy.default``: a Subject of
18,000 adjacent encoded-words (246 KB) peaked at 2.2 GB and 13 s.  Each case
here is rendered three times: twice timed (CPU time), once under
``tracemalloc`` (which counts every allocation the render makes, the
message itself excluded).
``python tests/mail/hostile_mail.py`` prints the same cases' peak RSS.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

import pytest

from tests.mail import hostile_mail as hostile
from tuimail.mail.headers import MAX_DISPLAY_CHARS
from tuimail.mail.mime import MAX_PARTS
from tuimail.mail.render import MAX_BODY_CHARS, RenderedMessage, render_message

MB = 1 << 20
#: Memory a render may take beyond the message, and time.
MEMORY_LIMIT = 64 * MB
SECONDS = 1.0


def render_measured(raw: bytes) -> tuple[RenderedMessage, int, float]:
    """The rendering, its peak traced memory (bytes) and its CPU time (the better
    of two: other processes may share the machine)."""
    gc.collect()
    times = []
    for _ in range(2):
        start = time.process_time()
        render_message(raw)
        times.append(time.process_time() - start)
    tracemalloc.start()
    try:
        rendered = render_message(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return rendered, peak, min(times)


@pytest.mark.parametrize("name", list(hostile.CASES))
def test_hostile_mail_renders_in_bounded_memory_and_time(name: str) -> None:
    raw = hostile.CASES[name]()
    rendered, peak, seconds = render_measured(raw)
    assert peak < MEMORY_LIMIT, f"{name}: {peak / MB:.1f} MB"
    assert seconds < SECONDS, f"{name}: {seconds:.2f} s"
    assert "could not be parsed" not in rendered.body[:60]
    for text in (rendered.from_, rendered.to, rendered.cc, rendered.subject, rendered.date):
        assert len(text) <= 2 * MAX_DISPLAY_CHARS


def test_adjacent_encoded_words_are_decoded_then_cut() -> None:
    rendered = render_message(hostile.adjacent_words(50_000, ("Subject", "From", "To")))
    assert rendered.subject.startswith("aaaaaaaa") and rendered.subject.endswith("…")
    assert len(rendered.subject) <= MAX_DISPLAY_CHARS
    assert rendered.from_.startswith("aaaa") and rendered.to.startswith("aaaa")
    assert rendered.date == "Tue, 03 Mar 2026 10:00:00 +0100" and rendered.body == "body"


def test_a_folded_megabyte_header_is_unfolded_then_cut() -> None:
    rendered = render_message(hostile.folded_header(1 << 20))
    assert rendered.subject.startswith("start folded header text folded header text")
    assert rendered.subject.endswith("…") and rendered.body == "body"


def test_a_hundred_thousand_recipients_show_the_first_hundred() -> None:
    rendered = render_message(hostile.many_addresses(100_000))
    assert rendered.to.startswith("Name, 0 <user0@example.org>, Name, 1 <user1@example.org>")
    assert rendered.to.count("@") == 100 and rendered.to.endswith(", …")


def test_ten_thousand_parts_list_the_first_thousand_and_say_so() -> None:
    rendered = render_message(hostile.many_parts(10_000))
    assert rendered.body.startswith("first")
    assert f"more than {MAX_PARTS:,} parts" in rendered.body
    assert len(rendered.attachments) == MAX_PARTS - 2  # the root and the body are parts too
    assert rendered.attachments[-1].filename == "a.txt"


def test_deep_nesting_says_parts_are_not_shown() -> None:
    rendered = render_message(hostile.deep_nesting(10_000))
    assert rendered.subject == "deep" and "nested more than 32 deep" in rendered.body


def test_a_huge_rfc2231_file_name_is_joined_then_cut() -> None:
    rendered = render_message(hostile.rfc2231_filename(100_000))
    (attachment,) = rendered.attachments
    assert attachment.filename.startswith("AABABAB") and len(attachment.filename) <= 255


def test_huge_bodies_are_cut_with_a_note() -> None:
    line = render_message(hostile.single_line_body(20 * MB))
    assert line.body.startswith("xxxx") and line.body.endswith("[… message truncated …]")
    assert len(line.body) < MAX_BODY_CHARS + 100
    text = render_message(hostile.base64_body(20 * MB))
    assert text.body.startswith("line of text\nline of text")
    assert text.body.endswith("[… message truncated …]")


def test_a_huge_base64_attachment_is_sized_without_being_decoded() -> None:
    rendered = render_message(hostile.base64_attachment(30 * MB))
    assert rendered.body == "see attached"
    assert [(a.filename, a.content_type, a.size) for a in rendered.attachments] == [
        ("big.png", "image/png", 30 * MB)
    ]
