"""The log file for bug reports (issue 10, "Seeing what happened"): private, timestamped, the
protocol trace with no secret in it, tuimail's own errors; and nothing anywhere without it."""

from __future__ import annotations

import base64
import logging
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.info import ServerInfo
from tests.session.support import started
from tuimail.config import Account
from tuimail.log_file import LogFile, active_log_path, start_logging
from tuimail.session import messages as m
from tuimail.session.failures import FailureKind

#: ``2026-05-01 12:00:00.123 LEVEL logger...``
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [A-Z]+ \S+")


@pytest.fixture
def log(tmp_path: Path) -> Iterator[tuple[LogFile, Path]]:
    path = tmp_path / "logs" / "tuimail.log"
    started_log = start_logging(path)
    try:
        yield started_log, path
    finally:
        started_log.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_file_and_its_folder_are_created_private_and_every_line_has_a_timestamp(
    log: tuple[LogFile, Path],
) -> None:
    _, path = log
    logging.getLogger("tuimail.session.session").warning("a warning of the session")
    logging.getLogger("tuimail.imap.protocol").debug("C: T1 NOOP", extra={"imap_connection": "h#1"})
    logging.getLogger("tuimail.session.session").debug("debug of the session is not kept")
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    lines = path.read_text().splitlines()
    assert lines and all(TIMESTAMP.match(line) for line in lines), lines
    assert any(line.endswith("a warning of the session") and " WARNING " in line for line in lines)
    assert any(" tuimail.imap.protocol [h#1] " in line and line.endswith("C: T1 NOOP") for line in lines)
    assert not any("debug of the session" in line for line in lines)
    assert active_log_path() == path


def test_an_existing_readable_file_is_made_private_and_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "old.log"
    path.write_text("an earlier run\n")
    path.chmod(0o644)
    with start_logging(path):
        logging.getLogger("tuimail.ui").error("this run")
    assert mode(path) == 0o600
    text = path.read_text()
    assert text.startswith("an earlier run\n") and text.rstrip().endswith("this run")


def test_closing_the_log_detaches_it_and_restores_the_levels(tmp_path: Path) -> None:
    protocol = logging.getLogger("tuimail.imap.protocol")
    before = (protocol.level, logging.getLogger("tuimail").level, len(logging.getLogger("tuimail").handlers))
    path = tmp_path / "t.log"
    with start_logging(path):
        assert protocol.isEnabledFor(logging.DEBUG)
    logging.getLogger("tuimail").error("after closing")
    assert "after closing" not in path.read_text()
    after = (protocol.level, logging.getLogger("tuimail").level, len(logging.getLogger("tuimail").handlers))
    assert after == before and active_log_path() is None


def test_the_file_is_bounded_one_older_file_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tuimail.log_file.MAX_BYTES", 10_000)
    path = tmp_path / "t.log"
    with start_logging(path):
        for n in range(2_000):
            logging.getLogger("tuimail.session").warning("line %05d %s", n, "x" * 50)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["t.log", "t.log.1"]
    assert all(p.stat().st_size <= 10_100 and mode(p) == 0o600 for p in tmp_path.iterdir())
    assert "line 01999" in path.read_text()


_NO_LOG = """
import logging, sys
from tuimail.log_file import start_logging
if sys.argv[1] == "no-log":
    start_logging(None)
logging.getLogger("tuimail.session.session").error("session failed unexpectedly")
logging.getLogger("asyncio").error("Task exception was never retrieved")
"""


@pytest.mark.parametrize("setup", ["no-log", "python-default"])
def test_without_a_log_nothing_reaches_the_terminal(setup: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _NO_LOG, setup], capture_output=True, text=True, timeout=60, check=True
    )
    if setup == "python-default":  # the control: Python's last-resort handler prints them
        assert "session failed unexpectedly" in done.stderr
    else:
        assert (done.stdout, done.stderr) == ("", "")


def test_a_log_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(Exception, match=r"cannot write the log file .*file/t\.log"):
        start_logging(blocker / "t.log")
    assert active_log_path() is None


