"""The IMAP response parser (RFC 9051 §7 and §9, RFC 3501, extensions).

:func:`parse_response` turns one complete response, as the reader yields
it, into an :class:`UntaggedResponse`, :class:`TaggedResponse` or
:class:`ContinuationRequest` with typed data.  One method per ABNF rule,
named after the rule, as in Net::IMAP's ``response_parser.rb``.

:class:`~tuimail.imap.errors.ParseError` is the only exception raised on
bad input.  Unknown untagged responses and response codes are kept as
unparsed text, never an error.
"""

from __future__ import annotations

import re
from array import array
from typing import TYPE_CHECKING, Any

from . import fetch_fast as fast
from . import types as response_types
from .errors import ParseError
from .fetch_parser import FetchParser
from .mutf7 import decode_mailbox
from .scanner import DEFAULT_MAX_ITEMS, MAX_DEPTH
from .sequence_set import SequenceSet
from .types import (
    NUMBER_TYPECODE,
    ContinuationRequest,
    ESearchResult,
    FetchData,
    MailboxList,
    Response,
    ResponseCode,
    ResponseText,
    SearchResult,
    StatusData,
    TaggedResponse,
    UntaggedResponse,
    VanishedData,
)

if TYPE_CHECKING:
    from .extension_types import (
        AppendUIDData,
        CopyUIDData,
        MailboxACLItem,
        MailboxQuota,
        MailboxQuotaRoot,
        Namespace,
        Namespaces,
        PartialResult,
        ThreadMember,
    )

__all__ = ["ResponseParser", "parse_response"]

_TAG_RE = re.compile(r'[^\x00-\x20\x7f(){%*"\\+]+')
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9.\-_]*")
_UNTAGGED_NUM_RE = re.compile(r"\* (\d+) ([A-Za-z][A-Za-z0-9\-]*)")
_LISTING_START_RE = re.compile(r"\* (\d{1,10}) ((?i:FETCH|UIDFETCH)) +(?=\((?i:UID) )")
_CODE_NAME_RE = re.compile(r'\[([^\x00-\x20\x7f(){%*"\\\]]+)(?=[ \]])')
_CODE_TEXT_RE = re.compile(r"[^\]]*")
_SEQ_SET_RE = re.compile(r"[0-9*][0-9*:,]*")
_PARTIAL_RANGE_RE = re.compile(r"(-?\d{1,10}):(-?\d{1,10})")
# Digits and spaces, matched as one character class: a repeated group
# ``(?: +\d+)*`` costs the regex engine memory per repetition (1.5 GB for
# a 16 MiB line).
_SEARCH_RE = re.compile(r"[ 0-9]*")
_LONG_NUMBER_RE = re.compile(r"\d{11}")
_NUMBERS_SLICE = 1 << 16
_ATOMS_RE = re.compile(r"[^\]\r\n]*")

#: Largest number / nz-number (RFC 9051 §9: unsigned 32-bit).
MAX_NUMBER = 2**32 - 1

_CONDITIONS = frozenset(("OK", "NO", "BAD", "BYE", "PREAUTH"))
_NUMERIC = frozenset(("EXISTS", "RECENT", "EXPUNGE"))
_CODES_WITHOUT_DATA = frozenset(
    (
        "ALERT",
        "PARSE",
        "READ-ONLY",
        "READ-WRITE",
        "TRYCREATE",
        "UIDNOTSTICKY",
        "NOMODSEQ",
        "CLOSED",
        "UNAVAILABLE",
        "AUTHENTICATIONFAILED",
        "AUTHORIZATIONFAILED",
        "EXPIRED",
        "PRIVACYREQUIRED",
        "CONTACTADMIN",
        "NOPERM",
        "INUSE",
        "EXPUNGEISSUED",
        "CORRUPTION",
        "SERVERBUG",
        "CLIENTBUG",
        "CANNOT",
        "LIMIT",
        "OVERQUOTA",
        "ALREADYEXISTS",
        "NONEXISTENT",
        "NOTSAVED",
        "HASCHILDREN",
        "UNKNOWN-CTE",
        "COMPRESSIONACTIVE",
        "USEATTR",
        "UIDREQUIRED",
        "NOUPDATE",
        "NOTIFICATIONOVERFLOW",
    )
)
_CODES_NUMBER = frozenset(("UIDVALIDITY", "UIDNEXT", "UNSEEN", "HIGHESTMODSEQ", "APPENDLIMIT"))


