"""How a :class:`MessageSummary` is stored in a header-cache row, and read back.

A row keeps the summary's ``uid``, ``flags`` and ``size`` in columns of
their own (``set_flags`` rewrites the flags alone) and every other field in
``summary``: a JSON array whose positions are named by the row's *layout*,
a list of field names stored once in the ``row_layout`` table.  Rows are
written with the layout of the running :class:`MessageSummary`; when that
class gains a field, new rows get a new layout and old rows still read:

- a field the row lacks takes the dataclass default; a row that lacks a
  field with no default cannot be read and counts as not cached;
- a field the row has and the class no longer has is ignored.

Values in the array are JSON, with three tagged forms (``ROW_FORMAT`` 1):
``{"d": [local ISO 8601 time, UTC offset in microseconds or null]}`` for a
datetime (any offset kept exactly, even one that ISO 8601 cannot write), ``{"s": [...]}``
for a frozenset and ``{"t": [...]}`` for a tuple.

The file is not trusted on the way back: every value is checked against
the dataclass field's type, rows over :data:`MAX_ROW_BYTES` are refused,
and anything that does not fit makes the row a miss, never an error.  The
text was sanitised when the summary was built; the UI sanitises again.
"""

from __future__ import annotations

import dataclasses
import json
import operator
import types
import typing
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from tuimail.mail.summary import MessageSummary

__all__ = ["MAX_FLAGS_BYTES", "MAX_ROW_BYTES", "ROW_FORMAT", "EncodedRow", "RowCodec"]

#: Version of the value encoding inside ``summary`` (the tagged forms above).
ROW_FORMAT = 1
#: A summary larger than this is not cached (and not read back from a file).
MAX_ROW_BYTES = 64 * 1024
#: The same bound for the flags column.
MAX_FLAGS_BYTES = 16 * 1024
#: Fields kept in columns of their own rather than in ``summary``.
COLUMN_FIELDS = ("uid", "flags", "size")
#: UIDs are 32-bit non-zero numbers (RFC 9051 §2.3.1.1).
MAX_UID = 2**32 - 1


class _Unstorable(Exception):
    """A value of a type the row format has no form for."""


class EncodedRow(NamedTuple):
    """One summary as the ``message`` table stores it.  A tuple of plain
    values, which the garbage collector stops tracking: a sync encoding
    100,000 rows adds no work to the collections that pause the UI."""

    uid: int
    flags: bytes
    size: int
    summary: bytes


