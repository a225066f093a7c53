"""The session changes messages by UID only and never sends a plain EXPUNGE.

A plain EXPUNGE (RFC 9051 §6.4.3) removes every message marked ``\\Deleted``
in the mailbox, including other clients'; the session uses UID MOVE, or
``UID STORE +FLAGS (\\Deleted)`` then ``UID EXPUNGE`` (RFC 4315 §2.1) of the
chosen UIDs only.  Live proof: test_session_dovecot.py (another client's
``\\Deleted`` message survives); this test keeps the source honest.
"""

from __future__ import annotations

import re
from pathlib import Path

import tuimail.session

SESSION_DIR = Path(tuimail.session.__file__).parent
# A call on the client of a command that takes sequence numbers (or expunges all).
SEQUENCE_CALL = re.compile(r"imap\w*\.(expunge|store|copy|move|close)\(")


def test_session_source_calls_only_uid_forms_and_never_plain_expunge() -> None:
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(SESSION_DIR.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SEQUENCE_CALL.search(line)
    ]
    assert offenders == []


def test_the_check_finds_a_plain_expunge() -> None:
    assert SEQUENCE_CALL.search("await self._imap.expunge()")
    assert not SEQUENCE_CALL.search("await self._imap.uid_expunge(summary.uid)")