def parse_response(
    data: bytes, *, utf8: bool = False, max_items: int = DEFAULT_MAX_ITEMS, whole_structures: bool = True
) -> Response:
    """Parse one complete response (line, literals and CRLF) (RFC 9051 §7).

    ``utf8=True`` once UTF8=ACCEPT is enabled: mailbox names are then not
    decoded from modified UTF-7.  ``max_items`` bounds the values built
    from one response (see :mod:`tuimail.imap.limits`).  Raises
    :class:`ParseError` on bad input or a response over that limit, and
    nothing else.

    ``whole_structures=False``: FETCH data is parsed by recursive descent only, never matched
    whole by :mod:`.fetch_fast`'s patterns (the same result, in plain types rather than the
    ``Lazy*`` ones): those take tens of milliseconds to compile when first used, which a few
    responses need not pay.
    """
    try:
        parser = ResponseParser(data, utf8=utf8, max_items=max_items, whole_structures=whole_structures)
        listing = parser.listing_response() if whole_structures else None
        return listing if listing is not None else parser.response()
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(f"response nested deeper than {MAX_DEPTH} levels", data[:4096]) from None
    except Exception as e:  # any slip on hostile input is a parse error
        raise ParseError(f"cannot parse response: {type(e).__name__}: {e}", data[:4096]) from None


