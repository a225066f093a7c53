"""FETCH response data: msg-att, envelope, body structure (RFC 9051 §7.5.2).

The recursive-descent half of FETCH parsing: one method per ABNF rule,
handling literals, escapes, extension data and server quirks.  The common
shapes first go through :mod:`tuimail.imap.fetch_fast` (whole structures
matched by one regular expression each, envelopes and body structures
built on first use); anything it declines is parsed here, with the same
result.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import fetch_fast as fast
from .errors import ParseError
from .scanner import Scanner, fix_8bit
from .types import (
    Address,
    BodyStructure,
    BodyTypeBasic,
    BodyTypeMessage,
    BodyTypeMultipart,
    BodyTypeText,
    ContentDisposition,
    Envelope,
    FetchData,
    InternalDate,
)

if TYPE_CHECKING:
    from .extension_types import ExtensionData

__all__ = ["FetchParser"]

# msg-att names: BODY[...]<n>, BINARY.SIZE[...], plain names.
_ITEM_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9.\-]*)(\[)?")
_SECTION_RE = re.compile(r'\[((?:[^\]"]|"[^"\\]*(?:\\.[^"\\]*)*")*)\](?:<(\d+)>)?')
_QUOTED_FIELD_RE = re.compile(r'"([!#-\'*+\-.0-9A-Z^_`a-z|~]+)"')
_FLAGS_RE = re.compile(r"\(([^()\"{\r\n]*)\)")
_DATE_TIME_RE = re.compile(r'"([^"\r\n]{0,40})"')
_OBJECTID_RE = re.compile(r"\(([A-Za-z0-9_\-]+)\)")


class FetchParser(Scanner):
    """The FETCH part of the grammar; mixed into the response parser."""

    __slots__ = ()

    # --- msg-att ----------------------------------------------------------

    def fetch_data(self, seqno: int) -> FetchData:
        """msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP ...) ")".

        Runs of UID, FLAGS, INTERNALDATE and RFC822.SIZE are matched by
        one regular expression, envelopes and body structures by one each,
        and other items go through :meth:`msg_att`.  (The items a message
        list fetches, in the order asked, were matched as a whole before
        this: :meth:`ResponseParser.listing_response`.)"""
        s = self.s
        self.expect("(")
        attr: dict[str, Any] = {}
        simple = fast.SIMPLE_ITEMS.match
        pos = self.pos
        while True:
            m = simple(s, pos)
            if m is not None and m.end() > pos:
                last = m.lastindex
                if last == 2:
                    attr[m.group(1).upper()] = int(m.group(2))
                    pos = m.end()
                    continue
                if last == 3:
                    flags = m.group(3).split()
                    attr["FLAGS"] = [fix_8bit(f) for f in flags] if self.dirty else flags
                    pos = m.end()
                    continue
                if last == 4:
                    date = fast.date_time(m.group(4))
                    if date is not None:
                        attr["INTERNALDATE"] = date
                        pos = m.end()
                        continue
                elif last == 5:
                    # Validated now in one pass; objects built on first use.
                    name = m.group(5).upper()
                    found: tuple[Any, int] | None
                    if not self.whole_structures:
                        found = None
                    elif name == "ENVELOPE":
                        found = fast.lazy_envelope(s, m.end(), not self.dirty)
                    else:
                        found = fast.lazy_body(s, m.end(), self.depth, not self.dirty)
                    if found is not None:
                        attr[name], pos = found
                        continue
                    self.pos = m.end()
                    attr[name] = self.envelope() if name == "ENVELOPE" else self.body()
                    pos = self.pos
                    continue
            self.pos = pos
            self.accept_sp()
            if self.accept(")"):
                return FetchData(seqno, attr)
            if attr and pos == self.pos:
                self.error("expected SP")
            self.msg_att(attr)
            pos = self.pos

    def msg_att(self, attr: dict[str, Any]) -> None:
        """One msg-att item (RFC 9051 §7.5.2), stored into ``attr``."""
        s = self.s
        m = _ITEM_RE.match(s, self.pos)
        if m is None:
            self.error("expected a FETCH item name")
        name = m.group(1).upper()
        if m.group(2):
            self.pos = m.start(2)
            key, value = self.section_item(name)
            attr[key] = value
            return
        self.pos = m.end()
        self.sp()
        handler = _HANDLERS.get(name)
        if handler is not None:
            attr[name] = handler(self)
        elif name.startswith("X-"):
            attr[name] = self.value()
        else:
            self.error(f"unknown FETCH item {name!r}", m.start())

    def section_item(self, name: str) -> tuple[str, Any]:
        """BODY[section]<origin> SP nstring, BINARY[...] SP (nstring/literal8),
        BINARY.SIZE[...] SP number (RFC 9051 §7.5.2, RFC 3516)."""
        m = self.take(_SECTION_RE, "section")
        section = m.group(1).upper()
        if '"' in section:  # HEADER.FIELDS ("Content-Type"): keyed unquoted
            section = _QUOTED_FIELD_RE.sub(r"\1", section)
        if name in ("RFC822", "RFC822.HEADER", "RFC822.TEXT") and section == "":
            key = name  # a quirk: "RFC822[]"
        else:
            key = f"{name}[{section}]"
        if m.group(2) is not None:
            key += f"<{m.group(2)}>"
        self.sp()
        if name == "BINARY.SIZE":
            return key, self.number()
        if name not in ("BODY", "BINARY", "RFC822", "RFC822.HEADER", "RFC822.TEXT", "BODY.PEEK"):
            if not name.startswith("X-"):
                self.error(f"unknown FETCH item {name!r}")
            return key, self.value()
        return key, self.nstring_bytes()

    def flag_list(self) -> list[str]:
        """flag-list = "(" [flag *(SP flag)] ")"; flags kept as sent."""
        flags = self.take(_FLAGS_RE, "flag list").group(1).split()
        if self.dirty:
            flags = [fix_8bit(f) for f in flags]
        return flags

    def date_time(self) -> InternalDate | None:
        """date-time (RFC 9051 §9) / nil, as a timezone-aware datetime."""
        m = _DATE_TIME_RE.match(self.s, self.pos)
        if m is None:
            if self.is_nil():
                return None
            self.error("expected date-time")
        dt = fast.date_time(m.group(1))
        if dt is None:
            self.error("invalid date-time")
        self.pos = m.end()
        return dt

    def modseq_list(self) -> int:
        """ "MODSEQ" SP "(" permsg-modsequence ")" (RFC 7162 §3.1.4)."""
        self.expect("(")
        self.accept_sp()
        n = self.number()
        self.accept_sp()
        self.expect(")")
        return n

    def objectid(self) -> str | None:
        """ "(" objectid ")" / nil (RFC 8474)."""
        m = _OBJECTID_RE.match(self.s, self.pos)
        if m is not None:
            self.pos = m.end()
            return m.group(1)
        if self.is_nil():
            return None
        self.error("expected (objectid)")

    def gm_labels(self) -> list[str]:
        """X-GM-LABELS "(" [astring / flag *(SP ...)] ")" (Gmail)."""
        labels: list[str] = []
        for _ in self.items():
            if self.accept("\\"):
                labels.append("\\" + self.atom())
            else:
                labels.append(self.astring())
        return labels

    # --- envelope ------------------------------------------------------------

    def envelope(self) -> Envelope:
        """envelope (RFC 9051 §7.5.2); fast path: one regex, no literals."""
        found = fast.envelope(self.s, self.pos, not self.dirty) if self.whole_structures else None
        if found is not None:
            self.pos = found[1]
            return found[0]
        return self.envelope_slow()

    def envelope_slow(self) -> Envelope:
        self.expect("(")
        self.accept_sp()
        date, subject = self.nstrings(2)
        lists: list[list[Address] | None] = []
        for _ in range(6):
            self.sp()
            lists.append(self.address_list())
        self.sp()
        in_reply_to, message_id = self.nstrings(2)
        self.accept_sp()
        self.expect(")")
        fr, se, rt, to, cc, bcc = lists
        return Envelope(date, subject, fr, se, rt, to, cc, bcc, in_reply_to, message_id)

    def address_list(self) -> list[Address] | None:
        """env-from etc.: "(" 1*address ")" / nil; tolerates SP between."""
        if self.is_nil():
            return None
        self.expect("(")
        out: list[Address] = []
        while True:
            self.accept_sp()
            if self.accept(")"):
                return out
            out.append(self.address())

    def address(self) -> Address:
        """address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"."""
        self.expect("(")
        self.accept_sp()
        name, route, mailbox, host = self.nstrings(4)
        self.accept_sp()
        self.expect(")")
        return Address(name, route, mailbox, host)

    # --- body structure -------------------------------------------------

    def body(self) -> BodyStructure:
        """body = "(" (body-type-1part / body-type-mpart) ")"."""
        found = fast.body(self.s, self.pos, self.depth, not self.dirty) if self.whole_structures else None
        if found is not None:
            self.pos = found[1]
            return found[0]
        self.enter()
        try:
            s, p = self.s, self.pos
            if s.startswith("((", p) or s.startswith("( (", p):
                return self.body_mpart()
            return self.body_1part()
        finally:
            self.leave()

    def body_mpart(self) -> BodyTypeMultipart:
        """body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]."""
        self.expect("(")
        self.accept_sp()
        parts: list[BodyStructure] = []
        while self.peek() == "(":
            parts.append(self.body())
            self.accept_sp()
        subtype = self.string().upper()
        ext: dict[str, Any] = {}
        if self.accept_sp() and self.peek() != ")":
            self.body_ext(ext, ("param", "disposition", "language", "location"))
        self.accept_sp()
        self.expect(")")
        return BodyTypeMultipart("MULTIPART", subtype, parts, **ext)

    def body_1part(self) -> BodyStructure:
        """body-type-1part = (body-type-basic / body-type-msg / body-type-text)
        [SP body-ext-1part]."""
        self.expect("(")
        self.accept_sp()
        media = self.string().upper()
        after_media = self.pos
        self.accept_sp()
        if self.peek() not in ('"', "{"):
            # A multipart without parts: ("MIXED" ...) (seen from several servers).
            self.pos = after_media
            ext: dict[str, Any] = {}
            if self.accept_sp() and self.peek() != ")":
                self.body_ext(ext, ("param", "disposition", "language", "location"))
            self.accept_sp()
            self.expect(")")
            return BodyTypeMultipart("MULTIPART", media, [], **ext)
        sub = self.string().upper()
        self.sp()
        param = self.body_fld_param()
        self.sp()
        cid, desc, enc = self.nstrings(3)
        self.sp()
        size = self.number()
        ext = {}
        result: BodyStructure | None = None
        if media == "MESSAGE" and sub in ("RFC822", "GLOBAL"):
            after_size = self.pos
            try:
                result = self.body_type_msg_rest(media, sub, param, cid, desc, enc, size)
            except ParseError:
                # Some servers send message/rfc822 as body-type-basic.
                self.pos = after_size
        if result is not None:
            pass
        elif media == "TEXT":
            lines = 0
            if self.accept_sp() and self.peek().isdigit():
                lines = self.number()
            self.ext_1part(ext)
            result = BodyTypeText(media, sub, param, cid, desc, enc, size, lines, **ext)
        else:
            self.ext_1part(ext)
            result = BodyTypeBasic(media, sub, param, cid, desc, enc, size, **ext)
        self.accept_sp()
        self.expect(")")
        return result

    def body_type_msg_rest(
        self,
        media: str,
        sub: str,
        param: dict[str, str] | None,
        cid: str | None,
        desc: str | None,
        enc: str | None,
        size: int,
    ) -> BodyTypeMessage:
        """body-type-msg after body-fields: SP envelope SP body SP body-fld-lines."""
        ext: dict[str, Any] = {}
        self.sp()
        env = None if self.is_nil() else self.envelope()
        self.sp()
        inner = None if self.is_nil() else self.body()
        self.sp()
        lines = self.number()
        self.ext_1part(ext)
        self.accept_sp()
        if self.peek() != ")":
            self.error("expected ')' after body-type-msg")
        return BodyTypeMessage(media, sub, param, cid, desc, enc, size, env, inner, lines, **ext)

    def ext_1part(self, ext: dict[str, Any]) -> None:
        """body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
        [SP body-fld-loc *(SP body-extension)]]]."""
        self.accept_sp()
        if self.peek() in (")", ""):
            return
        self.body_ext(ext, ("md5", "disposition", "language", "location"))

    def body_ext(self, ext: dict[str, Any], fields: tuple[str, str, str, str]) -> None:
        for i, field in enumerate(fields):
            if i:
                self.accept_sp()
                if self.peek() in (")", ""):
                    return
            if field == "param":
                ext[field] = self.body_fld_param()
            elif field == "disposition":
                ext[field] = self.body_fld_dsp()
            elif field == "language":
                ext[field] = self.body_fld_lang()
            else:
                ext[field] = self.nstring()
        extension: list[Any] = []
        while self.accept_sp():
            if self.peek() in (")", ""):
                break
            extension.append(self.value())
        if extension:
            ext["extension"] = extension

    def body_fld_param(self) -> dict[str, str] | None:
        """body-fld-param = "(" string SP string *(SP string SP string) ")" / nil."""
        if self.is_nil():
            return None
        out: dict[str, Any] = {}
        for _ in self.items():
            key = self.string().upper()
            self.sp()
            out[key] = self.nstring()
        return out

    def body_fld_dsp(self) -> ContentDisposition | None:
        """body-fld-dsp = "(" string SP body-fld-param ")" / nil; a bare
        string (sent by some servers) is taken as the type."""
        if self.is_nil():
            return None
        if self.peek() != "(":
            return ContentDisposition(self.string().upper(), None)
        self.expect("(")
        self.accept_sp()
        dsp_type = self.string().upper()
        self.sp()
        param = self.body_fld_param()
        self.accept_sp()
        self.expect(")")
        return ContentDisposition(dsp_type, param)

    def body_fld_lang(self) -> list[str] | None:
        """body-fld-lang = nstring / "(" string *(SP string) ")"."""
        if self.peek() == "(":
            return [x for x in self.value_list() if isinstance(x, str)]
        value = self.nstring()
        return None if value is None else [value]


