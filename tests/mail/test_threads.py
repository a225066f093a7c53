"""Client-side REFERENCES threading (RFC 5256 §2.2.2), the thread view
rows, and bounded work on 100,000 messages whatever their headers say."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tuimail.imap.types import Envelope, FetchData, ThreadMember
from tuimail.mail import threads
from tuimail.mail.threads import (
    MAX_REFERENCES,
    ThreadItem,
    ThreadRow,
    ThreadView,
    flatten_threads,
    message_ids,
    thread_references,
    thread_uids,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def day(n: int, hour: int = 10) -> str:
    return (T0 + timedelta(days=n, hours=hour)).strftime("%a, %d %b %Y %H:%M:%S +0000")


def M(seqno: int | None, *children: ThreadMember) -> ThreadMember:
    return ThreadMember(seqno, list(children))


def item(
    uid: int,
    mid: str | None,
    subject: str | None = "s",
    date: int | None = None,
    *,
    references: str | None = None,
    in_reply_to: str | None = None,
) -> ThreadItem:
    return ThreadItem(
        uid=uid,
        message_id=f"<{mid}@x>" if mid else None,
        in_reply_to=in_reply_to,
        references=references,
        subject=subject,
        date=day(date if date is not None else uid),
    )


# --- Message-IDs -----------------------------------------------------------------------------


def test_message_ids() -> None:
    assert message_ids("<a@b>") == ["a@b"]
    assert message_ids(" <a@b>\r\n\t<c@d> <e@f> ") == ["a@b", "c@d", "e@f"]
    assert message_ids("<a@b> junk <no-at> <c d@e> (comment) <(c)x@y>") == ["a@b", "cd@e", "x@y"]
    assert message_ids('<"x y"@z> <"a\\"b"@c> <x@[1.2.3.4]>') == ["x y@z", 'a"b@c']
    assert message_ids("<a<b@c>") == ["a<b@c"]
    assert message_ids("") == [] and message_ids(None) == []
    assert message_ids("no ids here") == []
    many = " ".join(f"<{i}@x>" for i in range(1000))
    assert message_ids(many, MAX_REFERENCES) == [f"{i}@x" for i in range(1000 - MAX_REFERENCES, 1000)]


def test_thread_item_from_fetch() -> None:
    envelope = Envelope(
        date="Tue, 03 Mar 2026 10:00:00 +0000",
        subject="Re: hi",
        from_=None,
        sender=None,
        reply_to=None,
        to=None,
        cc=None,
        bcc=None,
        in_reply_to="<p@x>",
        message_id="<m@x>",
    )
    header = b"References: <a@x>\r\n <b@x>\r\nX-Other: y\r\n\r\n"
    fd = FetchData(
        3,
        {"UID": 9, "INTERNALDATE": T0, "ENVELOPE": envelope, "BODY[HEADER.FIELDS (REFERENCES)]": header},
    )
    assert ThreadItem.from_fetch(fd) == ThreadItem(
        uid=9,
        message_id="<m@x>",
        in_reply_to="<p@x>",
        references="<a@x>  <b@x>",
        subject="Re: hi",
        date="Tue, 03 Mar 2026 10:00:00 +0000",
        internaldate=T0,
    )
    odd = FetchData(1, {"UID": None, "ENVELOPE": "junk", "BODY[HEADER.FIELDS (REFERENCES)]": 42})
    assert ThreadItem.from_fetch(odd) == ThreadItem(uid=0)
    empty = FetchData(1, {"UID": 2, "BODY[HEADER.FIELDS (REFERENCES)]": b"\r\n"})
    assert ThreadItem.from_fetch(empty).references is None


# --- threading -------------------------------------------------------------------------------


def test_replies_by_references_and_by_in_reply_to() -> None:
    items = [
        item(1, "a", "Kickoff"),
        item(2, "b", "Re: Kickoff", references="<a@x>"),
        item(3, "c", "Re: Kickoff", in_reply_to="<b@x>"),
        item(4, "d", "Other"),
        item(5, "e", "Re: Kickoff", references="<a@x> <b@x>", in_reply_to="<d@x>"),
    ]
    assert thread_references(items) == [M(1, M(2, M(3), M(5))), M(4)]


def test_in_reply_to_is_used_only_without_valid_references() -> None:
    items = [
        item(1, "a", "A"),
        item(2, "b", "B"),
        item(3, "c", "C", references="junk <no-at-sign>", in_reply_to="<b@x> <a@x>"),
    ]
    assert thread_references(items) == [M(1), M(2, M(3))]


def test_a_reply_before_its_parent_and_siblings_by_date() -> None:
    items = [
        item(1, "r2", "Re: x", date=5, references="<p@x>"),
        item(2, "r1", "Re: x", date=3, references="<p@x>"),
        item(3, "p", "x", date=1),
    ]
    assert thread_references(items) == [M(3, M(2), M(1))]


def test_missing_parents() -> None:
    one_child = [item(1, "a", "A", references="<gone@x>")]
    assert thread_references(one_child) == [M(1)]
    siblings = [
        item(1, "a", "A", date=2, references="<gone@x>"),
        item(2, "b", "B", date=1, references="<gone@x>"),
        item(3, "c", "C", date=3, references="<gone@x> <gone2@x>"),
    ]
    # a dummy root holds the siblings; dummies inside a thread disappear
    assert thread_references(siblings) == [M(None, M(2), M(1), M(3))]
    below_real = [item(1, "r", "R"), item(2, "a", "A", references="<r@x> <gone@x>")]
    assert thread_references(below_real) == [M(1, M(2))]


def test_subject_only_threads() -> None:
    # a reply joins the non-reply with its subject
    assert thread_references([item(1, "a", "Lunch"), item(2, "b", "Re: lunch")]) == [M(1, M(2))]
    assert thread_references([item(1, "b", "Re: lunch"), item(2, "a", "Lunch")]) == [M(2, M(1))]
    # two non-replies (or two replies) share a dummy
    assert thread_references([item(1, "a", "Lunch"), item(2, "b", "lunch")]) == [M(None, M(1), M(2))]
    assert thread_references([item(1, "a", "Re: Lunch"), item(2, "b", "Fwd: lunch")]) == [M(None, M(1), M(2))]
    # a dummy root with the subject takes the others in
    dummy_first = [
        item(1, "a", "Re: Orphans", references="<gone@x>"),
        item(2, "b", "Re: Orphans", references="<gone@x>"),
        item(3, "c", "[list] Orphans"),
        item(4, "d", "Re: Orphans", references="<gone2@x>"),
        item(5, "e", "Re: Orphans", references="<gone2@x>"),
    ]
    assert thread_references(dummy_first) == [M(None, M(1), M(2), M(3), M(4), M(5))]
    # empty and missing subjects are not gathered
    assert thread_references(
        [item(1, "a", ""), item(2, "b", ""), item(3, "c", None), item(4, "d", "Re:")]
    ) == [
        M(1),
        M(2),
        M(3),
        M(4),
    ]


def test_loops_duplicates_and_missing_message_ids() -> None:
    loop = [
        item(1, "p", "one", references="<q@x> <p@x>"),
        item(2, "q", "two", references="<p@x>"),
        item(3, "r", "three", references="<r@x>"),
    ]
    assert thread_references(loop) == [M(1, M(2)), M(3)]
    duplicate = [item(1, "a", "A"), item(2, "a", "Copy"), item(3, "b", "B", references="<a@x>")]
    assert thread_references(duplicate) == [M(1, M(3)), M(2)]
    no_ids = [item(1, None, "A"), item(2, None, "B", references="<nothing@x>")]
    assert thread_references(no_ids) == [M(1), M(2)]


def test_a_message_is_the_child_of_its_last_reference_even_when_others_said_otherwise() -> None:
    items = [
        item(1, "c", "C", references="<a@x> <b@x> <x@x>"),  # says b is a's child, x b's
        item(2, "a", "A"),
        item(3, "b", "B", references="<z@x>"),  # b's own header wins: its parent is z
        item(4, "z", "Z"),
    ]
    assert thread_references(items) == [M(2), M(4, M(3, M(1)))]


def test_dates_fall_back_to_the_internal_date_then_uid_order() -> None:
    items = [
        ThreadItem(1, "<a@x>", subject="A", date="garbage", internaldate=T0 + timedelta(days=9)),
        ThreadItem(2, "<b@x>", subject="B", date=day(5)),
        ThreadItem(3, "<c@x>", subject="C", date=None, internaldate=T0 + timedelta(days=1)),
        ThreadItem(4, "<d@x>", subject="D", date=day(5)),
        ThreadItem(5, "<e@x>", subject="E"),
    ]
    assert thread_references(items) == [M(5), M(3), M(2), M(4), M(1)]


def test_items_without_a_uid_are_left_out() -> None:
    assert thread_references([item(0, "a", "A"), item(-1, "b", "B"), item(2, "c", "C")]) == [M(2)]
    assert thread_references([]) == []


class NaiveForest:
    """Loop checks by walking parent pointers: obviously right, O(depth)."""

    def __init__(self) -> None:
        self.up: list[int] = []
        self.left: list[int] = []
        self.right: list[int] = []

    def add(self) -> None:
        self.up.append(-1)
        self.left.append(-1)
        self.right.append(-1)

    def find_root(self, x: int) -> int:
        while self.up[x] >= 0:
            x = self.up[x]
        return x

    def link(self, child: int, parent: int) -> None:
        self.up[child] = parent

    def cut(self, x: int) -> None:
        self.up[x] = -1


def _random_items(rng: random.Random, n: int) -> list[ThreadItem]:
    subjects = ["a", "Re: a", "b", "Fwd: b", "", None, "[x] c", "Re: [x] c"]
    out = []
    for uid in range(1, n + 1):
        pool = n + 5
        refs = " ".join(f"<m{rng.randrange(pool)}@x>" for _ in range(rng.choice([0, 1, 2, 3, 5, 9])))
        out.append(
            ThreadItem(
                uid=uid,
                message_id=rng.choice([f"<m{rng.randrange(pool)}@x>", f"<m{uid}@x>", None]),
                in_reply_to=rng.choice([None, f"<m{rng.randrange(pool)}@x>"]),
                references=refs or None,
                subject=rng.choice(subjects),
                date=day(rng.randrange(4), rng.randrange(3)),
            )
        )
    rng.shuffle(out)
    return out


def test_link_cut_forest_answers_as_walking_parents_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Random mailboxes full of loops and conflicting parents thread the
    same with the naive loop check."""
    for seed in range(200):
        items = _random_items(random.Random(seed), random.Random(seed).randrange(1, 80))
        fast = thread_references(items)
        with monkeypatch.context() as patched:
            patched.setattr(threads, "_LinkCutForest", NaiveForest)
            slow = thread_references(items)
        assert fast == slow, seed