# ------------------------------------------------------------ against real servers


def _sasl_lines_redacted(lines: list[str]) -> list[str]:
    """Problems: a client line of an AUTHENTICATE exchange, or a challenge, not redacted."""
    problems: list[str] = []
    in_sasl: str | None = None
    for line in lines:
        message = line.split(") ", 1)[1] if ") " in line else line
        if message.startswith("C: ") and " AUTHENTICATE " in message:
            tag, _, mechanism, *rest = message[3:].split(" ")
            in_sasl = tag
            if rest and rest != ["<redacted>"]:
                problems.append(message)
        elif in_sasl is not None and message.startswith(f"S: {in_sasl} "):
            in_sasl = None
        elif in_sasl is not None and message.startswith("C: ") and message != "C: <redacted>":
            problems.append(message)
        elif in_sasl is not None and message.startswith("S: +") and message != "S: + <redacted>":
            problems.append(message)
    return problems


def _secrets(username: str, password: str) -> list[str]:
    plain = f"\0{username}\0{password}".encode()
    return [password, base64.b64encode(password.encode()).decode(), base64.b64encode(plain).decode()]


async def test_the_trace_in_the_file_holds_no_password_for_login_plain_and_scram(
    imap_server: ServerInfo, tmp_path: Path
) -> None:
    info = imap_server
    mechanisms = ["login", "plain"] + (["scram-sha-256"] if "SCRAM-SHA-256" in info.sasl_mechanisms else [])
    assert info.name == "pymap" or "scram-sha-256" in mechanisms
    for mechanism in mechanisms:
        path = tmp_path / f"{mechanism}.log"
        account = Account(
            "t", info.host, info.username, port=info.port, tls="none", auth=mechanism, password=info.password
        )
        with start_logging(path):
            async with started(account) as (_session, got):
                await got.wait_for(m.MailboxOpened)
        text = path.read_text()
        lines = text.splitlines()
        assert all(TIMESTAMP.match(line) for line in lines)
        for secret in _secrets(info.username, info.password):
            assert secret not in text, (mechanism, secret)
        sent = [line for line in lines if " C: " in line]
        if mechanism == "login":
            assert any(line.endswith(" LOGIN <redacted>") for line in sent), sent
        else:
            assert any(f" AUTHENTICATE {mechanism.upper()}" in line for line in sent), sent
        assert _sasl_lines_redacted(lines) == []
        assert any(" SELECT INBOX" in line or " EXAMINE INBOX" in line for line in sent)
        assert any(" S: " in line and " OK " in line for line in lines)


async def test_a_failed_login_is_in_the_log_without_the_password(
    imap_server: ServerInfo, tmp_path: Path
) -> None:
    info = imap_server
    wrong = "Wr0ng-Pa55-that-is-unmistakable"
    path = tmp_path / "t.log"
    account = Account("t", info.host, info.username, port=info.port, tls="none", password=wrong)
    with start_logging(path):
        async with started(account) as (_session, got):
            failed = await got.wait_for(m.SessionFailed)
    assert failed.kind is FailureKind.AUTH
    text = path.read_text()
    assert wrong not in text and info.password not in text
    assert re.search(r" INFO tuimail\.session\.connector .*connecting to .* failed", text), text


async def test_the_trace_follows_tls_and_shows_no_password(
    dovecot_server: ServerInfo, tmp_path: Path
) -> None:
    info = dovecot_server
    assert info.tls_port is not None
    path = tmp_path / "t.log"
    account = Account(
        "t",
        "localhost",
        info.username,
        port=info.tls_port,
        tls="implicit",
        auth="plain",
        password=info.password,
    )
    with start_logging(path):
        async with started(account, ssl_context=info.ssl_context) as (_session, got):
            await got.wait_for(m.MailboxOpened)
    text = path.read_text()
    assert "AUTHENTICATE PLAIN <redacted>" in text and "(tls=implicit)" in text
    assert all(secret not in text for secret in _secrets(info.username, info.password))