class ResponseParser(FetchParser):
    """Recursive-descent parser for one response (RFC 9051 §9)."""

    __slots__ = ()

    def response(self) -> Response:
        """response = continue-req / response-data / response-tagged."""
        s = self.s
        if s.startswith("+"):
            return self.continue_req()
        if s.startswith("* "):
            return self.response_data()
        return self.response_tagged()

    def listing_response(self) -> UntaggedResponse | None:
        """The answer for one message of a message list, ``"*" SP
        nz-number SP "FETCH" SP msg-att`` with the items a listing asks for
        (:func:`fetch_fast.listing_match`), in one go: what
        :meth:`response` gives for it (whose :meth:`fetch_data` does not
        try again).  None for any other response."""
        if self.dirty:
            return None
        s = self.s
        m = _LISTING_START_RE.match(s)
        if m is None:
            return None
        if fast.listing_body_escaped(s, m.end()):
            return None  # listing_attr would refuse any match
        number = int(m.group(1))
        items = fast.listing_match(s, m.end())
        if items is None or number > MAX_NUMBER:
            return None
        end = items.end()
        if end != len(s) and s[end:].strip(" "):
            return None  # let response() say what follows
        attr = fast.listing_attr(items)
        if attr is None:
            return None
        name = m.group(2)
        return UntaggedResponse(name if name == "FETCH" else name.upper(), FetchData(number, attr), self.data)

    # --- continue-req, tagged --------------------------------------------

    def continue_req(self) -> ContinuationRequest:
        """continue-req = "+" SP (resp-text / base64) CRLF; the SP and text
        may be missing."""
        self.pos = 1
        self.accept(" ")
        return ContinuationRequest(self.resp_text(), self.data)

    def response_tagged(self) -> TaggedResponse:
        """response-tagged = tag SP resp-cond-state CRLF."""
        m = self.take(_TAG_RE, "tag, '*' or '+'")
        self.expect(" ")
        name = self.atom().upper()
        if name not in ("OK", "NO", "BAD"):
            self.error(f"unexpected tagged response {name!r}")
        return TaggedResponse(m.group(), name, self.resp_text_after_name(), self.data)

    # --- untagged --------------------------------------------------------

    def response_data(self) -> UntaggedResponse:
        """response-data = "*" SP (resp-cond-state / resp-cond-bye /
        mailbox-data / message-data / capability-data / enable-data /
        id-response / namespace-response / ...) CRLF."""
        s = self.s
        m = _UNTAGGED_NUM_RE.match(s)
        if m is not None:
            return self.message_data(m)
        self.pos = 2
        name = self.take(_NAME_RE, "response name").group().upper()
        if name in _CONDITIONS:
            return UntaggedResponse(name, self.resp_text_after_name(), self.data)
        if name in _NUMERIC or name == "FETCH":
            self.error(f"{name} without a message number", 2)
        method = _UNTAGGED.get(name)
        if method is None:
            self.accept(" ")
            rest = self.rest()
            return UntaggedResponse(name, response_types.UnparsedData(rest) if rest else None, self.data)
        data = method(self)
        self.end()
        return UntaggedResponse(name, data, self.data)

    def message_data(self, m: re.Match[str]) -> UntaggedResponse:
        """message-data = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att));
        mailbox-data's "EXISTS"/"RECENT" also start with a number."""
        number_text, name = m.group(1), m.group(2).upper()
        if len(number_text) > 10 or int(number_text) > MAX_NUMBER:
            self.error("number out of range (RFC 9051: unsigned 32-bit)", 2)
        number = int(number_text)
        self.pos = m.end()
        data: Any
        if name in ("FETCH", "UIDFETCH"):
            self.sp()
            data = self.fetch_data(number)
            self.end()
        elif name in _NUMERIC:
            self.end()
            data = number
        else:
            self.accept(" ")
            rest = self.rest()
            data = response_types.UnparsedNumericResponseData(number, rest) if rest else number
        return UntaggedResponse(name, data, self.data)

    # --- resp-text -------------------------------------------------------

    def resp_text_after_name(self) -> ResponseText:
        """SP resp-text after a condition; both may be missing."""
        if not self.accept(" "):
            if self.pos < len(self.s) and not self.at_end():
                self.error("expected SP")
            return ResponseText(None, "")
        return self.resp_text()

    def resp_text(self) -> ResponseText:
        """resp-text = ["[" resp-text-code "]" SP] [text].

        When the bracket does not hold a valid resp-text-code (Exchange
        sends ``[Error="..." ...]``), the whole is taken as text."""
        s = self.s
        start = self.pos
        code: ResponseCode | None = None
        if s.startswith("[", start):
            code = self.resp_text_code()
            if code is None:
                self.pos = start
            else:
                self.accept(" ")
        return ResponseText(code, self.rest())

    def resp_text_code(self) -> ResponseCode | None:
        """resp-text-code (RFC 9051 §7.1, with extensions); None when the
        text in brackets is not a code at all."""
        m = _CODE_NAME_RE.match(self.s, self.pos)
        if m is None:
            return None
        name = m.group(1).upper()
        self.pos = m.end()
        if self.accept("]"):
            if name == "BADCHARSET":  # the charset list is optional
                return ResponseCode(name, [])
            if name in _CODES_WITHOUT_DATA or name not in _CODE_PARSERS and name not in _CODES_NUMBER:
                return ResponseCode(name, None)
            return ResponseCode(name, response_types.InvalidParseData(f"{name} requires data", None, None))
        self.expect(" ")
        data_start = self.pos
        parser = _CODE_PARSERS.get(name)
        if parser is None and name in _CODES_NUMBER:
            parser = ResponseParser.number
        if parser is None or name in _CODES_WITHOUT_DATA:
            text = self._code_text()
            if text is None:
                return None
            if name in _CODES_WITHOUT_DATA:
                invalid = response_types.InvalidParseData(f"{name} takes no data", text, None)
                return ResponseCode(name, invalid)
            return ResponseCode(name, text)
        parsed: Any = None
        error = ""
        try:
            parsed = parser(self)
            if self.accept("]"):
                return ResponseCode(name, parsed)
            error = f"expected {name} to be complete"
        except ParseError as e:
            error = str(e)
            parsed = None
        self.pos = data_start
        text = self._code_text()
        if text is None:
            return None
        return ResponseCode(name, response_types.InvalidParseData(error, text, parsed))

    def _code_text(self) -> str | None:
        """The raw text of a code's data up to "]"; None when unterminated."""
        m = _CODE_TEXT_RE.match(self.s, self.pos)
        assert m is not None
        if not self.s.startswith("]", m.end()):
            return None
        self.pos = m.end() + 1
        return self._str(m.group())

    def code_flags(self) -> list[str]:
        """"PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")"."""
        return self.counted_flag_list()

    def counted_flag_list(self) -> list[str]:
        """flag-list, each flag one item (counted before the list is built)."""
        close = self.s.find(")", self.pos)
        self.spend(self.s.count(" ", self.pos, close if close >= 0 else len(self.s)) + 1)
        return self.flag_list()

    def code_atoms(self) -> list[str]:
        """capability-data inside a code: atoms up to "]"."""
        m = _ATOMS_RE.match(self.s, self.pos)
        assert m is not None
        self.pos = m.end()
        return self.words(m.group())

    def code_badcharset(self) -> list[str]:
        """ "BADCHARSET" [SP "(" charset *(SP charset) ")"]."""
        return [self.astring() for _ in self.items()]

    def code_copyuid(self) -> CopyUIDData:
        """resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set."""
        uidvalidity = self.number()
        self.expect(" ")
        source = self.sequence_set()
        self.expect(" ")
        return response_types.CopyUIDData(uidvalidity, source, self.sequence_set())

    def code_appenduid(self) -> AppendUIDData:
        """resp-code-apnd = "APPENDUID" SP nz-number SP append-uid."""
        uidvalidity = self.number()
        self.expect(" ")
        return response_types.AppendUIDData(uidvalidity, self.sequence_set())

    def code_objectid(self) -> str | None:
        """ "MAILBOXID" SP "(" objectid ")" (RFC 8474)."""
        return self.objectid()

    def sequence_set(self) -> SequenceSet:
        """sequence-set (RFC 9051 §9): each range counts as one item."""
        m = _SEQ_SET_RE.match(self.s, self.pos)
        if m is None:
            self.error("expected sequence-set")
        self.spend(self.s.count(",", m.start(), m.end()) + 1)
        self.pos = m.end()
        text = m.group()
        try:
            return SequenceSet(text)
        except (ParseError, ValueError) as e:
            self.error(str(e))

    # --- mailbox-data ----------------------------------------------------

    def capability_data(self) -> list[str]:
        """capability-data = "CAPABILITY" *(SP capability)."""
        return self.words(self.rest())

    def words(self, text: str) -> list[str]:
        """The space-separated words of ``text``, each one item."""
        self.spend(text.count(" ") + 1)
        return text.split()

    def flags_data(self) -> list[str]:
        """ "FLAGS" SP flag-list."""
        self.sp()
        return self.counted_flag_list()

    def mailbox_list(self) -> MailboxList:
        """mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR
        DQUOTE / nil) SP mailbox [SP mbox-list-extended] (RFC 9051 §7.3.1)."""
        self.sp()
        attr = self.counted_flag_list()
        self.sp()
        delim = self.nquoted_char()
        self.sp()
        name = self.mailbox()
        extended: dict[str, Any] = {}
        if self.accept_sp() and self.peek() == "(":
            self.enter()
            for _ in self.items():
                key = self.astring().upper()
                self.sp()
                value = self.value()
                if key == "OLDNAME" and isinstance(value, list) and value and isinstance(value[0], str):
                    value = value[0] if self.utf8 else _decode(value[0])
                extended[key] = value
            self.leave()
        return MailboxList(attr, delim, name, extended)

    def status_data(self) -> StatusData:
        """ "STATUS" SP mailbox SP "(" [status-att-list] ")" (RFC 9051 §7.3.2)."""
        self.sp()
        mailbox = self.mailbox()
        self.sp()
        attr: dict[str, Any] = {}
        for _ in self.items():
            key = self.atom().upper()
            self.sp()
            if key == "MAILBOXID":
                attr[key] = self.objectid()
            elif key in _STATUS_NUMBERS:
                attr[key] = self.number()
            elif self.peek().isdigit() and _NUMBER_END.match(self.s, self.pos):
                attr[key] = self.number()
            else:
                attr[key] = response_types.ExtensionData(self.value(nil_is_none=False))
        return StatusData(mailbox, attr)

    def search_data(self) -> SearchResult:
        """ "SEARCH" *(SP nz-number) [SP "(" "MODSEQ" SP mod-sequence-value ")"]
        (RFC 9051 §7.3.4, RFC 7162 §3.1.5); also SORT (RFC 5256)."""
        m = _SEARCH_RE.match(self.s, self.pos)
        assert m is not None
        end = m.start() + len(m.group().rstrip(" "))
        if end > m.start() and self.s[m.start()] != " ":
            self.error("expected SP")
        self.pos = end
        numbers = self.numbers_array(m.start(), end)
        modseq = None
        if self.accept_sp() and self.peek() == "(":
            self.expect("(")
            self.accept_sp()
            if self.atom().upper() != "MODSEQ":
                self.error("expected MODSEQ")
            self.sp()
            modseq = self.number()
            self.accept_sp()
            self.expect(")")
        return SearchResult(numbers, modseq)

    def numbers_array(self, start: int, end: int) -> array[int]:
        """The space-separated numbers at s[start:end] as 32-bit values,
        converted a slice at a time: 4 bytes per number and no list of
        millions of strings, whatever the line holds."""
        s = self.s
        if _LONG_NUMBER_RE.search(s, start, end):
            self.error("number out of range (RFC 9051: unsigned 32-bit)", start)
        out = array(NUMBER_TYPECODE)
        pos = start
        while pos < end:
            stop = min(end, pos + _NUMBERS_SLICE)
            if stop < end:
                cut = s.rfind(" ", pos, stop)
                stop = cut if cut > pos else stop
            try:
                out.extend(map(int, s[pos:stop].split()))
            except OverflowError:
                self.error("number out of range (RFC 9051: unsigned 32-bit)", pos)
            pos = stop
        return out

    def esearch_response(self) -> ESearchResult:
        """esearch-response = "ESEARCH" [search-correlator] [SP "UID"]
        *(SP search-return-data) (RFC 4731, RFC 9051 §7.3.4, RFC 9394)."""
        tag = None
        uid = False
        fields: dict[str, Any] = {}
        data: dict[str, Any] = {}
        if self.accept(" (") or self.accept(" ( "):
            if self.atom().upper() != "TAG":
                self.error("expected TAG in search correlator")
            self.sp()
            tag = self.string()
            self.accept_sp()
            self.expect(")")
        while self.more():
            self.spend()
            key = self.atom().upper()
            if key == "UID" and not data:
                uid = True
                continue
            self.sp()
            value: Any
            if key in ("MIN", "MAX", "COUNT", "MODSEQ"):
                value = self.number()
                fields[key.lower()] = value
            elif key == "ALL":
                value = self.sequence_set()
                fields["all"] = value
            elif key == "PARTIAL":
                value = self.partial_data()
                fields["partial"] = value
            else:
                value = self.value()
            data[key] = value
        return ESearchResult(tag, uid, data=data, **fields)

    def partial_data(self) -> PartialResult:
        """ "PARTIAL" SP "(" partial-range SP partial-results ")" (RFC 9394)."""
        self.expect("(")
        m = self.take(_PARTIAL_RANGE_RE, "partial-range")
        self.sp()
        results = None if self.is_nil() else self.sequence_set()
        self.expect(")")
        return response_types.PartialResult(int(m.group(1)), int(m.group(2)), results)

    def thread_data(self) -> list[ThreadMember]:
        """thread-data = "THREAD" [SP 1*thread-list] (RFC 5256 §4)."""
        out: list[ThreadMember] = []
        self.accept_sp()
        while self.peek() == "(":
            out.append(self.thread_list())
        return out

    def thread_list(self) -> ThreadMember:
        """thread-list = "(" (thread-members / thread-nested) ")"."""
        self.expect("(")
        self.enter()
        try:
            if self.peek() == "(":
                children = self.thread_nested()
                self.expect(")")
                return response_types.ThreadMember(None, children)
            self.spend()
            root = response_types.ThreadMember(self.number(), [])
            last = root
            while self.accept_sp():
                if self.peek() == "(":
                    last.children.extend(self.thread_nested())
                    break
                self.spend()
                node = response_types.ThreadMember(self.number(), [])
                last.children.append(node)
                last = node
            self.expect(")")
            return root
        finally:
            self.leave()

    def thread_nested(self) -> list[ThreadMember]:
        out: list[ThreadMember] = []
        while self.peek() == "(":
            out.append(self.thread_list())
        return out

    def vanished_data(self) -> VanishedData:
        """expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids (RFC 7162)."""
        self.sp()
        earlier = False
        if self.peek() == "(":
            self.expect("(")
            if self.atom().upper() != "EARLIER":
                self.error("expected EARLIER")
            self.expect(")")
            self.sp()
            earlier = True
        return VanishedData(self.sequence_set(), earlier)

    def namespace_response(self) -> Namespaces:
        """namespace-response = "NAMESPACE" SP namespace SP namespace SP
        namespace (RFC 2342, RFC 9051 §7.3.3)."""
        self.sp()
        personal = self.namespace()
        self.sp()
        other = self.namespace()
        self.sp()
        shared = self.namespace()
        return response_types.Namespaces(personal, other, shared)

    def namespace(self) -> list[Namespace]:
        """namespace = nil / "(" 1*namespace-descr ")"."""
        if self.is_nil():
            return []
        self.expect("(")
        out: list[Namespace] = []
        while not self.accept(")"):
            self.accept_sp()
            self.spend()
            out.append(self.namespace_descr())
            self.accept_sp()
        return out

    def namespace_descr(self) -> Namespace:
        """ "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
        [namespace-response-extensions] ")"."""
        self.expect("(")
        prefix = self.string()
        if not self.utf8:
            prefix = _decode(prefix)
        self.sp()
        delim = self.nquoted_char()
        extensions: dict[str, list[str]] = {}
        while self.accept_sp():
            if self.peek() == ")":
                break
            self.spend()
            key = self.string()
            self.sp()
            values = self.value_list()
            extensions[key] = [str(v) for v in values]
        self.expect(")")
        return response_types.Namespace(prefix, delim, extensions)

    def id_response(self) -> dict[str, str | None] | None:
        """id-response = "ID" SP id-params-list (RFC 2971)."""
        self.sp()
        if self.is_nil():
            return None
        out: dict[str, str | None] = {}
        for _ in self.items():
            key = self.string()
            self.sp()
            out[key] = self.nstring()
        return out

    def enable_data(self) -> list[str]:
        """enable-data = "ENABLED" *(SP capability) (RFC 5161)."""
        return self.words(self.rest())

    def quota_response(self) -> MailboxQuota:
        """quota-response = "QUOTA" SP astring SP quota-list (RFC 9208)."""
        self.sp()
        root = self.astring()
        self.sp()
        resources: dict[str, tuple[int, int]] = {}
        for _ in self.items():
            name = self.atom().upper()
            self.sp()
            usage = self.number()
            self.sp()
            resources[name] = (usage, self.number())
        main = resources.get("STORAGE") or next(iter(resources.values()), None)
        main_usage, main_limit = main if main else (None, None)
        return response_types.MailboxQuota(root, main_usage, main_limit, resources)

    def quotaroot_response(self) -> MailboxQuotaRoot:
        """quotaroot-response = "QUOTAROOT" SP mailbox *(SP astring)."""
        self.sp()
        mailbox = self.mailbox()
        roots: list[str] = []
        while self.more():
            self.spend()
            roots.append(self.astring())
        return response_types.MailboxQuotaRoot(mailbox, roots)

    def acl_data(self) -> list[MailboxACLItem]:
        """acl-data = "ACL" SP mailbox *(SP identifier SP rights) (RFC 4314)."""
        self.sp()
        mailbox = self.mailbox()
        out: list[MailboxACLItem] = []
        while self.more():
            self.spend()
            user = self.astring()
            self.sp()
            out.append(response_types.MailboxACLItem(user, self.astring(), mailbox))
        return out


