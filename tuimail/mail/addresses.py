"""Addresses for display: envelope address lists and header address fields.

Envelope addresses (RFC 9051 §9 ``address``) keep RFC 2047 encoded-words
in their display names; they are decoded here and the result sanitised.
Group syntax (RFC 5322 §3.4) arrives in envelopes as a start marker
(``host is None``) and an end marker (``mailbox is None``); groups are
shown as ``name: members;``, an empty group as ``name:;``.

Header fields (From, To, Cc) are split by :func:`format_header_addresses`,
a single lenient pass over RFC 5322 §3.4 ``address-list`` (quoted strings,
nested comments, angle addresses, groups) that reads at most
:data:`MAX_ADDRESS_FIELD_CHARS` characters and shows at most
:data:`MAX_ADDRESSES` addresses: bounded whatever the field holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tuimail.imap.types import Address

from .headers import MAX_DISPLAY_CHARS, cut_text, display_text
from .sanitize import sanitize

__all__ = [
    "MAX_ADDRESSES",
    "MAX_ADDRESS_FIELD_CHARS",
    "address_display",
    "address_email",
    "format_address_list",
    "format_header_addresses",
]

#: At most this many addresses of one field or list are shown, then "…".
MAX_ADDRESSES = 100
#: At most this many characters of one address field are read.
MAX_ADDRESS_FIELD_CHARS = 64 * 1024
#: A display name or address shown is cut to this many characters.
_MAX_PART_CHARS = 256
_MORE = "…"


def address_email(addr: Address) -> str:
    """``mailbox@host`` (or what exists of it), sanitised; "" for markers."""
    mailbox = addr.mailbox or ""
    host = addr.host or ""
    if not mailbox and not host:
        return ""
    return display_text(f"{mailbox}@{host}" if host else mailbox)


def address_display(addr: Address) -> str:
    """The display name if there is one, else the address; sanitised."""
    name = display_text(addr.name) if addr.name else ""
    if name:
        return name
    return address_email(addr)


def _full(addr: Address) -> str:
    name = display_text(addr.name) if addr.name else ""
    email_ = address_email(addr)
    if name and email_:
        return f"{name} <{email_}>"
    return name or email_


def format_address_list(addrs: Sequence[Address] | None, *, names_only: bool = False) -> str:
    """A comma-separated, sanitised list for display (at most
    :data:`MAX_ADDRESSES` addresses, then ``…``).

    ``names_only`` shows display names (falling back to addresses), for
    list columns; otherwise ``Name <addr>``.
    """
    if not addrs:
        return ""
    parts: list[str] = []
    group: list[str] | None = None
    group_name = ""
    shown = 0
    for addr in addrs:
        if addr.host is None and addr.mailbox is not None:  # group start
            group_name = display_text(addr.mailbox)
            group = []
            continue
        if addr.host is None and addr.mailbox is None:  # group end
            if group is not None:
                members = ", ".join(group)
                parts.append(f"{group_name}: {members};" if members else f"{group_name}:;")
            group = None
            continue
        if shown >= MAX_ADDRESSES:
            group = None
            parts.append(_MORE)
            break
        shown += 1
        text = address_display(addr) if names_only else _full(addr)
        if group is not None:
            group.append(text)
        else:
            parts.append(text)
    if group is not None:  # unterminated group
        parts.append(f"{group_name}: {', '.join(group)};")
    return ", ".join(p for p in parts if p)


# --- header fields (RFC 5322 §3.4) ------------------------------------------------------

_PLAIN = re.compile(r'[^"()<>,:;\\]+')
_QUOTED = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"?', re.DOTALL)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
_COMMENT_TEXT = re.compile(r"[^()\\]+")


def _comment(text: str, i: int) -> tuple[str, int]:
    """The text of the (nested) comment starting at ``text[i] == "("`` and
    the index after it; no recursion, so any depth is fine."""
    depth = 0
    out: list[str] = []
    n = len(text)
    while i < n:
        c = text[i]
        if c == "(":
            depth += 1
            if depth > 1:
                out.append(c)
            i += 1
        elif c == ")":
            depth -= 1
            i += 1
            if depth == 0:
                break
            out.append(c)
        elif c == "\\":
            out.append(text[i + 1 : i + 2])
            i += 2
        else:
            m = _COMMENT_TEXT.match(text, i)
            assert m is not None
            out.append(m.group())
            i = m.end()
    return "".join(out), i


def _mailbox(words: list[str], comments: list[str], angle: str | None) -> str:
    """``Name <addr>`` (or what there is of it), decoded and sanitised."""
    phrase = " ".join("".join(words).split())
    if angle is not None:
        name, addr = phrase or " ".join(comments), angle
        if addr.startswith("@") and ":" in addr:  # obsolete route (RFC 5322 §4.4)
            addr = addr.split(":", 1)[1]
    elif "@" in phrase or comments:
        name, addr = " ".join(comments), phrase
    else:  # no address at all: a name (or "undisclosed recipients")
        name, addr = phrase, ""
    name = display_text(name, limit=_MAX_PART_CHARS)
    addr = cut_text(sanitize(addr[: _MAX_PART_CHARS * 4]).strip(), _MAX_PART_CHARS)
    if name and addr:
        return f"{name} <{addr}>"
    return name or addr


def _address_list(text: str) -> tuple[list[str], bool]:
    """The entries of an address list (mailboxes and groups, formatted) and
    whether some were left out (more than :data:`MAX_ADDRESSES`)."""
    entries: list[str] = []
    words: list[str] = []
    comments: list[str] = []
    angle: str | None = None
    group_name: str | None = None
    members: list[str] = []
    count = 0
    begin = 0  # where the current mailbox starts in text
    odd = False  # it is not a mailbox: shown as written

    def end_mailbox() -> None:
        nonlocal words, comments, angle, count, odd
        if words or comments or angle is not None:
            if odd:
                entry = display_text(" ".join(text[begin:i].split()), limit=_MAX_PART_CHARS)
            else:
                entry = _mailbox(words, comments, angle)
            if entry:
                (members if group_name is not None else entries).append(entry)
                count += 1
        words, comments, angle, odd = [], [], None, False

    def end_group() -> None:
        nonlocal group_name, members
        if group_name is not None:
            joined = ", ".join(members)
            entries.append(f"{group_name}: {joined};" if joined else f"{group_name}:;")
        group_name, members = None, []

    i, n = 0, len(text)
    while i < n:
        if count >= MAX_ADDRESSES:
            end_group()
            return entries, bool(text[i:].strip(" \t,;"))
        c = text[i]
        if c == '"':
            m = _QUOTED.match(text, i)
            assert m is not None
            words.append(_QUOTED_PAIR.sub(r"\1", m.group(1)))
            i = m.end()
        elif c == "(":
            comment, i = _comment(text, i)
            comments.append(comment)
        elif c == "<":
            close = text.find(">", i + 1)
            close = n if close < 0 else close
            odd |= angle is not None or "<" in text[i + 1 : close]
            angle = text[i + 1 : close]
            i = close + 1
        elif c == ",":
            end_mailbox()
            i += 1
            begin = i
        elif c == ":" and group_name is None and angle is None:
            group_name = display_text(" ".join("".join(words).split()), limit=_MAX_PART_CHARS)
            words, comments = [], []
            i += 1
            begin = i
        elif c == ";":
            end_mailbox()
            end_group()
            i += 1
            begin = i
        elif c == "\\":
            words.append(text[i + 1 : i + 2])
            i += 2
        elif c in ":>)":
            words.append(c)
            odd = True
            i += 1
        else:
            m = _PLAIN.match(text, i)
            assert m is not None
            words.append(m.group())
            i = m.end()
    end_mailbox()
    if group_name is not None:  # unterminated group
        end_group()
    return entries, False


def format_header_addresses(values: Iterable[str], *, cut: bool = False) -> str:
    """Decode and sanitise address header values (From, To, Cc) for display.

    Parsed leniently (see the module docstring); at most
    :data:`MAX_ADDRESSES` addresses are shown, then ``…``.  ``cut`` says the
    values were already cut short: the last, perhaps partial, address is
    then left out.  A value that yields no address is shown decoded as it
    is.  Never raises.
    """
    raw_values = [str(v) for v in values if v is not None]
    if not raw_values:
        return ""
    text = ", ".join(raw_values)
    if len(text) > MAX_ADDRESS_FIELD_CHARS:
        text, cut = text[:MAX_ADDRESS_FIELD_CHARS], True
    entries, more = _address_list(text)
    if cut and not more and len(entries) > 1:
        entries.pop()  # it ran to the cut: perhaps partial
    if not entries:
        return display_text(text, cut=cut)
    if more or cut:
        entries.append(_MORE)
    return cut_text(", ".join(entries), MAX_DISPLAY_CHARS * 2)
