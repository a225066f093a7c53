"""The FETCH fast path: whole structures matched by compiled regular expressions.

A mailbox listing is thousands of ``FETCH (UID FLAGS INTERNALDATE
RFC822.SIZE ENVELOPE BODYSTRUCTURE)`` responses, so the common shapes are
matched in C, one regular expression per structure (those six items in
that order, a run of simple items, a whole envelope, a whole single-part
body), and Python only builds the result objects.  Anything unusual
(literals that could not be inlined, escapes in a body part,
message/rfc822 parts, extension data, 8-bit junk) makes a function here
return ``None`` and the caller falls back to the recursive-descent parser
in :mod:`tuimail.imap.fetch_parser`, which follows the ABNF of RFC 9051
§9 and gives the same result.

Envelopes and body structures are validated when parsed and built on
first use (the ``Lazy*`` types); an envelope builds each field when it
is first read.  A caller that needs only a few fields of many messages
(the message list) reads them from the matched text with
:func:`envelope_field`, :func:`address_list_key` and :func:`single_parts`
without building the rest.

Addresses and body parameters recur across messages (the same
correspondents, ``("CHARSET" "utf-8")``), so their parsed values are
memoised by their text in small bounded memos.  Values are shared between
results; the types are immutable by contract.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any, cast

from .scanner import MAX_DEPTH, NIL, fix_8bit, unescape
from .types import (
    Address,
    BodyStructure,
    BodyTypeBasic,
    BodyTypeMultipart,
    BodyTypeText,
    ContentDisposition,
    Envelope,
    InternalDate,
)

__all__ = [
    "LISTING_ITEMS_RE", "SIMPLE_ITEMS", "LazyBodyTypeBasic", "LazyBodyTypeMultipart",
    "LazyBodyTypeText", "LazyEnvelope", "SinglePart", "address", "address_list", "address_list_key",
    "address_texts", "body", "body_text", "date_time", "envelope", "envelope_field", "envelope_texts",
    "lazy_body", "lazy_envelope", "listing_attr", "listing_body_escaped", "listing_match", "params",
    "remember", "single_parts",
]

_CACHE_LIMIT = 4096
_KEY_LIMIT = 1024


def remember(cache: dict[str, Any], key: str, value: Any, limit: int = _CACHE_LIMIT) -> None:
    """Store into a bounded memo; when it is full, the oldest quarter goes.
    Texts longer than a real one are not kept (what a hostile server
    sends is not held on to)."""
    if len(key) > _KEY_LIMIT:
        return
    if len(cache) >= limit:
        for old in list(islice(cache, limit // 4)):
            del cache[old]
    cache[key] = value


class _CompiledOnFirstUse:
    """Stands for the module-level pattern ``name`` until it is first used,
    then compiles it and puts the compiled pattern in its place, so later
    uses cost nothing extra.  The whole-structure patterns take tens of
    milliseconds to compile, which importing the library (and starting
    the UI) need not pay."""

    __slots__ = ("_name", "_source")

    def __init__(self, name: str, source: str) -> None:
        self._name = name
        self._source = source

    def __getattr__(self, attr: str) -> Any:
        compiled = re.compile(self._source)
        globals()[self._name] = compiled
        return getattr(compiled, attr)


def _on_first_use(name: str, source: str) -> re.Pattern[str]:
    """The pattern ``source``, compiled when first used, for the module
    global ``name`` (see :class:`_CompiledOnFirstUse`)."""
    return cast("re.Pattern[str]", _CompiledOnFirstUse(name, source))


# Possessive quantifiers (Python 3.11) spare sre its backtracking
# bookkeeping: about 3x faster on these patterns.  Each optional part of
# a structure starts with a space and is followed by ")" or by another
# such part, so taking it possessively (``?+``) loses no match; and of
# two alternatives the common one (a string, a list) is tried first.
_Q = r'"[^"\\\r\n]*+(?:"|(?:\\.[^"\\\r\n]*+)++")'  # quoted (no escape: one branch, no repeat)
_Q_CAP = r'"([^"\\\r\n]*+(?:\\.[^"\\\r\n]*+)*+)"'
_WORD_CAP = r'"([^"\\\r\n]*+)"'  # a quoted media type or subtype (escapes: not here)
# date-time (RFC 9051 §9) between its quotes: groups day, month, year, time, zone hours and minutes.
_DATE_TIME = r" ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)"
# The same in text holding no backslash, CR or LF (most listings once past
# the flags): there a quoted string is a quote, anything but a quote and
# a quote, which sre runs as a tight loop, one comparison a character,
# instead of a class test a character and an escape loop a string.  On
# such text each pattern built from these matches as the one built from
# those above.
_PLAIN_Q = r'"[^"]*+"'
_PLAIN_Q_CAP = r'"([^"]*+)"'
# nil, as the last alternative of a group: servers send it in capitals,
# which literal characters match faster than a class for each.
_NIL = rf"NIL|{NIL}"


def _nstring(q: str) -> str:
    """nstring without literals, given the pattern of a quoted string (a
    group in it is None for NIL)."""
    return rf"(?:{q}|{_NIL})"


def _address(q: str) -> str:
    return rf"\({_nstring(q)} {_nstring(q)} {_nstring(q)} {_nstring(q)}\)"


def _envelope(q: str, q_cap: str) -> str:
    """envelope, groups 1-10 its fields: a string's text (None for NIL),
    an address list's text (``NIL`` or ``"(" 1*address ")"``)."""
    string = _nstring(q_cap)
    addresses = rf"(\((?:{_address(q)} ?)++\)|{_NIL})"  # outlook.com puts SP between addresses
    return (rf"\({string} {string} {addresses} {addresses} {addresses} {addresses} "
            rf"{addresses} {addresses} {string} {string}\)")


