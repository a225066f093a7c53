"""Opening a message's link with the user's opener: only when asked, only safe schemes."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from tuimail.ui.link_opener import LinkRefused, checked_link, open_link, opener_command


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "ftp://x.example/a",
        "x.example/a",
        "https://x.example/a b",
        "https://x.example/\x1b]52;c;x\x07",
        "-https://x.example",
        "",
    ],
)
def test_links_that_are_not_http_https_or_mailto_or_hold_spaces_are_refused(url: str) -> None:
    with pytest.raises(LinkRefused):
        checked_link(url)


@pytest.mark.parametrize("url", ["https://x.example/a?b=c#d", "HTTP://x.example", "mailto:ann@x.example"])
def test_web_and_mail_links_are_accepted(url: str) -> None:
    assert checked_link(url) == url


def test_the_configured_opener_is_split_as_words_never_run_by_a_shell(tmp_path: Path) -> None:
    assert opener_command("firefox --new-tab") == ["firefox", "--new-tab"]
    assert opener_command("'my opener' -x") == ["my opener", "-x"]
    with pytest.raises(LinkRefused):
        opener_command("'unclosed")


def _recording_opener(tmp_path: Path) -> tuple[str, Path]:
    out = tmp_path / "opened.txt"
    script = tmp_path / "opener"
    script.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > {out}\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script), out


def _wait_for(path: Path) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().endswith("\n"):
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path} never written")


def test_the_opener_gets_the_link_as_one_argument_after_its_own(tmp_path: Path) -> None:
    command, out = _recording_opener(tmp_path)
    url = "https://x.example/a;$(touch${IFS}pwned)&b='c'`id`"
    process = open_link(url, f"{command} --flag")
    assert process.wait(10) == 0
    assert _wait_for(out).splitlines() == ["--flag", url]
    assert not (Path(os.getcwd()) / "pwned").exists()


def test_a_missing_opener_is_said_not_crashed(tmp_path: Path) -> None:
    with pytest.raises(LinkRefused, match="not found"):
        open_link("https://x.example", str(tmp_path / "no-such-opener"))
