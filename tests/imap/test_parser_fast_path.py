"""The FETCH fast path (tuimail/imap/fetch_fast.py) agrees with the
recursive-descent parser, and its lazily built values behave as the types
they stand for."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.imap.test_parser_recorded import responses
from tuimail.imap import BodyTypeMultipart, BodyTypeText, Envelope, FetchData, ParseError, parse_response
from tuimail.imap import fetch_fast as fast


@contextmanager
def recursive_descent_only() -> Iterator[None]:
    """Disable every fast path: the parser then follows the ABNF alone,
    item by item, and builds plain values."""
    saved = {n: getattr(fast, n)
             for n in ("envelope", "body", "lazy_envelope", "lazy_body", "listing_attr", "SIMPLE_ITEMS")}
    none: Callable[..., None] = lambda *a, **k: None  # noqa: E731
    try:
        for n in saved:
            setattr(fast, n, none)
        fast.SIMPLE_ITEMS = re.compile("(?!)")  # never matches
        yield
    finally:
        for n, f in saved.items():
            setattr(fast, n, f)


def both_ways(line: bytes) -> tuple[Any, Any]:
    fast_result = parse_response(line)
    with recursive_descent_only():
        slow_result = parse_response(line)
    return fast_result, slow_result


def test_fast_path_is_actually_taken() -> None:
    line = (b'* 1 FETCH (ENVELOPE (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL) '
            b'BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1))\r\n')
    attr = parse_response(line).data.attr
    assert isinstance(attr["ENVELOPE"], fast.LazyEnvelope)
    assert isinstance(attr["BODYSTRUCTURE"], fast.LazyBodyTypeText)


@pytest.mark.parametrize("name", ["dovecot_session.bin", "pymap_session.bin"])
def test_recorded_fetches_agree(name: str) -> None:
    compared = 0
    for line in responses(name):
        fast_result, slow_result = both_ways(line)
        assert fast_result == slow_result
        assert repr(fast_result) == repr(slow_result)
        compared += isinstance(fast_result.data, FetchData)
    assert compared > 20


@pytest.mark.parametrize("name", ["dovecot_session.bin", "pymap_session.bin"])
def test_without_whole_structures_the_parse_is_the_recursive_descent(name: str) -> None:
    """``whole_structures=False`` (a connection's first FETCH responses) compiles and uses no
    whole-structure pattern: the values are the plain ones the ABNF alone builds."""
    compared = 0
    for line in responses(name):
        plain = parse_response(line, whole_structures=False)
        with recursive_descent_only():
            reference = parse_response(line)
        assert repr(plain) == repr(reference) and plain == reference
        if isinstance(plain.data, FetchData):
            compared += 1
            assert not any(isinstance(v, fast.LazyEnvelope | fast.LazyBodyTypeText | fast.LazyBodyTypeBasic
                                      | fast.LazyBodyTypeMultipart) for v in plain.data.attr.values())
    assert compared > 20


def test_body_nested_deeper_than_the_one_regex_is_still_lazy_and_agrees() -> None:
    body = '("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)'
    for level in range(5):  # BODY_V_RE validates three multipart levels at most
        body = f'({body}("IMAGE" "PNG" NIL NIL NIL "BASE64" 9) "MIXED{level}")'
    line = f"* 1 FETCH (BODYSTRUCTURE {body} UID 3)\r\n".encode()
    fast_result, slow_result = both_ways(line)
    lazy = fast_result.data.attr["BODYSTRUCTURE"]
    assert isinstance(lazy, fast.LazyBodyTypeMultipart)
    assert lazy == slow_result.data.attr["BODYSTRUCTURE"] and repr(fast_result) == repr(slow_result)
    assert lazy.subtype == "MIXED4" and fast_result.data.attr["UID"] == 3


def test_lazy_values_are_their_types() -> None:
    line = (b'* 1 FETCH (ENVELOPE ("d" "s" (("A" NIL "a" "x.org")) NIL NIL NIL NIL NIL NIL "<i>") '
            b'BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 1 1)'
            b'("TEXT" "HTML" NIL NIL NIL "7BIT" 2 1) "ALTERNATIVE"))\r\n')
    fast_attr, slow_attr = (r.data.attr for r in both_ways(line))
    env, body = fast_attr["ENVELOPE"], fast_attr["BODYSTRUCTURE"]
    assert isinstance(env, Envelope) and isinstance(body, BodyTypeMultipart) and body.multipart
    assert repr(env).startswith("Envelope(") and repr(body).startswith("BodyTypeMultipart(")
    assert slow_attr["ENVELOPE"] == env and env == slow_attr["ENVELOPE"]
    assert dataclasses.asdict(env) == dataclasses.asdict(slow_attr["ENVELOPE"])
    assert copy.copy(env) == env and pickle.loads(pickle.dumps(body)) == body
    assert not hasattr(env, "no_such_field")
    assert isinstance(body.parts[0], BodyTypeText) and body.parts[0].param == {"CHARSET": "utf-8"}


def test_memoised_values_are_not_shared_mutably() -> None:
    line = b'* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 1 1))\r\n'
    first = parse_response(line).data.attr["BODYSTRUCTURE"]
    first.param["CHARSET"] = "changed"
    assert parse_response(line).data.attr["BODYSTRUCTURE"].param == {"CHARSET": "utf-8"}


# --- generated structures ------------------------------------------------------

_word = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x17F, blacklist_characters='"\\'), max_size=8)
_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=10)


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _nstring(draw: st.DrawFn) -> str:
    value = draw(st.one_of(st.none(), _text))
    if value is None:
        return draw(st.sampled_from(["NIL", "nil"]))
    if draw(st.booleans()) and value:
        raw = value.encode()
        return f"{{{len(raw)}}}\r\n{value}"
    return _q(value)


@st.composite
def params(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(_word, _word), max_size=3))
    if not pairs:
        return "NIL"
    return "(" + " ".join(f"{_q(k)} {_q(v)}" for k, v in pairs) + ")"


@st.composite
def ext(draw: st.DrawFn, multipart: bool) -> str:
    n = draw(st.integers(0, 4))
    out = []
    if n >= 1:
        out.append(draw(params()) if multipart else _nstring(draw))
    if n >= 2:
        out.append(draw(st.sampled_from(["NIL", "(\"inline\" NIL)"])) if draw(st.booleans())
                   else f"({_q(draw(_word))} {draw(params())})")
    if n >= 3:
        out.append(draw(st.sampled_from(["NIL", '"en"', '("en" "de")'])))
    if n >= 4:
        out.append(_nstring(draw))
    return "".join(" " + x for x in out)


@st.composite
def body(draw: st.DrawFn, depth: int = 0) -> str:
    if depth < 4 and draw(st.integers(0, 3)) == 0:
        parts = draw(st.lists(body(depth + 1), min_size=1, max_size=3))
        sep = draw(st.sampled_from(["", " "]))
        return "(" + sep.join(parts) + f" {_q(draw(_word))}" + draw(ext(True)) + ")"
    media = draw(st.sampled_from(["TEXT", "text", "APPLICATION", "image", "MESSAGE"]))
    sub = draw(st.sampled_from(["PLAIN", "html", "pdf", "DELIVERY-STATUS"]))
    fields = f"{_q(media)} {_q(sub)} {draw(params())} {_nstring(draw)} {_nstring(draw)} {_nstring(draw)} "
    fields += str(draw(st.integers(0, 10**9)))
    if media.upper() == "TEXT":
        fields += f" {draw(st.integers(0, 10**6))}"
    return "(" + fields + draw(ext(False)) + ")"


@settings(max_examples=300, deadline=None)
@given(body())
def test_generated_body_structures_agree(text: str) -> None:
    line = f"* 1 FETCH (BODYSTRUCTURE {text} UID 7)\r\n".encode()
    fast_result, slow_result = both_ways(line)
    assert fast_result.data.attr["BODYSTRUCTURE"] == slow_result.data.attr["BODYSTRUCTURE"]
    assert repr(fast_result) == repr(slow_result)


@st.composite
def address_list(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 3))
    if n == 0:
        return draw(st.sampled_from(["NIL", "()"]))
    sep = draw(st.sampled_from(["", " "]))
    return "(" + sep.join(
        "(" + " ".join(_nstring(draw) for _ in range(4)) + ")" for _ in range(n)) + ")"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_generated_envelopes_agree(data: st.DataObject) -> None:
    draw = data.draw
    fields = [_nstring(draw), _nstring(draw)] + [draw(address_list()) for _ in range(6)]
    fields += [_nstring(draw), _nstring(draw)]
    line = ("* 1 FETCH (UID 1 ENVELOPE (" + " ".join(fields) + "))\r\n").encode()
    fast_result, slow_result = both_ways(line)
    assert fast_result.data.attr["ENVELOPE"] == slow_result.data.attr["ENVELOPE"]
    assert repr(fast_result) == repr(slow_result)


_FETCHES = [r for name in ("dovecot_session.bin", "pymap_session.bin") for r in responses(name)
            if b" FETCH (" in r and (b"ENVELOPE" in r or b"BODY" in r)]
_BYTES = st.sampled_from(list(b'()" \\{}~01NIL\r\n[]<>.,*xA\xc3\xa9\xff'))


_EDITS = st.lists(st.tuples(st.integers(0, 10_000), _BYTES, st.booleans()), max_size=4)


def _mutated(line: bytes, edits: list[tuple[int, int, bool]]) -> bytes:
    """``line`` with each edit applied: (where, byte, insert or overwrite)."""
    data = bytearray(line)
    for at, byte, insert in edits:
        at %= len(data)
        if insert:
            data.insert(at, byte)
        else:
            data[at] = byte
    return bytes(data)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_FETCHES), _EDITS)
def test_mutated_fetches_parse_or_fail_and_lazy_values_always_build(
    line: bytes, edits: list[tuple[int, int, bool]]
) -> None:
    data = _mutated(line, edits)
    try:
        result = parse_response(data)
    except ParseError:
        return
    repr(result)  # builds every lazy envelope and body structure; must not raise
    if isinstance(result.data, FetchData):
        with recursive_descent_only():
            assert parse_response(data) == result


# --- the fast and the slow path agree on whole FETCH responses ------------------
#
# Every FETCH response, well formed or not, gets the same result from the
# parser as shipped and from the recursive descent alone (every regular
# expression over several items, the one-regex envelope and body
# structure, and the lazy values turned off), or ParseError from both.

_DATES = ["17-Jul-1996 02:44:25 -0700", " 7-Jul-1996 02:44:25 +0000", "31-Feb-2024 10:00:00 +0000",
          "01-Foo-2024 10:00:00 +0000", "31-Dec-9999 23:59:59 -1400", "1-jan-2024 00:00:00 +0100", "x"]


@st.composite
def _fetch_item(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["UID", "RFC822.SIZE", "FLAGS", "INTERNALDATE", "ENVELOPE", "BODYSTRUCTURE",
                                 "BODY", "BODY[]", "BODY[HEADER.FIELDS (SUBJECT)]<0>", "MODSEQ",
                                 "X-GM-LABELS", "EMAILID"]))
    sp = draw(st.sampled_from([" ", " ", " ", "  "]))
    if draw(st.integers(0, 4)) == 0:
        name = name.lower()
    upper = name.upper()
    if upper in ("UID", "RFC822.SIZE"):
        value = str(draw(st.one_of(st.integers(0, 10**6), st.integers(10**17, 10**20))))
    elif upper == "FLAGS":
        value = "(" + draw(st.sampled_from(["", " "])).join(
            draw(st.lists(st.sampled_from(["\\Seen", "\\Flagged", "$Junk", "x"]), max_size=3))) + ")"
    elif upper == "INTERNALDATE":
        value = _q(draw(st.sampled_from(_DATES)))
    elif upper == "ENVELOPE":
        fields = [_nstring(draw), _nstring(draw)] + [draw(address_list()) for _ in range(6)]
        value = "(" + " ".join(fields + [_nstring(draw), _nstring(draw)]) + ")"
    elif upper in ("BODYSTRUCTURE", "BODY"):
        value = draw(body())
    elif upper.startswith("BODY["):
        value = _nstring(draw)
    elif upper == "MODSEQ":
        value = f"({draw(st.integers(0, 10**6))})"
    elif upper == "X-GM-LABELS":
        value = draw(st.sampled_from(["()", "(\\Inbox)", '("a b" x)']))
    else:
        value = draw(st.sampled_from(["(M1)", "NIL"]))
    return name + sp + value


@st.composite
def fetch_responses(draw: st.DrawFn) -> bytes:
    """A FETCH response as servers send it, and as they get it wrong:
    items in any order, extra or missing spaces, literals, bad values."""
    items = draw(st.lists(_fetch_item(), min_size=1, max_size=6))
    text = "* 7 FETCH (" + draw(st.sampled_from(["", " "]))
    for i, item in enumerate(items):
        if i:
            text += draw(st.sampled_from([" ", " ", " ", "", "  "]))
        text += item
    text += draw(st.sampled_from(["", "", " "])) + ")\r\n"
    return text.encode()


def _outcome(line: bytes) -> Any:
    try:
        return parse_response(line)
    except ParseError:
        return ParseError


def _assert_paths_agree(line: bytes) -> None:
    fast_result = _outcome(line)
    with recursive_descent_only():
        slow_result = _outcome(line)
    assert fast_result == slow_result, line
    assert repr(fast_result) == repr(slow_result)


@given(fetch_responses())
def test_fast_and_slow_paths_agree_on_generated_fetches(line: bytes) -> None:
    _assert_paths_agree(line)


@given(fetch_responses(), _EDITS)
def test_fast_and_slow_paths_agree_on_mutated_fetches(
    line: bytes, edits: list[tuple[int, int, bool]]
) -> None:
    _assert_paths_agree(_mutated(line, edits))


# --- message-list FETCH responses: the items in the order asked ----------------


@st.composite
def listing_responses(draw: st.DrawFn) -> bytes:
    """A FETCH of what the message list asks for, as Dovecot and pymap
    send it: strings with escapes or as literals, nil in any case, names
    in any case, so that every pattern listing_match chooses from is used."""
    env = [_nstring(draw), _nstring(draw)] + [draw(address_list()) for _ in range(6)]
    env += [_nstring(draw), _nstring(draw)]
    flags = " ".join(draw(st.lists(st.sampled_from(["\\Seen", "\\Flagged", "$Junk"]), max_size=3)))
    names = ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE"]
    if draw(st.integers(0, 5)) == 0:
        names = [n.lower() for n in names]
    values = [str(draw(st.integers(1, 10**6))), f"({flags})", _q(draw(st.sampled_from(_DATES))),
              str(draw(st.integers(0, 10**9))), "(" + " ".join(env) + ")", draw(body())]
    items = " ".join(f"{n} {v}" for n, v in zip(names, values, strict=True))
    return f"* 3 FETCH ({items})\r\n".encode()


def _assert_listing_patterns_agree(line: bytes) -> None:
    """listing_match, whichever pattern it chooses, matches as the pattern
    that takes every string as it may be (escapes included)."""
    from tuimail.imap.scanner import split

    s = split(line)[0]
    pos = s.find("(")
    if pos < 0:
        return
    chosen, reference = fast.listing_match(s, pos), fast.LISTING_ITEMS_RE.match(s, pos)
    assert (chosen is None) == (reference is None), line
    if chosen is not None and reference is not None:
        assert chosen.span() == reference.span() and chosen.groups() == reference.groups(), line


@settings(max_examples=300, deadline=None)
@given(listing_responses())
def test_listing_responses_agree_on_both_paths(line: bytes) -> None:
    _assert_listing_patterns_agree(line)
    _assert_paths_agree(line)


@settings(max_examples=300, deadline=None)
@given(listing_responses(), _EDITS)
def test_mutated_listing_responses_agree_on_both_paths(
    line: bytes, edits: list[tuple[int, int, bool]]
) -> None:
    data = _mutated(line, edits)
    _assert_listing_patterns_agree(data)
    _assert_paths_agree(data)


def test_each_listing_pattern_is_used_where_it_matches_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Escapes nowhere, only in the envelope: the plain pattern, the one
    with a plain body structure; escapes in the body structure: none (the
    listing could not use the match; the items are parsed one by one), but
    the one for escapes anywhere when the body structure's text holds what
    looks like the start of the item."""
    used: list[str] = []

    class Spy:
        def __init__(self, name: str) -> None:
            self.name, self.pattern = name, re.compile(getattr(fast, name).pattern)

        def match(self, s: str, pos: int) -> re.Match[str] | None:
            used.append(self.name)
            return self.pattern.match(s, pos)

    for name in ("_PLAIN_LISTING_RE", "_PLAIN_BODY_LISTING_RE", "LISTING_ITEMS_RE"):
        getattr(fast, name).match("", 0)  # compiled on first use: now
        monkeypatch.setattr(fast, name, Spy(name))
    base = ('* 3 FETCH (UID 9 FLAGS (\\Seen) INTERNALDATE "01-Jun-2024 10:00:00 +0000" RFC822.SIZE 5 '
            'ENVELOPE (NIL SUBJECT NIL NIL NIL NIL NIL NIL NIL NIL) BODYSTRUCTURE ("TEXT" "PLAIN" '
            '("NAME" NAME) NIL NIL "7BIT" 1 1))\r\n')
    cases = [
        ('"s"', '"n"', ["_PLAIN_LISTING_RE"]),
        ('"\\"s\\""', '"n"', ["_PLAIN_BODY_LISTING_RE"]),
        ('"s"', '"\\"n\\""', []),
        ('"\\"s\\""', '"\\"n\\""', []),
        ('"\\"s\\""', '" BODYSTRUCTURE ("', ["_PLAIN_BODY_LISTING_RE", "LISTING_ITEMS_RE"]),
    ]
    for subject, name, patterns in cases:
        line = base.replace("SUBJECT", subject).replace("NAME)", f"{name})").encode()
        used.clear()
        attr = parse_response(line).data.attr
        assert used == patterns, line
        assert attr["ENVELOPE"].subject == subject[1:-1].replace('\\"', '"')
        assert attr["BODYSTRUCTURE"].param == {"NAME": name[1:-1].replace('\\"', '"')}
        _assert_listing_patterns_agree(line)
        _assert_paths_agree(line)


@pytest.mark.parametrize("line", [
    b"* 1 FETCH (BODY[] {3}\r\nabcUID 5)\r\n",  # no space after a literal
    b'* 1 FETCH (BODY[] "abc"UID 5)\r\n',
    b"* 1 FETCH (FLAGS (\\Seen)UID 5)\r\n",
    b"* 1 FETCH (UID 5 FLAGS (\\Seen)RFC822.SIZE 9)\r\n",
    b"* 1 FETCH ( UID 5)\r\n",
    b"* 1 FETCH (UID 5 )\r\n",
])
def test_items_need_a_space_between_them_on_both_paths(line: bytes) -> None:
    _assert_paths_agree(line)


# --- cheap reads of lazy values -----------------------------------------------


def _built_single_parts(value: Any) -> list[Any]:
    if value.multipart:
        return [p for part in value.parts for p in _built_single_parts(part)]
    dsp = value.disposition
    return [(value.media_type, value.subtype, value.param,
             None if dsp is None else (dsp.dsp_type, dsp.param))]


@given(body())
def test_single_parts_read_from_the_text_are_the_built_parts(text: str) -> None:
    line = f"* 1 FETCH (BODYSTRUCTURE {text})\r\n".encode()
    value = parse_response(line).data.attr["BODYSTRUCTURE"]
    source = fast.body_text(value)
    if source is None:  # not left to be built on first use
        assert not isinstance(value, fast.LazyBodyTypeMultipart | fast.LazyBodyTypeText
                              | fast.LazyBodyTypeBasic)
        return
    with recursive_descent_only():
        built = parse_response(line).data.attr["BODYSTRUCTURE"]
    expected = _built_single_parts(built)
    assert list(fast.single_parts(source)) == expected
    for words in (("NAME",), ("NAME", "ATTACHMENT"), ("TEXT",), ("Ş",)):
        wanted = [p for p in expected if any(w in repr(p).upper() for w in words)]
        found = list(fast.single_parts(source, mentioning=words))
        # Every part whose fields mention a word is found; a part found
        # mentions it somewhere in its text.
        assert all(p in found for p in wanted) and all(p in expected for p in found)


def test_single_parts_skips_parts_without_the_words_and_strings_holding_parens() -> None:
    text = ('((("TEXT" "PLAIN" ("NAME" "(a") NIL NIL "7BIT" 1 1)("TEXT" "HTML" NIL NIL NIL "7BIT" 1 1) '
            '"ALTERNATIVE" ("BOUNDARY" "(\\"NAME\\" \\"x\\" NIL") NIL NIL)'
            '("IMAGE" "PNG" ("X" "name (\\"IMAGE\\" \\"PNG\\" NIL") NIL NIL "BASE64" 9 NIL '
            '("ATTACHMENT" NIL) NIL NIL) "MIXED" ("BOUNDARY" "NAME(") NIL NIL)')
    source = text.replace('\\"', "'")  # no escapes: the text of a lazy body
    value = parse_response(f"* 1 FETCH (BODYSTRUCTURE {source})\r\n".encode()).data.attr["BODYSTRUCTURE"]
    assert fast.body_text(value) == source
    assert [p[:2] for p in fast.single_parts(source, mentioning=("NAME", "ATTACHMENT"))] == [
        ("TEXT", "PLAIN"), ("IMAGE", "PNG")]
    assert [p[:2] for p in fast.single_parts(source)] == [
        ("TEXT", "PLAIN"), ("TEXT", "HTML"), ("IMAGE", "PNG")]


def test_single_parts_looks_at_each_paren_at_most_once() -> None:
    """A body structure full of the words and of parens inside strings
    (hostile, within the response size limit) costs linear work: each
    "(" is looked at once, whatever the number of words found."""
    noise = "NAME( " * 2000
    text = ("(" + '("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)' * 50
            + f' "MIXED" ("BOUNDARY" "{noise}") NIL NIL)')
    value = parse_response(f"* 1 FETCH (BODYSTRUCTURE {text})\r\n".encode()).data.attr["BODYSTRUCTURE"]
    source = fast.body_text(value)
    assert source is not None
    looked = searched = 0

    class Counting(str):
        def rfind(self, *args: Any) -> int:
            nonlocal looked
            looked += 1
            return super().rfind(*args)

        def find(self, *args: Any) -> int:
            nonlocal searched
            searched += 1
            return super().find(*args)

        def upper(self) -> Counting:
            return Counting(super().upper())

    assert list(fast.single_parts(Counting(source), mentioning=("NAME", "ATTACHMENT"))) == []
    assert looked <= source.count("(") + source.count("NAME") + 1
    assert searched <= source.count("NAME") + 2  # each word searched for forward only


def test_envelope_fields_read_from_the_text_are_the_built_fields() -> None:
    line = (b'* 1 FETCH (ENVELOPE ("d" "a \\"q\\"" (("N" NIL "m" "h")) NIL (("R" NIL "r" "h")) '
            b'(("A" NIL "a" "x")("B" NIL "b" "y")) NIL NIL NIL "<i>"))\r\n')
    env = parse_response(line).data.attr["ENVELOPE"]
    with recursive_descent_only():
        built = parse_response(line).data.attr["ENVELOPE"]
    for field in ("date", "subject", "from_", "sender", "reply_to", "to", "cc", "bcc", "in_reply_to",
                  "message_id"):
        assert fast.envelope_field(env, field) == getattr(built, field)
    assert fast.address_list_key(env, "to") == '(("A" NIL "a" "x")("B" NIL "b" "y"))'
    assert fast.address_list_key(env, "sender") == "NIL"
    assert fast.address_list_key(built, "to") is None  # a plain Envelope: no text to read
    assert [fast.address(t) for t in fast.address_texts(fast.address_list_key(env, "to") or "")] == built.to
    assert env == built and fast.envelope_field(built, "subject") == 'a "q"'


def test_lazy_values_pickle_and_copy_as_their_plain_types() -> None:
    line = (b'* 1 FETCH (ENVELOPE ("d" "s" (("N" NIL "m" "h")) NIL NIL NIL NIL NIL NIL NIL) '
            b'BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1))\r\n')
    attr = parse_response(line).data.attr
    for value, plain in ((attr["ENVELOPE"], Envelope), (attr["BODYSTRUCTURE"], BodyTypeText)):
        for copied in (pickle.loads(pickle.dumps(value)), copy.copy(value), copy.deepcopy(value)):
            assert type(copied) is plain and copied == value


def test_whole_structure_patterns_are_compiled_on_first_use() -> None:
    """Importing the library compiles none of the big patterns (tens of
    milliseconds of start-up); the first FETCH compiles them, takes the
    fast path and leaves the compiled patterns in place."""
    import subprocess
    import sys

    script = r"""
import re
import tuimail.ui.app
from tuimail.imap import fetch_fast, parse_response
big = ("ENVELOPE_RE", "BODY_1PART_RE", "MPART_TAIL_RE", "BODY_V_RE", "LISTING_ITEMS_RE", "_PLAIN_LISTING_RE",
       "_PLAIN_BODY_LISTING_RE")
before = [isinstance(vars(fetch_fast)[n], re.Pattern) for n in big]
line = (b'* 1 FETCH (UID 7 FLAGS (\\Seen) INTERNALDATE "01-Jun-2024 10:00:00 +0000" RFC822.SIZE 5 '
        b'ENVELOPE (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL) '
        b'BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1))\r\n')
attr = parse_response(line).data.attr
escaped = parse_response(line.replace(b'"s"', b'"\\"s\\""')).data.attr  # escapes in the envelope
parse_response(line.replace(b'"7BIT"', b'"\\"7BIT\\""'))  # and in the body structure
fetch_fast.listing_match(line.decode().replace('"s"', '"\\"s\\""').replace('"7BIT"', '"\\"7BIT\\""'), 10)
fetch_fast.lazy_body('("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)', 0, 0, True)
fetch_fast.body('(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED")', 0, 0, True)
fetch_fast.envelope('(NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL)', 0, True)
after = [isinstance(vars(fetch_fast)[n], re.Pattern) for n in big]
print(before, after, type(attr["ENVELOPE"]).__name__, attr["ENVELOPE"].subject, attr["UID"],
      type(escaped["ENVELOPE"]).__name__, escaped["ENVELOPE"].subject)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    expected = (f"{[False] * 7} {[True] * 7} "
                'LazyEnvelope s 7 LazyEnvelope "s"')
    assert out.split() == expected.split()


_ESCAPED_BODY_LISTING = (
    b'* 1 FETCH (UID 7 FLAGS (\\Seen) INTERNALDATE "01-Jun-2024 10:00:00 +0000" RFC822.SIZE 5 '
    b'ENVELOPE (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL) BODYSTRUCTURE (("TEXT" "PLAIN" NIL NIL NIL '
    b'"7BIT" 1 1)("APPLICATION" "OCTET-STREAM" ("NAME" "C:\\\\evil.dll") NIL NIL "BASE64" 4) '
    b'"MIXED"))\r\n'
)


def test_escapes_in_a_listing_body_structure_compile_no_whole_listing_pattern() -> None:
    """A listing response whose body structure holds an escape is parsed
    item by item without trying (so compiling: tens of milliseconds each)
    the patterns whose match it could not use; the result is the same."""
    import subprocess
    import sys

    script = f"""
import re
from tuimail.imap import fetch_fast, parse_response
attr = parse_response({_ESCAPED_BODY_LISTING!r}).data.attr
names = ("LISTING_ITEMS_RE", "BODY_V_RE", "_PLAIN_LISTING_RE")
print([isinstance(vars(fetch_fast)[n], re.Pattern) for n in names], attr["UID"], attr["ENVELOPE"].subject,
      attr["BODYSTRUCTURE"].parts[1].param["NAME"])
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[False,", "False,", "False]", "7", "s", "C:\\evil.dll"]
    _assert_paths_agree(_ESCAPED_BODY_LISTING)
