"""The tuimail command: --version, bad configs exit 2 with a one-line error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tuimail import __version__
from tuimail.cli import main


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
