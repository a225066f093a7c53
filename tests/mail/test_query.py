"""The query language: each construct's criteria, normalised text, and each
malformed query's error message and position."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tuimail.mail.query import ClientFilter, QueryError, compile_query
from tuimail.mail.query.syntax import MAX_NESTING, MAX_QUERY_LENGTH, parse
from tuimail.mail.summary import MessageSummary

TODAY = date(2026, 11, 30)


def criteria(query: str, **kw: bool) -> list[object]:
    return compile_query(query, today=TODAY, **kw).criteria


# --- constructs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("from:ann", ["FROM", "ann"]),
        ("to:joe", ["TO", "joe"]),
        ("cc:carol", ["CC", "carol"]),
        ("bcc:dave", ["BCC", "dave"]),
        ("subject:lunch", ["SUBJECT", "lunch"]),
        ("body:pizza", ["BODY", "pizza"]),
        ("text:salad", ["TEXT", "salad"]),
        ("pizza", ["TEXT", "pizza"]),
        ("From:Ann", ["FROM", "Ann"]),
        ("SUBJECT:x", ["SUBJECT", "x"]),
    ],
)
def test_text_keys(query: str, expected: list[object]) -> None:
    assert criteria(query) == expected


def test_values_keep_their_text_and_never_become_keys() -> None:
    assert criteria("subject:ALL from:OR") == ["SUBJECT", "ALL", "FROM", "OR"]
    assert criteria('"ALL"') == ["TEXT", "ALL"]
    assert criteria("from:a:b") == ["FROM", "a:b"]


def test_quoted_phrases_and_escapes() -> None:
    assert criteria('"lunch plans"') == ["TEXT", "lunch plans"]
    assert criteria('subject:"lunch plans" from:"Ann Example"') == [
        "SUBJECT",
        "lunch plans",
        "FROM",
        "Ann Example",
    ]
    assert criteria(r'"say \"hi\" \\ bye"') == ["TEXT", 'say "hi" \\ bye']
    assert criteria('"unknown:key" "-x" "(x)"') == ["TEXT", "unknown:key", "TEXT", "-x", "TEXT", "(x)"]


def test_bare_words_are_anded_and_words_with_colons_that_are_not_keys_stay_words() -> None:
    assert criteria("lunch plans") == ["TEXT", "lunch", "TEXT", "plans"]
    assert criteria("10:30 :x e-mail") == ["TEXT", "10:30", "TEXT", ":x", "TEXT", "e-mail"]


def test_dates_absolute_and_relative_to_an_injected_today() -> None:
    assert criteria("since:2026-11-24") == ["SINCE", date(2026, 11, 24)]
    assert criteria("before:2026-1-5 on:2024-02-29") == ["BEFORE", date(2026, 1, 5), "ON", date(2024, 2, 29)]
    assert criteria("since:7d") == ["SINCE", date(2026, 11, 23)]
    assert criteria("since:2w") == ["SINCE", date(2026, 11, 16)]
    assert criteria("since:3m") == ["SINCE", date(2026, 8, 30)]
    assert criteria("since:1y") == ["SINCE", date(2025, 11, 30)]
    assert criteria("on:0d on:today on:yesterday") == [
        "ON",
        TODAY,
        "ON",
        TODAY,
        "ON",
        date(2026, 11, 29),
    ]
    assert criteria("since:7D") == ["SINCE", date(2026, 11, 23)]


def test_month_arithmetic_clamps_to_the_end_of_the_month() -> None:
    assert compile_query("since:1m", today=date(2026, 3, 31)).criteria == ["SINCE", date(2026, 2, 28)]
    assert compile_query("since:1y", today=date(2024, 2, 29)).criteria == ["SINCE", date(2023, 2, 28)]
    assert compile_query("since:14m", today=date(2026, 1, 15)).criteria == ["SINCE", date(2024, 11, 15)]


def test_today_defaults_to_the_local_date() -> None:
    assert compile_query("since:0d").criteria == ["SINCE", date.today()]


def test_sizes() -> None:
    assert criteria("larger:10k") == ["LARGER", 10240]
    assert criteria("smaller:2M") == ["SMALLER", 2 * 1024 * 1024]
    assert criteria("larger:1G smaller:500 larger:3kb larger:3MB") == [
        "LARGER",
        1024**3,
        "SMALLER",
        500,
        "LARGER",
        3072,
        "LARGER",
        3 * 1024**2,
    ]
    assert criteria("larger:99999G") == ["LARGER", 2**32 - 1]


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("unread", "UNSEEN"),
        ("unseen", "UNSEEN"),
        ("read", "SEEN"),
        ("seen", "SEEN"),
        ("flagged", "FLAGGED"),
        ("unflagged", "UNFLAGGED"),
        ("answered", "ANSWERED"),
        ("unanswered", "UNANSWERED"),
        ("deleted", "DELETED"),
        ("undeleted", "UNDELETED"),
        ("draft", "DRAFT"),
        ("UNREAD", "UNSEEN"),
    ],
)
def test_is_flags(value: str, key: str) -> None:
    assert criteria(f"is:{value}") == [key]


def test_not() -> None:
    assert criteria("-from:ann") == ["NOT", "FROM", "ann"]
    assert criteria("-pizza") == ["NOT", "TEXT", "pizza"]
    assert criteria('-"lunch plans"') == ["NOT", "TEXT", "lunch plans"]
    assert criteria("-(from:ann is:read)") == ["NOT", ["FROM", "ann", "SEEN"]]
    assert criteria("--from:ann") == ["FROM", "ann"]
    assert criteria("---from:ann") == ["NOT", "FROM", "ann"]


def test_or_is_binary_left_associative_and_sent_balanced() -> None:
    assert criteria("from:a OR from:b") == ["OR", "FROM", "a", "FROM", "b"]
    # a OR b OR c = (a OR b) OR c
    assert criteria("a OR b OR c") == ["OR", "OR", "TEXT", "a", "TEXT", "b", "TEXT", "c"]
    # four or more operands go as a balanced tree (OR is associative), so
    # long chains stay shallow on the wire
    assert criteria("a OR b OR c OR d") == [
        "OR",
        "OR",
        "TEXT",
        "a",
        "TEXT",
        "b",
        "OR",
        "TEXT",
        "c",
        "TEXT",
        "d",
    ]
    long_chain = criteria(" OR ".join(f"w{i}" for i in range(300)))
    assert long_chain.count("OR") == 299 and long_chain.count("TEXT") == 300


def test_or_binds_tighter_than_juxtaposition() -> None:
    assert criteria("from:a OR from:b since:7d") == [
        "OR",
        "FROM",
        "a",
        "FROM",
        "b",
        "SINCE",
        date(2026, 11, 23),
    ]
    assert criteria("x from:a OR -from:b") == ["TEXT", "x", "OR", "FROM", "a", "NOT", "FROM", "b"]


def test_parentheses_group_keys_where_one_key_is_needed() -> None:
    assert criteria("(from:a)") == ["FROM", "a"]
    assert criteria("(a b) c") == ["TEXT", "a", "TEXT", "b", "TEXT", "c"]
    assert criteria("from:a OR (to:b cc:c)") == ["OR", "FROM", "a", ["TO", "b", "CC", "c"]]
    assert criteria("(a OR b) (c OR d)") == ["OR", "TEXT", "a", "TEXT", "b", "OR", "TEXT", "c", "TEXT", "d"]
    assert criteria("((a))") == ["TEXT", "a"]
    assert criteria("-((a b) OR c)") == ["NOT", "OR", ["TEXT", "a", "TEXT", "b"], "TEXT", "c"]


def test_explicit_and_is_the_same_as_juxtaposition() -> None:
    assert criteria("a AND b") == criteria("a b")
    assert criteria("a AND b OR c") == ["TEXT", "a", "OR", "TEXT", "b", "TEXT", "c"]
    assert criteria("and or") == ["TEXT", "and", "TEXT", "or"]  # only capitals are operators


def test_needs_utf8_for_non_ascii_values() -> None:
    ascii_only = compile_query("from:ann", today=TODAY)
    assert not ascii_only.needs_utf8 and ascii_only.charset is None
    utf8 = compile_query("subject:Grüße", today=TODAY)
    assert utf8.needs_utf8 and utf8.charset == "UTF-8"
    assert compile_query("a OR (b -Köln)", today=TODAY).needs_utf8
    assert compile_query("日本", today=TODAY).criteria == ["TEXT", "日本"]


def test_gmail_raw_query_only_with_gmail() -> None:
    assert criteria('gmail:"has:attachment in:inbox"', gmail=True) == ["X-GM-RAW", "has:attachment in:inbox"]
    assert criteria("gmail:label:work OR from:x", gmail=True) == [
        "OR",
        "X-GM-RAW",
        "label:work",
        "FROM",
        "x",
    ]
    with pytest.raises(QueryError) as caught:
        compile_query('from:x gmail:"a b"', today=TODAY)
    assert caught.value.position == 7 and "Gmail" in caught.value.message


def _summary(uid: int, attachment: bool) -> MessageSummary:
    return MessageSummary(
        uid, uid, frozenset(), datetime(2026, 1, 1, tzinfo=UTC), "", "", "", "", 1, attachment
    )


def test_has_attachment_is_a_client_filter() -> None:
    query = compile_query("has:attachment from:ann", today=TODAY)
    assert query.criteria == ["FROM", "ann"]
    assert query.client_filter == ClientFilter(has_attachment=True)
    assert query.accepts(_summary(1, True)) and not query.accepts(_summary(2, False))

    alone = compile_query("has:attachment", today=TODAY)
    assert alone.criteria == ["ALL"] and alone.client_filter == ClientFilter(True)

    negated = compile_query("-has:attachment (a b)", today=TODAY)
    assert negated.criteria == ["TEXT", "a", "TEXT", "b"]
    assert negated.accepts(_summary(2, False)) and not negated.accepts(_summary(1, True))
    assert compile_query("HAS:Attachments", today=TODAY).client_filter == ClientFilter(True)

    plain = compile_query("from:ann", today=TODAY)
    assert plain.client_filter is None and plain.accepts(_summary(1, True))


def test_has_attachment_goes_to_the_server_on_gmail() -> None:
    assert criteria("has:attachment OR from:x", gmail=True) == [
        "OR",
        "X-GM-RAW",
        "has:attachment",
        "FROM",
        "x",
    ]
    query = compile_query("-has:attachment", today=TODAY, gmail=True)
    assert query.criteria == ["NOT", "X-GM-RAW", "has:attachment"] and query.client_filter is None


# --- normalised text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ('  From:Ann   SUBJECT:"lunch plans"  ', 'from:Ann subject:"lunch plans"'),
        ("is:UNSEEN is:seen has:attachments", "is:unread is:read has:attachment"),
        ("a   OR b OR   c", "a OR b OR c"),
        ("(a b) OR c", "(a b) OR c"),
        ("-(a OR b) -c", "-(a OR b) -c"),
        ('"lunch plans" "x" "OR" "10:30" "re:x"', '"lunch plans" x "OR" 10:30 "re:x"'),
        (r'subject:"say \"hi\""', r'subject:"say \"hi\""'),
        ("since:7d larger:10K", "since:7d larger:10K"),
        ("a AND b", "a b"),
        ("((x))", "x"),
    ],
)
def test_normalised_text(query: str, text: str) -> None:
    compiled = compile_query(query, today=TODAY)
    assert compiled.text == text
    # The normalised text compiles to the same criteria.
    assert compile_query(compiled.text, today=TODAY).criteria == compiled.criteria


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ("", "empty query", 0),
        ("   ", "empty query", 0),
        ("from:ann (to:joe", "unclosed parenthesis", 9),
        ("from:ann) x", "unmatched closing parenthesis", 8),
        ("(a))", "unmatched closing parenthesis", 3),
        ("()", "empty parentheses", 0),
        ("a ( ) b", "empty parentheses", 2),
        ("x foo:bar", "unknown key foo:", 2),
        ("http://example.com", "unknown key http:", 0),
        ("since:2026-02-30", "no such date: 2026-02-30", 6),
        ("since:0999-01-01", "no such date", 6),
        ("before:soon", "bad date 'soon'", 7),
        ("on:2026/11/24", "bad date", 3),
        ("since:9999999d", "bad date", 6),
        ("since:999999y", "no such date", 6),
        ("larger:10q", "bad size '10q'", 7),
        ("smaller:-5", "bad size", 8),
        ("larger:1.5M", "bad size", 7),
        ("a OR", "OR needs a condition on each side", 2),
        ("OR a", "OR needs a condition on each side", 0),
        ("a OR OR b", "OR needs a condition on each side", 2),
        ("(a OR) b", "OR needs a condition on each side", 3),
        ("a OR AND b", "OR needs a condition on each side", 2),
        ("AND a", "AND needs a condition on each side", 0),
        ("a AND", "AND needs a condition on each side", 2),
        ("from:", "from: needs a value", 5),
        ("x subject: y", "subject: needs a value", 10),
        ("(from:)", "from: needs a value", 6),
        ('from:""', "empty quotes", 5),
        ('""', "empty quotes", 0),
        ('x "unterminated', "unterminated quote", 2),
        ('subject:"open', "unterminated quote", 8),
        ("is:nope", "unknown is:nope", 3),
        ("has:kids", "unknown has:kids", 4),
        ("- x", "'-' must be followed by what to exclude", 0),
        ("x -", "'-' must be followed by what to exclude", 2),
        ("-)", "'-' must be followed by what to exclude", 0),
        ("(has:attachment OR a)", "has:attachment cannot be inside OR", 1),
        ("-(has:attachment a)", "has:attachment cannot be inside OR", 2),
        ("has:attachment -has:attachment", "exclude each other", 16),
        ("a\x00b", "control character U+0000", 1),
        ("a\x1bb", "control character U+001B", 1),
        ("a\x7f", "control character U+007F", 1),
    ],
)
def test_malformed_queries_say_what_and_where(query: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        compile_query(query, today=TODAY)
    assert message in caught.value.message
    assert caught.value.position == position
    assert str(caught.value).endswith(f"(at character {position + 1})")


def test_nesting_and_length_are_bounded() -> None:
    deep = "(" * (MAX_NESTING + 1) + "a" + ")" * (MAX_NESTING + 1)
    with pytest.raises(QueryError) as caught:
        compile_query(deep, today=TODAY)
    assert caught.value.position == MAX_NESTING and "nested" in caught.value.message
    assert criteria("(" * MAX_NESTING + "a" + ")" * MAX_NESTING) == ["TEXT", "a"]
    with pytest.raises(QueryError) as caught:
        compile_query("-" * (MAX_NESTING + 1) + "a", today=TODAY)
    assert "nested" in caught.value.message
    with pytest.raises(QueryError) as caught:
        compile_query("a " * (MAX_QUERY_LENGTH // 2 + 1), today=TODAY)
    assert "longer than" in caught.value.message


def test_criteria_depth_stays_within_what_the_client_sends() -> None:
    """Nested ORs of groups, each level adding depth: refused with a
    QueryError before tuimail.imap would refuse them (64 levels)."""
    query = "a"
    for i in range(MAX_NESTING):
        query = "(" + " OR ".join(f"w{i}x{j}" for j in range(15)) + f" OR {query})"
    assert len(query) < MAX_QUERY_LENGTH
    with pytest.raises(QueryError) as caught:
        compile_query(query, today=TODAY)
    assert "nested too deeply" in caught.value.message


def test_only_query_errors_escape() -> None:
    """Hostile input of any shape gives a QueryError or a query, nothing else."""
    samples = [
        "\u202e" + "from:x",
        "subject:\ud800",
        "(" * 500,
        ")" * 500,
        "-" * 500 + "a",
        '"' * 501,
        "OR " * 300,
        "x" * MAX_QUERY_LENGTH,
        "larger:" + "9" * 100,
        "since:" + "9" * 100 + "d",
        "is:" + "x" * 1000,
        "\t\r\nfrom:ann\r\n",
    ]
    for sample in samples:
        try:
            compile_query(sample, today=TODAY)
        except QueryError:
            pass
    with pytest.raises(QueryError):
        compile_query(None, today=TODAY)  # type: ignore[arg-type]


def test_syntax_tree_positions() -> None:
    tree = parse('x from:"a b"')
    assert tree.operands[1].position == 2 and tree.operands[1].value_position == 7  # type: ignore[union-attr]
