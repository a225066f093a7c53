"""parse_response: every response type other than FETCH (RFC 9051 §7)."""

from __future__ import annotations

import pytest

from tuimail.imap import (
    AppendUIDData,
    ContinuationRequest,
    CopyUIDData,
    ESearchResult,
    InvalidParseData,
    MailboxACLItem,
    MailboxList,
    MailboxQuota,
    MailboxQuotaRoot,
    Namespace,
    ParseError,
    ResponseCode,
    ResponseText,
    SearchResult,
    SequenceSet,
    StatusData,
    TaggedResponse,
    ThreadMember,
    UnparsedData,
    UnparsedNumericResponseData,
    UntaggedResponse,
    VanishedData,
    parse_response,
)


def data(line: bytes, **kw: bool) -> object:
    response = parse_response(line, **kw)
    assert isinstance(response, UntaggedResponse)
    return response.data


# --- conditions and resp-text -------------------------------------------------


def test_greeting_with_capability_code() -> None:
    r = parse_response(b"* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] Dovecot ready.\r\n")
    assert r == UntaggedResponse(
        "OK",
        ResponseText(ResponseCode("CAPABILITY", ["IMAP4rev1", "LITERAL+", "AUTH=PLAIN"]), "Dovecot ready."),
        b"* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] Dovecot ready.\r\n",
    )


@pytest.mark.parametrize("name", ["OK", "NO", "BAD", "BYE", "PREAUTH"])
def test_untagged_conditions_carry_their_text(name: str) -> None:
    r = parse_response(f"* {name} some text here\r\n".encode())
    assert r.name == name and r.data == ResponseText(None, "some text here")


def test_condition_name_is_case_insensitive() -> None:
    r = parse_response(b"* ok [ALERT] hi\r\n")
    assert r.name == "OK" and r.data.code == ResponseCode("ALERT")


def test_condition_without_text() -> None:
    assert parse_response(b"* BYE\r\n").data == ResponseText(None, "")
    r = parse_response(b"a1 OK\r\n")
    assert isinstance(r, TaggedResponse) and r.tag == "a1" and r.data.text == ""


def test_tagged_response_with_code() -> None:
    r = parse_response(b"A142 OK [READ-WRITE] SELECT completed\r\n")
    assert r == TaggedResponse(
        "A142", "OK", ResponseText(ResponseCode("READ-WRITE"), "SELECT completed"), r.raw_data
    )


def test_tagged_response_must_be_a_condition() -> None:
    with pytest.raises(ParseError):
        parse_response(b"a1 EXISTS 3\r\n")


def test_text_that_only_looks_like_a_code_stays_text() -> None:
    # Exchange: "[Error=..." is not a resp-text-code; the whole is text.
    line = b'a1 OK [Error="x" y=1] AUTHENTICATE completed.\r\n'
    assert parse_response(line).data == ResponseText(None, '[Error="x" y=1] AUTHENTICATE completed.')


def test_text_after_code_keeps_brackets() -> None:
    r = parse_response(b"a OK [READ-WRITE] [Gmail]/Sent Mail selected. (Success)\r\n")
    assert r.data.text == "[Gmail]/Sent Mail selected. (Success)"


def test_number_codes() -> None:
    cases = (("UIDVALIDITY", 3857529045), ("UIDNEXT", 4392), ("UNSEEN", 12), ("HIGHESTMODSEQ", 715194045007))
    for name, n in cases:
        code = parse_response(f"* OK [{name} {n}] x\r\n".encode()).data.code
        assert code == ResponseCode(name, n)


