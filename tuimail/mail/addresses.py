"""Addresses for display: envelope address lists and header address fields.

Envelope addresses (RFC 9051 §9 ``address``) keep RFC 2047 encoded-words
in their display names; they are decoded here and the result sanitised.
Group syntax (RFC 5322 §3.4) arrives in envelopes as a start marker
(``host is None``) and an end marker (``mailbox is None``); groups are
shown as ``name: members;``, an empty group as ``name:;``.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterable, Sequence

from tuimail.imap.types import Address

from .headers import decode_text
from .sanitize import sanitize

__all__ = [
    "address_display",
    "address_email",
    "format_address_list",
    "format_header_addresses",
]


def address_email(addr: Address) -> str:
    """``mailbox@host`` (or what exists of it), sanitised; "" for markers."""
    mailbox = addr.mailbox or ""
    host = addr.host or ""
    if not mailbox and not host:
        return ""
    return sanitize(decode_text(f"{mailbox}@{host}" if host else mailbox))


def address_display(addr: Address) -> str:
    """The display name if there is one, else the address; sanitised."""
    name = sanitize(decode_text(addr.name)).strip() if addr.name else ""
    if name:
        return name
    return address_email(addr)


def _full(addr: Address) -> str:
    name = sanitize(decode_text(addr.name)).strip() if addr.name else ""
    email_ = address_email(addr)
    if name and email_:
        return f"{name} <{email_}>"
    return name or email_


def format_address_list(addrs: Sequence[Address] | None, *, names_only: bool = False) -> str:
    """A comma-separated, sanitised list for display.

    ``names_only`` shows display names (falling back to addresses), for
    list columns; otherwise ``Name <addr>``.
    """
    if not addrs:
        return ""
    parts: list[str] = []
    group: list[str] | None = None
    group_name = ""
    for addr in addrs:
        if addr.host is None and addr.mailbox is not None:  # group start
            group_name = sanitize(decode_text(addr.mailbox))
            group = []
            continue
        if addr.host is None and addr.mailbox is None:  # group end
            if group is not None:
                members = ", ".join(group)
                parts.append(f"{group_name}: {members};" if members else f"{group_name}:;")
            group = None
            continue
        text = address_display(addr) if names_only else _full(addr)
        if group is not None:
            group.append(text)
        else:
            parts.append(text)
    if group is not None:  # unterminated group
        parts.append(f"{group_name}: {', '.join(group)};")
    return ", ".join(p for p in parts if p)


def format_header_addresses(values: Iterable[str]) -> str:
    """Decode and sanitise address header values (From, To, Cc) for display.

    Parsed with :func:`email.utils.getaddresses`; a value that does not
    parse is shown decoded as it is.  Never raises.
    """
    raw_values = [str(v) for v in values if v is not None]
    if not raw_values:
        return ""
    try:
        pairs = email.utils.getaddresses(raw_values)
    except Exception:
        pairs = []
    parts: list[str] = []
    for name, addr in pairs:
        name = sanitize(decode_text(name)).strip()
        addr = sanitize(addr).strip()
        if name and addr:
            parts.append(f"{name} <{addr}>")
        elif name or addr:
            parts.append(name or addr)
    if not parts:
        return sanitize(decode_text(", ".join(raw_values))).strip()
    return ", ".join(parts)
