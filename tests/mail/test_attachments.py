"""Attachment names and writing: no traversal, no hidden files, no overwrite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tuimail.mail.attachments import MAX_NAME_BYTES, safe_filename, write_new_file


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("C:\\Windows\\system32\\evil.dll", "evil.dll"),
        ("..\\..\\boot.ini", "boot.ini"),
        (".bashrc", "bashrc"),
        ("...", "attachment"),
        ("..", "attachment"),
        ("", "attachment"),
        (None, "attachment"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("a\x00b\x1b[31m.txt", "ab[31m.txt"),
        ('we<ir>d:na"me|?.txt', "we_ir_d_na_me__.txt"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("trailing. . ", "trailing"),
        ("Re\u0301sume\u0301.pdf", "Résumé.pdf"),
        ("日本語の資料.pdf", "日本語の資料.pdf"),
    ],
)
def test_safe_filename(name: str | None, expected: str) -> None:
    assert safe_filename(name) == expected


def test_fallback_is_used_for_names_that_vanish() -> None:
    assert safe_filename("\u202e\u200b", fallback="attachment-2.png") == "attachment-2.png"
    assert safe_filename("/", fallback="../x") == "x"


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = safe_filename("é" * 300 + ".pdf")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.endswith(".pdf")


def test_write_new_file_creates_the_folder_and_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "downloads" / "mail"
    first = write_new_file(folder, "a.txt", b"one")
    second = write_new_file(folder, "a.txt", b"two")
    third = write_new_file(folder, "a.txt", b"three")
    assert [p.name for p in (first, second, third)] == ["a.txt", "a (1).txt", "a (2).txt"]
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"


def test_write_new_file_does_not_follow_a_planted_symlink(tmp_path: Path) -> None:
    target = tmp_path / "victim"
    target.write_bytes(b"precious")
    folder = tmp_path / "out"
    folder.mkdir()
    os.symlink(target, folder / "x.txt")
    path = write_new_file(folder, "x.txt", b"evil")
    assert path.name == "x (1).txt"
    assert target.read_bytes() == b"precious"


def test_written_files_are_private(tmp_path: Path) -> None:
    path = write_new_file(tmp_path, "secret.txt", b"x")
    assert path.stat().st_mode & 0o077 == 0


def test_names_without_extension_get_a_plain_suffix(tmp_path: Path) -> None:
    write_new_file(tmp_path, "README", b"1")
    assert write_new_file(tmp_path, "README", b"2").name == "README (1)"


def test_write_new_file_refuses_a_name_with_a_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_new_file(tmp_path, "../escape.txt", b"x")
    assert not (tmp_path.parent / "escape.txt").exists()