def test_link_cut_forest_operations() -> None:
    rng = random.Random(7)
    fast, naive = threads._LinkCutForest(), NaiveForest()
    parent: list[int] = []
    for _ in range(300):
        fast.add()
        naive.add()
        parent.append(-1)
    for _ in range(20_000):
        a, b = rng.randrange(300), rng.randrange(300)
        if parent[a] >= 0 and rng.random() < 0.3:
            fast.cut(a)
            naive.cut(a)
            parent[a] = -1
        elif parent[a] < 0 and naive.find_root(b) != a:
            fast.link(a, b)
            naive.link(a, b)
            parent[a] = b
        c = rng.randrange(300)
        assert fast.find_root(c) == naive.find_root(c)


# --- 100,000 messages ----------------------------------------------------------------------------


def _timed(items: list[ThreadItem]) -> tuple[list[ThreadMember], float]:
    start = time.process_time()
    result = thread_references(items)
    return result, time.process_time() - start


def test_threading_100k_ordinary_messages() -> None:
    items = []
    for i in range(100_000):
        thread, k = divmod(i, 10)
        refs = " ".join(f"<t{thread}.{j}@x>" for j in range(max(0, k - 5), k))
        items.append(
            ThreadItem(
                uid=i + 1,
                message_id=f"<t{thread}.{k}@x>",
                references=refs or None,
                subject=("Re: " if k else "") + f"topic {thread}",
                date=f"{1 + i // 1440 % 28} Mar 2026 {i // 60 % 24:02d}:{i % 60:02d}:00 +0000",
            )
        )
    result, elapsed = _timed(items)
    print(f"thread_references 100k ordinary: {elapsed:.2f} s CPU")
    assert len(result) == 10_000 and result[0] == M(1, M(2, M(3, M(4, M(5, M(6, M(7, M(8, M(9, M(10))))))))))
    assert elapsed < 10