def _number(p: FetchParser) -> int:
    return p.number()


def _body(p: FetchParser) -> BodyStructure:
    return p.body()


def _extension(p: FetchParser) -> ExtensionData:
    from .extension_types import ExtensionData  # imported when first met (never in a listing)

    return ExtensionData(p.value())


def _nstring_bytes(p: FetchParser) -> bytes | None:
    return p.nstring_bytes()


_HANDLERS: dict[str, Any] = {
    "UID": _number,
    "RFC822.SIZE": _number,
    "FLAGS": FetchParser.flag_list,
    "INTERNALDATE": FetchParser.date_time,
    "SAVEDATE": FetchParser.date_time,
    "ENVELOPE": FetchParser.envelope,
    "BODYSTRUCTURE": _body,
    "BODY": _body,
    "MODSEQ": FetchParser.modseq_list,
    "EMAILID": FetchParser.objectid,
    "THREADID": FetchParser.objectid,
    "X-GM-MSGID": _number,
    "X-GM-THRID": _number,
    "X-GM-LABELS": FetchParser.gm_labels,
    "RFC822": _nstring_bytes,
    "RFC822.HEADER": _nstring_bytes,
    "RFC822.TEXT": _nstring_bytes,
    "PREVIEW": FetchParser.nstring,
    "ANNOTATION": _extension,
}
