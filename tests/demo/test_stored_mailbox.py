"""The demo mailbox kept on disk between runs: the same messages, rebuilt when unreadable."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import tuimail.demo.mailbox as mailbox
from tuimail.demo import stored_mailbox
from tuimail.demo.mailbox import DemoMessage, demo_mailboxes


def test_a_second_demo_reads_the_same_mailbox_from_the_cache_folder(tmp_path: Path) -> None:
    built = demo_mailboxes(stored_in=tmp_path)
    files = list(tmp_path.glob("demo-mailbox-*.json"))
    assert len(files) == 1
    start = time.process_time()
    again = demo_mailboxes(stored_in=tmp_path)
    assert time.process_time() - start < 1.0
    assert again == built == demo_mailboxes()
    assert files[0].stat().st_mtime == list(tmp_path.glob("demo-mailbox-*.json"))[0].stat().st_mtime


def test_a_broken_or_foreign_file_is_built_again(tmp_path: Path) -> None:
    demo_mailboxes(stored_in=tmp_path)
    (path,) = tmp_path.glob("demo-mailbox-*.json")
    for junk in ('{"format": 1, "boxes": {"INBOX": [["x"]]}}', "not json", '{"format": 99}', "[]"):
        path.write_text(junk)
        assert demo_mailboxes(stored_in=tmp_path) == demo_mailboxes()
        assert path.read_text().startswith('{"format": 1')


def test_the_shipped_mailbox_is_what_the_generator_builds() -> None:
    """If this fails, the generator changed: run scripts/ship_demo_mailbox.py."""
    shipped = stored_mailbox._read(
        stored_mailbox.SHIPPED, DemoMessage, source=stored_mailbox._digest(Path(mailbox.__file__))
    )
    assert shipped is not None, "the shipped demo mailbox is missing or from another generator"
    assert shipped == demo_mailboxes()


def test_a_first_demo_takes_the_shipped_mailbox_and_builds_nothing(tmp_path: Path) -> None:
    def build() -> dict[str, list[Any]]:
        raise AssertionError("built although the shipped mailbox is this generator's")

    boxes = stored_mailbox.load_or_build(tmp_path, Path(mailbox.__file__), build, DemoMessage)
    assert boxes == demo_mailboxes()
    assert len(list(tmp_path.glob("demo-mailbox-*.json"))) == 1  # kept in the cache folder too


def test_a_shipped_mailbox_of_another_generator_or_damaged_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other_generator.py"
    other.write_text("# another version of the generator\n")
    fake = {"INBOX": [DemoMessage(b"Subject: not the demo\r\n\r\nx", [], datetime(2026, 1, 1, tzinfo=UTC))]}
    shipped = tmp_path / "shipped.json.gz"
    stored_mailbox.ship(other, fake, to=shipped)
    monkeypatch.setattr(stored_mailbox, "SHIPPED", shipped)
    built: list[int] = []

    def build() -> dict[str, list[Any]]:
        built.append(1)
        return demo_mailboxes()

    source = Path(mailbox.__file__)
    assert stored_mailbox.load_or_build(tmp_path / "a", source, build, DemoMessage) == demo_mailboxes()
    assert built == [1]  # another generator's digest: built
    assert stored_mailbox.load_or_build(tmp_path / "b", other, build, DemoMessage) == fake  # its own: used
    shipped.write_bytes(b"\x1f\x8b not gzip at all")
    assert stored_mailbox.load_or_build(tmp_path / "c", other, build, DemoMessage) == demo_mailboxes()
    assert built == [1, 1]