def _params(q: str) -> str:
    return rf"\({q} {q}(?: {q} {q})*+\)|{_NIL}"


def _ext_1part(q: str, q_cap: str, cap: bool) -> str:
    """[SP body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]];
    ``cap``: groups md5, disposition type, disposition parameters,
    language, location."""
    return rf"(?: {_nstring(q_cap if cap else q)}{_dsp_lang_loc(q, q_cap, cap)})?+"


def _ext_mpart(q: str, q_cap: str, cap: bool) -> str:
    """[SP body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]]."""
    g = "(" if cap else "(?:"
    return rf"(?: {g}{_params(q)}){_dsp_lang_loc(q, q_cap, cap)})?+"


def _dsp_lang_loc(q: str, q_cap: str, cap: bool) -> str:
    """[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]], the tail both extensions share."""
    nq = _nstring(q_cap if cap else q)
    g = "(" if cap else "(?:"
    dsp = rf"(?:\({nq} {g}{_params(q)})\)|{_NIL})"
    lang = rf"{g}{q}|\({q}(?: {q})*+\)|{_NIL})"
    return rf"(?: {dsp}(?: {lang}(?: {nq})?+)?+)?+"


def _body_1part(q: str, q_cap: str, word_cap: str) -> str:
    """A whole non-multipart, non-message body with optional body-ext-1part
    (nothing beyond): groups 1 type, 2 subtype, 3 parameters, 4 id,
    5 description, 6 encoding, 7 size, 8 lines, 9 md5, 10 disposition
    type, 11 its parameters, 12 language, 13 location."""
    nq = _nstring(q_cap)
    return (rf"\({word_cap} {word_cap} ({_params(q)}) {nq} {nq} {nq} (\d{{1,18}}+)(?: (\d{{1,18}}+))?+"
            rf"{_ext_1part(q, q_cap, True)}\)")


def _body_valid(q: str, word: str) -> str:
    """The whole body structure, up to three multipart levels deep, without
    groups (to validate it in one match)."""
    nq = _nstring(q)
    ext = _ext_1part(q, q, False)
    text = rf'\("{_ci("TEXT")}" {word} (?:{_params(q)}) {nq} {nq} {nq} \d{{1,18}}+ \d{{1,18}}+{ext}\)'
    basic = (rf'\("(?!(?i:TEXT)"|(?i:MESSAGE)" "(?i:RFC822|GLOBAL)")[^"\\\r\n]*+" {word} '
             rf"(?:{_params(q)}) {nq} {nq} {nq} \d{{1,18}}+{ext}\)")
    part = rf"(?:{text}|{basic})"
    tail = rf" {word}{_ext_mpart(q, q, False)}\)"

    def multipart(inner: str) -> str:
        # body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart], the
        # parts optionally separated by a space (taken only before another
        # part); ``inner`` appears once, so each nesting level adds to the
        # pattern's size rather than multiplying it.
        return rf"\((?:(?:{inner})(?: (?=\())?+)++{tail}"

    level1 = multipart(part)
    level2 = multipart(rf"{part}|{level1}")
    return rf"{part}|{multipart(rf'{part}|{level2}')}"