def test_threading_100k_deep_chain_in_reverse_and_flattening_it() -> None:
    n = 100_000
    chain = [
        ThreadItem(
            uid=n - i, message_id=f"<c{i}@x>", in_reply_to=f"<c{i - 1}@x>" if i else None, subject="chain"
        )
        for i in range(n)
    ]
    result, elapsed = _timed(chain)
    print(f"thread_references 100k chain, replies first: {elapsed:.2f} s CPU")
    assert len(result) == 1 and result[0].seqno == n
    start = time.process_time()
    rows = flatten_threads(result)
    flat = time.process_time() - start
    print(f"flatten_threads 100k deep chain: {flat:.2f} s CPU")
    assert [r.uid for r in rows[:3]] == [n, n - 1, n - 2] and rows[-1].depth == n - 1
    assert elapsed < 10 and flat < 10


def test_threading_100k_adversarial_loop_checks() -> None:
    """A deep chain, then 25,000 containers with children each linked below
    its deepest message (walking up from there would be 50,000 steps each,
    over a billion in all), then relinked elsewhere (cuts)."""
    k, m = 50_000, 25_000
    items = [
        ThreadItem(uid=i + 1, message_id=f"<x{i}@x>", references=f"<x{i - 1}@x>" if i else None)
        for i in range(k)
    ]
    uid = k
    for j in range(m):
        uid += 1
        items.append(ThreadItem(uid=uid, message_id=f"<c{j}@x>", references=f"<y{j}@x> <m{j}@x>"))
    for j in range(m):
        uid += 1
        items.append(ThreadItem(uid=uid, message_id=f"<m{j}@x>", references=f"<x{k - 1}@x>"))
    result, elapsed = _timed(items)
    print(f"thread_references 100k adversarial: {elapsed:.2f} s CPU")
    assert len(result) == 1 and len(thread_uids(result[0])) == k + 2 * m
    assert elapsed < 10


