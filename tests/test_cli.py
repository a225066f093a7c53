"""The tuimail command: --version, bad configs exit 2 with a one-line error, --log."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import stat
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.session.support import seeded
from tuimail import __version__
from tuimail.cli import main
from tuimail.config import ConfigError, parse_config
from tuimail.demo.server import PymapServer


def test_version_prints_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"tuimail {__version__}"


def test_bad_config_exits_2_naming_file_key_and_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[accounts.a]\nhost = "h"\nusername = "u"\ntls = "ssl"\n')
    assert main(["--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tuimail: error: ")
    assert str(path) in err and "accounts.a.tls" in err and "must be one of" in err
    assert "Traceback" not in err


def test_unknown_account_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[accounts.a]\nhost = "h"\nusername = "u"\n')
    assert main(["--config", str(path), "--account", "zz"]) == 2
    assert "no account named 'zz'" in capsys.readouterr().err


def test_no_account_configured_exits_2_naming_the_path_and_showing_an_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main([]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "tuimail" / "config.toml") in err
    assert "[accounts.mail]" in err and 'host = "imap.example.com"' in err and "tuimail --demo" in err


def test_console_script_bad_config_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("not toml at all [")
    done = subprocess.run(
        [sys.executable, "-m", "tuimail", "--config", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "not valid TOML" in done.stderr and str(path) in done.stderr
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------- --log, end to end


def _run_in_terminal(
    argv: list[str], env: dict[str, str], until: Callable[[], bool], keys: bytes
) -> tuple[int, str]:
    """Run ``argv`` in a pseudo-terminal (120x40) as a user would; once ``until()`` holds, type
    ``keys``; return the exit status and everything it wrote to the terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    output = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not until():
            assert process.poll() is None, f"exited early: {bytes(output)[-2000:]!r}"
            assert time.monotonic() < deadline, f"never ready: {bytes(output)[-2000:]!r}"
            time.sleep(0.05)
        os.write(master, keys)
        status = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(5)
        os.close(master)
    return status, bytes(output).decode("utf-8", "replace")


PASSWORD = "Zq9-unusual-Pa55word"


@pytest.mark.parametrize("where", ["option", "config"])
def test_log_writes_a_private_timestamped_trace_of_the_real_program(tmp_path: Path, where: str) -> None:
    """``tuimail --log FILE`` (or ``log_file`` in the config; the option wins) in a terminal
    against pymap: the file is 0600, has the session's trace with timestamps, no password."""
    server = PymapServer({"tester": PASSWORD}, {"tester": seeded(5)})
    server.start_in_thread()
    try:
        log, unused = tmp_path / "logs" / "trace.log", tmp_path / "unused.log"
        config = tmp_path / "config.toml"
        in_config = log if where == "config" else unused
        config.write_text(
            f'log_file = "{in_config}"\n[accounts.t]\nhost = "127.0.0.1"\nport = {server.port}\n'
            f'username = "tester"\ntls = "none"\npassword_command = "echo {PASSWORD}"\n'
        )
        argv = [sys.executable, "-m", "tuimail", "--config", str(config)]
        if where == "option":
            argv += ["--log", str(log)]
        env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TERM": "xterm-256color", "LANG": "C.UTF-8"}

        def inbox_listed() -> bool:
            return log.exists() and "Message number 5" in log.read_text(errors="replace")

        status, screen = _run_in_terminal(argv, env, inbox_listed, b"q")
    finally:
        server.stop_thread()
    assert status == 0, screen[-2000:]
    assert "Traceback" not in screen
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    lines = text.splitlines()
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ", line) for line in lines), lines[:5]
    assert any(line.endswith("C: T1 LOGIN <redacted>") for line in lines), lines[:10]
    assert " S: * 5 EXISTS" in text and " LOGOUT" in text
    assert PASSWORD not in text
    assert not unused.exists()


def test_a_log_file_that_cannot_be_written_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[accounts.a]\nhost = "h"\nusername = "u"\n')
    (tmp_path / "blocker").write_text("")
    assert main(["--config", str(path), "--log", str(tmp_path / "blocker" / "x.log")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tuimail: error: cannot write the log file ") and err.count("\n") == 1


def test_log_file_in_the_config_is_a_path_with_the_home_folder_expanded(tmp_path: Path) -> None:
    assert parse_config({"log_file": "~/t.log"}).log_file == Path.home() / "t.log"
    assert parse_config({}).log_file is None
    with pytest.raises(ConfigError, match="log_file: must be a string"):
        parse_config({"log_file": 3})


def test_an_error_escaping_the_app_is_one_line_and_logged_with_its_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuimail.ui.app import TuimailApp

    def run(self: TuimailApp) -> None:
        credentials = f"user:{PASSWORD}"  # a local a traceback with locals would show
        raise RuntimeError(f"driver failed after {len(credentials)} bytes")

    monkeypatch.setattr(TuimailApp, "run", run)
    config, log = tmp_path / "config.toml", tmp_path / "t.log"
    config.write_text('[accounts.a]\nhost = "h"\nusername = "u"\n')
    assert main(["--config", str(config), "--log", str(log)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err == f"tuimail: error: stopped on an unexpected error (RuntimeError); the details are in {log}\n"
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError: driver failed after" in text
    assert PASSWORD not in text