_NUMBER_END = re.compile(r"\d+(?=[ )])")
_STATUS_NUMBERS = frozenset(
    (
        "MESSAGES",
        "RECENT",
        "UIDNEXT",
        "UIDVALIDITY",
        "UNSEEN",
        "DELETED",
        "SIZE",
        "HIGHESTMODSEQ",
        "DELETED-STORAGE",
    )
)


def _decode(name: str) -> str:
    return decode_mailbox(name)


_UNTAGGED: dict[str, Any] = {
    "CAPABILITY": ResponseParser.capability_data,
    "FLAGS": ResponseParser.flags_data,
    "LIST": ResponseParser.mailbox_list,
    "LSUB": ResponseParser.mailbox_list,
    "XLIST": ResponseParser.mailbox_list,
    "STATUS": ResponseParser.status_data,
    "SEARCH": ResponseParser.search_data,
    "SORT": ResponseParser.search_data,
    "ESEARCH": ResponseParser.esearch_response,
    "THREAD": ResponseParser.thread_data,
    "VANISHED": ResponseParser.vanished_data,
    "NAMESPACE": ResponseParser.namespace_response,
    "ID": ResponseParser.id_response,
    "ENABLED": ResponseParser.enable_data,
    "QUOTA": ResponseParser.quota_response,
    "QUOTAROOT": ResponseParser.quotaroot_response,
    "ACL": ResponseParser.acl_data,
}

_CODE_PARSERS: dict[str, Any] = {
    "PERMANENTFLAGS": ResponseParser.code_flags,
    "CAPABILITY": ResponseParser.code_atoms,
    "BADCHARSET": ResponseParser.code_badcharset,
    "COPYUID": ResponseParser.code_copyuid,
    "APPENDUID": ResponseParser.code_appenduid,
    "MODIFIED": ResponseParser.sequence_set,
    "MAILBOXID": ResponseParser.code_objectid,
}