def test_permanentflags_code() -> None:
    code = parse_response(b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n").data.code
    assert code == ResponseCode("PERMANENTFLAGS", ["\\Deleted", "\\Seen", "\\*"])


def test_badcharset_code_with_quoted_charset() -> None:
    code = parse_response(b't BAD [BADCHARSET (US-ASCII "[brackets]")] no\r\n').data.code
    assert code == ResponseCode("BADCHARSET", ["US-ASCII", "[brackets]"])


def test_badcharset_code_without_list() -> None:
    assert parse_response(b"a NO [BADCHARSET] no\r\n").data.code == ResponseCode("BADCHARSET", [])


def test_copyuid_code() -> None:
    code = parse_response(b"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n").data.code
    assert code.name == "COPYUID"
    assert code.data == CopyUIDData(38505, SequenceSet("304,319:320"), SequenceSet("3956:3958"))
    assert code.data.uid_mapping == {304: 3956, 319: 3957, 320: 3958}


def test_appenduid_code() -> None:
    code = parse_response(b"A003 OK [APPENDUID 38505 3955] APPEND completed\r\n").data.code
    assert code == ResponseCode("APPENDUID", AppendUIDData(38505, SequenceSet("3955")))


def test_modified_and_mailboxid_codes() -> None:
    code = parse_response(b"d105 OK [MODIFIED 7,9] x\r\n").data.code
    assert code == ResponseCode("MODIFIED", SequenceSet("7,9"))
    code = parse_response(b"3 OK [MAILBOXID (F2212ea87-6097)] Completed\r\n").data.code
    assert code == ResponseCode("MAILBOXID", "F2212ea87-6097")


def test_unknown_code_keeps_its_text() -> None:
    code = parse_response(b"* OK [X-WHATEVER some (data) here] hi\r\n").data.code
    assert code == ResponseCode("X-WHATEVER", "some (data) here")
    assert parse_response(b"* NO [X-FOO] hi\r\n").data.code == ResponseCode("X-FOO", None)


def test_broken_known_code_is_kept_not_raised() -> None:
    code = parse_response(b"* OK [COPYUID 701  ]\r\n").data.code
    assert code.name == "COPYUID" and isinstance(code.data, InvalidParseData)
    assert code.data.unparsed_data == "701  "
    code = parse_response(b"* OK [CLOSED junk here] closed\r\n").data.code
    assert code.name == "CLOSED" and code.data.unparsed_data == "junk here"


def test_utf8_text() -> None:
    text = "𝖀𝖓𝖎𝖈𝖔𝖉𝖊 «α-ω» ほげ"
    assert parse_response(f"* OK {text}\r\n".encode()).data.text == text


# --- continuation -------------------------------------------------------------


def test_continuation_with_text_and_base64() -> None:
    r = parse_response(b"+ Ready for literal data\r\n")
    assert r == ContinuationRequest(ResponseText(None, "Ready for literal data"), r.raw_data)
    assert parse_response(b"+ YGgGCSqGSIb3EgECAgIAb1kwV6A=\r\n").data.text == "YGgGCSqGSIb3EgECAgIAb1kwV6A="


def test_bare_continuation() -> None:
    assert parse_response(b"+\r\n").data == ResponseText(None, "")
    assert parse_response(b"+ \r\n").data == ResponseText(None, "")


# --- server and mailbox data ----------------------------------------------------


def test_capability() -> None:
    caps = data(b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI \r\n")
    assert caps == ["IMAP4rev1", "STARTTLS", "AUTH=GSSAPI"]


def test_enabled() -> None:
    assert data(b"* ENABLED CONDSTORE QRESYNC\r\n") == ["CONDSTORE", "QRESYNC"]


def test_flags() -> None:
    assert data(b"* FLAGS (\\Answered \\Flagged $Forwarded Custom)\r\n") == [
        "\\Answered", "\\Flagged", "$Forwarded", "Custom"]


@pytest.mark.parametrize("name", ["EXISTS", "RECENT", "EXPUNGE"])
def test_numeric_responses(name: str) -> None:
    r = parse_response(f"* 23 {name}\r\n".encode())
    assert r.name == name and r.data == 23


def test_list_decodes_modified_utf7() -> None:
    assert data(b'* LIST (\\HasNoChildren \\Drafts) "/" Entw&APw-rfe\r\n') == MailboxList(
        ["\\HasNoChildren", "\\Drafts"], "/", "Entwürfe")


def test_list_keeps_utf8_names_when_utf8_accept() -> None:
    line = '* LIST () "/" "☃️&☺️ Entw&APw-rfe"\r\n'.encode()
    assert data(line, utf8=True).name == "☃️&☺️ Entw&APw-rfe"


def test_list_nil_delimiter_and_literal_name() -> None:
    assert data(b"* LIST (\\Noselect) NIL {7}\r\nA B (C)\r\n") == MailboxList(["\\Noselect"], None, "A B (C)")


def test_list_extended_items() -> None:
    line = b'* LIST (\\Subscribed) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED") "OLDNAME" ("B&AOQ-r"))\r\n'
    mbox = data(line)
    assert mbox.extended == {"CHILDINFO": ["SUBSCRIBED"], "OLDNAME": "Bär"}


def test_lsub_and_xlist() -> None:
    assert parse_response(b'* LSUB () "." #news.comp.mail.misc\r\n').data.name == "#news.comp.mail.misc"
    assert parse_response(b'* XLIST (\\Inbox) "." "INBOX"\r\n').data == MailboxList(["\\Inbox"], ".", "INBOX")


def test_status() -> None:
    line = b"* STATUS Entw&APw-rfe (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777 SIZE 9)\r\n"
    assert data(line) == StatusData(
        "Entwürfe", {"MESSAGES": 231, "UIDNEXT": 44292, "HIGHESTMODSEQ": 7011231777, "SIZE": 9})


def test_status_mailboxid_and_unknown_items() -> None:
    st = data(b"* STATUS foo (MAILBOXID (F22) X-THING (1 two))\r\n")
    assert st.attr["MAILBOXID"] == "F22"
    assert st.attr["X-THING"].data == [1, "two"]


def test_search() -> None:
    assert data(b"* SEARCH 2 3 6\r\n") == [2, 3, 6]
    assert data(b"* SEARCH\r\n") == []
    assert data(b"* SEARCH 1 2 \r\n") == [1, 2]


def test_search_with_modseq() -> None:
    result = data(b"* SEARCH 2 5 6 (MODSEQ 917162500)\r\n")
    assert isinstance(result, SearchResult)
    assert result == [2, 5, 6] and result.modseq == 917162500


def test_sort() -> None:
    assert data(b"* SORT 5 3 4 1 2\r\n") == [5, 3, 4, 1, 2]


def test_esearch() -> None:
    r = data(b'* ESEARCH (TAG "A285") UID MIN 7 MAX 3800 COUNT 15 ALL 7,9:10\r\n')
    assert isinstance(r, ESearchResult)
    assert (r.tag, r.uid, r.min, r.max, r.count) == ("A285", True, 7, 3800, 15)
    assert r.all == SequenceSet("7,9:10") and r.data["COUNT"] == 15


def test_esearch_without_correlator_and_partial() -> None:
    r = data(b"* ESEARCH UID COUNT 17\r\n")
    assert (r.tag, r.uid, r.count) == (None, True, 17)
    r = data(b'* ESEARCH (TAG "A01") UID PARTIAL (-1:-100 200:250,252:300)\r\n')
    assert (r.partial.first, r.partial.last, r.partial.range) == (-1, -100, "-1:-100")
    assert r.partial.results == SequenceSet("200:250,252:300")
    assert data(b'* ESEARCH (TAG "A04") UID PARTIAL (24000:24500 NIL)\r\n').partial.results is None


def test_thread() -> None:
    t = data(b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n")
    assert t == [
        ThreadMember(2, []),
        ThreadMember(3, [ThreadMember(6, [
            ThreadMember(4, [ThreadMember(23, [])]),
            ThreadMember(44, [ThreadMember(7, [ThreadMember(96, [])])]),
        ])]),
    ]
    assert data(b"* THREAD ((3)(5))\r\n") == [ThreadMember(None, [ThreadMember(3, []), ThreadMember(5, [])])]
    assert data(b"* THREAD\r\n") == []


def test_vanished() -> None:
    assert data(b"* VANISHED (EARLIER) 41,43:116\r\n") == VanishedData(SequenceSet("41,43:116"), True)
    assert data(b"* VANISHED 405,407\r\n") == VanishedData(SequenceSet("405,407"), False)


def test_namespace() -> None:
    ns = data(b'* NAMESPACE (("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL '
              b'(("Public Folders/" "/"))\r\n')
    assert ns.personal == [Namespace("", "/"), Namespace("#mh/", "/", {"X-PARAM": ["FLAG1", "FLAG2"]})]
    assert ns.other == [] and ns.shared == [Namespace("Public Folders/", "/")]


def test_id() -> None:
    assert data(b"* ID NIL\r\n") is None
    assert data(b'* ID ("name" "GImap" "vendor" "Google, Inc." "support-url" NIL)\r\n') == {
        "name": "GImap", "vendor": "Google, Inc.", "support-url": None}


def test_quota_and_quotaroot() -> None:
    q = data(b'* QUOTA "" (STORAGE 10 512 MESSAGE 1 100)\r\n')
    assert q == MailboxQuota("", 10, 512, {"STORAGE": (10, 512), "MESSAGE": (1, 100)})
    assert data(b'* QUOTAROOT INBOX "#user/alice" ""\r\n') == MailboxQuotaRoot("INBOX", ["#user/alice", ""])
    assert data(b"* QUOTAROOT comp.mail.mime\r\n") == MailboxQuotaRoot("comp.mail.mime", [])


def test_acl() -> None:
    assert data(b'* ACL INBOX "fred" lrswi anyone lr\r\n') == [
        MailboxACLItem("fred", "lrswi", "INBOX"), MailboxACLItem("anyone", "lr", "INBOX")]


def test_parenthesised_lists_tolerate_spaces_inside_the_parentheses() -> None:
    """Every "(" item *(SP item) ")" is read alike: spaces after "(" and
    before ")" are a quirk some servers have, never an error."""
    quota = data(b"* QUOTA root ( STORAGE 10 512 )\r\n")
    assert quota == MailboxQuota("root", 10, 512, {"STORAGE": (10, 512)})
    assert data(b"* STATUS box ( MESSAGES 3 )\r\n") == StatusData("box", {"MESSAGES": 3})
    assert data(b'* ID ( "name" "x" )\r\n') == {"name": "x"}
    listed = data(b'* LIST () "/" box ( CHILDINFO ("SUBSCRIBED") )\r\n')
    assert listed.extended == {"CHILDINFO": ["SUBSCRIBED"]}
    tagged = parse_response(b"a NO [BADCHARSET ( UTF-8 )] x\r\n")
    assert isinstance(tagged, TaggedResponse) and tagged.data.code == ResponseCode("BADCHARSET", ["UTF-8"])


def test_unknown_untagged_responses_are_kept() -> None:
    r = parse_response(b"* NOOP froopy snood\r\n")
    assert r.name == "NOOP" and r.data == UnparsedData("froopy snood")
    assert parse_response(b"* XFOO\r\n").data is None
    assert parse_response(b"* 99 NOOP\r\n").data == 99
    unknown = parse_response(b"* 86 NOOP froopy snood\r\n").data
    assert unknown == UnparsedNumericResponseData(86, "froopy snood")


def test_raw_data_is_the_whole_response() -> None:
    line = b"* LIST () NIL {3}\r\nabc\r\n"
    assert parse_response(line).raw_data == line
