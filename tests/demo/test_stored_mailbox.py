"""The demo mailbox kept on disk between runs: the same messages, rebuilt when unreadable."""

from __future__ import annotations

import time
from pathlib import Path

from tuimail.demo.mailbox import demo_mailboxes


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