# --- the thread view ---------------------------------------------------------------------------


THREADS = [
    M(1, M(2, M(3)), M(4)),
    M(None, M(6), M(5, M(7))),
    M(8),
]


def test_rows_show_depth_roots_and_thread_sizes() -> None:
    assert flatten_threads(THREADS) == [
        ThreadRow(1, 0, True, 4),
        ThreadRow(2, 1, False, 4),
        ThreadRow(3, 2, False, 4),
        ThreadRow(4, 1, False, 4),
        ThreadRow(6, 0, True, 3),  # a dummy is no row: its children are the top level
        ThreadRow(5, 0, False, 3),
        ThreadRow(7, 1, False, 3),
        ThreadRow(8, 0, True, 1),
    ]


def test_collapsed_threads_are_one_row_with_their_count() -> None:
    assert flatten_threads(THREADS, {1, 6, 8}) == [
        ThreadRow(1, 0, True, 4, collapsed=True),
        ThreadRow(6, 0, True, 3, collapsed=True),
        ThreadRow(8, 0, True, 1, collapsed=False),
    ]
    assert flatten_threads(THREADS, {2}) == flatten_threads(THREADS)  # not a root: nothing to collapse


def test_newest_first_reverses_the_threads_only() -> None:
    rows = flatten_threads(THREADS, newest_first=True)
    assert [r.uid for r in rows] == [8, 6, 5, 7, 1, 2, 3, 4]


def test_every_uid_of_a_thread_for_actions_on_a_collapsed_one() -> None:
    view = ThreadView(THREADS)
    assert view.thread_uids(3) == [1, 2, 3, 4]
    assert view.thread_uids(7) == [6, 5, 7]
    assert view.thread_uids(99) == []
    assert view.root_of(7) == 6 and view.root_of(99) is None
    assert view.root_uids == [1, 6, 8] and len(view) == 8
    assert thread_uids(THREADS[1]) == [6, 5, 7]


def test_server_threads_of_any_shape() -> None:
    odd: list[Any] = [M(None), M(None, M(None, M(3), M(4))), M(5, M(None, M(6))), "junk"]
    assert flatten_threads(odd) == [
        ThreadRow(3, 0, True, 2),
        ThreadRow(4, 0, False, 2),
        ThreadRow(5, 0, True, 2),
        ThreadRow(6, 1, False, 2),
    ]
    assert flatten_threads([]) == []


def _junk(rng: random.Random) -> str | None:
    pieces = [
        "<",
        ">",
        "@",
        '"',
        "(",
        ")",
        "[",
        "]",
        "\\",
        " ",
        "\r\n",
        "\t",
        "\x00",
        "\ud800",
        "\u202e",
        "é",
        "x",
    ]
    if rng.random() < 0.1:
        return None
    if rng.random() < 0.02:
        return "<a@b> " * 50_000 + "<" * 100_000
    return "".join(rng.choice(pieces) for _ in range(rng.randrange(40)))


def test_hostile_headers_thread_without_errors_and_keep_every_message() -> None:
    rng = random.Random(3)
    items = [
        ThreadItem(
            uid=uid,
            message_id=_junk(rng),
            in_reply_to=_junk(rng),
            references=_junk(rng),
            subject=_junk(rng),
            date=_junk(rng),
            internaldate=rng.choice([None, T0, datetime(1, 1, 1), datetime(9999, 12, 31, tzinfo=UTC)]),
        )
        for uid in range(1, 400)
    ]
    result = thread_references(items)
    uids = [uid for thread in result for uid in thread_uids(thread)]
    assert sorted(uids) == list(range(1, 400))
    assert len(flatten_threads(result)) == 399