def _listing(q: str, q_cap: str, body_q: str, body_word: str) -> str:
    """The whole msg-att of a message-list FETCH, in the order the client
    asks for the items and servers (Dovecot, pymap) return them: groups
    1 UID, 2 FLAGS content, 3-8 INTERNALDATE's (as _DATE_TIME_RE's),
    9 RFC822.SIZE, 10-19 the envelope's (as ENVELOPE_RE's 1-10), 20 the
    body structure (as BODY_V_RE matches it)."""
    return (rf'\({_ci("UID")} (\d{{1,18}}) {_ci("FLAGS")} \(([^()"{{\r\n]*)\) '
            rf'{_ci("INTERNALDATE")} "{_DATE_TIME}" '
            rf"{_ci('RFC822.SIZE')} (\d{{1,18}}) {_ci('ENVELOPE')} {_envelope(q, q_cap)} "
            rf"{_ci('BODYSTRUCTURE')} ({_body_valid(body_q, body_word)})\)")


def _ci(word: str) -> str:
    """``word`` in any case; in capitals (as servers send it) matched
    faster than a case-insensitive comparison of each character."""
    word = re.escape(word)
    return rf"(?:{word}|(?i:{word}))"


ADDRESS_RE = re.compile(_address(_Q_CAP))
_ADDRESS_TEXT_RE = re.compile(_address(_Q))
_PLAIN_ADDRESS_TEXT_RE = re.compile(_address(_PLAIN_Q))
ENVELOPE_RE = _on_first_use("ENVELOPE_RE", _envelope(_Q, _Q_CAP))
STRING_IN_RE = re.compile(_Q_CAP)

BODY_1PART_RE = _on_first_use("BODY_1PART_RE", _body_1part(_Q, _Q_CAP, _WORD_CAP))
# The same, for parts of text that holds no backslash, CR or LF (body_text).
_PLAIN_1PART_RE = _on_first_use("_PLAIN_1PART_RE", _body_1part(_PLAIN_Q, _PLAIN_Q_CAP, _PLAIN_Q_CAP))
MPART_TAIL_RE = _on_first_use(
    "MPART_TAIL_RE", rf"{_WORD_CAP}{_ext_mpart(_Q, _Q_CAP, True)}\)")
BODY_V_RE = _on_first_use("BODY_V_RE", _body_valid(_Q, r'"[^"\\\r\n]*+"'))

# One of the common simple msg-att items, with the space before it (none
# needed, some tolerated, right after the list's "(", as the grammar's
# reader tolerates).
#   groups: 1 UID/RFC822.SIZE name, 2 its number, 3 FLAGS content,
#   4 INTERNALDATE text, 5 ENVELOPE/BODYSTRUCTURE/BODY before "(".
SIMPLE_ITEMS = re.compile(
    r"(?:(?<=\() *| +)(?:"
    r"((?i:UID|RFC822\.SIZE)) (\d{1,18})(?=[ )])"
    r'|(?i:FLAGS) \(([^()"{\r\n]*)\)'
    r'|(?i:INTERNALDATE) "( ?\d{1,2}-[A-Za-z]{3}-\d{4} \d\d:\d\d:\d\d [+-]\d{4})"'
    r"|((?i:ENVELOPE|BODYSTRUCTURE|BODY)) (?=\()"
    r")"
)

# The whole msg-att of a message-list FETCH (see _listing); the second
# for text holding no backslash, CR or LF past the flags (listing_match).
LISTING_ITEMS_RE = _on_first_use(
    "LISTING_ITEMS_RE", _listing(_Q, _Q_CAP, _Q, r'"[^"\\\r\n]*+"'))
_PLAIN_LISTING_RE = _on_first_use(
    "_PLAIN_LISTING_RE", _listing(_PLAIN_Q, _PLAIN_Q_CAP, _PLAIN_Q, _PLAIN_Q))
_PLAIN_BODY_LISTING_RE = _on_first_use(
    "_PLAIN_BODY_LISTING_RE", _listing(_Q, _Q_CAP, _PLAIN_Q, _PLAIN_Q))
LISTING_ENVELOPE_GROUP = 9
LISTING_BODY_GROUP = 20