def encode_flags(flags: Iterable[str]) -> bytes:
    """The flags column: a sorted JSON list of the flag names."""
    text = json.dumps(sorted({str(f) for f in flags}), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


def _encode_value(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime):
        offset = value.utcoffset()
        micros = None if offset is None else offset // timedelta(microseconds=1)
        return {"d": [value.replace(tzinfo=None).isoformat(), micros]}
    if isinstance(value, frozenset | set):
        return {"s": sorted((_encode_value(v) for v in value), key=repr)}
    if isinstance(value, tuple | list):
        return {"t": [_encode_value(v) for v in value]}
    raise _Unstorable(type(value).__name__)


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError("unknown tagged value")
        ((tag, inner),) = value.items()
        if tag == "d" and isinstance(inner, list) and len(inner) == 2 and isinstance(inner[0], str):
            local, micros = inner
            when = datetime.fromisoformat(local)
            if micros is None:
                return when
            if not isinstance(micros, int) or isinstance(micros, bool):
                raise ValueError("bad UTC offset")
            return when.replace(tzinfo=timezone(timedelta(microseconds=micros)))
        if tag == "s" and isinstance(inner, list):
            return frozenset(_decode_value(v) for v in inner)
        if tag == "t" and isinstance(inner, list):
            return tuple(_decode_value(v) for v in inner)
        raise ValueError("unknown tagged value")
    if isinstance(value, list):
        raise ValueError("untagged list")
    return value


_Check = Callable[[Any], bool]


def _checker(hint: Any) -> _Check:
    """A test that a value read back is of the annotated type (the types a summary uses)."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        checks = [_checker(arg) for arg in typing.get_args(hint)]
        return lambda v: any(check(v) for check in checks)
    if hint is type(None) or hint is None:
        return lambda v: v is None
    if hint is typing.Any:
        return lambda v: True
    if hint is bool:
        return lambda v: v is True or v is False
    if hint is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if hint is float:
        return lambda v: isinstance(v, int | float) and not isinstance(v, bool)
    if origin in (frozenset, set, tuple, list):
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        item = _checker(args[0]) if args else (lambda v: True)
        return lambda v: isinstance(v, origin) and all(item(x) for x in v)
    if isinstance(hint, type):
        return lambda v: isinstance(v, hint)
    return lambda v: False


def _is_plain(hint: Any) -> bool:
    """Whether values of this type are stored as they are (no tagged form)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return all(_is_plain(arg) for arg in typing.get_args(hint))
    return hint in (str, int, bool, float, type(None), None)


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
#: Encoded flag sets seen lately (a mailbox has few distinct ones).
_FLAGS_MEMO_SIZE = 4096


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """How to read rows of one layout: per position, the field name (None: a
    field this class no longer has), whether it has a tagged form, and its check."""

    names: tuple[str | None, ...]
    tagged: tuple[bool, ...]
    checks: tuple[_Check, ...]


class RowCodec:
    """Turns summaries into rows and rows (of any known layout) into summaries.

    ``fields`` is the layout this process writes.  ``layouts`` maps the
    ``row_layout`` ids of the open file to their field lists; the cache
    fills it from the file.
    """

    def __init__(self) -> None:
        all_fields = dataclasses.fields(MessageSummary)
        hints: dict[str, Any] = typing.get_type_hints(MessageSummary)
        self.fields: tuple[str, ...] = tuple(f.name for f in all_fields if f.name not in COLUMN_FIELDS)
        self.fields_text = json.dumps(list(self.fields), separators=(",", ":"))
        self._required = {
            f.name
            for f in all_fields
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        self._stored = {name: hints.get(name, typing.Any) for name in self.fields}
        self._get_values = operator.attrgetter(*self.fields)
        self._tagged_positions = [
            i for i, name in enumerate(self.fields) if not _is_plain(self._stored[name])
        ]
        self._check_uid = _checker(hints["uid"])
        self._check_size = _checker(hints["size"])
        self._check_flags = _checker(hints["flags"])
        self._flags_memo: dict[frozenset[str], bytes] = {}
        self.layouts: dict[int, tuple[str, ...]] = {}
        self._plans: dict[int, _Plan] = {}

    def add_layout(self, layout_id: int, row_format: object, fields_text: object) -> bool:
        """Learn one ``row_layout`` entry; False (and left out) when rows of
        that layout cannot be read: another value format, or a field with no
        default missing."""
        if row_format != ROW_FORMAT or not isinstance(fields_text, str):
            return False
        try:
            names = json.loads(fields_text)
        except (ValueError, RecursionError):
            return False
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return False
        if not self._required <= {*names, *COLUMN_FIELDS}:
            return False
        self.layouts[layout_id] = tuple(names)
        known = [name if name in self._stored else None for name in names]
        self._plans[layout_id] = _Plan(
            names=tuple(known),
            tagged=tuple(name is not None and not _is_plain(self._stored[name]) for name in known),
            checks=tuple(_checker(self._stored[name]) if name else (lambda v: True) for name in known),
        )
        return True

    def forget_layouts(self) -> None:
        """The file was replaced: its layout ids mean nothing any more."""
        self.layouts.clear()
        self._plans.clear()

    def _flags(self, flags: frozenset[str]) -> bytes:
        encoded = self._flags_memo.get(flags)
        if encoded is None:
            encoded = encode_flags(flags)
            if len(self._flags_memo) >= _FLAGS_MEMO_SIZE:
                self._flags_memo.clear()
            self._flags_memo[flags] = encoded
        return encoded

    def encode(self, summary: MessageSummary) -> EncodedRow | None:
        """The row for ``summary``, or None when it cannot be cached (a UID out
        of range, a value of an unknown type, a row over :data:`MAX_ROW_BYTES`)."""
        uid = summary.uid
        if not isinstance(uid, int) or not 0 < uid <= MAX_UID:
            return None
        got = self._get_values(summary)
        values: list[Any] = list(got) if len(self.fields) > 1 else [got]
        try:
            for i in self._tagged_positions:
                values[i] = _encode_value(values[i])
            flags = self._flags(summary.flags)
            data = _JSON.encode(values).encode("utf-8", "surrogatepass")
        except (_Unstorable, TypeError, ValueError):
            return None
        size = summary.size if isinstance(summary.size, int) and 0 <= summary.size < 2**63 else 0
        if len(data) > MAX_ROW_BYTES or len(flags) > MAX_FLAGS_BYTES:
            return None
        return EncodedRow(uid, flags, size, data)

    def decode(self, uid: Any, flags: Any, size: Any, layout: Any, summary: Any) -> MessageSummary | None:
        """The summary of one stored row, or None when the row does not fit."""
        plan = self._plans.get(layout) if isinstance(layout, int) else None
        if plan is None or not isinstance(summary, bytes) or not isinstance(flags, bytes):
            return None
        if not (self._check_uid(uid) and 0 < uid <= MAX_UID and self._check_size(size)):
            return None
        try:
            values = json.loads(summary.decode("utf-8", "surrogatepass"))
            flag_list = json.loads(flags.decode("utf-8", "surrogatepass"))
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return None
        if not isinstance(values, list) or len(values) != len(plan.names) or not isinstance(flag_list, list):
            return None
        kwargs: dict[str, Any] = {"uid": uid, "size": size}
        try:
            kwargs["flags"] = frozenset(flag_list)
            for name, tagged, check, value in zip(plan.names, plan.tagged, plan.checks, values, strict=True):
                if name is None:
                    continue
                if tagged:
                    value = _decode_value(value)
                if not check(value):
                    return None
                kwargs[name] = value
            if not self._check_flags(kwargs["flags"]):
                return None
            return MessageSummary(**kwargs)
        except (ValueError, TypeError, RecursionError):
            return None