_DATE_TIME_RE = re.compile(_DATE_TIME)
_MONTHS = {
    m: f"{i:02d}"
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_MONTHS.update({k.title(): v for k, v in list(_MONTHS.items())})
_DAYS = {f"{i}": f"{i:02d}" for i in range(10)} | {f"{i:02d}": f"{i:02d}" for i in range(100)}


def date_time(text: str) -> InternalDate | None:
    """date-time = date-day-fixed "-" date-month "-" date-year SP time SP zone
    (the text between the quotes); None when it is not a valid date."""
    m = _DATE_TIME_RE.fullmatch(text)
    if m is None:
        return None
    return _internal_date(*m.groups())


def _internal_date(day: str, mon: str, year: str, hms: str, zh: str, zm: str) -> InternalDate | None:
    """The date-time matched by _DATE_TIME; None when it is not a valid date."""
    month = _MONTHS.get(mon) or _MONTHS.get(mon.upper())
    day_fixed = _DAYS.get(day)  # None for digits other than ASCII ones, which fromisoformat refuses too
    if month is None or day_fixed is None:
        return None
    try:
        return InternalDate.fromisoformat(f"{year}-{month}-{day_fixed}T{hms}{zh}:{zm}")
    except ValueError:
        return None


def _fix(text: str | None) -> Any:
    if text is None:
        return None
    return fix_8bit(unescape(text))


_ADDRESS_CACHE: dict[str, Address] = {}


def address(text: str) -> Address:
    """The address ``"(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"``
    given as its text (matched by ENVELOPE_RE: no literals); memoised
    (the same correspondents recur), so values are shared."""
    found = _ADDRESS_CACHE.get(text)
    if found is None:
        m = ADDRESS_RE.match(text)
        if m is None:
            raise ValueError(f"not an address: {text[:80]!r}")
        if "\\" in text or not text.isascii():  # escapes, or 8-bit junk to fix
            found = Address(*map(_fix, m.groups()))
        else:
            found = Address(*m.groups())
        remember(_ADDRESS_CACHE, text, found)
    return found


def address_texts(key: str) -> list[str]:
    """The text of each address of ``"(" 1*address ")"`` given as its text
    (matched by ENVELOPE_RE, or an :func:`address_list_key`)."""
    if "\\" in key or "\r" in key or "\n" in key:
        return _ADDRESS_TEXT_RE.findall(key)
    return _PLAIN_ADDRESS_TEXT_RE.findall(key)


def address_list(key: str) -> list[Address]:
    """The addresses of ``"(" 1*address ")"`` given as its text (matched
    by ENVELOPE_RE, so well-formed and without literals)."""
    return [address(text) for text in _ADDRESS_TEXT_RE.findall(key)]


def _envelope_field(m: re.Match[str], base: int, index: int, plain: bool) -> Any:
    """Field ``index`` (0 date ... 9 message-id) of the envelope ENVELOPE_RE
    matched, its groups numbered from ``base`` + 1 in ``m``."""
    text = m.group(base + index + 1)
    if 2 <= index <= 7:  # an address list
        return None if text[0] != "(" else address_list(text)
    if text is None or plain and "\\" not in text:
        return text
    return fix_8bit(unescape(text))


def envelope_values(s: str, pos: int, plain: bool) -> tuple[tuple[Any, ...], int] | None:
    """The fields of the envelope (RFC 9051 §7.5.2) at s[pos], matched in
    one go, and where it ends; None when it has no common shape.
    ``plain``: the response holds no undecodable 8-bit bytes."""
    m = ENVELOPE_RE.match(s, pos)
    if m is None:
        return None
    return tuple([_envelope_field(m, 0, i, plain) for i in range(10)]), m.end()


def envelope(s: str, pos: int, plain: bool) -> tuple[Envelope, int] | None:
    """envelope (RFC 9051 §7.5.2) at s[pos] in one match, or None."""
    found = envelope_values(s, pos, plain)
    if found is None:
        return None
    return Envelope(*found[0]), found[1]


_PARAMS_CACHE: dict[str, dict[str, str]] = {}


def params(text: str) -> dict[str, str] | None:
    """body-fld-param from its text (matched by a body regex): keys upper case."""
    shared = _shared_params(text)
    return None if shared is None else dict(shared)


def _shared_params(text: str) -> Mapping[str, str] | None:
    """:func:`params`, the memoised value itself (not to be changed)."""
    if text[0] != "(":
        return None
    cached = _PARAMS_CACHE.get(text)
    if cached is None:
        items = STRING_IN_RE.findall(text)
        if "\\" in text or not text.isascii():
            items = [_fix(x) for x in items]
        it = iter(items)
        cached = {k.upper(): v for k, v in zip(it, it, strict=False)}
        remember(_PARAMS_CACHE, text, cached)
    return cached


def _disposition(dsp_type: str | None, dsp_params: str | None) -> ContentDisposition | None:
    if dsp_params is None:
        return None
    return ContentDisposition(dsp_type.upper() if dsp_type else "", params(dsp_params))


def _language(s: str, text: str | None) -> list[str] | None:
    if text is None or text[0] in "Nn":
        return None
    return STRING_IN_RE.findall(text)


def body_values(
    s: str, pos: int, depth: int, strings_plain: bool
) -> tuple[type, tuple[Any, ...], int] | None:
    """The type and fields of the body (RFC 9051 §7.5.2) at s[pos], and
    where it ends, when every part has a common shape; else None.
    ``strings_plain``: the response holds no undecodable 8-bit bytes."""
    if depth > MAX_DEPTH:
        return None
    if s.startswith("((", pos):
        parts: list[BodyStructure] = []
        p = pos + 1
        while s.startswith("(", p):
            sub = body_values(s, p, depth + 1, strings_plain)
            if sub is None:
                return None
            parts.append(sub[0](*sub[1]))
            p = sub[2]
            if s.startswith(" (", p):
                p += 1
        if not s.startswith(" ", p):
            return None
        m = MPART_TAIL_RE.match(s, p + 1)
        if m is None or not strings_plain or s.find("\\", p, m.end()) >= 0:
            return None
        subtype, prm, dsp_type, dsp_params, lang, loc = m.groups()
        return BodyTypeMultipart, (
            "MULTIPART", subtype.upper(), parts, params(prm) if prm is not None else None,
            _disposition(dsp_type, dsp_params), _language(s, lang), loc, None,
        ), m.end()
    m = BODY_1PART_RE.match(s, pos)
    if m is None or not strings_plain or s.find("\\", pos, m.end()) >= 0:
        return None
    (media, subtype, prm, cid, desc, enc, size, lines, md5, dsp_type, dsp_params, lang, loc) = m.groups()
    media = media.upper()
    subtype = subtype.upper()
    if media == "TEXT":
        if lines is None:
            return None
        return BodyTypeText, (
            media, subtype, params(prm), cid, desc, enc, int(size), int(lines), md5,
            _disposition(dsp_type, dsp_params), _language(s, lang), loc, None,
        ), m.end()
    if lines is not None or (media == "MESSAGE" and subtype in ("RFC822", "GLOBAL")):
        return None
    return BodyTypeBasic, (
        media, subtype, params(prm), cid, desc, enc, int(size), md5,
        _disposition(dsp_type, dsp_params), _language(s, lang), loc, None,
    ), m.end()


def body(s: str, pos: int, depth: int, strings_plain: bool) -> tuple[BodyStructure, int] | None:
    """body (RFC 9051 §7.5.2) at s[pos] when every part has a common shape, else None."""
    found = body_values(s, pos, depth, strings_plain)
    if found is None:
        return None
    return found[0](*found[1]), found[2]


# --- lazy values: validated now, built on first access ------------------------


class _Lazy:
    """Mixin for a value whose fields are built from ``_lazy_src`` (what
    the parser matched, and whether the response is free of 8-bit junk)
    on first access."""

    __slots__ = ()
    _lazy_src: tuple[Any, ...]
    _lazy_fields: tuple[str, ...] = ()
    _lazy_index: dict[str, int] = {}
    _lazy_base: type = object
    _lazy_setters: tuple[Any, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Take the fields, and their slots' setters, from the dataclass
        this value stands for (the first one in the MRO)."""
        super().__init_subclass__(**kwargs)
        base = next((b for b in cls.__mro__[1:] if "__dataclass_fields__" in b.__dict__), None)
        if base is not None:
            cls._lazy_base = base
            cls._lazy_fields = tuple(vars(base)["__dataclass_fields__"])
            cls._lazy_index = {name: i for i, name in enumerate(cls._lazy_fields)}
            cls._lazy_setters = tuple(base.__dict__[f].__set__ for f in cls._lazy_fields)

    def _lazy_field(self, index: int) -> Any:
        """Build field ``index`` (and maybe others), store and return it."""
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        index = type(self)._lazy_index.get(name)
        if index is None:
            raise AttributeError(name)
        return self._lazy_field(index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self._lazy_base):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._lazy_fields)

    def __repr__(self) -> str:
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._lazy_fields)
        return f"{self._lazy_base.__qualname__}({fields})"

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        """Pickled and copied as the plain type it stands for."""
        return self._lazy_base, tuple(getattr(self, f) for f in self._lazy_fields)

    __hash__ = None  # type: ignore[assignment]


class LazyEnvelope(_Lazy, Envelope):
    """An :class:`Envelope` whose fields are built from the matched
    response text, each when first read (a message list reads the
    subject and two address lists of ten fields)."""

    __slots__ = ("_lazy_src",)  # (match, plain, where its ENVELOPE_RE groups start)

    def _lazy_field(self, index: int) -> Any:
        m, plain, base = self._lazy_src
        value = _envelope_field(m, base, index, plain)
        type(self)._lazy_setters[index](self, value)
        return value


class _LazyBody(_Lazy):
    __slots__ = ()

    def _lazy_field(self, index: int) -> Any:
        text, plain = self._lazy_src
        found = body_values(text, 0, 0, plain)
        assert found is not None
        for setter, value in zip(type(self)._lazy_setters, found[1], strict=True):
            setter(self, value)
        return found[1][index]


class LazyBodyTypeMultipart(_LazyBody, BodyTypeMultipart):
    """A :class:`BodyTypeMultipart` built from its text when first used."""

    __slots__ = ("_lazy_src",)


class LazyBodyTypeText(_LazyBody, BodyTypeText):
    """A :class:`BodyTypeText` built from its text when first used."""

    __slots__ = ("_lazy_src",)


class LazyBodyTypeBasic(_LazyBody, BodyTypeBasic):
    """A :class:`BodyTypeBasic` built from its text when first used."""

    __slots__ = ("_lazy_src",)


_LAZY_BODY: dict[str, type[LazyBodyTypeMultipart | LazyBodyTypeText | LazyBodyTypeBasic]] = {
    "MULTIPART": LazyBodyTypeMultipart, "TEXT": LazyBodyTypeText, "BASIC": LazyBodyTypeBasic}
_KIND = {BodyTypeMultipart: "MULTIPART", BodyTypeText: "TEXT", BodyTypeBasic: "BASIC"}
_new = object.__new__


def lazy_envelope(s: str, pos: int, plain: bool) -> tuple[Envelope, int] | None:
    """Validate the envelope at s[pos] now (one match); build it when used."""
    m = ENVELOPE_RE.match(s, pos)
    if m is None:
        return None
    env = _new(LazyEnvelope)
    env._lazy_src = (m, plain, 0)
    return env, m.end()


def lazy_body(s: str, pos: int, depth: int, plain: bool) -> tuple[BodyStructure, int] | None:
    """Validate the body structure at s[pos] now; build it when used."""
    if not plain or depth + 4 > MAX_DEPTH:
        return None
    # With a backslash anywhere past pos, a match of the whole structure may
    # hold it and would be refused below: matched part by part instead, which
    # refuses as soon as a part holds one, and leaves BODY_V_RE uncompiled
    # (26 ms) where the first such structure comes before any plain one.
    m = BODY_V_RE.match(s, pos) if s.find("\\", pos) < 0 else None
    if m is not None:
        end = m.end()
        if s.startswith("((", pos):
            kind = "MULTIPART"
        else:
            kind = "TEXT" if s[pos + 1 : pos + 7].upper() == '"TEXT"' else "BASIC"
    else:  # nested deeper than BODY_V_RE goes, or escapes past pos: matched part by part
        built = body_values(s, pos, depth, plain)
        if built is None:
            return None
        kind = _KIND[built[0]]
        end = built[2]
    if s.find("\\", pos, end) >= 0:
        return None
    value = _new(_LAZY_BODY[kind])
    value._lazy_src = (s[pos:end], plain)
    return value, end


def listing_match(s: str, pos: int) -> re.Match[str] | None:
    """``LISTING_ITEMS_RE.match(s, pos)``, through a faster pattern where
    the text allows.  The patterns differ only in how they match quoted
    strings, alike in text without backslash, CR or LF; and the items
    before the body structure match in one way only.  So where the text
    past the flags (the first ")" ends them in any text the patterns
    match) holds none of those, the plain pattern gives the same; where
    only the text past the body structure's start holds none, the
    pattern with plain strings in the body structure does."""
    flags_end = s.find(")", pos)
    if flags_end < 0:
        return None
    if _plain_from(s, flags_end):
        return _PLAIN_LISTING_RE.match(s, pos)
    body = s.rfind(" BODYSTRUCTURE (", flags_end) + 15  # where the last item would start
    if body > flags_end + 15 and _plain_from(s, body):
        m = _PLAIN_BODY_LISTING_RE.match(s, pos)
        if m is not None and m.start(LISTING_BODY_GROUP) == body:
            return m
    return LISTING_ITEMS_RE.match(s, pos)


def listing_body_escaped(s: str, pos: int) -> bool:
    """Whether the text from the last ``" BODYSTRUCTURE ("`` past ``pos``
    holds a backslash.  The body structure is the listing's last item, so
    any match of the listing patterns at ``pos`` would then hold it in its
    body structure (or be followed by it, which :meth:`listing_response`
    refuses), and :func:`listing_attr` would refuse the match: the caller
    need not try (nor compile) the patterns."""
    body = s.rfind(" BODYSTRUCTURE (", pos)
    return body >= 0 and s.find("\\", body + 15) >= 0


def _plain_from(s: str, pos: int) -> bool:
    """s[pos:] holds no backslash, CR or LF."""
    return s.find("\\", pos) < 0 and s.find("\r", pos) < 0 and s.find("\n", pos) < 0


def listing_attr(m: re.Match[str]) -> dict[str, Any] | None:
    """The msg-att LISTING_ITEMS_RE matched in a response free of 8-bit
    junk, as :meth:`FetchParser.fetch_data` would give it item by item;
    None when it would not take the fast path for every item."""
    uid, flags, day, mon, year, hms, zh, zm, size = m.group(1, 2, 3, 4, 5, 6, 7, 8, 9)
    date = _internal_date(day, mon, year, hms, zh, zm)
    if date is None:
        return None
    s = m.string
    start, end = m.span(LISTING_BODY_GROUP)
    if s.find("\\", start, end) >= 0:
        return None
    env = _new(LazyEnvelope)
    env._lazy_src = (m, True, LISTING_ENVELOPE_GROUP)
    if s.startswith("((", start):
        body: Any = _new(LazyBodyTypeMultipart)
    elif s.startswith('"TEXT"', start + 1) or s[start + 1 : start + 7].upper() == '"TEXT"':
        body = _new(LazyBodyTypeText)
    else:
        body = _new(LazyBodyTypeBasic)
    body._lazy_src = (s[start:end], True)
    return {"UID": int(uid), "FLAGS": flags.split(), "INTERNALDATE": date,
            "RFC822.SIZE": int(size), "ENVELOPE": env, "BODYSTRUCTURE": body}


# --- cheap reads of lazy values, for callers that need a few fields ---------


def address_list_key(envelope: object, field: str) -> str | None:
    """For an envelope built on first use: the text of its address list
    ``field`` (``"from_"``, ``"sender"``, ``"to"``...) as sent, ``NIL`` or
    ``"(" 1*address ")"``, which alone determines the field's value; a
    caller can memoise what it derives from a list by this key without
    building the list.  None for any other envelope."""
    if type(envelope) is not LazyEnvelope:
        return None
    try:
        m, _, base = envelope._lazy_src
    except AttributeError:  # built by the dataclass constructor (copy.replace)
        return None
    text: str = m.group(base + _ENVELOPE_GROUPS[field])
    return text


_ENVELOPE_GROUPS = {name: i + 1 for i, name in enumerate(LazyEnvelope._lazy_fields) if 2 <= i <= 7}


def envelope_field(envelope: Envelope, field: str) -> Any:
    """``getattr(envelope, field)``; for an envelope built on first use,
    read from its text without the cost of a missing attribute, and
    without building or storing the field."""
    if type(envelope) is LazyEnvelope:
        try:
            m, plain, base = envelope._lazy_src
        except AttributeError:  # built by the dataclass constructor
            pass
        else:
            return _envelope_field(m, base, LazyEnvelope._lazy_index[field], plain)
    return getattr(envelope, field)


def envelope_texts(envelope: object) -> tuple[str | None, str | None, str, str, str] | None:
    """For an envelope built on first use: its date and subject, as
    :func:`envelope_field` reads them, and the texts of its From, Sender
    and To lists, as :func:`address_list_key` gives them (what a message
    list shows, read in one go); None for any other envelope."""
    if type(envelope) is not LazyEnvelope:
        return None
    try:
        m, plain, base = envelope._lazy_src
    except AttributeError:  # built by the dataclass constructor (copy.replace)
        return None
    date, subject, from_, sender, to = m.group(base + 1, base + 2, base + 3, base + 4, base + 6)
    if date is not None and (not plain or "\\" in date):
        date = fix_8bit(unescape(date))
    if subject is not None and (not plain or "\\" in subject):
        subject = fix_8bit(unescape(subject))
    return date, subject, from_, sender, to


def body_text(body: object) -> str | None:
    """For a body structure built on first use: its text as sent (only
    quoted strings and NIL: no literals, no escapes, no message/rfc822
    part); None for any other value."""
    if not isinstance(body, _LazyBody):
        return None
    try:
        text: str = body._lazy_src[0]
    except AttributeError:  # built by the dataclass constructor
        return None
    return text


SinglePart = tuple[str, str, "Mapping[str, str] | None", "tuple[str, Mapping[str, str] | None] | None"]
"""media type, subtype, parameters, and disposition (type, parameters) or
None; the parameters are shared between parts (memoised), not to be changed."""

# In the text of a validated body structure without escapes, a quote opens
# or closes a quoted string, so an even number of quotes before a position
# means it is outside strings.  There, a single part starts with "(", two
# strings, and NIL or "(" (its parameters); no multipart, parameter list,
# disposition or language list does.  _PART_SCAN skips to the next part
# (taking strings whole, so it never starts inside one).
_AFTER_PART_PAREN = r'"[^"]*+" "[^"]*+" (?:[Nn][Ii][Ll]|\()'
_PART_START_RE = re.compile(rf"\({_AFTER_PART_PAREN}")
_PART_SCAN = re.compile(rf'(?:[^"(]++|"[^"]*+"|\((?!{_AFTER_PART_PAREN}))*+(?=\({_AFTER_PART_PAREN})')


def single_parts(
    text: str, mentioning: tuple[str, ...] = (), *, upper: str | None = None
) -> Iterator[SinglePart]:
    """The non-multipart parts of a body structure :func:`body_text` gave,
    depth first, as their built types would hold them (upper-case media
    type, subtype, parameter keys and disposition type), read one at a
    time without building them.  ``mentioning``: only the parts whose
    upper-cased text holds one of these words; the others are not read
    (each word found is traced back to the part holding it, if any).
    ``upper``: ``text.upper()``, when the caller has it already."""
    if not mentioning:
        upper = ""
    elif upper is None:
        upper = text.upper()
    if len(upper) != len(text):  # every part (or case mapping moved positions)
        p = 0
        while (skip := _PART_SCAN.match(text, p)) is not None:
            m = _single_part(text, skip.end())
            p = m.end()
            if not mentioning or any(word in m.group().upper() for word in mentioning):
                yield _part_fields(m)
        return
    floor, floor_quotes = 0, 0  # parts starting before floor are done; quotes before it
    next_at = {word: upper.find(word) for word in mentioning}  # each word's next place
    x = _next_word(upper, next_at, 0)
    while x >= 0:
        # The last part starting in text[floor:x], walking back over "(".
        x_quotes = floor_quotes + text.count('"', floor, x)
        quotes, after = x_quotes, x
        start = text.rfind("(", floor, x)
        while start >= 0:
            quotes -= text.count('"', start, after)
            if not quotes & 1 and _PART_START_RE.match(text, start):
                break
            after = start
            start = text.rfind("(", floor, start)
        part = _single_part(text, start) if start >= 0 else None
        if part is not None and x < part.end():
            floor, floor_quotes = part.end(), quotes + text.count('"', start, part.end())
            yield _part_fields(part)
        else:  # x is in a multipart's own text, after every part before it
            floor, floor_quotes = x, x_quotes
        x = _next_word(upper, next_at, max(floor, x + 1))


def _next_word(text: str, next_at: dict[str, int], pos: int) -> int:
    """Where the first word occurs in text[pos:], or -1; ``next_at`` holds
    where each word was last found, so each is searched for forward only."""
    first = -1
    for word, at in next_at.items():
        if 0 <= at < pos:
            next_at[word] = at = text.find(word, pos)
        if at >= 0 and (first < 0 or at < first):
            first = at
    return first


def _single_part(text: str, start: int) -> re.Match[str]:
    plain = "\\" not in text and "\r" not in text and "\n" not in text  # always, from body_text()
    m = (_PLAIN_1PART_RE if plain else BODY_1PART_RE).match(text, start)
    if m is None:  # not text from body_text()
        raise ValueError("not a body structure of the common shape")
    return m


def _part_fields(m: re.Match[str]) -> SinglePart:
    media, subtype, prm, dsp_type, dsp_params = m.group(1, 2, 3, 10, 11)
    return (
        media.upper(), subtype.upper(), _shared_params(prm),
        None if dsp_params is None else (dsp_type.upper() if dsp_type else "", _shared_params(dsp_params)),
    )
